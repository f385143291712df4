"""Pair sweeps for the ``escape`` part: every pair of single moves around a local optimum.

Some local optima of single moves are left by one move of two at once and by nothing smaller:
OneMax with ruggedness 2 (PBO f9), whose even levels are each one two-bit step from the next; a
queen moved on the N-Queens board (one bit off, one on). A random kick of size two finds the one
good pair of ``m`` moves in about ``m^2 / 2`` tries on average and far more in the worst case (it
draws with replacement), the heavy tail of kick sizes spends most tries elsewhere, and a pair
sweep finds it in ``m^2 / 4`` on average, ``m^2 / 2`` at worst, and then knows that no pair is left.

A sweep belongs to one elite (its version): the pairs of its moves, taken a batch at a time; it
is dropped when the elite changes. The order interleaves two: by the sum of the pair's single-move
deltas (each move's loss minus the elite's, as the polish told them around this elite; pairs of
two neutral moves last, since two independent neutral moves make a neutral pair), and at random.
On f9 the good pair is that of the two least-worse flips, found first (n = 64, tuning instances
6-10, seeds 0-3: 20 of 20 runs, 861 evaluations to the optimum on average, against 15 of 20 and
3,420 in random order); the random half keeps what the deltas mislead (N-Queens: 29 against 29
runs over n = 64 and 100). Pairs of moves on the same coordinate are left
out (on integers they cancel). Spaces with more than :data:`MAX_PAIRS` pairs get no pair sweeps:
a sweep would cost more than a run's budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..spaces.base import MAX_SWEEP_MOVES

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["PairSweep", "MAX_PAIRS"]

#: the most pairs a sweep holds (bit strings up to 200 bits): the polish's bound on a sweep
MAX_PAIRS = MAX_SWEEP_MOVES


def pair_count(moves: np.ndarray) -> int:
    """The number of pairs a sweep over ``moves`` would hold (before leaving out pairs on the
    same coordinate)."""
    return len(moves) * (len(moves) - 1) // 2


@dataclass
class PairSweep:
    """Pairs of move indices still to try around the elite of ``version``."""

    version: int
    pairs: np.ndarray

    @classmethod
    def around(cls, ovlr: OVLR, moves: np.ndarray, deltas: np.ndarray | None = None
               ) -> PairSweep:
        first, second = np.triu_indices(len(moves), 1)
        distinct = moves[first, 0] != moves[second, 0]
        pairs = np.stack([first[distinct], second[distinct]], axis=1)
        pairs = pairs[ovlr.rng.permutation(len(pairs))]  # the random order
        if deltas is not None and not np.isnan(deltas).all():
            told = np.nan_to_num(deltas, nan=0.0)
            first_delta, second_delta = told[pairs[:, 0]], told[pairs[:, 1]]
            both_neutral = (first_delta == 0) & (second_delta == 0)
            keys = np.where(both_neutral, np.inf, first_delta + second_delta)
            position = np.empty(len(pairs))  # even places: by the deltas; odd: at random
            position[np.argsort(keys, kind="stable")] = 2 * np.arange(len(pairs))
            position = np.minimum(position, 2 * np.arange(len(pairs)) + 1)
            pairs = pairs[np.argsort(-position, kind="stable")]  # taken from the end
        return cls(ovlr.elite.version, pairs)

    @property
    def over(self) -> bool:
        return not len(self.pairs)

    def propose(self, ovlr: OVLR, moves: np.ndarray, count: int) -> np.ndarray:
        """The elite changed by each of the next ``count`` pairs (outputs, one per row)."""
        taken, self.pairs = self.pairs[-count:], self.pairs[:-count]
        elite = ovlr.elite.require_output()
        return np.stack([ovlr.space.apply_moves(elite, moves[pair], ovlr.control.move_step)
                         for pair in taken])

    def state_dict(self) -> dict[str, Any]:
        return {"version": self.version,
                "pairs": torch.from_numpy(np.array(self.pairs, dtype=np.int64))}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PairSweep:
        return cls(int(state["version"]), state["pairs"].numpy().astype(np.int64).reshape(-1, 2))
