"""The search-space contract: decoding, and the geometry every optimizer asks the space about.

Every optimizer in ovlr-bbo works on a real-valued *output* of shape ``space.output_shape`` (the
policy's output for OVLR, the search point of a continuous baseline) and the space turns a batch
of outputs into candidates with :meth:`Space.decode`. Outputs live on a standardized scale (boxes
map to ``[-1, 1]``, discrete spaces use logits or keys around 0), so one noise scale ``sigma``
fits every kind of space.

Besides decoding, a space answers every question an optimizer has about its geometry, so no
optimizer dispatches on space types:

- :meth:`Space.moves` / :meth:`Space.apply_move`: its single local moves (flip a bit, swap two
  keys, one coordinate one step...), as rows ``(coordinate, argument)`` of an int array;
- :meth:`Space.position_outputs`: which outputs are *positions* (coordinates of a point, moved by
  steps that shrink as a search converges) and which are *confidences* (logits or keys whose sign,
  order or argmax decides, and whose magnitude is how sure the policy is);
- :meth:`Space.bounded_outputs`: the confidences OVLR keeps within a bound, so that its noise
  keeps changing them (all of them but the keys of orderings too large to sweep);
- :meth:`Space.sign_outputs` / :meth:`Space.flip_output`: outputs whose sign alone decides (bits),
  and the output each move flips;
- :meth:`Space.value_range` and :meth:`Space.relaxation_bounds`: the discrete and the continuous
  view baselines search.

The geometry methods are abstract: a space that cannot answer cannot be constructed.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod

import numpy as np

__all__ = ["Space", "as_count", "as_bounds", "NO_MOVES", "MAX_SWEEP_MOVES",
           "ordering_keys_bounded"]

#: the empty move set
NO_MOVES = np.empty((0, 2), dtype=np.int64)
#: the most single moves around one point worth sweeping: a sweep of more costs more than a run's
#: budget (bit strings up to 20,000 bits, orderings up to 200 items: 19,900 swaps)
MAX_SWEEP_MOVES = 20_000


def ordering_keys_bounded(items: int) -> bool:
    """Whether the keys of an ordering of ``items`` are bounded outputs (see
    :meth:`Space.bounded_outputs`): those of orderings small enough to sweep (at most
    :data:`MAX_SWEEP_MOVES` swaps, 200 items).

    Keys held within ``+-B`` lie ``2 B / n`` apart on average, so output noise ``sigma`` moves each
    item about ``n sigma / (2 B)`` places. Beside a polish that sweeps single swaps, such wide
    samples are the other scale of search; a larger ordering gets no polish, OVLR's own samples
    are its only search, and its keys must be free to spread apart for those samples to become
    local (500 and 1,000 uniform bin-packing items: BENCHMARKS.md section 0.7).
    """
    return items * (items - 1) // 2 <= MAX_SWEEP_MOVES


def as_count(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int ``>= minimum``; a fraction or a non-number raises instead of being
    truncated."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(number)


def as_bounds(lb, ub, dimension: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Bounds broadcast to ``dimension`` coordinates, checked (``lb < ub``, no NaN)."""
    lb, ub = np.atleast_1d(np.asarray(lb, dtype=float)), np.atleast_1d(np.asarray(ub, dtype=float))
    dimension = max(lb.size, ub.size) if dimension is None else as_count(dimension, "dimension")
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


class Space(ABC):
    """A search space: decodes real outputs of shape ``output_shape`` into candidate vectors and
    describes its local geometry (see the module docstring)."""

    #: length of one candidate vector
    dimension: int
    #: shape of the real-valued output that decodes to one candidate
    output_shape: tuple[int, ...]
    #: dtype of decoded candidates
    dtype: type = np.float64
    #: whether candidates take finitely many values (binary, integer, categorical, permutation)
    discrete: bool = True
    #: whether :meth:`moves` are offsets valid around any point (steps on a box), so a sweep of
    #: moves outlives an accepted move; otherwise the moves belong to the point they were made for
    relative_moves: bool = False
    #: whether :meth:`moves` depends on the point (else it can be computed once)
    moves_depend_on_point: bool = False

    @property
    def output_size(self) -> int:
        """Number of reals in one output (the dimension of the continuous relaxation)."""
        return math.prod(self.output_shape)

    # ------------------------------------------------------------------ decoding
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

    # ------------------------------------------------------------------ geometry
    @abstractmethod
    def moves(self, output: np.ndarray) -> np.ndarray:
        """The single moves around the candidate ``output`` decodes to: rows ``(coordinate,
        argument)`` of an int array (coordinates index the candidate, arguments are >= -1)."""

    def move_count(self, output: np.ndarray) -> int:
        """How many single moves :meth:`moves` gives at ``output`` (spaces whose moves are costly
        to list count them without listing)."""
        return len(self.moves(output))

    @abstractmethod
    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        """An output that decodes to the candidate of ``output`` changed by ``move``; ``step`` is
        the size of a position move in output units (ignored by confidence outputs)."""

    def apply_moves(self, output: np.ndarray, moves: np.ndarray, step: float) -> np.ndarray:
        """``output`` changed by each of ``moves`` (rows of :meth:`moves`, distinct) in turn."""
        moved = np.array(output, dtype=float)
        for i, a in moves:
            moved = self.apply_move(moved, (int(i), int(a)), step)
        return moved

    @abstractmethod
    def position_outputs(self) -> np.ndarray:
        """Boolean mask over the flat output: True where an output is a position."""

    def sign_outputs(self) -> np.ndarray:
        """Boolean mask over the flat output: True where only the sign decides (bits)."""
        return np.zeros(self.output_size, dtype=bool)

    def bounded_outputs(self) -> np.ndarray:
        """Boolean mask over the flat output: the confidences OVLR keeps within
        ``+-output_bound * sigma`` (by default every output that is not a position)."""
        return ~self.position_outputs()

    def flip_output(self, moves: np.ndarray) -> np.ndarray:
        """The flat output whose sign each move flips, -1 for moves that are not sign flips."""
        return np.full(len(moves), -1, dtype=np.int64)

    @property
    def natural_step(self) -> float:
        """The first size of a position move, in output units (a quarter of a bounded range)."""
        return 0.5

    def as_box(self) -> Space | None:  # a Box where not None (spaces.continuous)
        """This space as one :class:`~ovlr_bbo.spaces.Box` (same decoding, same candidates) when
        every output is a position, else None."""
        return None

    def value_range(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Inclusive integer range ``(lower, upper)`` of each candidate coordinate where the
        candidates are integer-valued variables (bits, integers, categories), else None."""
        return None

    def relaxation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the flat output that a continuous optimizer may search (``-inf``/``inf``
        where decoding does not clip)."""
        return np.full(self.output_size, -np.inf), np.full(self.output_size, np.inf)
