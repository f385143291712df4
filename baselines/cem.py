"""Cross-entropy method (CEM) with a Gaussian or a categorical search distribution.

Each generation samples ``popsize`` candidates, keeps the best ``elite_fraction`` of them and
moves the distribution towards the elites' maximum-likelihood fit with exponential smoothing:
``param <- smoothing * fit + (1 - smoothing) * param``.

* Binary, Categorical and Integer spaces (up to :data:`~.relaxation.MAX_CATEGORICAL_LEVELS`
  values per variable) use independent categorical variables (Bernoulli for bits); every
  probability is kept at least ``probability_floor`` so no value is lost for good.
* Box, Permutation (random keys) and large Integer spaces use a diagonal Gaussian on the flat
  continuous relaxation decoded by ``space.decode_flat``; its standard deviation starts at
  ``initial_std`` and never drops below ``min_std`` (both in the space's standardized units).

Defaults: ``popsize=50, elite_fraction=0.2, smoothing=0.7, probability_floor=None`` (meaning
``1 / (k * max(dimension, 2))`` for variables of at most ``k`` values, i.e. ``1 / (2n)`` for bits:
the usual EDA margin, which keeps about one mutation-like change per sample; the floor is not
used, nor checked, on continuous spaces),
``initial_std=0.5, min_std=1e-6``. The seed repository's CEM is :data:`SEED_SETTINGS`
(population 32, top 25%, smoothing 0.7, p clipped to ``[1e-3, 1 - 1e-3]``), registered as
``cem-seed``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

from .relaxation import discrete_levels, relaxation_bounds

__all__ = ["CEM", "SEED_SETTINGS"]

#: The seed repository's CEM setting (its IOH experiment: independent Bernoulli variables).
SEED_SETTINGS: dict[str, Any] = {
    "popsize": 32, "elite_fraction": 0.25, "smoothing": 0.7, "probability_floor": 1e-3,
}


class CEM(AskTellOptimizer):
    """Cross-entropy method on any search space.

    >>> from ovlr_bbo import spaces
    >>> opt = CEM(spaces.Binary(16), seed=0, maximize=True)
    >>> int(opt.minimize(lambda x: x.sum(), budget=1000).score)
    16
    """

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, popsize: int = 50, elite_fraction: float = 0.2,
                 smoothing: float = 0.7, probability_floor: float | None = None,
                 initial_std: float = 0.5, min_std: float = 1e-6):
        super().__init__(space, seed=seed, maximize=maximize)
        if int(popsize) < 2:
            raise ValueError(f"popsize must be at least 2, got {popsize}")
        if not 0 < elite_fraction <= 1:
            raise ValueError(f"elite_fraction must be in (0, 1], got {elite_fraction}")
        if not 0 < smoothing <= 1:
            raise ValueError(f"smoothing must be in (0, 1], got {smoothing}")
        if not (initial_std > 0 and min_std >= 0):
            raise ValueError(f"need initial_std > 0 and min_std >= 0, got {initial_std}, {min_std}")
        self._popsize = int(popsize)
        self.n_elites = max(1, int(round(elite_fraction * self._popsize)))
        self.smoothing = float(smoothing)
        self.levels = discrete_levels(space)
        most_values = 2 if self.levels is None else int(self.levels.counts.max())
        if probability_floor is None:  # 1 / (2n) for n >= 2 bits; one variable: 1 / (2k)
            probability_floor = 1.0 / (most_values * max(space.dimension, 2))
        if self.levels is not None and not 0 <= probability_floor < 1.0 / most_values:
            raise ValueError(f"probability_floor must be in [0, 1 / {most_values}) for "
                             f"{space!r}, got {probability_floor}")
        self.probability_floor = float(probability_floor)
        self.min_std = float(min_std)
        if self.levels is not None:
            self.probabilities = self.levels.uniform()
        else:
            self.mean = space.initial_output().reshape(-1).astype(float)
            self.std = np.full(space.output_size, float(initial_std))
            self._lower, self._upper = relaxation_bounds(space)

    def _ask(self) -> tuple[np.ndarray, Any]:
        if self.levels is not None:
            return self.levels.sample(self.probabilities, self._rng, self._popsize), None
        noise = self._rng.standard_normal((self._popsize, self.space.output_size))
        vectors = np.clip(self.mean + self.std * noise, self._lower, self._upper)
        return self.space.decode_flat(vectors), vectors

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        elites = np.argsort(losses, kind="stable")[: self.n_elites]
        keep = 1.0 - self.smoothing
        if self.levels is not None:
            fit = self.levels.one_hot(candidates[elites]).mean(axis=0)
            mixed = self.smoothing * fit + keep * self.probabilities
            self.probabilities = self.levels.clip(mixed, self.probability_floor)
            return
        elite_vectors = memo[elites]
        self.mean = self.smoothing * elite_vectors.mean(axis=0) + keep * self.mean
        self.std = np.maximum(self.smoothing * elite_vectors.std(axis=0) + keep * self.std,
                              self.min_std)

    def _recommend(self) -> np.ndarray:
        """The distribution's mode (most likely values, or the decoded mean)."""
        if self.levels is not None:
            return self.probabilities.argmax(axis=1) + self.levels.offset
        return self.space.decode_flat(self.mean[None])[0]
