"""Each baseline shown to work on a problem it should solve (small sizes, fixed seeds)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import ovlr_bbo.baselines as baselines
from ovlr_bbo import spaces
from ovlr_bbo.baselines import cem, cmaes, evolutionary, nevergrad_adapter, reinforce
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.problems.binpacking import bin_loads, first_fit, packing_objective, uniform_instance


def onemax(X: np.ndarray) -> np.ndarray:
    return X.sum(axis=1)


def evaluations_to_optimum(opt, f, target: float, budget: int) -> int | None:
    """Evaluations an optimizer (maximizing ``f``) needs to reach ``target``; None if it fails."""
    while opt.evaluations < budget:
        X = opt.ask()
        opt.tell(X, f(X))
        if opt.best.score >= target:
            return opt.evaluations
    return None


@pytest.mark.parametrize("seed", [0, 1])
def test_cmaes_reaches_1e8_on_a_shifted_10d_sphere(seed):
    optimum = np.linspace(-3.0, 3.0, 10)
    opt = make_optimizer("cmaes", spaces.Box(dimension=10), seed=seed)
    while opt.best.score > 1e-8 and opt.evaluations < 5000:
        X = opt.ask()
        opt.tell(X, ((X - optimum) ** 2).sum(axis=1))
    assert opt.best.score <= 1e-8, f"{opt.best.score:.3g} after {opt.evaluations} evaluations"


def test_cmaes_leaves_numpy_global_random_state_alone():
    np.random.seed(123)  # noqa: NPY002 (the global state is the subject)
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    make_optimizer("cmaes", spaces.Box(dimension=4), seed=0).minimize(
        lambda X: (X**2).sum(axis=1), budget=200, batch=True)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_ea_solves_onemax32_within_10_n_ln_n_on_most_seeds():
    n = 32
    limit = int(10 * n * np.log(n))  # 1109
    needed = [evaluations_to_optimum(make_optimizer("ea", spaces.Binary(n), seed=seed,
                                                    maximize=True), onemax, n, limit)
              for seed in range(5)]
    assert sum(e is not None for e in needed) >= 4, needed


def test_rls_solves_onemax32():
    opt = make_optimizer("rls", spaces.Binary(32), seed=0, maximize=True)
    assert evaluations_to_optimum(opt, onemax, 32, 1109) is not None


@pytest.mark.parametrize("name", ["ea", "rls"])
def test_one_fifth_rule_converges_on_a_sphere(name):
    optimum = np.linspace(-2.0, 2.0, 5)
    opt = make_optimizer(name, spaces.Box(-5, 5, dimension=5), seed=0)
    best = opt.minimize(lambda x: float(((x - optimum) ** 2).sum()), budget=2000)
    assert best.score < 1e-10


@pytest.mark.parametrize("name", ["cem", "cem-seed", "reinforce"])
def test_beats_random_search_on_onemax32(name):
    for seed in range(3):
        learned = make_optimizer(name, spaces.Binary(32), seed=seed, maximize=True)
        rand = make_optimizer("random", spaces.Binary(32), seed=seed, maximize=True)
        scores = [o.minimize(onemax, budget=512, batch=True).score for o in (learned, rand)]
        assert scores[0] > scores[1], scores


def test_cem_beats_random_search_on_small_bin_packing():
    instance = uniform_instance(40, seed=7)  # Falkenauer-style: U{20..100}, capacity 150

    def objective(order: np.ndarray) -> float:
        """First Fit in the candidate's item order (random keys); ``bins + (1 - F)``."""
        loads = bin_loads(instance.weights, first_fit(instance, order))
        return float(packing_objective(loads, instance.capacity))

    space = spaces.Permutation(instance.n_items)
    cem_scores = [make_optimizer("cem", space, seed=s).minimize(objective, 1000).score
                  for s in range(3)]
    random_scores = [make_optimizer("random", space, seed=s).minimize(objective, 1000).score
                     for s in range(3)]
    assert np.mean(cem_scores) < np.mean(random_scores), (cem_scores, random_scores)
    # measured: CEM packs 2 of these 3 runs into 18 bins (the L2 bound), random search none
    assert min(np.floor(cem_scores)) < min(np.floor(random_scores)), (cem_scores, random_scores)


def test_nevergrad_adapter_solves_onemax32():
    opt = make_optimizer("ng:DiscreteLenglerOnePlusOne", spaces.Binary(32), seed=0,
                         maximize=True, budget=512)
    assert opt.minimize(onemax, budget=512, batch=True).score == 32


