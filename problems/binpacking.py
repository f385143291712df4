"""One-dimensional bin packing: instances, seeded generators, lower bounds and greedy heuristics.

Items have integer weights ``w_i <= C``; a packing puts every item into a bin without any bin's
load exceeding the capacity ``C``; the goal is the fewest bins. The objective used throughout
ovlr-bbo breaks ties between packings with the same bin count (Falkenauer's fitness):

    objective = N + (1 - F),   F = mean over used bins of (load / C) ** 2,

which lies in ``[N, N + 1)``, so ``floor(objective)`` is the bin count ``N``. IOH has no bin
packing problems; :mod:`ovlr_bbo.problems.binpacking_ioh` wraps these as ``ioh`` problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "BinPackingInstance",
    "triplet_instance",
    "uniform_instance",
    "lower_bound_l1",
    "lower_bound_l2",
    "first_fit",
    "best_fit",
    "first_fit_decreasing",
    "best_fit_decreasing",
    "greedy_packing",
    "bin_loads",
    "packing_objective",
]


@dataclass(frozen=True, eq=False)
class BinPackingInstance:
    """A bin packing instance: integer ``weights``, integer ``capacity`` and what is known about
    the optimal bin count.

    ``optimum`` is the optimal number of bins where it is known (by construction, or from a file's
    best-known value), else None; ``lower_bound`` is always a proven lower bound (the
    Martello-Toth L2 bound, or ``optimum`` where that is known). ``solution`` optionally holds an
    optimal packing as one bin index per item. ``family`` and ``seed`` say where the instance came
    from (``"triplet"``/``"uniform"`` and the generator seed, or a file stem and None).
    """

    name: str
    weights: np.ndarray
    capacity: int
    optimum: int | None = None
    family: str = "custom"
    seed: int | None = None
    solution: np.ndarray | None = field(default=None, repr=False)
    lower_bound: int = field(init=False)

    def __post_init__(self) -> None:
        name, weights = self.name, np.asarray(self.weights)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"{name}: weights must be a non-empty 1-D array, got {weights.shape}")
        if weights.dtype.kind == "f" and not np.array_equal(weights, np.round(weights)):
            raise ValueError(f"{self.name}: weights must be integers; scale fractional weights and "
                             "the capacity by a power of ten (the file readers do this)")
        if int(self.capacity) != self.capacity or self.capacity < 1:
            raise ValueError(f"{name}: capacity must be a positive integer, got {self.capacity}")
        weights = weights.astype(np.int64)
        if (weights < 1).any():
            raise ValueError(f"{self.name}: item {int(np.argmin(weights))} has non-positive weight")
        if (weights > self.capacity).any():
            item = int(np.argmax(weights))
            raise ValueError(f"{self.name}: item {item} (weight {weights[item]}) is larger than "
                             f"the capacity {self.capacity}")
        weights.setflags(write=False)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "capacity", int(self.capacity))
        bound = lower_bound_l2(weights, self.capacity)
        if self.optimum is not None and self.optimum < bound:
            raise ValueError(f"{name}: optimum {self.optimum} is below the L2 lower bound {bound}")
        if self.optimum is not None:
            bound = int(self.optimum)
            object.__setattr__(self, "optimum", bound)
        object.__setattr__(self, "lower_bound", bound)
        if self.solution is not None:
            solution = np.asarray(self.solution, dtype=np.int64)
            if (solution.shape != weights.shape or (solution < 0).any()
                    or (bin_loads(weights, solution) > self.capacity).any()):
                raise ValueError(f"{self.name}: the given solution is not a feasible packing")
            solution.setflags(write=False)
            object.__setattr__(self, "solution", solution)

    @property
    def n_items(self) -> int:
        """Number of items."""
        return int(self.weights.size)


def triplet_instance(n_items: int, seed: int) -> BinPackingInstance:
    """A Falkenauer-style triplet instance (capacity 1000) with optimum ``n_items / 3``.

    Each triplet is ``a ~ U{350..499}``, ``b ~ U{250..floor((C - a) / 2)}``, ``c = C - a - b``, so
    it fills one bin exactly and the total weight is ``(n/3) C``: no packing beats ``n/3`` bins.
    The items are shuffled, since First Fit solves the unshuffled list.
    """
    if n_items < 3 or n_items % 3:
        raise ValueError(f"triplet instances need a positive multiple of 3 items, got {n_items}")
    capacity, n_triplets = 1000, n_items // 3
    rng = np.random.default_rng(seed)
    a = rng.integers(350, 500, size=n_triplets)
    b = rng.integers(250, (capacity - a) // 2 + 1)
    triplets = np.stack([a, b, capacity - a - b], axis=1).ravel()
    order = rng.permutation(n_items)
    solution = np.repeat(np.arange(n_triplets), 3)[order]
    return BinPackingInstance(name=f"triplet{n_items}-s{seed}", weights=triplets[order],
                              capacity=capacity, optimum=n_triplets, family="triplet",
                              seed=seed, solution=solution)


def uniform_instance(n_items: int, seed: int) -> BinPackingInstance:
    """A Falkenauer-style uniform instance: weights ``U{20..100}``, capacity 150.

    The optimum is unknown; ``lower_bound`` is the Martello-Toth L2 bound, which equals the
    optimum on 79 of the 80 original u-instances.
    """
    if n_items < 1:
        raise ValueError(f"need at least one item, got {n_items}")
    rng = np.random.default_rng(seed)
    return BinPackingInstance(name=f"uniform{n_items}-s{seed}",
                              weights=rng.integers(20, 101, size=n_items), capacity=150,
                              family="uniform", seed=seed)


def lower_bound_l1(weights: np.ndarray, capacity: int) -> int:
    """The continuous bound ``ceil(sum(w) / C)``."""
    return int(-(-int(np.sum(weights)) // int(capacity)))


def lower_bound_l2(weights: np.ndarray, capacity: int) -> int:
    """The Martello-Toth (1990) bound L2 = max over ``K in [0, C/2]`` of L(K), where

    L(K) = |J1| + |J2| + max(0, ceil((sum J3 - (|J2| C - sum J2)) / C)),
    J1 = {w > C - K}, J2 = {C/2 < w <= C - K}, J3 = {K <= w <= C/2}.

    L(K) only changes at item weights, so K runs over 0 and the distinct weights up to C/2.
    """
    w = np.sort(np.asarray(weights, dtype=np.int64))
    prefix = np.concatenate([[0], np.cumsum(w)])
    total, half = prefix[-1], capacity / 2
    ks = np.concatenate([[0], np.unique(w[w <= half])])

    def count_sum_above(x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        i = np.searchsorted(w, x, side="right")
        return w.size - i, total - prefix[i]

    n1, s1 = count_sum_above(capacity - ks)
    n_half, s_half = count_sum_above(half)
    n2, s2 = n_half - n1, s_half - s1
    s3 = (total - prefix[np.searchsorted(w, ks, side="left")]) - s_half
    spill = s3 - (n2 * capacity - s2)
    extra = np.maximum(0, -(-spill // capacity))
    return int(max(np.max(n1 + n2 + extra), lower_bound_l1(w, capacity)))


def greedy_packing(
    weights: np.ndarray, capacity: int, order: np.ndarray, decoder: str = "first_fit"
) -> np.ndarray:
    """Pack items one by one in ``order`` with First Fit (first bin that fits) or Best Fit
    (fullest bin that fits), opening a new bin when none fits; returns every item's bin index.

    A plain loop: fastest for one packing; :func:`~.binpacking_decode.pack_orders` packs batches.
    """
    if decoder not in ("first_fit", "best_fit"):
        raise ValueError(f"unknown decoder {decoder!r}; choose 'first_fit' or 'best_fit'")
    best = decoder == "best_fit"
    residual: list[int] = []
    assignment = np.empty(len(weights), dtype=np.int64)
    for item in order.tolist():
        w = int(weights[item])
        choice = -1
        if best:
            slack = capacity + 1
            for b, r in enumerate(residual):
                if w <= r < slack:
                    choice, slack = b, r
        else:
            for b, r in enumerate(residual):
                if r >= w:
                    choice = b
                    break
        if choice < 0:
            residual.append(capacity)
            choice = len(residual) - 1
        residual[choice] -= w
        assignment[item] = choice
    return assignment


def _check_order(weights: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    if order is None:
        return np.arange(len(weights))
    order = np.asarray(order, dtype=np.int64)
    if not np.array_equal(np.sort(order), np.arange(len(weights))):
        raise ValueError(f"order must be a permutation of 0..{len(weights) - 1}")
    return order


def first_fit(instance: BinPackingInstance, order: np.ndarray | None = None) -> np.ndarray:
    """First Fit in ``order`` (default: item order); returns the bin index of every item."""
    order = _check_order(instance.weights, order)
    return greedy_packing(instance.weights, instance.capacity, order, "first_fit")


def best_fit(instance: BinPackingInstance, order: np.ndarray | None = None) -> np.ndarray:
    """Best Fit (fullest bin that fits) in ``order``; returns the bin index of every item."""
    order = _check_order(instance.weights, order)
    return greedy_packing(instance.weights, instance.capacity, order, "best_fit")


def first_fit_decreasing(instance: BinPackingInstance) -> np.ndarray:
    """First Fit on the items sorted by decreasing weight (stable for equal weights)."""
    return first_fit(instance, np.argsort(-instance.weights, kind="stable"))


def best_fit_decreasing(instance: BinPackingInstance) -> np.ndarray:
    """Best Fit on the items sorted by decreasing weight (stable for equal weights)."""
    return best_fit(instance, np.argsort(-instance.weights, kind="stable"))


def bin_loads(weights: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """Load of every bin index ``0 .. max(assignment)`` (empty indices have load 0)."""
    return np.bincount(np.asarray(assignment), weights=weights).astype(np.int64)


def packing_objective(loads: np.ndarray, capacity: int) -> np.ndarray:
    """Falkenauer's objective ``N + (1 - mean (load/C)^2)`` of feasible packings, row by row.

    ``loads`` is ``(n_bins,)`` or ``(batch, n_bins)``; zero entries are unused bins.
    """
    loads = np.asarray(loads, dtype=np.float64)
    used = (loads > 0).sum(axis=-1)
    fill = np.square(loads / capacity).sum(axis=-1) / np.maximum(used, 1)
    return used + (1.0 - fill)
