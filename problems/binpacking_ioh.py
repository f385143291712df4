"""Bin packing as real ``ioh`` problems, so the IOH loggers record it like any IOH suite problem.

Two encodings (see :mod:`.binpacking_decode`):

- :class:`BinPackingKeys` (REAL, ``[0, 1]^n``): random keys decoded by First Fit or Best Fit;
- :class:`BinPackingAssignment` (INTEGER, ``{0..K-1}^n``): item -> bin index with an overflow
  penalty.

Both minimise ``bins + (1 - mean fill^2)``. ``optimum.y`` is the optimal bin count where known,
else the L2 lower bound, and the final target is set so that ``state.final_target_found`` means
"this packing uses that many bins" (provably optimal). ``optimum.x`` is the best packing known when
the problem is built (the instance's optimal solution, else First Fit Decreasing), since ioh needs
one.

IOH naming: the function is ``binpack-<family>-<encoding>`` (``-bestfit`` appended for the Best Fit
decoder), its id a stable hash of that name, the dimension the item count, and the IOH instance the
generator seed (1 for instances read from files), so seeds aggregate like BBOB instances.

Calling a problem on a 2-D array evaluates the whole batch with the vectorised decoder first and
then lets ioh walk the rows, so ioh still counts, tracks and logs every row as one evaluation.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import ioh
import numpy as np

from ovlr_bbo.spaces import Integer, RandomKeys, Space

from .benchmark import BenchmarkProblem
from .binpacking import BinPackingInstance, bin_loads, first_fit_decreasing
from .binpacking_decode import DECODERS, assignment_objective, keys_objective

__all__ = [
    "ENCODINGS",
    "BinPackingKeys",
    "BinPackingAssignment",
    "binpacking",
    "default_bin_count",
    "ioh_function_name",
]

#: the two bin packing encodings
ENCODINGS = ("keys", "assignment")


def ioh_function_name(
    instance: BinPackingInstance, encoding: str, decoder: str = "first_fit"
) -> str:
    """The IOH function name of ``instance`` under ``encoding`` (and ``decoder`` for keys)."""
    return f"binpack-{instance.family}-{encoding}{decoder_suffix(encoding, decoder)}"


def decoder_suffix(encoding: str, decoder: str) -> str:
    """What a problem name appends for ``decoder``: nothing for First Fit (and for the assignment
    encoding), ``-bestfit`` for Best Fit, ``-<decoder>`` for the others (``-fill``)."""
    if encoding != "keys" or decoder == "first_fit":
        return ""
    return "-bestfit" if decoder == "best_fit" else f"-{decoder}"


def default_bin_count(instance: BinPackingInstance) -> int:
    """Bin indices offered by the assignment encoding: the First Fit Decreasing bin count, so a
    feasible packing (FFD's) and every packing at least as good fit in the space."""
    return int(first_fit_decreasing(instance).max()) + 1


def _function_id(name: str) -> int:
    # stable across processes (ioh numbers new names in creation order), above ioh's own ids
    # (<= 10004) and below 2**16, since iohinspector stores function ids as UInt16
    return 20_000 + zlib.crc32(name.encode()) % 45_000


def _target_precision(instance: BinPackingInstance) -> float:
    """Precision p with ``objective - bins* <= p`` exactly when the packing uses ``bins*`` bins.

    With ``bins*`` bins, mean fill^2 >= (total / (bins* C))^2 (Jensen), so
    ``objective - bins* <= 1 - (total / (bins* C))^2 < p``; one more bin adds at least 1 > p.
    """
    mean_fill = instance.weights.sum() / (instance.lower_bound * instance.capacity)
    return 1.0 - 0.5 * min(mean_fill, 1.0) ** 2


def _reference_assignment(instance: BinPackingInstance) -> np.ndarray:
    return instance.solution if instance.solution is not None else first_fit_decreasing(instance)


def _ioh_instance(instance: BinPackingInstance) -> int:
    return instance.seed if instance.seed is not None else 1


class _BatchCache:
    """Objective values computed for a whole batch, handed out row by row to ``evaluate``."""

    def __init__(self) -> None:
        self.values: list[float] | None = None
        self.cursor = 0

    def pop(self) -> float | None:
        if self.values is None or self.cursor >= len(self.values):
            return None
        self.cursor += 1
        return self.values[self.cursor - 1]


class _BatchEvaluation:
    """The evaluation path both encodings share (placed before the ioh base class).

    ``problem(X)`` on a 2-D batch computes every row's value at once with the vectorised
    ``objective``, then hands the rows to ioh, which counts and logs each one and asks
    :meth:`evaluate` for its value (served from the batch's cache). Subclasses define
    ``objective(X)`` and ``_batch_array(X)`` (dtype checks and conversion).
    """

    _cache: _BatchCache
    objective: Callable[[np.ndarray], np.ndarray]

    def evaluate(self, x: np.ndarray) -> float:
        """Called by ioh once per evaluated row."""
        value = self._cache.pop()
        return float(self.objective(np.asarray(x)[None])[0]) if value is None else value

    def __call__(self, x):
        X = np.asarray(x)
        if X.ndim != 2:
            return super().__call__(x)
        X = self._batch_array(X)
        n = self.meta_data.n_variables
        if X.shape[1] != n:
            raise ValueError(f"{self.meta_data.name} expects rows of length {n}, got {X.shape[1]}")
        # ioh skips rows with NaN/inf (returns NaN, counts nothing); keep the cache aligned with it
        finite = np.isfinite(X).all(axis=1) if X.dtype.kind == "f" else np.ones(len(X), dtype=bool)
        self._cache.values = self.objective(X[finite]).tolist() if finite.any() else []
        self._cache.cursor = 0
        try:
            return super().__call__(X)
        finally:
            self._cache.values = None


class BinPackingKeys(_BatchEvaluation, ioh.problem.RealSingleObjective):
    """Random-key bin packing: ``x in [0, 1]^n``, ``argsort(x)`` packed by ``decoder``.

    >>> from ovlr_bbo.problems.binpacking import triplet_instance
    >>> problem = BinPackingKeys(triplet_instance(30, seed=0))
    >>> problem(np.linspace(0, 1, 30)) >= 10
    True
    """

    def __init__(self, instance: BinPackingInstance, decoder: str = "first_fit"):
        if decoder not in DECODERS:
            raise ValueError(f"unknown decoder {decoder!r}; choose one of {DECODERS}")
        n = instance.n_items
        reference = _reference_assignment(instance)
        # items grouped by bin, in bin order: First Fit rebuilds full reference bins exactly
        order = np.lexsort((-instance.weights, reference))
        keys = np.empty(n)
        keys[order] = (np.arange(n) + 0.5) / n
        name = ioh_function_name(instance, "keys", decoder)
        super().__init__(name, n, _ioh_instance(instance), True, ioh.RealBounds(n, 0.0, 1.0), [],
                         ioh.RealSolution(keys.tolist(), float(instance.lower_bound)))
        self.set_id(_function_id(name))
        self.set_final_target(_target_precision(instance))
        self.instance, self.decoder = instance, decoder
        self._cache = _BatchCache()

    def objective(self, keys: np.ndarray) -> np.ndarray:
        """Objective of a batch of keys ``(batch, n)``, without counting or logging."""
        instance = self.instance
        return keys_objective(instance.weights, instance.capacity, keys, self.decoder)

    @staticmethod
    def _batch_array(X: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(X, dtype=np.float64)


class BinPackingAssignment(_BatchEvaluation, ioh.problem.IntegerSingleObjective):
    """Direct-assignment bin packing: ``x[i]`` is the bin of item ``i``, in ``0 .. n_bins - 1``.

    ``n_bins`` defaults to :func:`default_bin_count` (the FFD bin count). Packings with overfull
    bins score ``n_bins + 1 + overflow / C``, worse than every feasible packing.
    """

    def __init__(self, instance: BinPackingInstance, n_bins: int | None = None):
        n_bins = default_bin_count(instance) if n_bins is None else int(n_bins)
        if n_bins < instance.lower_bound:
            raise ValueError(f"n_bins={n_bins} is below the lower bound {instance.lower_bound} "
                             f"of {instance.name}: no feasible assignment would exist")
        n = instance.n_items
        reference = _reference_assignment(instance)
        if reference.max() >= n_bins:
            reference = first_fit_decreasing(instance)
        if reference.max() >= n_bins:
            reference = np.zeros(n, dtype=np.int64)  # ioh needs some x; no packing known to fit
        name = ioh_function_name(instance, "assignment")
        super().__init__(name, n, _ioh_instance(instance), True,
                         ioh.IntegerBounds(n, 0, n_bins - 1), [],
                         ioh.IntegerSolution(reference.tolist(), float(instance.lower_bound)))
        self.set_id(_function_id(name))
        self.set_final_target(_target_precision(instance))
        self.instance, self.n_bins = instance, n_bins
        self._cache = _BatchCache()

    def objective(self, assignment: np.ndarray) -> np.ndarray:
        """Objective of a batch of assignments ``(batch, n)``, without counting or logging."""
        instance = self.instance
        return assignment_objective(instance.weights, instance.capacity, assignment, self.n_bins)

    def _batch_array(self, X: np.ndarray) -> np.ndarray:
        if X.dtype.kind not in "iub":
            raise TypeError(f"{self.meta_data.name} takes integer bin indices, got dtype {X.dtype}")
        return np.ascontiguousarray(X, dtype=np.int64)

    def loads(self, assignment: np.ndarray) -> np.ndarray:
        """Bin loads ``(n_bins,)`` of one assignment."""
        loads = bin_loads(self.instance.weights, np.asarray(assignment))
        return np.pad(loads, (0, self.n_bins - loads.size))


def binpacking(
    instance: BinPackingInstance,
    encoding: str = "keys",
    decoder: str = "first_fit",
    n_bins: int | None = None,
) -> BenchmarkProblem:
    """A bin packing :class:`BenchmarkProblem` named ``binpack-<instance>-<encoding>``.

    ``encoding="keys"``: :class:`BinPackingKeys` on ``RandomKeys(n)`` (keys in [0, 1]), decoded by
    ``decoder`` (``"first_fit"`` or ``"best_fit"``, which appends ``-bestfit`` to the name).
    ``encoding="assignment"``: :class:`BinPackingAssignment` on ``Integer(0, K - 1, dimension=n)``
    with ``K = n_bins`` (default: the First Fit Decreasing bin count, see
    :func:`default_bin_count`). ``optimum`` is the optimal bin count where known.
    """
    n = instance.n_items
    if encoding == "keys":
        problem = BinPackingKeys(instance, decoder)
        space: Space = RandomKeys(n)
        suffix = decoder_suffix(encoding, decoder)
    elif encoding == "assignment":
        problem = BinPackingAssignment(instance, n_bins)
        space, suffix = Integer(0, problem.n_bins - 1, dimension=n), ""
    else:
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {ENCODINGS}")
    optimum = None if instance.optimum is None else float(instance.optimum)
    return BenchmarkProblem(name=f"binpack-{instance.name}-{encoding}{suffix}", problem=problem,
                            space=space, maximize=False, optimum=optimum)