def test_nevergrad_adapter_uses_integer_casting_for_discrete_spaces():
    space = spaces.Integer(-3, 3, dimension=4)
    parametrization = nevergrad_adapter.make_parametrization(space)
    assert np.asarray(parametrization.value).dtype.kind == "i"
    np.testing.assert_array_equal(parametrization.bounds[0], space.lb)


def test_cem_seed_setting_is_the_seed_repositorys():
    opt = make_optimizer("cem-seed", spaces.Binary(10), seed=0)
    assert (opt.popsize, opt.n_elites, opt.smoothing, opt.probability_floor) == (32, 8, 0.7, 1e-3)
    opt.minimize(lambda X: X.sum(axis=1), budget=32 * 40, batch=True)
    assert opt.probabilities[:, 1].min() == pytest.approx(1e-3)  # clipped, not 0


@pytest.mark.parametrize("module", [cem, cmaes, evolutionary, nevergrad_adapter, reinforce])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"baselines": baselines})
    assert result.failed == 0 and result.attempted > 0


def test_cmaes_takes_outstanding_batches_told_in_any_order():
    """pycma takes one tell per iteration; the first batch told updates it, the others count."""
    opt, told = make_optimizer("cmaes", spaces.Box(dimension=5), seed=0), 0
    for round_ in range(300):
        batches = [opt.ask(), opt.ask(), opt.ask()]
        for X in (batches[::-1] if round_ % 2 else batches):
            opt.tell(X, (X**2).sum(axis=1))
            told += len(X)
    assert opt.evaluations == told
    assert opt.best.score < 1e-8, opt.best.score


def test_cmaes_restarts_on_a_flat_objective_keep_the_population_bounded():
    """pycma stops after every iteration on a flat objective; IPOP must not double forever."""
    opt = make_optimizer("cmaes", spaces.Binary(3), seed=0, max_popsize=64)
    for _ in range(40):
        X = opt.ask()
        opt.tell(X, np.zeros(len(X)))
    assert opt.n_restarts >= 30 and opt.popsize == 64
    with pytest.raises(ValueError, match="max_popsize"):
        make_optimizer("cmaes", spaces.Binary(3), popsize=10, max_popsize=8)


@pytest.mark.parametrize("space", [spaces.Binary(1), spaces.Categorical(1, 1), spaces.Box(
    dimension=1), spaces.Integer(0, 1, dimension=1), spaces.Permutation(1)], ids=repr)
def test_cem_works_on_one_variable(space):
    opt = make_optimizer("cem", space, seed=0)
    best = opt.minimize(lambda x: float(np.asarray(x, dtype=float).sum()), budget=200)
    assert best.evaluations == 200 and best.x is not None
    if isinstance(space, spaces.Binary):
        assert best.score == 0 and 0 < opt.probability_floor < 0.5


@pytest.mark.parametrize("space", [spaces.Binary(20), spaces.Integer(0, 4, dimension=6),
                                   spaces.Categorical(6, [1, 2, 3, 4, 2, 3])], ids=repr)
def test_rls_changes_exactly_one_movable_position(space):
    opt = make_optimizer("rls", space, seed=0, popsize=4)
    X = opt.ask()
    opt.tell(X, [objective_sum(x) for x in X])
    changes = []
    for _ in range(30):
        parent, X = opt.recommend(), opt.ask()
        changes += (X != parent).sum(axis=1).tolist()
        opt.tell(X, [objective_sum(x) for x in X])
    # a categorical variable with one value cannot change: RLS drew it and changed nothing
    assert set(changes) <= {0, 1} and changes.count(1) > 0.7 * len(changes), changes
    if not isinstance(space, spaces.Categorical):
        assert set(changes) == {1}


@pytest.mark.parametrize("space", [spaces.Integer(0, 4, dimension=6),
                                   spaces.Categorical(6, [2, 3, 4, 2, 3, 5])], ids=repr)
def test_ea_mutation_draws_another_value(space):
    """With rate 1 every position mutates, to a value other than its current one."""
    opt = make_optimizer("ea", space, seed=0, rate=1.0)
    X = opt.ask()
    opt.tell(X, [objective_sum(x) for x in X])
    for _ in range(30):
        parent, X = opt.recommend(), opt.ask()
        assert (X != parent).all(), (parent, X)
        opt.tell(X, [objective_sum(x) for x in X])


def objective_sum(x: np.ndarray) -> float:
    return float(np.sum(x))
