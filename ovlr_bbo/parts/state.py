"""Ask records as plain data (tensors, numbers, strings) for checkpoints, and back."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .base import Ask, MeanAsk, MoveAsk, SampleAsk

__all__ = ["ask_state", "ask_from_state"]


def ask_state(ask: Ask) -> dict[str, Any]:
    """A record as a dict that ``torch.load(weights_only=True)`` accepts."""
    state: dict[str, Any] = {"outputs": torch.from_numpy(np.array(ask.outputs, dtype=float))}
    if isinstance(ask, MeanAsk):
        state["kind"] = "mean"
    elif isinstance(ask, SampleAsk):
        state.update(kind="sample", latent=ask.latent.detach().cpu(), eps=ask.eps.detach().cpu(),
                     sigma=ask.sigma)
    else:
        state.update(kind="move", moves=torch.from_numpy(np.array(ask.moves, dtype=np.int64)),
                     sweep=ask.sweep, elite_version=ask.elite_version, base_loss=ask.base_loss)
    return state


def ask_from_state(state: dict[str, Any], device: torch.device) -> Ask:
    """The record :func:`ask_state` saved, with its tensors on ``device``."""
    outputs = state["outputs"].numpy().copy()
    if state["kind"] == "mean":
        return MeanAsk(outputs)
    if state["kind"] == "sample":
        return SampleAsk(outputs, state["latent"].to(device), state["eps"].to(device),
                         float(state["sigma"]))
    return MoveAsk(outputs, state["moves"].numpy().copy(), int(state["sweep"]),
                   int(state["elite_version"]), float(state["base_loss"]))
