"""Registry of every optimizer by name: :func:`make_optimizer` and :func:`optimizer_names`.

Names: ``ovlr`` (:class:`ovlr_bbo.OVLR`), ``cem``, ``cem-seed`` (the seed repository's CEM
setting), ``cmaes`` (pycma), ``ea`` ((1+1) EA), ``rls``, ``reinforce``, ``random`` and
``ng:<Name>`` for any optimizer in nevergrad's ``ng.optimizers.registry``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .ask_tell import AskTellOptimizer
from .ovlr import OVLR
from .spaces import Space

__all__ = ["make_optimizer", "optimizer_names"]

NEVERGRAD_PREFIX = "ng:"


def _ovlr(space: Space, *, budget: int | None = None, **kwargs: Any) -> AskTellOptimizer:
    return OVLR(space, **kwargs)  # OVLR plans nothing from the budget


def _cem_seed(space: Space, **kwargs: Any) -> AskTellOptimizer:
    from .baselines import CEM, SEED_SETTINGS

    return CEM(space, **{**SEED_SETTINGS, **kwargs})


def _baseline(class_name: str) -> Callable[..., AskTellOptimizer]:
    def factory(space: Space, **kwargs: Any) -> AskTellOptimizer:
        from . import baselines  # imported on use: it loads nevergrad and pycma

        return getattr(baselines, class_name)(space, **kwargs)

    factory.__name__ = class_name
    return factory


_FACTORIES: dict[str, Callable[..., AskTellOptimizer]] = {
    "ovlr": _ovlr,
    "cem": _baseline("CEM"),
    "cem-seed": _cem_seed,
    "cmaes": _baseline("CMAES"),
    "ea": _baseline("OnePlusOneEA"),
    "rls": _baseline("RLS"),
    "reinforce": _baseline("Reinforce"),
    "random": _baseline("RandomSearch"),
}


def optimizer_names() -> list[str]:
    """Registered names (nevergrad's open-ended ``ng:<Name>`` family not included)."""
    return list(_FACTORIES)


def make_optimizer(name: str, space: Space, *, seed: int | None = None, maximize: bool = False,
                   budget: int | None = None, **settings: Any) -> AskTellOptimizer:
    """Build the optimizer registered as ``name`` on ``space``.

    ``settings`` go to the optimizer's constructor (see each class for its settings). ``budget``
    is passed to optimizers that plan with it (nevergrad) and ignored by the others.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if name.startswith(NEVERGRAD_PREFIX):
        from .baselines import NevergradOptimizer

        return NevergradOptimizer(space, name[len(NEVERGRAD_PREFIX):], seed=seed,
                                  maximize=maximize, budget=budget, **settings)
    if name not in _FACTORIES:
        known = ", ".join(optimizer_names())
        raise ValueError(f"unknown optimizer {name!r}; known names: {known}, and "
                         f"'{NEVERGRAD_PREFIX}<Name>' for any name in ng.optimizers.registry")
    return _FACTORIES[name](space, seed=seed, maximize=maximize, budget=budget, **settings)
