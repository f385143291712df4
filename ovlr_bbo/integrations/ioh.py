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
BBOB/real -> box from the bounds, the project's bin-packing problems -> their encodings), stops
when the budget is spent or ``problem.state.optimum_found``, evaluates in batches and never
evaluates past the budget. Inside ``ioh.Experiment`` (which deep-copies the algorithm for every
problem and runs the repetitions on that copy), repetition ``r`` of problem ``(fid, instance,
dimension)`` is seeded from ``(seed, fid, instance, dimension, r)``: repetitions differ, and a
rerun gives the same numbers whatever ``njobs`` is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ask_tell import AskTellOptimizer
from ..optimizers import NEVERGRAD_PREFIX, make_optimizer, optimizer_names
from ..problems.ioh_suites import from_ioh

__all__ = ["Algorithm"]


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
        if optimizer not in optimizer_names() and not optimizer.startswith(NEVERGRAD_PREFIX):
            raise ValueError(f"unknown optimizer {optimizer!r}; known names: "
                             f"{', '.join(optimizer_names())}, and {NEVERGRAD_PREFIX}<Name>")
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
        self.run_seed = int(np.random.SeedSequence(
            [self.seed, meta.problem_id, meta.instance, meta.n_variables, self.run]
        ).generate_state(1)[0])
        self.run += 1
        self._optimizer = make_optimizer(self.optimizer_name, bench.space, seed=self.run_seed,
                                         maximize=bench.maximize, budget=budget, **self.settings)
        remaining = budget - problem.state.evaluations
        if remaining > 0:
            self._optimizer.minimize(bench.evaluate, remaining, batch=True,
                                     stop=lambda: bool(problem.state.optimum_found))

    def _budget(self, dimension: int) -> int:
        if self.budget is not None:
            return int(self.budget)
        return max(1, math.floor(self.budget_factor * dimension))

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
