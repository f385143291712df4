"""Ask records as plain data (tensors, numbers, strings) for checkpoints, and back."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..directions import LearnedDirections
from ..shape_rate import ShapeRateAdaptation
from ..two_point import TwoPointAdaptation
from .base import Ask, GeneratorAsk, KickAsk, MeanAsk, MoveAsk, SampleAsk, TrialAsk

__all__ = ["ask_state", "ask_from_state"]


def ask_state(ask: Ask) -> dict[str, Any]:
    """A record as a dict that ``torch.load(weights_only=True)`` accepts."""
    state: dict[str, Any] = {"outputs": torch.from_numpy(np.array(ask.outputs, dtype=float))}
    if isinstance(ask, MeanAsk):
        state["kind"] = "mean"
    elif isinstance(ask, KickAsk):
        state.update(kind="kick", sizes=list(ask.sizes), base_loss=ask.base_loss,
                     starts_trial=ask.starts_trial, pairs=ask.pairs, guided=ask.guided)
    elif isinstance(ask, TrialAsk):
        state.update(kind="trial", moves=torch.from_numpy(np.array(ask.moves, dtype=np.int64)),
                     trial=ask.trial, base_loss=ask.base_loss)
    elif isinstance(ask, GeneratorAsk):
        state.update(kind="generator", candidates=torch.from_numpy(np.array(ask.candidates)))
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
    if state["kind"] == "kick":
        return KickAsk(outputs, tuple(int(k) for k in state["sizes"]), float(state["base_loss"]),
                       bool(state["starts_trial"]), bool(state.get("pairs", False)),
                       bool(state.get("guided", False)))
    if state["kind"] == "trial":
        return TrialAsk(outputs, state["moves"].numpy().copy(), int(state["trial"]),
                        float(state["base_loss"]))
    if state["kind"] == "generator":
        return GeneratorAsk(outputs, state["candidates"].numpy().copy())
    if state["kind"] == "sample":
        return SampleAsk(outputs, state["latent"].to(device), state["eps"].to(device),
                         float(state["sigma"]))
    return MoveAsk(outputs, state["moves"].numpy().copy(), int(state["sweep"]),
                   int(state["elite_version"]), float(state["base_loss"]))


def to_plain(value: Any) -> Any:
    """Numbers, strings, lists, dicts and tensors as they are; numpy arrays as tensors, tuples,
    the engine's dataclasses and modules as tagged dicts (see :func:`from_plain`), so that
    ``torch.load(weights_only=True)`` accepts the result."""
    if isinstance(value, np.generic):  # before float: np.float64 is a float subclass
        return value.item()
    if value is None or isinstance(value, bool | int | float | str | torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        return {"__array__": torch.from_numpy(np.array(value))}
    if isinstance(value, tuple):
        return {"__tuple__": [to_plain(v) for v in value]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    kind = type(value).__name__
    if kind in _PLAIN_TYPES:
        return {"__object__": kind, "fields": to_plain(_PLAIN_TYPES[kind][0](value))}
    raise TypeError(f"cannot store a {kind} as plain data")


def from_plain(value: Any) -> Any:
    """The inverse of :func:`to_plain`."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        return value["__array__"].numpy().copy()
    if "__tuple__" in value:
        return tuple(from_plain(v) for v in value["__tuple__"])
    if "__object__" in value:
        return _PLAIN_TYPES[value["__object__"]][1](from_plain(value["fields"]))
    return {k: from_plain(v) for k, v in value.items()}


def _generator_fields(module: Any) -> dict[str, Any]:
    return {"latent_dim": module.latent_dim, "sigma": module.sigma, "form": module.form,
            "parameters": dict(module.state_dict())}


def _generator_from(fields: dict[str, Any]) -> Any:
    from ..generator import LinearGenerator

    module = LinearGenerator(np.zeros(fields["latent_dim"]), sigma=fields["sigma"],
                             form=fields["form"])
    module.load_state_dict(fields["parameters"])
    return module


def _run_from(fields: dict[str, Any]) -> Any:
    from ..restarts import Run

    return Run(**fields)


def _rule_from(kind: type[Any]) -> Any:
    """Rebuilds a step-size or rate rule (a plain class) from its attributes."""
    def rebuild(fields: dict[str, Any]) -> Any:
        rule = object.__new__(kind)
        rule.__dict__.update(fields)
        return rule
    return rebuild


#: the non-plain types a state may hold: name -> (to fields, from fields)
_PLAIN_TYPES: dict[str, tuple[Any, Any]] = {
    "LinearGenerator": (_generator_fields, _generator_from),
    "Run": (lambda run: dict(vars(run)), _run_from),
    "_Run": (lambda run: dict(vars(run)), _run_from),  # checkpoints from before restarts.py
    "TwoPointAdaptation": (lambda rule: dict(vars(rule)), _rule_from(TwoPointAdaptation)),
    "ShapeRateAdaptation": (lambda rule: dict(vars(rule)), _rule_from(ShapeRateAdaptation)),
    "LearnedDirections": (lambda rule: dict(vars(rule)), _rule_from(LearnedDirections)),
}
