"""(1+1) evolutionary algorithm and randomised local search (RLS), working on candidates.

One parent; each ask returns ``popsize`` (default 1) mutants of it; a mutant replaces the parent
when its loss is at least as good (ties accepted, so plateaus are crossed). The first ask returns
``popsize`` uniform samples of the space, the best of which becomes the parent. Mutations:

* Binary: standard bit mutation, each bit flips with probability ``rate`` (default ``1/n``);
  RLS flips exactly one bit. ``at_least_one=True`` redraws a mutation that changed nothing
  (the "(1+1) EA>0" variant); the default keeps the textbook operator.
* Integer / Categorical: each position mutates with probability ``rate`` (RLS: exactly one) and
  is redrawn uniformly among its OTHER values (with two values this is a bit flip).
* Permutation: ``1 + Poisson(1)`` random swaps (RLS: exactly one swap).
* Box: Gaussian mutation of the standardized output (``space.encode``), all coordinates (RLS:
  one random coordinate), step size ``sigma`` (default 0.3) adapted by the 1/5th success rule:
  ``sigma *= exp(1/3)`` after a success, ``sigma *= exp(-1/12)`` after a failure (stationary at a
  success rate of 1/5).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

from .relaxation import relaxation_bounds

__all__ = ["OnePlusOneEA", "RLS"]


class OnePlusOneEA(AskTellOptimizer):
    """(1+1) EA with standard bit mutation (and its analogues for the other space kinds).

    >>> from ovlr_bbo import spaces
    >>> opt = OnePlusOneEA(spaces.Binary(16), seed=0, maximize=True)
    >>> int(opt.minimize(lambda x: x.sum(), budget=500).score)
    16
    """

    single_change = False

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, popsize: int = 1, rate: float | None = None,
                 at_least_one: bool = False, sigma: float = 0.3):
        super().__init__(space, seed=seed, maximize=maximize)
        if int(popsize) < 1:
            raise ValueError(f"popsize must be at least 1, got {popsize}")
        rate = 1.0 / space.dimension if rate is None else float(rate)
        if not 0 < rate <= 1:
            raise ValueError(f"rate must be in (0, 1], got {rate}")
        if not sigma > 0:
            raise ValueError(f"sigma must be positive, got {sigma}")
        self._popsize = int(popsize)
        self.rate = rate
        self.at_least_one = bool(at_least_one)
        self.sigma = float(sigma)
        self.parent: np.ndarray | None = None
        self.parent_loss = np.inf
        self._lower, self._upper = relaxation_bounds(space)

    def _ask(self) -> tuple[np.ndarray, Any]:
        if self.parent is None:
            return self.space.sample(self._rng, self._popsize).astype(self.space.dtype), None
        mutants = np.stack([self._mutate(self.parent) for _ in range(self._popsize)])
        return mutants.astype(self.space.dtype), None

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        best = int(np.argmin(losses))
        success = bool(losses[best] <= self.parent_loss)
        if success:
            self.parent, self.parent_loss = np.array(candidates[best]), float(losses[best])
        if not self.space.discrete:
            self.sigma *= np.exp(1 / 3) if success else np.exp(-1 / 12)  # 1/5th success rule

    def _recommend(self) -> np.ndarray | None:
        return None if self.parent is None else self.parent.copy()

    # ----------------------------------------------------------------- mutations
    def _positions(self, n: int) -> np.ndarray:
        """Indices to mutate: one (RLS) or each with probability ``rate``."""
        if self.single_change:
            return self._rng.integers(n, size=1)
        while True:
            chosen = np.flatnonzero(self._rng.random(n) < self.rate)
            if chosen.size or not self.at_least_one:
                return chosen

    def _mutate(self, parent: np.ndarray) -> np.ndarray:
        if not self.space.discrete:
            return self._gaussian(parent)
        if self.space.value_range() is None:  # an ordering: its values are a permutation
            return self._swap(parent)
        child = parent.copy()
        positions = self._positions(child.size)
        lower, upper = self._value_range(positions)
        movable = upper > lower  # a categorical variable with a single value cannot change
        positions, lower, upper = positions[movable], lower[movable], upper[movable]
        # a uniform draw among the OTHER values: draw from count - 1 and skip the current one
        draws = lower + self._rng.integers(0, upper - lower, size=positions.size)
        child[positions] = np.where(draws >= child[positions], draws + 1, draws)
        return child

    def _value_range(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inclusive value range of the given positions for Binary, Integer and Categorical."""
        value_range = self.space.value_range()
        assert value_range is not None, "_mutate sends orderings and boxes elsewhere"
        lower, upper = value_range
        return np.asarray(lower)[positions], np.asarray(upper)[positions]

    def _swap(self, parent: np.ndarray) -> np.ndarray:
        child = parent.copy()
        n_swaps = 1 if self.single_change else 1 + int(self._rng.poisson(1.0))
        for _ in range(n_swaps if child.size > 1 else 0):
            i, j = self._rng.choice(child.size, size=2, replace=False)
            child[[i, j]] = child[[j, i]]
        return child

    def _gaussian(self, parent: np.ndarray) -> np.ndarray:
        output = self.space.encode(parent[None])[0]
        step = self.sigma * self._rng.standard_normal(output.size)
        if self.single_change:
            step = np.where(np.arange(output.size) == self._rng.integers(output.size), step, 0.0)
        return self.space.decode(np.clip(output + step, self._lower, self._upper)[None])[0]


class RLS(OnePlusOneEA):
    """Randomised local search: the (1+1) scheme changing exactly one position per mutation."""

    single_change = True
