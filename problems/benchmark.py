"""The one object every optimizer and runner in ovlr-bbo gets: an ``ioh`` problem with its space.

:class:`BenchmarkProblem` bundles the ``ioh`` problem (which counts evaluations and feeds any
attached IOH logger), the search space whose decoded candidates the problem accepts, and the
direction. Direction is handled here and nowhere else: :meth:`BenchmarkProblem.evaluate` returns
the problem's own values, :meth:`BenchmarkProblem.losses` the values to minimise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ovlr_bbo.spaces import Space

__all__ = ["BenchmarkProblem"]


@dataclass(eq=False)
class BenchmarkProblem:
    """An ``ioh`` problem, the search space optimizers should use for it, and its direction.

    Attributes:
        name: canonical name, e.g. ``"pbo-f1-i1-d32"`` or ``"binpack-triplet30-s0-keys"``;
            :func:`ovlr_bbo.problems.make_problem` rebuilds the problem from it.
        problem: the ``ioh`` problem object (attach IOH loggers to it).
        space: candidates decoded by this space are exactly what ``problem`` accepts.
        maximize: True when larger values are better (PBO); optimizers minimise :meth:`losses`.
        optimum: the optimal value where known (for bin packing: the optimal bin count), else None.
    """

    name: str
    problem: Any
    space: Space
    maximize: bool
    optimum: float | None

    @property
    def dimension(self) -> int:
        """Length of a candidate."""
        return self.space.dimension

    def evaluate(self, candidates: np.ndarray) -> np.ndarray:
        """Values of a batch of candidates ``(batch, dimension)`` (one candidate: 1-D).

        Every row goes through ``problem(X)``, so ioh counts it and attached loggers record it.
        Raises ValueError for wrong shapes, non-finite reals (which ioh would silently skip) and
        discrete values outside the space.
        """
        X = self._prepare(candidates)
        return np.asarray(self.problem(X), dtype=np.float64).reshape(X.shape[0])

    def losses(self, candidates: np.ndarray) -> np.ndarray:
        """What optimizers minimise: :meth:`evaluate`, negated for maximisation problems."""
        return self.to_loss(self.evaluate(candidates))

    def to_loss(self, values: np.ndarray | float) -> np.ndarray:
        """Problem values -> losses (negated when ``maximize``)."""
        values = np.asarray(values, dtype=np.float64)
        return -values if self.maximize else values

    def hits_target(self, values: np.ndarray | float) -> np.ndarray:
        """Whether each value reaches the problem's final target, as ioh's
        ``state.final_target_found`` judges it (all False when no optimum is known)."""
        values = np.asarray(values, dtype=np.float64)
        optimum, precision = self.problem.optimum.y, self.problem.meta_data.final_target
        if not np.isfinite(optimum):
            return np.zeros(values.shape, dtype=bool)
        gap = optimum - values if self.maximize else values - optimum
        return gap <= precision

    @property
    def solved(self) -> bool:
        """Whether the current run has reached the final target (ioh's own flag)."""
        return bool(self.problem.state.final_target_found)

    @property
    def evaluations(self) -> int:
        """Evaluations counted by ioh in the current run."""
        return int(self.problem.state.evaluations)

    @property
    def best_value(self) -> float:
        """Best value of the current run (ioh's ``state.current_best.y``)."""
        return float(self.problem.state.current_best.y)

    def reset(self) -> None:
        """End the current run: ioh resets its state and attached loggers close the run."""
        self.problem.reset()

    def attach_logger(self, logger: Any) -> None:
        """Attach an IOH logger (e.g. ``ioh.logger.Analyzer``) to the problem."""
        self.problem.attach_logger(logger)

    def detach_logger(self) -> None:
        """Detach the IOH logger."""
        self.problem.detach_logger()

    def _prepare(self, candidates: np.ndarray) -> np.ndarray:
        X = self.space.validate(candidates)
        if self.space.dtype is np.float64 or not self.space.discrete:
            X = np.ascontiguousarray(X, dtype=np.float64)
            if not np.isfinite(X).all():
                raise ValueError(f"{self.name}: candidates contain NaN or inf (row "
                                 f"{int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])})")
            return X
        if X.dtype.kind == "f":
            if not np.array_equal(X, np.round(X)):
                raise ValueError(f"{self.name}: {self.space!r} takes whole numbers, got fractions")
        elif X.dtype.kind not in "iub":
            raise TypeError(f"{self.name}: candidates must be numbers, got dtype {X.dtype}")
        X = np.ascontiguousarray(X, dtype=np.int64)
        value_range = self.space.value_range()
        if value_range is not None:
            lb, ub = value_range
            if ((X < lb) | (X > ub)).any():
                raise ValueError(f"{self.name}: candidates outside the bounds of {self.space!r}")
        return X
