"""Fitness shaping: pure functions that turn losses into *utilities* for the gradient estimate.

Each takes a 1-D array of finite losses (lower is better) and returns utilities of the same shape,
still oriented so that lower is better (the estimator descends them). Choose one by name with
:func:`get_shaping` or pass any function with this signature.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["Shaping", "identity", "standardize", "centered_ranks", "clipped", "get_shaping"]

Shaping = Callable[[np.ndarray], np.ndarray]


def identity(losses: np.ndarray) -> np.ndarray:
    """The raw losses (the unbiased estimator of the smoothed objective's gradient)."""
    return np.asarray(losses, dtype=float).copy()


def standardize(losses: np.ndarray) -> np.ndarray:
    """Zero mean, unit standard deviation (all zeros when every loss is the same)."""
    losses = np.asarray(losses, dtype=float)
    spread = losses.std()
    return (losses - losses.mean()) / spread if spread > 0 else np.zeros_like(losses)


def centered_ranks(losses: np.ndarray) -> np.ndarray:
    """Ranks mapped evenly onto [-0.5, 0.5]; tied losses share their mean rank.

    Invariant to any increasing transformation of the loss (Salimans et al. 2017).
    """
    losses = np.asarray(losses, dtype=float)
    if losses.size < 2:
        return np.zeros_like(losses)
    # scipy.stats.rankdata(method="average") does the same at several times the cost per call,
    # and this runs once per batch in the optimizer's hot path
    n = losses.size
    order = np.argsort(losses, kind="stable")
    ordered = losses[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.append(starts[1:], n)
    ranks = np.empty(n)
    ranks[order] = np.repeat((starts + ends - 1) / 2.0, ends - starts)  # ties share the mean rank
    return ranks / (n - 1) - 0.5


def clipped(shaping: Shaping, bound: float = 3.0) -> Shaping:
    """``shaping``, then clipping to ``[-bound, bound]`` (tames outliers after standardize)."""

    def shape(losses: np.ndarray) -> np.ndarray:
        return np.clip(shaping(losses), -bound, bound)

    shape.__name__ = f"clipped_{getattr(shaping, '__name__', 'shaping')}"
    return shape


_BY_NAME: dict[str, Shaping] = {
    "identity": identity,
    "standardize": standardize,
    "centered_ranks": centered_ranks,
    "clipped_standardize": clipped(standardize),
}


def get_shaping(shaping: str | Shaping) -> Shaping:
    """A shaping function by name (``identity``, ``standardize``, ``centered_ranks``,
    ``clipped_standardize``) or the callable itself."""
    if callable(shaping):
        return shaping
    try:
        return _BY_NAME[shaping]
    except KeyError:
        raise ValueError(f"unknown shaping {shaping!r}; choose one of {sorted(_BY_NAME)} "
                         "or pass a function losses -> utilities") from None
