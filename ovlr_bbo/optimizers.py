"""Registry of every optimizer by name: :func:`make_optimizer`, :func:`optimizer_names` and
:func:`check_optimizer_name`. The CLI, the benchmark runner and the ioh adapter all use it.

Names: ``ovlr`` (:class:`ovlr_bbo.OVLR`), ``cem``, ``cem-seed`` (the seed repository's CEM
setting), ``cmaes`` (pycma), ``ea`` ((1+1) EA), ``rls``, ``reinforce``, ``random`` and
``ng:<Name>`` for any optimizer in nevergrad's ``ng.optimizers.registry``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .ask_tell import AskTellOptimizer
from .ovlr import OVLR
from .spaces import Space

__all__ = ["make_optimizer", "optimizer_names", "check_optimizer_name", "derive_seed",
           "NEVERGRAD_PREFIX"]

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


def check_optimizer_name(name: str) -> None:
    """Raise ValueError listing the valid names if ``name`` names no optimizer; ``ng:<Name>`` is
    checked against nevergrad's registry (imported only for such names), with close matches."""
    if not isinstance(name, str):
        raise TypeError(f"optimizer names are strings, got {type(name).__name__}")
    if name.startswith(NEVERGRAD_PREFIX):
        from ovlr_bbo.baselines.nevergrad_adapter import check_nevergrad_name

        check_nevergrad_name(name[len(NEVERGRAD_PREFIX):])
        return
    if name not in _FACTORIES:
        raise ValueError(f"unknown optimizer {name!r}; optimizers: {', '.join(optimizer_names())}, "
                         f"and '{NEVERGRAD_PREFIX}<Name>' for any name in ng.optimizers.registry")


def _seed_word(part: int | str) -> int:
    if isinstance(part, (int, np.integer)) and not isinstance(part, bool) and part >= 0:
        return int(part)
    return zlib.crc32(str(part).encode())  # stable across processes, unlike hash()


def derive_seed(*parts: int | str) -> int:
    """A seed in ``[0, 2**32)`` mixed from ``parts`` (non-negative integers and strings) by
    :class:`numpy.random.SeedSequence`: equal parts give equal seeds in every process."""
    words = [_seed_word(part) for part in parts]
    # a string and a number with equal CRC must not collide: tag each word with its kind
    kinds = [0 if isinstance(part, (int, np.integer)) and not isinstance(part, bool) else 1
             for part in parts]
    return int(np.random.SeedSequence(words + kinds).generate_state(1)[0])


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
    check_optimizer_name(name)
    return _FACTORIES[name](space, seed=seed, maximize=maximize, budget=budget, **settings)
