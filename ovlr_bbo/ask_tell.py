"""The ask/tell contract that OVLR and every baseline share.

Subclasses implement only :meth:`AskTellOptimizer._ask` (return a batch of outputs or candidates)
and :meth:`AskTellOptimizer._tell` (learn from losses). The base class owns bookkeeping: matching
tells to asks, input validation, minimisation/maximisation, non-finite scores, best-so-far,
counters, the random generator and the state used for checkpoints.
"""

from __future__ import annotations

import copy
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .spaces import Space

__all__ = ["AskTellOptimizer", "Best"]


@dataclass(frozen=True)
class Best:
    """Best candidate seen so far and its score (in the caller's direction)."""

    x: np.ndarray | None
    score: float
    evaluations: int


class AskTellOptimizer(ABC):
    """Base class of every optimizer: ``X = opt.ask(); opt.tell(X, scores)``.

    Scores are minimised unless ``maximize=True``. Several batches may be asked before they are
    told, in any order; each batch must be told once, with the same array ``ask`` returned (same
    rows, same order) and one finite or non-finite score per row. Non-finite scores (NaN, inf)
    count as the worst score of their batch and never become the best.
    """

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False):
        if not isinstance(space, Space):
            raise TypeError(f"space must be an ovlr_bbo.spaces.Space, got {type(space).__name__}")
        self.space = space
        self.maximize = bool(maximize)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._pending: dict[int, tuple[np.ndarray, Any]] = {}
        self._next_batch = 0
        self._best_x: np.ndarray | None = None
        self._best_loss = np.inf
        self.evaluations = 0
        self.generations = 0
        self.nonfinite_scores = 0

    # ----------------------------------------------------------------- subclass hooks
    @abstractmethod
    def _ask(self) -> tuple[np.ndarray, Any]:
        """Return ``(candidates, memo)``: a ``(batch, dimension)`` array and whatever ``_tell``
        needs to learn from it (for OVLR: the latent draws and noise that produced it)."""

    @abstractmethod
    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        """Learn from finite ``losses`` (lower is better) of a batch returned by ``_ask``."""

    def _discard(self, candidates: np.ndarray, memo: Any) -> None:
        """A batch whose every score was NaN or inf, so nothing can be learned from it; wrappers
        of libraries that expect every asked candidate back (nevergrad) report it here."""
        return None

    def _recommend(self) -> np.ndarray | None:
        """What the optimizer proposes now; the best seen by default."""
        return None

    # ----------------------------------------------------------------- public API
    @property
    def popsize(self) -> int:
        """Number of candidates per ask (subclasses set ``self._popsize``)."""
        return int(self._popsize)

    def ask(self) -> np.ndarray:
        """A new batch of candidates, shape ``(popsize, dimension)``."""
        candidates, memo = self._ask()
        candidates = np.asarray(candidates)
        candidates.flags.writeable = False
        self._pending[self._next_batch] = (candidates, memo)
        self._next_batch += 1
        return candidates

    def tell(self, candidates: np.ndarray, scores) -> None:
        """Report the scores of a batch returned by :meth:`ask` (inputs are never modified)."""
        batch_id = self._find_pending(np.asarray(candidates))
        self._complete(batch_id, self._check_scores(scores, len(self._pending[batch_id][0])))

    def _complete(self, batch_id: int, scores: np.ndarray, evaluated: int | None = None) -> None:
        """Learn from the scores of pending batch ``batch_id``; rows from ``evaluated`` on were
        never evaluated (the budget ran out) and count as the worst without being counted."""
        asked, memo = self._pending.pop(batch_id)
        evaluated = len(asked) if evaluated is None else evaluated
        losses = -scores if self.maximize else scores.copy()
        losses[evaluated:] = np.nan
        finite = np.isfinite(losses)
        self.nonfinite_scores += int((~finite[:evaluated]).sum())
        self.evaluations += evaluated
        if not finite.any():
            warnings.warn("every score of this batch is NaN or inf; the batch is skipped",
                          RuntimeWarning, stacklevel=3)
            self._discard(asked, memo)
            return
        best = int(np.argmin(np.where(finite, losses, np.inf)))
        if losses[best] < self._best_loss:
            self._best_loss, self._best_x = float(losses[best]), np.array(asked[best])
        losses[~finite] = losses[finite].max()  # worst rank: never an update towards them
        self._tell(asked, losses, memo)
        self.generations += 1

    @property
    def best(self) -> Best:
        """The best candidate told so far (``x`` is None before any finite score)."""
        score = -self._best_loss if self.maximize else self._best_loss
        x = None if self._best_x is None else self._best_x.copy()
        return Best(x=x, score=float(score), evaluations=self.evaluations)

    def recommend(self) -> np.ndarray:
        """The candidate the optimizer proposes now (its own model's choice where it has one)."""
        proposal = self._recommend()
        if proposal is None:
            proposal = self._best_x if self._best_x is not None else self.space.decode(
                self.space.initial_output()[None])[0]
        return np.array(proposal)

    def minimize(self, f: Callable, budget: int, *, batch: bool = False,
                 stop: Callable[[], bool] | None = None) -> Best:
        """Run ask/tell on ``f`` until ``budget`` evaluations are spent (the last batch is cut)
        or ``stop()`` returns True (checked after each batch).

        ``f`` takes one candidate and returns a number, or, with ``batch=True``, takes a 2-D array
        of candidates and returns one score per row. Direction follows ``maximize``.
        """
        if int(budget) < 1:
            raise ValueError(f"budget must be a positive number of evaluations, got {budget}")
        used = 0
        while used < budget and not (stop is not None and stop()):
            X = self.ask()
            n = min(len(X), int(budget) - used)
            scores = np.full(len(X), np.nan)
            scores[:n] = self._check_scores(f(X[:n]) if batch else [f(x) for x in X[:n]], n)
            self._complete(self._next_batch - 1, scores, evaluated=n)
            used += n
        return self.best

    # ----------------------------------------------------------------- validation
    def _find_pending(self, X: np.ndarray) -> int:
        for batch_id, (asked, _) in self._pending.items():
            if asked.shape == X.shape and np.array_equal(asked, X):
                return batch_id
        shapes = sorted({asked.shape for asked, _ in self._pending.values()})
        raise ValueError(
            "tell() got candidates that no pending ask() returned "
            f"(shape {X.shape}; pending batch shapes {shapes or 'none'}). Tell each batch once, "
            "exactly as ask() returned it (same rows, same order)."
        )

    @staticmethod
    def _check_scores(scores, expected: int) -> np.ndarray:
        try:
            values = np.asarray(scores, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"scores must be numbers, got {type(scores).__name__}") from None
        if values.ndim == 2 and 1 in values.shape:
            values = values.reshape(-1)
        if values.shape != (expected,):
            raise ValueError(
                f"expected {expected} scores (one per asked candidate), got shape {values.shape}"
            )
        return values

    # ----------------------------------------------------------------- state
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume exactly: a deep copy of the optimizer's attributes.

        Subclasses holding torch objects override this to store their ``state_dict``.
        """
        state = copy.deepcopy(self.__dict__)
        state["_rng"] = self._rng.bit_generator.state
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict` (taken from an optimizer of the same class)."""
        state = copy.deepcopy(state)
        rng_state = state.pop("_rng")
        self.__dict__.update(state)
        self._rng = np.random.default_rng()
        self._rng.bit_generator.state = rng_state
        for asked, _ in self._pending.values():
            asked.flags.writeable = False
