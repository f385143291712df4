"""The ask/tell contract that OVLR and every baseline share.

Subclasses implement only :meth:`AskTellOptimizer._ask` (return a batch of outputs or candidates)
and :meth:`AskTellOptimizer._tell` (learn from losses). The base class owns bookkeeping: matching
tells to asks, input validation, minimisation/maximisation, non-finite scores, best-so-far,
counters, the random generator and the state used for checkpoints.
"""

from __future__ import annotations

import copy
import numbers
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .spaces import Space

__all__ = ["AskTellOptimizer", "Best", "STATE_FORMAT", "warn_skipped"]

#: version of the layout of state_dict()
STATE_FORMAT = 2


@dataclass(frozen=True)
class Best:
    """Best candidate seen so far and its score (in the caller's direction)."""

    x: np.ndarray | None
    score: float
    evaluations: int


def warn_skipped() -> None:
    warnings.warn("every score of this batch is NaN or inf; the batch is skipped",
                  RuntimeWarning, stacklevel=5)


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
        self._popsize = 1

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

    def tell(self, candidates: np.ndarray, scores: Any,
             evaluated: np.ndarray | None = None) -> None:
        """Report the scores of a batch returned by :meth:`ask` (inputs are never modified).

        ``evaluated``: optional boolean mask of the rows that were really evaluated (a worker
        died, a job was cancelled); the other rows' scores are ignored, not counted and not
        learned from.
        """
        batch_id = self._find_pending(np.asarray(candidates))
        size = len(self._pending[batch_id][0])
        mask = None
        if evaluated is not None:
            mask = np.asarray(evaluated)
            if mask.dtype != bool or mask.shape != (size,):
                raise ValueError(f"evaluated must be a boolean mask of {size} rows, got "
                                 f"{mask.dtype} of shape {mask.shape}")
        self._complete(batch_id, self._check_scores(scores, size), mask)

    def _complete(self, batch_id: int, scores: np.ndarray,
                  evaluated: np.ndarray | int | None = None) -> None:
        """Learn from the scores of pending batch ``batch_id``; rows outside ``evaluated`` (a
        mask, or a count of leading rows) were never evaluated: they are neither counted nor
        learned from."""
        asked, memo = self._pending.pop(batch_id)
        if isinstance(evaluated, int | np.integer):
            evaluated = np.arange(len(asked)) < int(evaluated)
        if evaluated is not None:
            scores = np.where(evaluated, scores, np.nan)
        losses = -scores if self.maximize else scores.copy()
        finite = np.isfinite(losses)
        if not finite.all():
            if evaluated is None:
                evaluated = np.ones(len(losses), dtype=bool)
            losses[evaluated & ~finite] = np.inf  # NaN, -inf: the worst
            losses[~evaluated] = np.nan  # never evaluated
            finite = np.isfinite(losses)
        n_evaluated = len(losses) if evaluated is None else int(evaluated.sum())
        self.nonfinite_scores += n_evaluated - int(finite.sum())
        self.evaluations += n_evaluated
        if finite.any():
            best = int(np.argmin(np.where(finite, losses, np.inf))) if len(losses) > 1 else 0
            if losses[best] < self._best_loss:
                self._best_loss, self._best_x = float(losses[best]), np.array(asked[best])
        if self._learn(asked, losses, memo):
            self.generations += 1

    def _learn(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> bool:
        """``losses`` holds +inf for non-finite scores and NaN for rows never evaluated. By
        default both count as the worst finite loss of the batch for :meth:`_tell` (a batch
        without any finite loss is skipped with a warning and handed to :meth:`_discard`);
        OVLR overrides this to leave unevaluated rows out. Returns whether it learned."""
        finite = np.isfinite(losses)
        if not finite.any():
            warn_skipped()
            self._discard(candidates, memo)
            return False
        self._tell(candidates, np.where(finite, losses, losses[finite].max()), memo)
        return True

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
            self._complete(self._next_batch - 1, scores, evaluated=np.arange(len(X)) < n)
            used += n
        return self.best

    # ----------------------------------------------------------------- validation
    def _find_pending(self, X: np.ndarray) -> int:
        for batch_id, (asked, _) in self._pending.items():
            if asked is X:  # the array ask() returned (read-only, so unchanged)
                return batch_id
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
    def _check_scores(scores: Any, expected: int) -> np.ndarray:
        if isinstance(scores, np.ndarray) and scores.dtype.kind == "f" and scores.shape == (
                expected,):
            return scores.astype(float)  # the common case, fast (a copy: inputs stay untouched)
        if isinstance(scores, str | bytes):
            raise TypeError(f"scores must be numbers, got the string {scores!r}")
        try:
            values = np.asarray(scores)
        except ValueError:
            raise ValueError(f"expected {expected} scores (one number per asked candidate), got "
                             "a ragged sequence") from None
        if values.dtype.kind not in "biuf":
            originals = scores.ravel() if isinstance(scores, np.ndarray) and scores.ndim else (
                list(scores) if isinstance(scores, list | tuple) else [scores])
            for position, value in enumerate(originals):
                if isinstance(value, bool | str | bytes) or not isinstance(value, numbers.Real):
                    raise TypeError(
                        f"score {position} is {value!r} ({type(value).__name__}); scores must be "
                        "numbers (report a failed evaluation as float('nan'))")
        values = values.astype(float)
        if values.ndim == 2 and 1 in values.shape:
            values = values.reshape(-1)
        if values.shape != (expected,):
            raise ValueError(
                f"expected {expected} scores (one per asked candidate), got shape {values.shape}"
            )
        return values

    # ----------------------------------------------------------------- state
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume exactly, as plain data: numbers, strings, lists, dicts and
        tensors, so ``torch.save`` + ``torch.load(weights_only=True)`` round-trips it (for OVLR;
        a baseline's own state may hold library objects). Load it with :meth:`load_state_dict`
        into an optimizer built the same way (class, space, settings)."""
        return {
            "format": STATE_FORMAT,
            "optimizer": type(self).__name__,
            "space": repr(self.space),
            "maximize": self.maximize,
            "rng": self._rng.bit_generator.state,
            "pending": [[batch_id, torch.from_numpy(np.array(asked)), self._memo_state(memo)]
                        for batch_id, (asked, memo) in self._pending.items()],
            "next_batch": self._next_batch,
            "best_x": None if self._best_x is None else torch.from_numpy(np.array(self._best_x)),
            "best_loss": self._best_loss,
            "counters": [self.evaluations, self.generations, self.nonfinite_scores],
            "state": self._state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Resume from :meth:`state_dict`: the state is loaded INTO this optimizer (its policy,
        space and device stay); a state of another class, space or format raises ValueError."""
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            found = state.get("format") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"not a state of format {STATE_FORMAT} from state_dict() "
                             f"(got {found!r})")
        if state["optimizer"] != type(self).__name__ or state["space"] != repr(self.space):
            raise ValueError(f"this state was saved by {state['optimizer']} on {state['space']}; "
                             f"this optimizer is {type(self).__name__} on {self.space!r}: build "
                             "the same optimizer on the same space, then load")
        if bool(state["maximize"]) != self.maximize:
            raise ValueError("this state was saved with maximize="
                             f"{state['maximize']}; build the optimizer the same way")
        rng = np.random.default_rng()
        rng.bit_generator.state = state["rng"]
        self._load_state(state["state"])
        self._rng = rng
        self._pending = {}
        for batch_id, asked, memo in state["pending"]:
            rows = asked.numpy().copy()
            rows.flags.writeable = False
            self._pending[int(batch_id)] = (rows, self._memo_from_state(memo))
        self._next_batch = int(state["next_batch"])
        self._best_x = None if state["best_x"] is None else state["best_x"].numpy().copy()
        self._best_loss = float(state["best_loss"])
        self.evaluations, self.generations, self.nonfinite_scores = (
            int(c) for c in state["counters"])

    def _state(self) -> dict[str, Any]:
        """The subclass's own state; by default a deep copy of its own attributes."""
        return {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                if key not in _BASE_ATTRIBUTES}

    def _load_state(self, state: dict[str, Any]) -> None:
        self.__dict__.update(copy.deepcopy(state))

    def _memo_state(self, memo: Any) -> Any:
        return copy.deepcopy(memo)

    def _memo_from_state(self, state: Any) -> Any:
        return copy.deepcopy(state)


#: attributes the base class saves itself
_BASE_ATTRIBUTES = frozenset({"space", "maximize", "seed", "_rng", "_pending", "_next_batch",
                              "_best_x", "_best_loss", "evaluations", "generations",
                              "nonfinite_scores"})
