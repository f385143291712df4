"""Escape from a local optimum: heavy-tailed kicks once the polish has confirmed one.

When a polish sweep ends without accepting a move, the elite is a local optimum of the space's
single moves; sweeping the same moves again (after OVLR steps that rarely move a confident
policy) mostly re-confirms it. From then on every ask the polish does not claim is a *kick*: the
elite changed by ``k`` distinct single moves, ``k`` drawn with ``P(k) ~ k^-exponent`` on
``2 .. max(2, dimension / 2)`` (the fast GA's heavy-tailed law; ``1 ..`` once a kick moved the
elite and it was not swept yet). A kick not worse than the elite replaces it; a strictly better
one starts a polish sweep around it, a tie keeps kicking from there (a walk on the plateau).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .base import Ask, KickAsk, Outcome, Part
from .polish import Polish

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

    @staticmethod
    def _polish(ovlr: OVLR) -> Polish:
        for part in ovlr.parts:
            if isinstance(part, Polish):
                return part
        raise ValueError("the 'escape' part needs the 'polish' part")

    def attach(self, ovlr: OVLR) -> None:
        self._polish(ovlr)  # fails loudly at construction

    def propose(self, ovlr: OVLR) -> Ask | None:
        polish = self._polish(ovlr)
        if polish.fruitless_sweeps > self.seen_sweeps:
            self.seen_sweeps = polish.fruitless_sweeps
            self.kicking, self.confirmed = True, True
        if not self.kicking or polish.polishing or ovlr.elite.output is None:
            return None
        elite = ovlr.elite.require_output()
        moves = ovlr.space.moves(elite)
        if len(moves) == 0:
            return None
        size = self._size(ovlr, len(moves))
        output = np.array(elite, dtype=float)
        for index in ovlr.rng.choice(len(moves), size=size, replace=False):
            move = (int(moves[index, 0]), int(moves[index, 1]))
            output = ovlr.space.apply_move(output, move, ovlr.control.move_step)
        return KickAsk(output[None], size, ovlr.elite.loss)

    def _size(self, ovlr: OVLR, n_moves: int) -> int:
        smallest = 2 if self.confirmed else 1
        largest = max(smallest, min(n_moves, ovlr.space.dimension // 2))
        sizes = np.arange(smallest, largest + 1)
        weights = sizes ** -self.exponent
        return int(ovlr.rng.choice(sizes, p=weights / weights.sum()))

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if not isinstance(ask, KickAsk) or not outcome.replaced:
            return
        self.confirmed = False
        if outcome.improved:
            self._polish(ovlr).start(ovlr)  # a sweep around the better point

    def state_dict(self) -> dict[str, Any]:
        return {"exponent": self.exponent, "kicking": self.kicking, "confirmed": self.confirmed,
                "seen_sweeps": self.seen_sweeps}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.exponent = float(state["exponent"])
        self.kicking, self.confirmed = bool(state["kicking"]), bool(state["confirmed"])
        self.seen_sweeps = int(state["seen_sweeps"])
