"""Random search: uniform samples of the space (``space.sample``), learning nothing."""

from __future__ import annotations

from typing import Any

import numpy as np

from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

__all__ = ["RandomSearch"]


class RandomSearch(AskTellOptimizer):
    """Uniform random search (an unbounded Box is sampled from ``N(0, scale^2)`` per coordinate).

    Settings: ``popsize`` (candidates per ask, default 10; it changes nothing but the batching).
    """

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, popsize: int = 10):
        super().__init__(space, seed=seed, maximize=maximize)
        if int(popsize) < 1:
            raise ValueError(f"popsize must be at least 1, got {popsize}")
        self._popsize = int(popsize)

    def _ask(self) -> tuple[np.ndarray, Any]:
        return self.space.sample(self._rng, self._popsize).astype(self.space.dtype), None

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        """Random search learns nothing; the base class tracks the best."""
