"""Search spaces: how a (perturbed) policy output becomes a candidate solution.

Every optimizer in ovlr-bbo works on a real-valued *output* of shape ``space.output_shape``
(the policy's output for OVLR, the search point of a continuous baseline) and the space turns a
batch of such outputs into candidates with :meth:`Space.decode`. Outputs live on a standardized
scale (boxes are mapped to ``[-1, 1]``, discrete spaces use logits or keys around 0), so one noise
scale ``sigma`` fits every kind of space.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

__all__ = ["Space", "Box", "RandomKeys", "Binary", "Integer", "Categorical", "Permutation"]


class Space(ABC):
    """A search space: decodes real outputs of shape ``output_shape`` into candidate vectors."""

    #: length of one candidate vector
    dimension: int
    #: shape of the real-valued output that decodes to one candidate
    output_shape: tuple[int, ...]
    #: dtype of decoded candidates
    dtype: type = np.float64
    #: whether candidates take finitely many values (binary, integer, categorical, permutation)
    discrete: bool = True

    @property
    def output_size(self) -> int:
        """Number of reals in one output (the dimension of the continuous relaxation)."""
        return int(np.prod(self.output_shape))

    @abstractmethod
    def decode(self, outputs: np.ndarray) -> np.ndarray:
        """Map outputs of shape ``(batch, *output_shape)`` to candidates ``(batch, dimension)``."""

    @abstractmethod
    def encode(self, candidates: np.ndarray) -> np.ndarray:
        """Outputs that decode to the candidates: ``(batch, dimension) -> (batch, *shape)``."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` candidates drawn uniformly from the space."""

    def initial_output(self) -> np.ndarray:
        """The output an optimizer starts from: the centre of the space (all zeros)."""
        return np.zeros(self.output_shape)

    def validate(self, candidates: np.ndarray) -> np.ndarray:
        """Return ``candidates`` as a 2-D array, or raise ValueError saying what is wrong."""
        X = np.asarray(candidates)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.dimension:
            raise ValueError(
                f"{self!r} expects candidates of shape (n, {self.dimension}), got {X.shape}"
            )
        return X

    def decode_flat(self, vectors: np.ndarray) -> np.ndarray:
        """Decode flat real vectors ``(batch, output_size)``, as continuous optimizers produce."""
        vectors = np.asarray(vectors, dtype=float)
        return self.decode(vectors.reshape((-1, *self.output_shape)))


def _as_bounds(lb, ub, dimension: int | None) -> tuple[np.ndarray, np.ndarray]:
    lb, ub = np.atleast_1d(np.asarray(lb, dtype=float)), np.atleast_1d(np.asarray(ub, dtype=float))
    if dimension is None:
        dimension = max(lb.size, ub.size)
    if dimension < 1:
        raise ValueError(f"a space needs at least one dimension, got dimension={dimension}")
    try:
        lb, ub = np.broadcast_to(lb, (dimension,)).copy(), np.broadcast_to(ub, (dimension,)).copy()
    except ValueError:
        raise ValueError(
            f"bounds of sizes {lb.size} and {ub.size} do not match dimension {dimension}; "
            "give scalars or arrays of the same length"
        ) from None
    if np.isnan(lb).any() or np.isnan(ub).any():
        raise ValueError("bounds must not be NaN")
    if not (lb < ub).all():
        bad = int(np.flatnonzero(~(lb < ub))[0])
        raise ValueError(f"need lb < ub in every coordinate; coordinate {bad} has "
                         f"{lb[bad]} >= {ub[bad]}")
    return lb, ub


class Box(Space):
    """Real vectors in ``[lb, ub]`` (bounds may be infinite for an unbounded space).

    A bounded coordinate is decoded by clipping the output to ``[-1, 1]`` and mapping that interval
    onto ``[lb, ub]``; an unbounded one is the output itself times ``scale`` (its typical step).

    >>> Box(-5, 5, dimension=3).decode(np.array([[-1.0, 0.0, 2.0]]))
    array([[-5.,  0.,  5.]])
    """

    discrete = False

    def __init__(self, lb=-np.inf, ub=np.inf, dimension: int | None = None, scale: float = 1.0):
        self.lb, self.ub = _as_bounds(lb, ub, dimension)
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

    def __repr__(self) -> str:
        if self.bounded.all() and np.ptp(self.lb) == 0 and np.ptp(self.ub) == 0:
            return f"Box({self.lb[0]:g}, {self.ub[0]:g}, dimension={self.dimension})"
        return f"Box(dimension={self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        u = np.asarray(outputs, dtype=float)
        u = np.where(self.bounded, np.clip(u, -1.0, 1.0), u)
        return self._centre + self._half * u

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        return (self.validate(candidates).astype(float) - self._centre) / self._half

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = np.where(self.bounded, rng.uniform(-1.0, 1.0, (n, self.dimension)),
                     rng.standard_normal((n, self.dimension)))
        return self.decode(u)


class RandomKeys(Box):
    """Keys in ``(0, 1)^n`` whose meaning is their order (the random-key encoding of orderings, as
    bin packing by First Fit over ``argsort(keys)`` uses).

    Outputs are squashed by the logistic function, which is strictly increasing: every output
    keeps its full order in the decoded keys (clipping, as :class:`Box` does, would turn the
    outputs beyond the bounds into ties). Local moves swap two keys instead of stepping one.
    """

    def __init__(self, n: int):
        super().__init__(0.0, 1.0, dimension=int(n))

    def __repr__(self) -> str:
        return f"RandomKeys({self.dimension})"

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.asarray(outputs, dtype=float)))

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        keys = np.clip(self.validate(candidates).astype(float), 1e-12, 1 - 1e-12)
        return np.log(keys) - np.log1p(-keys)


class Integer(Space):
    """Integer vectors with ``lb <= x <= ub`` (inclusive): each coordinate's output in ``[-1, 1]``
    is spread evenly over the ``ub - lb + 1`` values, so a coordinate with two values behaves like a
    bit thresholded at 0."""

    dtype = np.int64

    def __init__(self, lb, ub, dimension: int | None = None):
        lb, ub = _as_bounds(lb, ub, dimension)
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


class Binary(Space):
    """Bit strings: bit ``i`` is 1 where the perturbed logit ``i`` is positive."""

    dtype = np.int64

    def __init__(self, dimension: int):
        if int(dimension) < 1:
            raise ValueError(f"Binary needs dimension >= 1, got {dimension}")
        self.dimension = int(dimension)
        self.output_shape = (self.dimension,)

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


class Categorical(Space):
    """``n`` categorical variables; variable ``i`` takes a value in ``0 .. k_i - 1``, the argmax of
    its perturbed logits. ``k`` is one count for all variables or one count per variable."""

    dtype = np.int64

    def __init__(self, n: int, k: int | Sequence[int]):
        if int(n) < 1:
            raise ValueError(f"Categorical needs n >= 1 variables, got {n}")
        counts = np.broadcast_to(np.asarray(k, dtype=np.int64), (int(n),)).copy()
        if (counts < 1).any():
            raise ValueError(f"every variable needs at least one category, got k={k}")
        self.dimension, self.counts = int(n), counts
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


class Permutation(Space):
    """Orderings of ``0 .. n-1`` by random keys: the candidate is the argsort of the output."""

    dtype = np.int64

    def __init__(self, n: int):
        if int(n) < 1:
            raise ValueError(f"Permutation needs n >= 1 items, got {n}")
        self.dimension = int(n)
        self.output_shape = (self.dimension,)

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
