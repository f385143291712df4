"""The continuous engine: on spaces whose every output is a position, the linear generative policy
of :mod:`ovlr_bbo.generator` (``z = m + sigma A xi``, trained by the OVLR gradient with natural
steps, a step-size rule and restarts; :class:`~ovlr_bbo.generator_search.GeneratorSearch`)
proposes every batch and learns from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .base import GeneratorAsk, Outcome, Part
from .state import from_plain, to_plain

if TYPE_CHECKING:
    from ..generator_search import GeneratorSearch
    from ..ovlr import OVLR

__all__ = ["GeneratorStep"]


class GeneratorStep(Part):
    """Every batch comes from the generator engine (``settings`` go to it). Needs a space that is
    one box (:meth:`ovlr_bbo.spaces.Space.as_box`); fails loudly on others."""

    name = "generator"
    ask_order = 2
    always_proposes = True

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.engine: GeneratorSearch | None = None
        self._saved: dict[str, Any] | None = None  # a loaded state, applied once the engine exists

    def attach(self, ovlr: OVLR) -> None:
        self._engine(ovlr)  # built now: its state (and random stream) is saved from the start

    def _engine(self, ovlr: OVLR) -> GeneratorSearch:
        if self.engine is None:
            from ..generator_search import GeneratorSearch

            box = ovlr.space.as_box()
            if box is None:
                raise ValueError(f"the 'generator' part needs a space of positions only (a box); "
                                 f"{ovlr.space!r} has other outputs: use the default parts")
            seed = int(np.random.SeedSequence(ovlr.seed).spawn(2)[1].generate_state(1)[0])
            self.engine = GeneratorSearch(box, seed=seed, **self.settings)  # type: ignore[arg-type]
            if self._saved is not None:
                self.engine.load_state_dict(from_plain(self._saved))
                self._saved = None
        return self.engine

    def propose(self, ovlr: OVLR) -> GeneratorAsk:
        candidates = self._engine(ovlr).ask()
        return GeneratorAsk(ovlr.space.encode(candidates), candidates)

    def observe(self, ovlr: OVLR, ask: Any, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if isinstance(ask, GeneratorAsk):
            self._engine(ovlr).tell(ask.candidates, losses, evaluated=~np.isnan(losses))

    def popsize(self, ovlr: OVLR) -> int:
        """The engine's current population (the size of its next batch)."""
        return self._engine(ovlr).popsize

    @property
    def sigma(self) -> float | None:
        return None if self.engine is None else self.engine.sigma

    def state_dict(self) -> dict[str, Any]:
        engine = self.engine.state_dict() if self.engine is not None else None
        return {"engine": to_plain(engine) if engine is not None else self._saved}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.engine, self._saved = None, state["engine"]  # rebuilt at the next ask or tell
