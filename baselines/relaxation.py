"""The continuous relaxation every continuous baseline searches, and the discrete levels of a space.

Continuous optimizers (CMA-ES, Gaussian CEM, REINFORCE's Gaussian policy, nevergrad on
continuous parametrizations) all search the same flat real vector of ``space.output_size``
reals and turn it into candidates with ``space.decode_flat``: the decoder that OVLR uses, so
every method is compared on one relaxation. Bounds are given to an optimizer only where the
decoder clips (bounded Box coordinates and Integer coordinates, both on ``[-1, 1]``); logits of
Binary/Categorical spaces and the random keys of a Permutation are unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ovlr_bbo.spaces import Space

__all__ = ["relaxation_bounds", "DiscreteLevels", "discrete_levels", "MAX_CATEGORICAL_LEVELS"]

#: Integer variables with more values than this are searched on the relaxation, not as categories.
MAX_CATEGORICAL_LEVELS = 64


def relaxation_bounds(space: Space) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the flat relaxation (``-inf``/``inf`` where unbounded)."""
    return space.relaxation_bounds()


@dataclass(frozen=True)
class DiscreteLevels:
    """A discrete space seen as independent categorical variables: variable ``i`` takes the
    values ``offset[i] + 0 .. counts[i] - 1`` (a bit is a variable with two values)."""

    counts: np.ndarray
    offset: np.ndarray

    @property
    def dimension(self) -> int:
        return int(self.counts.size)

    @property
    def invalid(self) -> np.ndarray:
        """Mask ``(dimension, max count)`` of table entries that are not values."""
        return np.arange(int(self.counts.max()))[None, :] >= self.counts[:, None]

    def uniform(self) -> np.ndarray:
        """The uniform probability table ``(dimension, max count)``."""
        table = np.where(self.invalid, 0.0, 1.0)
        return table / table.sum(axis=1, keepdims=True)

    def sample(self, probabilities: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` candidates, each variable drawn from its row of ``probabilities``."""
        cumulative = np.cumsum(probabilities, axis=1)
        cumulative[:, -1] = 1.0  # guard against round-off
        draws = rng.random((n, self.dimension, 1))
        index = (draws > cumulative[None]).sum(axis=2)
        return (np.minimum(index, self.counts - 1) + self.offset).astype(np.int64)

    def one_hot(self, candidates: np.ndarray) -> np.ndarray:
        """Indicator tables ``(n, dimension, max count)`` of the candidates' values."""
        index = np.asarray(candidates, dtype=np.int64) - self.offset
        table = np.zeros((len(index), self.dimension, int(self.counts.max())))
        np.put_along_axis(table, index[..., None], 1.0, axis=-1)
        return table

    def clip(self, probabilities: np.ndarray, floor: float) -> np.ndarray:
        """Each row projected onto the probabilities that are all at least ``floor``: entries
        below it are raised to ``floor`` and the others scaled down to keep the sum 1 (repeated
        while that pushes more entries below ``floor``). For two values this is exactly
        clipping ``p`` to ``[floor, 1 - floor]``. Needs ``floor * counts <= 1``."""
        valid = ~self.invalid
        p = np.where(valid, probabilities, 0.0)
        raised = np.zeros_like(valid)
        for _ in range(p.shape[1]):
            newly_low = valid & ~raised & (p < floor)
            if not newly_low.any():
                break
            raised |= newly_low
            rest = np.where(raised, 0.0, p)
            left = 1.0 - floor * raised.sum(axis=1, keepdims=True)
            total = rest.sum(axis=1, keepdims=True)
            p = np.where(raised, floor, rest * left / np.where(total > 0, total, 1.0))
        return p


def discrete_levels(space: Space) -> DiscreteLevels | None:
    """The categorical view of a Binary, Categorical or (small) Integer space, else None."""
    value_range = space.value_range()
    if value_range is None:
        return None
    lower, upper = (np.asarray(v, dtype=np.int64) for v in value_range)
    counts = upper - lower + 1
    if counts.max() > MAX_CATEGORICAL_LEVELS:
        return None
    return DiscreteLevels(counts, lower.copy())
