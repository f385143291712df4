"""The small parts of the default OVLR: the mean first, elitist re-centring, the guided order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import ndtr

from .base import Ask, MeanAsk, MoveAsk, Outcome, Part

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["MeanFirst", "Elitist", "Guided"]


class MeanFirst(Part):
    """The very first candidate is the policy's unperturbed output (the centre of the space)."""

    name = "mean_first"
    ask_order = 0

    def __init__(self) -> None:
        self.asked = False

    def propose(self, ovlr: OVLR) -> Ask | None:
        if self.asked:
            return None
        self.asked = True
        return MeanAsk(ovlr.mean_output())

    def state_dict(self) -> dict[str, Any]:
        return {"asked": self.asked}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.asked = bool(state["asked"])


class Elitist(Part):
    """Re-centre the learnable output on the elite whenever it is replaced: sign outputs (bits)
    take the elite's signs and keep their magnitude, the policy's confidence; other outputs move
    onto the elite's. Only for policies with one learnable output (``OutputVector``)."""

    name = "elitist"

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if not outcome.replaced or not ovlr.has_learnable_output:
            return
        values = ovlr.edit_output()
        elite = ovlr.elite.require_output().reshape(values.shape)
        signs = ovlr.sign_outputs.reshape(values.shape)
        magnitude = np.abs(values)
        values[...] = np.where(signs, np.where(elite > 0, magnitude, -magnitude), elite)
        ovlr.commit_output(values)
        ovlr.clamp()


class Guided(Part):
    """On sign outputs (bits): the polish tries first the moves the policy is least sure of (flip
    probability under the output noise, ``Phi(-|z_i| / sigma)``), and each move's result moves that
    output's confidence up (the flip was worse) or down (it was not) by one step ``lr * sigma``."""

    name = "guided"

    def move_priority(self, ovlr: OVLR, moves: np.ndarray) -> np.ndarray | None:
        flipped = ovlr.space.flip_output(moves)
        if (flipped < 0).all():
            return None
        values = ovlr.learnable_output()
        if values is None:
            return None
        confidence = np.abs(values.reshape(-1)[np.maximum(flipped, 0)]) / ovlr.control.sigma
        return np.where(flipped >= 0, ndtr(-confidence), 0.5)

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if not isinstance(ask, MoveAsk) or not ovlr.has_learnable_output:
            return
        index = ovlr.space.flip_output(ask.moves)
        known = (index >= 0) & ~np.isnan(losses)  # sign flips that were evaluated
        if not known.any():
            return
        index, losses = index[known], losses[known]
        control = ovlr.control
        step = control.lr * control.sigma
        worse = ~(losses <= ask.base_loss)  # a non-finite loss is worse
        values = ovlr.edit_output()
        flat = values.reshape(-1)
        current = flat[index]
        confidence = np.maximum(0.0, np.abs(current) + np.where(worse, step, -step))
        if ovlr.output_bound is not None:
            confidence = np.minimum(confidence, ovlr.output_bound * control.sigma)
        flat[index] = np.where(current >= 0, confidence, -confidence)
        ovlr.commit_output(values)
