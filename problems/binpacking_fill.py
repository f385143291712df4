"""A bin-oriented decoder for random keys: fill one bin at a time with the best-fitting subset.

``argsort(keys)`` gives an item order. The first unpacked item in that order opens a bin (its
*seed*); the bin is then closed with the subset of the next ``window`` unpacked items (in key
order, among those that fit) whose total fills it best, found exactly by a subset-sum over
integer weights (bitsets as Python integers). Among the best subsets the decoder prefers items
earlier in the order, so the keys decide which items open bins and which of several equally good
completions is taken. This is the Minimum Bin Slack idea of Gupta & Ho (1999), restricted to a
window so that the keys keep control and a bin costs O(window) big-integer operations.

On Falkenauer triplets every bin of an optimal packing is three items that fill it exactly: when
the keys list a triplet's items before the next triplet's, the decoder rebuilds that bin, so the
optimum is reachable (the :class:`~.binpacking_ioh.BinPackingKeys` reference keys do this).
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_WINDOW", "fill_packing", "fill_loads"]

#: how many unpacked items after a bin's seed (in key order) the subset search may use
DEFAULT_WINDOW = 48  # chosen on triplet generator seeds 100-104 (60 and 120 items)
# how far past the seed the decoder looks for ``window`` items that fit, in multiples of window
_SCAN_FACTOR = 4


def _best_subset(sizes: list[int], room: int) -> list[int]:
    """Indices into ``sizes`` of a subset with the largest total ``<= room``, preferring subsets
    that use earlier entries; stops adding entries once a subset fills ``room`` exactly."""
    mask = (1 << (room + 1)) - 1
    reach, history = 1, [1]
    for size in sizes:
        reach |= (reach << size) & mask
        history.append(reach)
        if reach >> room:
            break
    total = reach.bit_length() - 1
    chosen = []
    for i in range(len(history) - 2, -1, -1):
        if total == 0:
            break
        if not (history[i] >> total) & 1:  # not reachable without entry i: take it
            chosen.append(i)
            total -= sizes[i]
    return chosen


def _fill(weights: list[int], capacity: int, window: int) -> tuple[list[int], list[int]]:
    """Pack ``weights`` (already in key order); returns the bin of every position and the loads."""
    n = len(weights)
    bin_of = [-1] * n
    # skip[p] leads to the first unpacked position >= p (union-find with path halving; n = end)
    skip = list(range(n + 1))
    loads: list[int] = []
    scan = max(window, 1) * _SCAN_FACTOR
    head = 0
    while head < n:
        b = len(loads)
        bin_of[head], skip[head] = b, head + 1
        room = capacity - weights[head]
        candidates: list[int] = []
        position, looked = head + 1, 0
        while len(candidates) < window and looked < scan:
            while skip[position] != position:  # jump over packed positions
                skip[position] = skip[skip[position]]
                position = skip[position]
            if position >= n:
                break
            if weights[position] <= room:
                candidates.append(position)
            position += 1
            looked += 1
        load = weights[head]
        if candidates:
            for i in _best_subset([weights[p] for p in candidates], room):
                bin_of[candidates[i]] = b
                skip[candidates[i]] = candidates[i] + 1
                load += weights[candidates[i]]
        loads.append(load)
        while skip[head] != head:  # the next seed: the first unpacked position
            skip[head] = skip[skip[head]]
            head = skip[head]
    return bin_of, loads


def fill_packing(
    weights: np.ndarray, capacity: int, order: np.ndarray, window: int = DEFAULT_WINDOW
) -> np.ndarray:
    """Pack the items in ``order`` bin by bin (see the module text); returns every item's bin."""
    if window < 0:
        raise ValueError(f"window must be a non-negative number of items, got {window}")
    order = np.asarray(order, dtype=np.int64)
    bin_of, _ = _fill(np.asarray(weights)[order].tolist(), int(capacity), window)
    assignment = np.empty(len(order), dtype=np.int64)
    assignment[order] = bin_of
    return assignment


def fill_loads(
    weights: np.ndarray, capacity: int, orders: np.ndarray, window: int = DEFAULT_WINDOW
) -> np.ndarray:
    """Bin loads ``(batch, n_bins)`` of the fill decoding of each row of ``orders`` (zero-padded:
    ``n_bins`` is the largest bin count in the batch)."""
    orders = np.asarray(orders, dtype=np.int64)
    if window < 0:
        raise ValueError(f"window must be a non-negative number of items, got {window}")
    in_order = np.asarray(weights)[orders].tolist()
    rows = [_fill(row, int(capacity), window)[1] for row in in_order]
    width = max((len(row) for row in rows), default=0)
    loads = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        loads[i, : len(row)] = row
    return loads
