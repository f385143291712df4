"""Batch decoders for the two bin packing encodings.

- Random keys: row ``x`` in ``[0, 1]^n``; ``argsort(x)`` is the order in which First Fit or Best
  Fit packs the items (vectorised across the batch with numpy), or in which the bin-by-bin
  ``fill`` decoders of :mod:`.binpacking_fill` open bins and pick their contents (a Python loop
  per row, about 0.4 ms at 120 items and 5 ms at 1,000). Every row decodes to a feasible packing.
- Direct assignment: row ``x`` gives each item a bin index in ``0 .. n_bins - 1``. Overfull bins
  make the packing infeasible; infeasible rows get ``n_bins + 1 + overflow / C``, above every
  feasible objective (which is below ``used bins + 1 <= n_bins + 1``).

The greedy decoders loop over the n items once and handle all rows of the batch per step, so a
batch of B rows costs n numpy steps on ``(B, open bins)`` arrays instead of B Python loops.
"""

from __future__ import annotations

import numpy as np

from .binpacking import bin_loads, greedy_packing, packing_objective
from .binpacking_fill import DEFAULT_WINDOW, fill_loads

__all__ = ["DECODERS", "GREEDY_DECODERS", "FILL_WINDOWS", "pack_orders", "keys_objective",
           "assignment_objective"]

#: item-by-item rules: each item in turn goes into the first (or the fullest) bin that fits
GREEDY_DECODERS = ("first_fit", "best_fit")
#: bin-by-bin rules (:mod:`.binpacking_fill`): ``fill`` uses the default window (48 items),
#: ``fill12`` and ``fill24`` smaller ones (for comparison; chosen on generator seeds 100-104)
FILL_WINDOWS = {"fill": DEFAULT_WINDOW, "fill12": 12, "fill24": 24}
#: names of the rules that decode an item order into a packing
DECODERS = GREEDY_DECODERS + tuple(FILL_WINDOWS)

# below this batch size a plain Python loop per row beats the numpy steps (measured at n = 120)
_LOOP_BELOW = 5


def pack_orders(
    weights: np.ndarray, capacity: int, orders: np.ndarray, decoder: str = "first_fit"
) -> tuple[np.ndarray, np.ndarray]:
    """Pack each row of ``orders`` (item indices, ``(batch, n)``) greedily.

    Returns ``(assignment, loads)``: the bin index of every item ``(batch, n)`` and the bin loads
    ``(batch, n_open)`` where ``n_open`` is the largest bin count in the batch (unused bins of
    a row have load 0).
    """
    orders = np.asarray(orders, dtype=np.int64)
    assignment = np.empty(orders.shape, dtype=np.int64)
    loads = _pack(weights, capacity, orders, decoder, assignment)
    return assignment, loads


def _pack(weights: np.ndarray, capacity: int, orders: np.ndarray, decoder: str,
          assignment: np.ndarray | None) -> np.ndarray:
    """Bin loads of greedy packings of ``orders``; fills ``assignment`` when one is given."""
    if decoder not in GREEDY_DECODERS:
        raise ValueError(f"unknown greedy decoder {decoder!r}; choose one of {GREEDY_DECODERS}")
    batch, n = orders.shape
    # int32 halves the memory traffic of the per-step comparisons; loads never exceed capacity
    dtype = np.int32 if capacity < 2**31 - 1 else np.int64
    # one contiguous row of item weights per packing step
    step_weights = np.ascontiguousarray(np.asarray(weights, dtype=dtype)[orders].T)
    residual = np.full((batch, n), capacity, dtype=dtype)
    rows = np.arange(batch)
    n_open = 0
    for step in range(n):
        w = step_weights[step]
        # bins beyond the first unopened one are all empty, so the first n_open + 1 suffice
        open_residual = residual[:, : n_open + 1]
        fits = open_residual >= w[:, None]
        if decoder == "first_fit":
            choice = fits.argmax(axis=1)
        else:
            # fullest bin that fits; the first unopened bin (residual C) always fits
            choice = np.where(fits, open_residual, capacity + 1).argmin(axis=1)
        residual[rows, choice] -= w
        if assignment is not None:
            assignment[rows, orders[:, step]] = choice
        n_open = max(n_open, int(choice.max()) + 1)
    return capacity - residual[:, :n_open].astype(np.int64)


def keys_objective(
    weights: np.ndarray, capacity: int, keys: np.ndarray, decoder: str = "first_fit"
) -> np.ndarray:
    """Objective of random-key rows ``(batch, n)``: pack ``argsort(keys)`` with ``decoder``."""
    if decoder not in DECODERS:
        raise ValueError(f"unknown decoder {decoder!r}; choose one of {DECODERS}")
    orders = np.argsort(np.asarray(keys, dtype=np.float64), axis=1, kind="stable")
    if decoder in FILL_WINDOWS:
        return packing_objective(fill_loads(weights, capacity, orders, FILL_WINDOWS[decoder]),
                                 capacity)
    if orders.shape[0] < _LOOP_BELOW:
        objective = [
            packing_objective(bin_loads(weights, greedy_packing(weights, capacity, order, decoder)),
                              capacity)
            for order in orders
        ]
        return np.asarray(objective, dtype=np.float64).reshape(orders.shape[0])
    return packing_objective(_pack(weights, capacity, orders, decoder, None), capacity)


def assignment_objective(
    weights: np.ndarray, capacity: int, assignment: np.ndarray, n_bins: int
) -> np.ndarray:
    """Objective of direct-assignment rows ``(batch, n)`` with bin indices in ``0 .. n_bins-1``.

    Feasible rows: ``used + (1 - mean (load/C)^2)`` (below ``n_bins + 1``). Rows with overfull
    bins: ``n_bins + 1 + total overflow / C``, so every infeasible row is worse than every
    feasible one and less overflow is better.
    """
    assignment = np.asarray(assignment, dtype=np.int64)
    if assignment.ndim != 2 or assignment.shape[1] != len(weights):
        raise ValueError(f"expected assignments of shape (batch, {len(weights)}), "
                         f"got {assignment.shape}")
    if ((assignment < 0) | (assignment >= n_bins)).any():
        raise ValueError(f"bin indices must lie in 0..{n_bins - 1}")
    batch = assignment.shape[0]
    flat = (assignment + n_bins * np.arange(batch)[:, None]).ravel()
    loads = np.bincount(flat, weights=np.tile(np.asarray(weights, dtype=np.float64), batch),
                        minlength=batch * n_bins).reshape(batch, n_bins)
    overflow = np.maximum(loads - capacity, 0.0).sum(axis=1)
    feasible = packing_objective(loads, capacity)
    return np.where(overflow > 0, n_bins + 1 + overflow / capacity, feasible)
