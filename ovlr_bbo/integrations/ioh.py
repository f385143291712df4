"""IOHexperimenter-native use: any optimizer of the registry as an ``ioh`` algorithm.

IOHprofiler users write an algorithm as a callable on an ``ioh`` problem. :class:`Algorithm`
is one, for every name :func:`ovlr_bbo.optimizers.make_optimizer` knows:

>>> import ioh
>>> from ovlr_bbo.integrations.ioh import Algorithm
>>> algorithm = Algorithm("ovlr", budget_factor=20, seed=0)
>>> problem = ioh.get_problem(1, 1, 16, ioh.ProblemClass.PBO)
>>> algorithm(problem)
>>> problem.state.evaluations <= 320, problem.state.current_best.y
(True, 16.0)

It infers the search space from the problem (PBO -> binary, ioh integer -> integer range,
BBOB/real -> box from the bounds, the project's bin-packing problems -> their encodings), gives
the optimizer the budget that remains (a problem may arrive with evaluations spent), evaluates
each batch one candidate after another and stops at once when ``problem.state.optimum_found``
(the rest of the batch is told as never evaluated) or the budget is spent. Inside
``ioh.Experiment`` (which deep-copies the algorithm for every problem and runs the repetitions
on that copy), repetition ``r`` of problem ``(fid, instance, dimension)`` is seeded from
``(seed, fid, instance, dimension, r)`` (:func:`~ovlr_bbo.optimizers.derive_seed`):
repetitions differ, and a rerun gives the same numbers whatever ``njobs`` is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..ask_tell import AskTellOptimizer
from ..optimizers import check_optimizer_name, derive_seed, make_optimizer
from ..problems.ioh_suites import from_ioh

__all__ = ["Algorithm", "minimize_until"]


def minimize_until(optimizer: AskTellOptimizer, evaluate: Callable[[np.ndarray], np.ndarray],
                   budget: int, done: Callable[[], bool], chunk: int = 1) -> int:
    """Ask/tell ``optimizer`` on the batch function ``evaluate`` for at most ``budget``
    evaluations, ``chunk`` rows at a time, and stop as soon as ``done()`` (checked after every
    chunk): the rows of the batch not evaluated then are told as never evaluated
    (``tell(..., evaluated=mask)``, as the budget cut of :meth:`AskTellOptimizer.minimize`).
    Returns the evaluations spent."""
    used = 0
    while used < budget and not done():
        candidates = optimizer.ask()
        rows = min(len(candidates), budget - used)
        scores = np.full(len(candidates), np.nan)
        evaluated = np.zeros(len(candidates), dtype=bool)
        start = 0
        while start < rows:
            end = min(start + chunk, rows)
            scores[start:end] = np.asarray(evaluate(candidates[start:end]), dtype=float)
            evaluated[start:end] = True
            start = end
            if done():
                break
        optimizer.tell(candidates, scores, evaluated=evaluated)
        used += int(evaluated.sum())
    return used


class Algorithm:
    """An ioh algorithm: ``Algorithm(name, budget=... | budget_factor=..., seed=...)(problem)``.

    Attributes that IOH loggers can watch (``logger.watch(algorithm, [...])``) or store per run
    (``add_run_attributes``): ``evaluations``, ``generations``, ``best_score``, ``sigma`` (NaN for
    optimizers without one), ``run`` (repetitions started on this object) and ``run_seed``.
    """

    def __init__(self, optimizer: str = "ovlr", *, budget: int | None = None,
                 budget_factor: float | None = None, seed: int = 0, **settings: Any):
        if (budget is None) == (budget_factor is None):
            raise ValueError("give exactly one of budget (evaluations per run) or "
                             "budget_factor (evaluations per run = budget_factor * dimension)")
        if (budget is not None and budget < 1) or (budget_factor is not None
                                                   and not budget_factor > 0):
            raise ValueError(f"the budget must be positive, got budget={budget}, "
                             f"budget_factor={budget_factor}")
        check_optimizer_name(optimizer)
        self.optimizer_name = optimizer
        self.budget, self.budget_factor = budget, budget_factor
        self.seed = int(seed)
        self.settings = settings
        self.run = 0
        self.run_seed = -1
        self._optimizer: AskTellOptimizer | None = None

    def __repr__(self) -> str:
        return self.optimizer_name  # ioh.Experiment names the algorithm after str(algorithm)

    def __call__(self, problem: Any) -> None:
        bench = from_ioh(problem)
        budget = self._budget(bench.dimension)
        meta = problem.meta_data
        self.run_seed = derive_seed(self.seed, meta.problem_id, meta.instance,
                                    meta.n_variables, self.run)
        self.run += 1
        self._optimizer = None
        remaining = budget - problem.state.evaluations
        if remaining < 1 or problem.state.optimum_found:
            return
        self._optimizer = make_optimizer(self.optimizer_name, bench.space, seed=self.run_seed,
                                         maximize=bench.maximize, budget=remaining,
                                         **self.settings)
        minimize_until(self._optimizer, bench.evaluate, remaining,
                       lambda: bool(problem.state.optimum_found))

    def _budget(self, dimension: int) -> int:
        if self.budget is not None:
            return int(self.budget)
        assert self.budget_factor is not None  # __init__ requires one of the two
        return max(1, math.floor(self.budget_factor * dimension))

    @property
    def optimizer(self) -> AskTellOptimizer | None:
        """The optimizer of the latest run (None before the first run or when the problem came
        with its budget spent)."""
        return self._optimizer

    # ------------------------------------------------------------ watched attributes
    @property
    def evaluations(self) -> float:
        return float(self._optimizer.evaluations) if self._optimizer else 0.0

    @property
    def generations(self) -> float:
        return float(self._optimizer.generations) if self._optimizer else 0.0

    @property
    def best_score(self) -> float:
        return float(self._optimizer.best.score) if self._optimizer else math.nan

    @property
    def sigma(self) -> float:
        return float(getattr(self._optimizer, "sigma", math.nan))
