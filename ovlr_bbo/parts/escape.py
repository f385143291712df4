"""Escape from a local optimum: heavy-tailed kicks once the polish has confirmed one.

When a polish sweep ends without accepting a move, the elite is a local optimum of the space's
single moves; sweeping the same moves again (after OVLR steps that rarely move a confident
policy) mostly re-confirms it. From then on every ask the polish does not claim is a *kick*: the
elite changed by ``k`` distinct single moves, ``k`` drawn with ``P(k) ~ k^-exponent`` on
``2 .. max(2, dimension / 2)`` (the fast GA's heavy-tailed law; ``1 ..`` once a kick moved the
elite and it was not swept yet). After a streak of kicks that did not replace the elite, an ask
holds several (one more per ``REJECTIONS_PER_EXTRA_MOVE`` rejections, up to ``popsize``), as the
polish batches its moves: the best of them challenges the elite. A kick not worse than the
elite replaces it; a strictly better one starts a polish sweep around it, a tie keeps kicking from
there (a walk on the plateau).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .base import Ask, KickAsk, Outcome, Part
from .polish import REJECTIONS_PER_EXTRA_MOVE, Polish

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["Escape"]


class Escape(Part):
    """Kicks after a fruitless sweep (see the module docstring); needs the ``polish`` part."""

    name = "escape"
    ask_order = 1.5  # after the polish, before the OVLR step

    def __init__(self, exponent: float = 1.5) -> None:
        if not exponent > 0:
            raise ValueError(f"exponent must be positive, got {exponent}")
        self.exponent = float(exponent)
        self.kicking = False
        self.confirmed = False  # the elite is a confirmed local optimum of single moves
        self.seen_sweeps = 0
        self.rejections = 0  # kicks in a row that did not replace the elite
        self._cdfs: dict[tuple[int, int], np.ndarray] = {}

    @staticmethod
    def _polish(ovlr: OVLR) -> Polish:
        for part in ovlr.parts:
            if isinstance(part, Polish):
                return part
        raise ValueError("the 'escape' part needs the 'polish' part")

    def attach(self, ovlr: OVLR) -> None:
        self.polish = self._polish(ovlr)  # fails loudly at construction

    def propose(self, ovlr: OVLR) -> Ask | None:
        polish = self.polish
        if polish.fruitless_sweeps > self.seen_sweeps:
            self.seen_sweeps = polish.fruitless_sweeps
            self.kicking, self.confirmed = True, True
        # the sweep's last moves are still out: a sweep that found nothing so far goes on
        # to kicks, as it would once they are back (several asks outstanding)
        closing = polish.closing
        if not (self.kicking or closing) or (polish.polishing and not closing) \
                or ovlr.elite.output is None:
            return None
        elite = ovlr.elite.require_output()
        moves = polish.moves_around(ovlr, elite)
        if len(moves) == 0:
            return None
        count = min(ovlr.popsize, 1 + self.rejections // REJECTIONS_PER_EXTRA_MOVE)
        sizes = tuple(self._size(ovlr, len(moves)) for _ in range(count))
        outputs = np.stack([
            ovlr.space.apply_moves(elite, moves[ovlr.rng.permutation(len(moves))[:size]],
                                   ovlr.control.move_step) for size in sizes])
        return KickAsk(outputs, sizes, ovlr.elite.loss)

    def _size(self, ovlr: OVLR, n_moves: int) -> int:
        """A kick size from ``P(k) ~ k^-exponent`` (its distribution is cached per range)."""
        smallest = 2 if self.confirmed else 1
        largest = max(smallest, min(n_moves, ovlr.space.dimension // 2))
        cdf = self._cdfs.get((smallest, largest))
        if cdf is None:
            weights = np.arange(smallest, largest + 1, dtype=float) ** -self.exponent
            cdf = self._cdfs[(smallest, largest)] = np.cumsum(weights / weights.sum())
        index = min(int(np.searchsorted(cdf, ovlr.rng.random(), side="right")), len(cdf) - 1)
        return smallest + index

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if not isinstance(ask, KickAsk):
            return
        self.rejections = 0 if outcome.replaced else self.rejections + len(ask.sizes)
        if not outcome.replaced:
            return
        self.confirmed = False
        if outcome.improved:
            self._polish(ovlr).start(ovlr)  # a sweep around the better point

    def state_dict(self) -> dict[str, Any]:
        return {"exponent": self.exponent, "kicking": self.kicking, "confirmed": self.confirmed,
                "seen_sweeps": self.seen_sweeps, "rejections": self.rejections}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.exponent = float(state["exponent"])
        self.kicking, self.confirmed = bool(state["kicking"]), bool(state["confirmed"])
        self.seen_sweeps = int(state["seen_sweeps"])
        self.rejections = int(state.get("rejections", 0))
