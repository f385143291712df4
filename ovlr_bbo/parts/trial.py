"""Iterated-local-search trials for the ``escape`` part: a kick, then a descent from where it
landed.

A kick that lands worse than the elite is usually thrown away; on constrained and rugged
landscapes (independent sets, epistatic blocks) the better point is often a few single moves
beyond it. A *trial* keeps the kicked point as its own centre (never the elite: the elite only
ever changes through :meth:`Elite.offer`) and descends from it by first improvement over the
space's single moves in random order: a move strictly better than the centre becomes the centre
and the sweep starts again. Every candidate of a trial is offered to the elite like any other,
so a trial whose descent reaches a point not worse than the elite has moved the elite; a sweep
around the centre without improvement ends the trial (a local optimum worse than the elite).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..spaces.base import NO_MOVES
from .base import TrialAsk

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["Trial"]


@dataclass
class Trial:
    """The state of one descent: its centre, the centre's loss, the moves left to try."""

    number: int
    centre: np.ndarray
    loss: float
    sweep: np.ndarray = field(default_factory=lambda: NO_MOVES)
    in_flight: int = 0

    @property
    def over(self) -> bool:
        """Whether the sweep around the centre found nothing (every move told)."""
        return not len(self.sweep) and self.in_flight == 0

    def restart(self, ovlr: OVLR, moves: np.ndarray) -> None:
        """A fresh sweep around the centre, in random order."""
        self.sweep = moves[ovlr.rng.permutation(len(moves))]
        self.in_flight = 0

    def propose(self, ovlr: OVLR, count: int) -> TrialAsk | None:
        """The next ``count`` moves of the sweep (None once every move is out)."""
        if not len(self.sweep):
            return None
        moves, self.sweep = self.sweep[-count:], self.sweep[:-count]
        self.in_flight += len(moves)
        outputs = np.stack([ovlr.space.apply_move(self.centre, (int(i), int(a)),
                                                  ovlr.control.move_step) for i, a in moves])
        return TrialAsk(outputs, moves, self.number, self.loss)

    def observe(self, ask: TrialAsk, losses: np.ndarray) -> bool:
        """Count the moves back; the best one strictly better than the centre becomes it (True:
        the caller restarts the sweep around the new centre)."""
        if ask.trial != self.number:
            return False
        self.in_flight = max(0, self.in_flight - len(ask.moves))
        finite = np.where(np.isfinite(losses), losses, np.inf)
        best = int(np.argmin(finite))
        if not finite[best] < self.loss:
            return False
        self.centre, self.loss = np.array(ask.outputs[best]), float(finite[best])
        return True

    def state_dict(self) -> dict[str, Any]:
        return {"number": self.number, "centre": torch.from_numpy(np.array(self.centre, float)),
                "loss": self.loss, "in_flight": self.in_flight,
                "sweep": torch.from_numpy(np.array(self.sweep, dtype=np.int64))}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Trial:
        return cls(int(state["number"]), state["centre"].numpy().copy(), float(state["loss"]),
                   state["sweep"].numpy().astype(np.int64).reshape(-1, 2),
                   int(state["in_flight"]))
