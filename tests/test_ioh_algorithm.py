"""ovlr_bbo.integrations.ioh.Algorithm on real ioh problems, loggers and ioh.Experiment."""

import ioh
import numpy as np
import pytest

from ovlr_bbo import spaces
from ovlr_bbo.integrations.ioh import Algorithm
from ovlr_bbo.problems import binpacking, triplet_instance


def _pbo(fid=1, dimension=16):
    return ioh.get_problem(fid, 1, dimension, ioh.ProblemClass.PBO)


@pytest.mark.parametrize("name", ["ovlr", "ea", "cmaes", "cem", "random"])
def test_never_evaluates_past_the_budget(name):
    problem = _pbo(fid=2, dimension=32)  # LeadingOnes: not solved within 50 evaluations
    Algorithm(name, budget=50, seed=0)(problem)
    assert problem.state.evaluations == 50


class FirstHit(ioh.logger.AbstractLogger):
    """Records the evaluation at which the problem's optimum was first reached."""

    def __init__(self, optimum: float):
        super().__init__(triggers=[ioh.logger.trigger.ALWAYS])
        self.optimum, self.hit = optimum, None

    def __call__(self, info):
        if self.hit is None and info.raw_y >= self.optimum:
            self.hit = info.evaluations

    def reset(self):
        self.hit = None

    def close(self):
        pass


@pytest.mark.parametrize("seed", range(4))
def test_stops_at_the_optimum_within_a_batch(seed):
    problem = _pbo(fid=1, dimension=8)
    logger = FirstHit(problem.optimum.y)
    problem.attach_logger(logger)
    algorithm = Algorithm("ovlr", budget_factor=500, seed=seed)
    algorithm(problem)
    assert problem.state.optimum_found
    assert algorithm.optimizer.popsize > 1  # batches of several candidates
    assert problem.state.evaluations == logger.hit  # not a candidate more
    assert algorithm.optimizer.evaluations == logger.hit


def test_nevergrad_gets_the_remaining_budget():
    problem = _pbo(fid=2, dimension=32)
    rng = np.random.default_rng(0)
    problem(rng.integers(0, 2, size=(30, 32)).tolist())  # 30 evaluations spent before
    algorithm = Algorithm("ng:OnePlusOne", budget=50, seed=0)
    algorithm(problem)
    assert algorithm.optimizer.budget == 20
    assert problem.state.evaluations == 50


def test_a_spent_budget_runs_nothing():
    problem = _pbo(fid=2, dimension=32)
    problem(np.zeros((5, 32), dtype=int).tolist())
    algorithm = Algorithm("ovlr", budget=5, seed=0)
    algorithm(problem)
    assert algorithm.optimizer is None and problem.state.evaluations == 5


@pytest.mark.parametrize("problem, space, bounds", [
    (ioh.get_problem(1, 1, 3, ioh.ProblemClass.BBOB), spaces.Box, (-5, 5)),
    (ioh.get_problem(31, 1, 4, ioh.ProblemClass.INTEGER), spaces.Integer, None),
    (binpacking(triplet_instance(9, seed=0), encoding="keys").problem, spaces.RandomKeys, None),
    (binpacking(triplet_instance(9, seed=0), encoding="assignment").problem, spaces.Integer,
     None),
    (ioh.get_problem(3, 1, 6, ioh.ProblemClass.PBO), spaces.Binary, None),
], ids=["bbob", "integer", "binpack-keys", "binpack-assignment", "pbo"])
def test_infers_the_space_of_any_problem_kind(problem, space, bounds):
    algorithm = Algorithm("ovlr", budget=40, seed=0)
    algorithm(problem)
    inferred = algorithm.optimizer.space
    assert type(inferred) is space and inferred.dimension == problem.meta_data.n_variables
    if space is spaces.Integer:
        assert np.array_equal(inferred.lb, problem.bounds.lb)
        assert np.array_equal(inferred.ub, problem.bounds.ub)
    if bounds is not None:
        assert np.all(inferred.lb == bounds[0]) and np.all(inferred.ub == bounds[1])
    assert problem.state.evaluations == 40 or problem.state.optimum_found


def test_repetitions_differ_and_reruns_repeat():
    def best_values(algorithm):
        problem, values = _pbo(fid=2, dimension=32), []
        for _ in range(3):
            algorithm(problem)
            values.append(problem.state.current_best.y)
            problem.reset()
        return values

    first = best_values(Algorithm("ovlr", budget=64, seed=1))
    assert len(set(first)) > 1
    assert first == best_values(Algorithm("ovlr", budget=64, seed=1))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="exactly one"):
        Algorithm("ovlr")
    with pytest.raises(ValueError, match="unknown optimizer 'simulated-annealing'; optimizers"):
        Algorithm("simulated-annealing", budget=10)
    with pytest.raises(ValueError, match="nevergrad has no optimizer named 'NotReal'"):
        Algorithm("ng:NotReal", budget=10)
    with pytest.raises(ValueError, match="positive"):
        Algorithm("ovlr", budget=0)


def _experiment_runs(tmp_path, njobs):
    algorithm = Algorithm("ovlr", budget_factor=4, seed=0)
    experiment = ioh.Experiment(
        algorithm, fids=[1, 2], iids=[1], dims=[16], reps=2, problem_class=ioh.ProblemClass.PBO,
        njobs=njobs, output_directory=str(tmp_path), folder_name=f"jobs{njobs}",
        zip_output=False, run_attributes=["run_seed"], logged_attributes=["sigma", "generations"])
    experiment()
    import iohinspector

    manager = iohinspector.DataManager()
    manager.add_folder(str(tmp_path / f"jobs{njobs}"))
    frame = manager.load(monotonic=True, include_meta_data=True)
    return frame.sort(["function_id", "run_id", "evaluations"])


def test_inside_ioh_experiment_with_watched_attributes_and_njobs(tmp_path):
    single = _experiment_runs(tmp_path, njobs=1)
    parallel = _experiment_runs(tmp_path, njobs=2)
    assert single["data_id"].n_unique() == 4
    assert {"sigma", "generations"} <= set(single.columns)
    columns = ["function_id", "evaluations", "raw_y"]
    assert single.select(columns).equals(parallel.select(columns))
