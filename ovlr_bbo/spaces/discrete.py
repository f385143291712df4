"""Discrete spaces: bit strings, bounded integers, categorical variables and permutations.

Their outputs are confidences: logits (Binary, Categorical), keys (Permutation) or levels
(Integer) whose sign, argmax, order or bin decides the candidate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import NO_MOVES, Space, as_bounds, as_count, ordering_keys_bounded

__all__ = ["Binary", "Integer", "Categorical", "Permutation"]


class _Confidences(Space):
    """Shared parts of the discrete spaces: no position outputs; a move is applied to the
    candidate and encoded back."""

    dtype = np.int64

    def position_outputs(self) -> np.ndarray:
        return np.zeros(self.output_size, dtype=bool)

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        candidate = self.decode(np.asarray(output)[None])[0]
        return self.encode(self._moved(candidate, move)[None])[0]

    def _moved(self, candidate: np.ndarray, move: tuple[int, int]) -> np.ndarray:
        raise NotImplementedError  # every subclass either overrides apply_move or this


class Binary(_Confidences):
    """Bit strings: bit ``i`` is 1 where the perturbed logit ``i`` is positive. A single move
    flips one bit and keeps the logit's magnitude (the policy's confidence)."""

    def __init__(self, dimension: int):
        self.dimension = as_count(dimension, "Binary dimension")
        self.output_shape = (self.dimension,)
        self._moves = np.stack([np.arange(self.dimension),
                                np.zeros(self.dimension, dtype=np.int64)], axis=1)

    def __repr__(self) -> str:
        return f"Binary({self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        return (np.asarray(outputs) > 0).astype(np.int64)

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        X = self.validate(candidates)
        if not np.isin(X, (0, 1)).all():
            raise ValueError("Binary candidates must contain only 0 and 1")
        return np.where(X > 0, 1.0, -1.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(0, 2, size=(n, self.dimension))

    def moves(self, output: np.ndarray) -> np.ndarray:
        return self._moves

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        moved = np.array(output, dtype=float)
        i = move[0]
        moved[i] = -moved[i] if moved[i] != 0 else 1.0
        return moved

    def apply_moves(self, output: np.ndarray, moves: np.ndarray, step: float) -> np.ndarray:
        moved = np.array(output, dtype=float)
        bits = np.asarray(moves)[:, 0]
        moved[bits] = np.where(moved[bits] != 0, -moved[bits], 1.0)
        return moved

    def sign_outputs(self) -> np.ndarray:
        return np.ones(self.output_size, dtype=bool)

    def flip_output(self, moves: np.ndarray) -> np.ndarray:
        return np.asarray(moves, dtype=np.int64)[:, 0].copy()

    def value_range(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.dimension, np.int64), np.ones(self.dimension, np.int64)


class Integer(_Confidences):
    """Integer vectors with ``lb <= x <= ub`` (inclusive): each coordinate's output in ``[-1, 1]``
    is spread evenly over the ``ub - lb + 1`` values, so a coordinate with two values behaves like a
    bit thresholded at 0. A single move takes one coordinate one value up or down."""

    moves_depend_on_point = True

    def __init__(self, lb, ub, dimension: int | None = None):
        lb, ub = as_bounds(lb, ub, dimension)
        if not (np.isfinite(lb).all() and np.isfinite(ub).all()):
            raise ValueError("Integer needs finite bounds; use Box for unbounded reals")
        if (lb != np.round(lb)).any() or (ub != np.round(ub)).any():
            raise ValueError("Integer bounds must be whole numbers")
        self.lb, self.ub = lb.astype(np.int64), ub.astype(np.int64)
        self.dimension = self.lb.size
        self.output_shape = (self.dimension,)
        self._count = (self.ub - self.lb + 1).astype(float)

    def __repr__(self) -> str:
        return f"Integer(lb={self.lb.tolist()}, ub={self.ub.tolist()})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        fraction = (np.clip(np.asarray(outputs, dtype=float), -1.0, 1.0) + 1.0) / 2.0
        index = np.minimum(np.floor(fraction * self._count), self._count - 1)
        return self.lb + index.astype(np.int64)

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        X = self.validate(candidates)
        if ((X < self.lb) | (X > self.ub)).any():
            raise ValueError(f"candidates outside the bounds of {self!r}")
        return (X - self.lb + 0.5) / self._count * 2.0 - 1.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(self.lb, self.ub + 1, size=(n, self.dimension))

    def moves(self, output: np.ndarray) -> np.ndarray:
        x = self.decode(np.asarray(output)[None])[0]
        steps = np.array([-1, 1])
        shifted = x[:, None] + steps[None, :]
        inside = (shifted >= self.lb[:, None]) & (shifted <= self.ub[:, None])
        coordinate, which = np.nonzero(inside)
        return np.stack([coordinate, steps[which]], axis=1)

    def _moved(self, candidate: np.ndarray, move: tuple[int, int]) -> np.ndarray:
        candidate[move[0]] = np.clip(candidate[move[0]] + move[1], self.lb[move[0]],
                                     self.ub[move[0]])
        return candidate

    def value_range(self) -> tuple[np.ndarray, np.ndarray]:
        return self.lb.copy(), self.ub.copy()

    def relaxation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return np.full(self.output_size, -1.0), np.full(self.output_size, 1.0)


class Categorical(_Confidences):
    """``n`` categorical variables; variable ``i`` takes a value in ``0 .. k_i - 1``, the argmax of
    its perturbed logits. ``k`` is one count for all variables or one count per variable. A single
    move gives one variable another value."""

    moves_depend_on_point = True

    def __init__(self, n: int, k: int | Sequence[int]):
        n = as_count(n, "Categorical n (number of variables)")
        counts = np.broadcast_to(np.asarray(k), (n,))
        if counts.dtype.kind not in "iu" and not np.array_equal(counts, np.round(counts)):
            raise ValueError(f"category counts must be whole numbers, got k={k}")
        counts = counts.astype(np.int64).copy()
        if (counts < 1).any():
            raise ValueError(f"every variable needs at least one category, got k={k}")
        self.dimension, self.counts = n, counts
        self.output_shape = (self.dimension, int(counts.max()))
        self._invalid = np.arange(self.output_shape[1])[None, :] >= counts[:, None]

    def __repr__(self) -> str:
        k = int(self.counts[0]) if (self.counts == self.counts[0]).all() else self.counts.tolist()
        return f"Categorical({self.dimension}, {k})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        logits = np.where(self._invalid, -np.inf, np.asarray(outputs, dtype=float))
        return logits.argmax(axis=-1).astype(np.int64)

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        X = self.validate(candidates)
        if ((X < 0) | (X >= self.counts)).any():
            raise ValueError(f"candidates outside the categories of {self!r}")
        outputs = np.full((X.shape[0], *self.output_shape), -1.0)
        np.put_along_axis(outputs, X[..., None], 1.0, axis=-1)
        return outputs

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return (rng.random((n, self.dimension)) * self.counts).astype(np.int64)

    def moves(self, output: np.ndarray) -> np.ndarray:
        x = self.decode(np.asarray(output)[None])[0]
        categories = np.arange(self.output_shape[1])[None, :]
        allowed = (categories < self.counts[:, None]) & (categories != x[:, None])
        return np.stack(np.nonzero(allowed), axis=1)

    def _moved(self, candidate: np.ndarray, move: tuple[int, int]) -> np.ndarray:
        candidate[move[0]] = move[1]
        return candidate

    def value_range(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.dimension, np.int64), self.counts - 1


class Permutation(_Confidences):
    """Orderings of ``0 .. n-1`` by random keys: the candidate is the argsort of the output (keys
    bounded up to 200 items, :func:`~.base.ordering_keys_bounded`). A single move swaps two
    positions."""

    def __init__(self, n: int):
        self.dimension = as_count(n, "Permutation n (number of items)")
        self.output_shape = (self.dimension,)
        self._moves = (np.stack(np.triu_indices(self.dimension, 1), axis=1)
                       if self.dimension > 1 else NO_MOVES)

    def __repr__(self) -> str:
        return f"Permutation({self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        return np.argsort(np.asarray(outputs), axis=-1, kind="stable").astype(np.int64)

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        X = self.validate(candidates)
        if not (np.sort(X, axis=1) == np.arange(self.dimension)).all():
            raise ValueError(f"candidates of {self!r} must be permutations of "
                             f"0..{self.dimension - 1}")
        keys = np.empty(X.shape, dtype=float)
        np.put_along_axis(keys, X, np.linspace(-1.0, 1.0, self.dimension)[None, :], axis=1)
        return keys

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.argsort(rng.random((n, self.dimension)), axis=1).astype(np.int64)

    def moves(self, output: np.ndarray) -> np.ndarray:
        return self._moves

    def bounded_outputs(self) -> np.ndarray:
        return np.full(self.output_size, ordering_keys_bounded(self.dimension))

    def _moved(self, candidate: np.ndarray, move: tuple[int, int]) -> np.ndarray:
        candidate[[move[0], move[1]]] = candidate[[move[1], move[0]]]
        return candidate
