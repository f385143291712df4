"""Any optimizer of ``ng.optimizers.registry`` (nevergrad 1.0.12) behind the ask/tell contract.

The parametrization follows the space (see REFERENCE.md section 5: softmax ``Choice`` makes
nevergrad's discrete optimizers much worse, so it is not used):

* Binary / Integer: ``ng.p.Array(shape=(d,), lower=lb, upper=ub).set_integer_casting()``.
* Categorical: the same integer-cast Array over ``0 .. k_i - 1`` per variable (a variable with a
  single category gets the range ``0 .. 1`` and is clipped back to 0).
* Box / Permutation: a continuous Array on the shared relaxation (:mod:`.relaxation`), decoded by
  ``space.decode_flat``; bounded on ``[-1, 1]`` when every coordinate is bounded (nevergrad
  accepts no mixed bounds; the decoder clips the bounded coordinates of a mixed Box).

Seeding: the parametrization's ``random_state`` is a ``numpy.random.RandomState`` seeded from
the optimizer's Generator, which is where nevergrad's optimizers draw their randomness.
Budget: nevergrad's optimizers use it to plan (NGOpt picks its sub-algorithm from it); when
``budget`` is None :data:`DEFAULT_BUDGET` is passed.
"""

from __future__ import annotations

import difflib
from typing import Any

import nevergrad as ng
import numpy as np

import ovlr_bbo.integrations.nevergrad  # noqa: F401  (ng:OVLR names our own optimizer)
from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

from .relaxation import relaxation_bounds

__all__ = ["NevergradOptimizer", "DEFAULT_BUDGET", "nevergrad_names"]

#: Budget given to nevergrad when none is given.
DEFAULT_BUDGET = 100_000


def nevergrad_names() -> list[str]:
    """Names of every optimizer in nevergrad's registry."""
    return sorted(ng.optimizers.registry)


def check_nevergrad_name(name: str) -> None:
    """Raise ValueError, with close matches, if ``name`` is not in nevergrad's registry."""
    if name not in ng.optimizers.registry:
        close = difflib.get_close_matches(name, nevergrad_names(), n=5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"nevergrad has no optimizer named {name!r}{hint} "
                         "(see ng.optimizers.registry for all names)")


def _integer_range(space: Space) -> tuple[np.ndarray, np.ndarray] | None:
    """Inclusive value range per variable of a Binary, Integer or Categorical space, else None."""
    return space.value_range()


def make_parametrization(space: Space) -> ng.p.Array:
    """The nevergrad parametrization that suits ``space`` (see the module docstring)."""
    value_range = _integer_range(space)
    if value_range is not None:
        lower, upper = value_range
        upper = np.maximum(upper, lower + 1)  # nevergrad needs lower < upper everywhere
        return ng.p.Array(shape=(space.dimension,), lower=lower, upper=upper).set_integer_casting()
    lower, upper = relaxation_bounds(space)
    if np.isfinite(lower).all():
        return ng.p.Array(shape=(space.output_size,), lower=lower, upper=upper)
    return ng.p.Array(shape=(space.output_size,))


class NevergradOptimizer(AskTellOptimizer):
    """A nevergrad optimizer (by registry name) on an ovlr-bbo search space.

    Each ask draws ``popsize`` candidates with nevergrad's ``ask`` (nevergrad is told
    ``num_workers=popsize``); each tell passes their losses back with nevergrad's ``tell``.

    >>> from ovlr_bbo import spaces
    >>> opt = NevergradOptimizer(spaces.Binary(16), seed=0, maximize=True, budget=300)
    >>> int(opt.minimize(lambda x: x.sum(), budget=300).score)
    16
    """

    def __init__(self, space: Space, name: str = "DiscreteLenglerOnePlusOne", *,
                 seed: int | None = None, maximize: bool = False, budget: int | None = None,
                 popsize: int = 1):
        super().__init__(space, seed=seed, maximize=maximize)
        check_nevergrad_name(name)
        if int(popsize) < 1:
            raise ValueError(f"popsize must be at least 1, got {popsize}")
        if budget is not None and int(budget) < 1:
            raise ValueError(f"budget must be a positive number of evaluations, got {budget}")
        self.name = name
        self._popsize = int(popsize)
        self.budget = DEFAULT_BUDGET if budget is None else int(budget)
        self._value_range = _integer_range(space)
        parametrization = make_parametrization(space)
        parametrization.random_state = np.random.RandomState(int(self._rng.integers(2**32)))
        self.optimizer = ng.optimizers.registry[name](
            parametrization, budget=self.budget, num_workers=self._popsize)

    def _candidate(self, value: np.ndarray) -> np.ndarray:
        if self._value_range is None:
            return self.space.decode_flat(np.asarray(value, dtype=float)[None])[0]
        lower, upper = self._value_range
        return np.clip(np.rint(value), lower, upper).astype(np.int64)

    def _ask(self) -> tuple[np.ndarray, Any]:
        asked = [self.optimizer.ask() for _ in range(self._popsize)]
        return np.stack([self._candidate(c.value) for c in asked]), asked

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        for candidate, loss in zip(memo, losses, strict=True):
            self.optimizer.tell(candidate, float(loss))

    def _discard(self, candidates: np.ndarray, memo: Any) -> None:
        for candidate in memo:  # nevergrad ranks non-finite losses last and expects every tell
            self.optimizer.tell(candidate, float("inf"))

    def _recommend(self) -> np.ndarray | None:
        """nevergrad's recommendation (None before anything was told)."""
        if self.optimizer.num_tell == 0:
            return None
        return self._candidate(self.optimizer.provide_recommendation().value)
