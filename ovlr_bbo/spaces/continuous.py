"""Real-valued spaces: :class:`Box` (positions) and :class:`RandomKeys` (orderings by keys)."""

from __future__ import annotations

import numpy as np

from .base import NO_MOVES, Space, as_bounds, ordering_keys_bounded

__all__ = ["Box", "RandomKeys"]


class Box(Space):
    """Real vectors in ``[lb, ub]`` (bounds may be infinite for an unbounded space).

    A bounded coordinate is decoded by clipping the output to ``[-1, 1]`` and mapping that interval
    onto ``[lb, ub]``; an unbounded one is the output itself times ``scale`` (its typical step).
    Outputs are positions; a single move steps one coordinate up or down.

    >>> Box(-5, 5, dimension=3).decode(np.array([[-1.0, 0.0, 2.0]]))
    array([[-5.,  0.,  5.]])
    """

    discrete = False
    relative_moves = True

    def __init__(self, lb=-np.inf, ub=np.inf, dimension: int | None = None, scale: float = 1.0):
        self.lb, self.ub = as_bounds(lb, ub, dimension)
        self.dimension = self.lb.size
        self.output_shape = (self.dimension,)
        if not np.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale must be a positive number, got {scale}")
        self.scale = float(scale)
        self.bounded = np.isfinite(self.lb) & np.isfinite(self.ub)
        if (np.isfinite(self.lb) != np.isfinite(self.ub)).any():
            raise ValueError("each coordinate must be bounded on both sides or on neither")
        lb, ub = np.where(self.bounded, self.lb, -1.0), np.where(self.bounded, self.ub, 1.0)
        self._centre = np.where(self.bounded, (lb + ub) / 2, 0.0)
        self._half = np.where(self.bounded, (ub - lb) / 2, self.scale)
        steps = np.array([-1, 1])
        self._moves = np.stack([np.repeat(np.arange(self.dimension), 2),
                                np.tile(steps, self.dimension)], axis=1)

    def __repr__(self) -> str:
        if self.bounded.all() and np.ptp(self.lb) == 0 and np.ptp(self.ub) == 0:
            return f"Box({self.lb[0]:g}, {self.ub[0]:g}, dimension={self.dimension})"
        return f"Box(dimension={self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        u = np.asarray(outputs, dtype=float)
        x = np.clip(u, -1.0, 1.0)
        if not self.bounded.all():
            x = np.where(self.bounded, x, u)
        x *= self._half  # in place on the new array: the same numbers, fewer temporaries
        x += self._centre
        return x

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        return (self.validate(candidates).astype(float) - self._centre) / self._half

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = np.where(self.bounded, rng.uniform(-1.0, 1.0, (n, self.dimension)),
                     rng.standard_normal((n, self.dimension)))
        return self.decode(u)

    def moves(self, output: np.ndarray) -> np.ndarray:
        return self._moves

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        moved = np.array(output, dtype=float)
        moved[move[0]] += move[1] * step
        return moved

    def position_outputs(self) -> np.ndarray:
        return np.ones(self.output_size, dtype=bool)

    def as_box(self) -> Box | None:
        return self

    def relaxation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = super().relaxation_bounds()
        lower[self.bounded], upper[self.bounded] = -1.0, 1.0
        return lower, upper


class RandomKeys(Box):
    """Keys in ``(0, 1)^n`` whose meaning is their order (the random-key encoding of orderings, as
    bin packing by First Fit over ``argsort(keys)`` uses).

    Outputs are squashed by the logistic function, which is strictly increasing: every output
    keeps its full order in the decoded keys (clipping, as :class:`Box` does, would turn the
    outputs beyond the bounds into ties). Outputs are confidences (only their order matters),
    bounded up to 200 keys (:func:`~.base.ordering_keys_bounded`); a single move swaps two
    unequal keys.
    """

    relative_moves = False
    moves_depend_on_point = True

    def __init__(self, n: int):
        super().__init__(0.0, 1.0, dimension=n)
        self._pairs = np.stack(np.triu_indices(self.dimension, 1), axis=1)

    def __repr__(self) -> str:
        return f"RandomKeys({self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.asarray(outputs, dtype=float)))

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        keys = np.clip(self.validate(candidates).astype(float), 1e-12, 1 - 1e-12)
        return np.log(keys) - np.log1p(-keys)

    def moves(self, output: np.ndarray) -> np.ndarray:
        if self.dimension < 2:
            return NO_MOVES
        keys = np.asarray(output)
        return self._pairs[keys[self._pairs[:, 0]] != keys[self._pairs[:, 1]]]  # equal: no-op

    def move_count(self, output: np.ndarray) -> int:
        if self.dimension < 2:
            return 0
        _, tied = np.unique(np.asarray(output), return_counts=True)
        return len(self._pairs) - int((tied * (tied - 1) // 2).sum())

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        moved = np.array(output, dtype=float)
        moved[[move[0], move[1]]] = moved[[move[1], move[0]]]
        return moved

    def position_outputs(self) -> np.ndarray:
        return np.zeros(self.output_size, dtype=bool)

    def bounded_outputs(self) -> np.ndarray:
        return np.full(self.output_size, ordering_keys_bounded(self.dimension))

    def as_box(self) -> Box | None:
        return None  # keys are confidences, not positions
