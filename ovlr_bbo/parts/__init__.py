"""The parts OVLR is composed of, and how a configuration names them.

:func:`make_parts` turns names (``"polish"``), ``{"name": "polish", "patience": 4}`` settings or
:class:`Part` objects into parts; :data:`DEFAULT_PARTS` is the default configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..spaces import Space
from .base import (
    Ask,
    Elite,
    GeneratorAsk,
    MeanAsk,
    MoveAsk,
    Outcome,
    Part,
    SampleAsk,
    StepControl,
)
from .escape import Escape
from .generator import GeneratorStep
from .gradient import GradientStep
from .polish import Polish
from .simple import Elitist, Guided, MeanFirst

__all__ = ["Part", "Ask", "MeanAsk", "SampleAsk", "MoveAsk", "GeneratorAsk", "Outcome", "Elite",
           "StepControl", "GradientStep", "GeneratorStep", "Polish", "Escape", "MeanFirst",
           "Elitist", "Guided", "PARTS", "DEFAULT_PARTS", "POSITION_PARTS", "default_parts",
           "make_parts"]

#: part classes by the name a configuration uses
PARTS: dict[str, type[Part]] = {cls.name: cls for cls in
                                (MeanFirst, GradientStep, GeneratorStep, Elitist, Guided, Polish,
                                 Escape)}
#: the default OVLR: the mean first, the OVLR step, elitist re-centring, guided polish, and
#: kicks and iterated-local-search trials once the polish has confirmed a local optimum
DEFAULT_PARTS: tuple[str, ...] = ("mean_first", "gradient", "elitist", "guided", "polish",
                                  "escape")
#: the default on spaces whose every output is a position (boxes): the generator engine
POSITION_PARTS: tuple[str, ...] = ("mean_first", "generator")


def default_parts(space: Space) -> tuple[str, ...]:
    """One rule for every space: a box (positions only) gets the generator engine, whose latent
    spread learns the shape of the landscape; everything else the OVLR step with its parts."""
    return POSITION_PARTS if space.as_box() is not None else DEFAULT_PARTS


def _make_part(spec: str | Mapping[str, Any] | Part) -> Part:
    if isinstance(spec, Part):
        return spec
    settings: dict[str, Any] = {}
    if isinstance(spec, Mapping):
        settings = dict(spec)
        spec = settings.pop("name", None)
    if not isinstance(spec, str) or spec not in PARTS:
        raise ValueError(f"unknown OVLR part {spec!r}; use one of {sorted(PARTS)}, "
                         "{'name': ..., <settings>} or a Part object")
    try:
        return PARTS[spec](**settings)
    except TypeError as error:
        raise ValueError(f"bad settings for the OVLR part {spec!r}: {error}") from None


def make_parts(specs: Sequence[str | Mapping[str, Any] | Part] | None,
               space: Space | None = None) -> list[Part]:
    """Parts in the order given (the order they observe tells); None gives the default for
    ``space`` (:func:`default_parts`)."""
    if isinstance(specs, str | Mapping | Part):
        raise TypeError("parts must be a list of part names, settings or Part objects")
    if specs is None:
        specs = DEFAULT_PARTS if space is None else default_parts(space)
    parts = [_make_part(spec) for spec in specs]
    if not any(getattr(part, "always_proposes", False) for part in parts):
        raise ValueError("OVLR needs a part that proposes a batch whenever no other part does "
                         "(the 'gradient' part; {'name': 'gradient', 'learn': False} samples "
                         "without learning)")
    names = [type(part) for part in parts]
    if len(set(names)) != len(names):
        raise ValueError("each OVLR part may appear once")
    return parts
