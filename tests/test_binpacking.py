"""Bin packing: instances, generators, bounds, heuristics, batch decoders and file readers."""

from __future__ import annotations

import numpy as np
import pytest

from ovlr_bbo.problems.binpacking import (
    BinPackingInstance,
    best_fit,
    best_fit_decreasing,
    bin_loads,
    first_fit,
    first_fit_decreasing,
    lower_bound_l1,
    lower_bound_l2,
    packing_objective,
    triplet_instance,
    uniform_instance,
)
from ovlr_bbo.problems.binpacking_decode import (
    assignment_objective,
    keys_objective,
    pack_orders,
)
from ovlr_bbo.problems.binpacking_fill import _best_subset, fill_loads, fill_packing
from ovlr_bbo.problems.binpacking_io import (
    BinPackingFormatError,
    read_bpp,
    read_orlib,
    write_bpp,
)

# FFD needs 4 bins, the optimum (51+26+23, 51+26+23, 27+27+23+23) is 3 = L1 = L2
FFD_TRAP = BinPackingInstance("ffd-trap", [51, 51, 27, 27, 26, 26, 23, 23, 23, 23], 100, optimum=3,
                              solution=[0, 1, 2, 2, 0, 1, 0, 1, 2, 2])


def n_bins(assignment: np.ndarray) -> int:
    return len(np.unique(assignment))


def assert_valid_packing(instance: BinPackingInstance, assignment: np.ndarray) -> None:
    assignment = np.asarray(assignment)
    assert assignment.shape == (instance.n_items,)
    assert (assignment >= 0).all()
    assert (bin_loads(instance.weights, assignment) <= instance.capacity).all()


# --- generators -------------------------------------------------------------------------------

@pytest.mark.parametrize("n_items", [3, 30, 120])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_triplet_instances_have_optimum_n_over_3(n_items: int, seed: int) -> None:
    instance = triplet_instance(n_items, seed)
    C, k = instance.capacity, n_items // 3
    assert C == 1000 and instance.optimum == k == instance.lower_bound
    assert instance.weights.sum() == k * C  # no packing with fewer than k bins
    # every triplet of the known solution fills one bin exactly
    loads = bin_loads(instance.weights, instance.solution)
    assert (loads == C).all() and (np.bincount(instance.solution) == 3).all()
    assert lower_bound_l1(instance.weights, C) == lower_bound_l2(instance.weights, C) == k
    assert instance.weights.min() >= 250 and instance.weights.max() <= 499


def test_triplets_are_shuffled_and_seeded() -> None:
    instance = triplet_instance(60, 0)
    consecutive = instance.weights.reshape(-1, 3).sum(axis=1)
    assert not (consecutive == instance.capacity).all()
    assert np.array_equal(triplet_instance(60, 0).weights, instance.weights)
    assert not np.array_equal(triplet_instance(60, 1).weights, instance.weights)
    with pytest.raises(ValueError, match="multiple of 3"):
        triplet_instance(31, 0)


def test_uniform_instances() -> None:
    instance = uniform_instance(120, 3)
    assert instance.capacity == 150 and instance.optimum is None
    assert instance.weights.min() >= 20 and instance.weights.max() <= 100
    assert instance.lower_bound == lower_bound_l2(instance.weights, 150)
    assert np.array_equal(uniform_instance(120, 3).weights, instance.weights)


# --- bounds and heuristics --------------------------------------------------------------------

def test_ffd_at_least_l2_at_least_l1_on_random_instances() -> None:
    rng = np.random.default_rng(0)
    for seed in range(20):
        instance = uniform_instance(int(rng.integers(5, 80)), seed)
        l1 = lower_bound_l1(instance.weights, instance.capacity)
        l2 = lower_bound_l2(instance.weights, instance.capacity)
        assert n_bins(first_fit_decreasing(instance)) >= l2 >= l1
        assert n_bins(best_fit_decreasing(instance)) >= l2
    for _ in range(50):  # other capacities and weight ranges, many items above C/2
        capacity = int(rng.integers(10, 200))
        weights = rng.integers(1, capacity + 1, size=int(rng.integers(1, 40)))
        instance = BinPackingInstance("random", weights, capacity)
        assert n_bins(first_fit_decreasing(instance)) >= instance.lower_bound >= lower_bound_l1(
            weights, capacity)


def test_l2_matches_its_definition() -> None:
    rng = np.random.default_rng(1)
    for _ in range(100):
        C = int(rng.integers(4, 40))
        w = rng.integers(1, C + 1, size=int(rng.integers(1, 20)))
        expected = 0
        for K in range(C // 2 + 1):
            J1, J2 = w[w > C - K], w[(w <= C - K) & (w > C / 2)]
            J3 = w[(w <= C / 2) & (w >= K)]
            spill = J3.sum() - (len(J2) * C - J2.sum())
            expected = max(expected, len(J1) + len(J2) + max(0, -(-spill // C)))
        assert lower_bound_l2(w, C) == expected


def test_known_small_instances() -> None:
    assert lower_bound_l1([6, 6, 6], 10) == 2 and lower_bound_l2([6, 6, 6], 10) == 3
    assert n_bins(first_fit_decreasing(FFD_TRAP)) == 4
    assert n_bins(best_fit_decreasing(FFD_TRAP)) == 4
    assert FFD_TRAP.lower_bound == lower_bound_l2(FFD_TRAP.weights, 100) == 3
    items = BinPackingInstance("bf-vs-ff", [5, 7, 3], 10)
    assert first_fit(items).tolist() == [0, 1, 0]  # 3 goes into the first bin that fits
    assert best_fit(items).tolist() == [0, 1, 1]  # ... and into the fullest one for Best Fit
    assert first_fit(items, order=np.array([1, 2, 0])).tolist() == [1, 0, 0]
    with pytest.raises(ValueError, match="permutation"):
        first_fit(items, order=np.array([0, 0, 1]))


def test_objective_breaks_ties_toward_fuller_bins() -> None:
    assert packing_objective(np.array([10, 10]), 10) == 2.0
    assert packing_objective(np.array([10, 5]), 10) == pytest.approx(2 + 1 - (1 + 0.25) / 2)
    batch = packing_objective(np.array([[9, 9, 0], [10, 8, 0]]), 10)
    assert np.floor(batch).tolist() == [2, 2] and batch[1] < batch[0]


def test_instance_validation() -> None:
    with pytest.raises(ValueError, match="larger than the capacity"):
        BinPackingInstance("big", [3, 11], 10)
    with pytest.raises(ValueError, match="non-positive"):
        BinPackingInstance("zero", [3, 0], 10)
    with pytest.raises(ValueError, match="below the L2"):
        BinPackingInstance("bad-opt", [6, 6, 6], 10, optimum=2)
    with pytest.raises(ValueError, match="not a feasible packing"):
        BinPackingInstance("bad-sol", [6, 6, 6], 10, solution=[0, 0, 1])


# --- batch decoders ---------------------------------------------------------------------------

@pytest.mark.parametrize("decoder", ["first_fit", "best_fit"])
def test_batch_decoder_gives_valid_packings_equal_to_the_loop(decoder: str) -> None:
    instance = uniform_instance(40, 0)
    rng = np.random.default_rng(0)
    orders = np.argsort(rng.random((16, 40)), axis=1)
    assignment, loads = pack_orders(instance.weights, instance.capacity, orders, decoder)
    heuristic = first_fit if decoder == "first_fit" else best_fit
    for row in range(16):
        assert_valid_packing(instance, assignment[row])
        assert np.array_equal(assignment[row], heuristic(instance, orders[row]))
        used = bin_loads(instance.weights, assignment[row])
        assert np.array_equal(loads[row, : used.size], used) and (loads[row, used.size:] == 0).all()
    keys = rng.random((16, 40))
    small = keys_objective(instance.weights, instance.capacity, keys[:2], decoder)  # loop path
    large = keys_objective(instance.weights, instance.capacity, keys, decoder)  # numpy path
    assert np.allclose(small, large[:2])
    assert (np.floor(large) >= instance.lower_bound).all()


def test_keys_of_the_optimal_order_reach_the_optimum() -> None:
    instance = triplet_instance(30, 2)
    keys = np.argsort(np.argsort(instance.solution, kind="stable")) / 30.0
    value = keys_objective(instance.weights, instance.capacity, keys[None])
    assert value.tolist() == [10.0]


def test_assignment_objective_ranks_every_infeasible_below_every_feasible() -> None:
    instance = uniform_instance(30, 1)
    K = n_bins(first_fit_decreasing(instance)) + 2
    rng = np.random.default_rng(0)
    X = rng.integers(0, K, size=(200, 30))
    X[0] = first_fit_decreasing(instance)
    values = assignment_objective(instance.weights, instance.capacity, X, K)
    loads = np.stack([np.bincount(x, weights=instance.weights, minlength=K) for x in X])
    feasible = (loads <= instance.capacity).all(axis=1)
    assert feasible.any() and (~feasible).any()
    assert values[~feasible].min() > values[feasible].max()
    for row in np.flatnonzero(feasible):
        assert values[row] == pytest.approx(packing_objective(loads[row], instance.capacity))
        assert np.floor(values[row]) == (loads[row] > 0).sum()
    with pytest.raises(ValueError, match="bin indices"):
        assignment_objective(instance.weights, instance.capacity, X + K, K)


# --- file readers -----------------------------------------------------------------------------

def test_bpp_round_trip_and_blank_lines(tmp_path) -> None:
    instance = uniform_instance(25, 4)
    read = read_bpp(write_bpp(instance, tmp_path / "u25.txt"))
    assert read.name == "u25" and read.capacity == 150 and read.optimum is None
    assert np.array_equal(read.weights, instance.weights)
    (tmp_path / "spaced.txt").write_text("3\n\n10\n 4 \n6\n\n5\n\n")
    spaced = read_bpp(tmp_path / "spaced.txt", optimum=2)
    assert spaced.weights.tolist() == [4, 6, 5] and spaced.optimum == 2


def test_fractional_weights_are_scaled(tmp_path) -> None:
    (tmp_path / "frac.txt").write_text("3\n100.0\n33.3\n33.3\n33.4\n")
    instance = read_bpp(tmp_path / "frac.txt")
    assert instance.capacity == 1000 and instance.weights.tolist() == [333, 333, 334]
    assert instance.lower_bound == 1


def test_orlib_reader(tmp_path) -> None:
    path = tmp_path / "binpack0.txt"
    path.write_text(" 2\n u4_00\n 150 4 2\n60\n70\n80\n90\n t3_00\n 100.0 3 1\n"
                    "33.3\n33.3\n33.4\n")
    first, second = read_orlib(path)
    assert (first.name, first.capacity, first.optimum) == ("u4_00", 150, 2)
    assert first.weights.tolist() == [60, 70, 80, 90]
    assert (second.capacity, second.optimum, second.weights.tolist()) == (1000, 1, [333, 333, 334])


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("3\n10\n4\nfour\n5\n", 4, "expected the weight of item 2"),
        ("3\n10\n4\n11\n5\n", 4, "larger than the capacity"),
        ("3\n10\n4\n6\n", 5, "file ends early"),
        ("2\n10\n4\n6\n7\n", 5, "unexpected content"),
        ("2\n10\n4 5\n6\n", 3, "alone on the line"),
        ("2.5\n10\n4\n6\n", 1, "whole number"),
        ("2\n-10\n4\n6\n", 2, "positive number"),
        ("", 1, "file ends early"),
    ],
)
def test_broken_bpp_files_name_file_and_line(tmp_path, text: str, line: int, message: str) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(text)
    with pytest.raises(BinPackingFormatError, match=message) as info:
        read_bpp(path)
    assert str(path) in str(info.value) and f"line {line}:" in str(info.value)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (" 1\n u\n 150 3\n60\n70\n80\n", 3, "capacity n best_known"),
        (" 1\n u\n 150 2 1\n60\n170\n", 5, "larger than the capacity"),
        (" 1\n u\n 150 2 1\n100\n100\n", 5, "below the L2"),
        (" 2\n u\n 150 1 1\n60\n", 5, "file ends early"),
    ],
)
def test_broken_orlib_files_name_file_and_line(tmp_path, text: str, line: int,
                                               message: str) -> None:
    path = tmp_path / "binpack_broken.txt"
    path.write_text(text)
    with pytest.raises(BinPackingFormatError, match=message) as info:
        read_orlib(path)
    assert str(path) in str(info.value) and f"line {line}:" in str(info.value)


# --- the bin-by-bin fill decoder --------------------------------------------------------------

def test_best_subset_prefers_exact_and_earlier_items() -> None:
    assert sorted(_best_subset([5, 3, 4, 2], 7)) == [1, 2]  # 3 + 4 = 7 found before 5 + 2 is tried
    assert sorted(_best_subset([5, 4, 2, 1], 7)) == [0, 2]  # 5 + 2 exact; stops before 1
    assert sorted(_best_subset([9, 8, 6], 7)) == [2]  # nothing fills 7: the best single
    assert _best_subset([9, 8], 7) == []


@pytest.mark.parametrize("window", [0, 1, 4, 12, 40])
def test_fill_decoder_packs_every_item_feasibly(window: int) -> None:
    instance = uniform_instance(40, 3)
    rng = np.random.default_rng(window)
    orders = np.argsort(rng.random((6, 40)), axis=1)
    loads = fill_loads(instance.weights, instance.capacity, orders, window)
    for row, order in enumerate(orders):
        assignment = fill_packing(instance.weights, instance.capacity, order, window)
        assert_valid_packing(instance, assignment)
        used = bin_loads(instance.weights, assignment)
        assert np.array_equal(loads[row, : used.size], used) and (loads[row, used.size:] == 0).all()
        assert loads[row].sum() == instance.weights.sum()
        # bins are opened in key order by the first unpacked item: bin b's seed precedes bin b+1's
        rank = np.empty(40, dtype=np.int64)
        rank[order] = np.arange(40)
        seed_ranks = [rank[assignment == b].min() for b in range(used.size)]
        assert seed_ranks == sorted(seed_ranks) and seed_ranks[0] == 0
    with pytest.raises(ValueError, match="window"):
        fill_loads(instance.weights, instance.capacity, orders, -1)


def test_fill_window_zero_is_one_item_per_bin_and_full_window_beats_first_fit() -> None:
    instance = uniform_instance(60, 5)
    order = np.random.default_rng(0).permutation(60)
    assert n_bins(fill_packing(instance.weights, instance.capacity, order, 0)) == 60
    fill = n_bins(fill_packing(instance.weights, instance.capacity, order, 60))
    assert fill <= n_bins(first_fit(instance, order))


def test_fill_decoder_closes_a_bin_exactly_when_a_completion_exists() -> None:
    # seed 50 leaves 50: the completion 30 + 20 exists further down the order, First Fit misses it
    instance = BinPackingInstance("exact", [50, 45, 30, 20, 55], 100)
    order = np.arange(5)
    assignment = fill_packing(instance.weights, instance.capacity, order, 4)
    assert assignment.tolist() == [0, 1, 0, 0, 1]
    assert n_bins(first_fit(instance, order)) == 3


@pytest.mark.parametrize("n_items", [30, 60, 120])
def test_fill_decoder_reaches_the_triplet_optimum_from_the_solution_order(n_items: int) -> None:
    instance = triplet_instance(n_items, 7)
    # bins in order, the largest item of each bin first
    order = np.lexsort((-instance.weights, instance.solution))
    keys = np.empty(n_items)
    keys[order] = np.arange(n_items) / n_items
    value = keys_objective(instance.weights, instance.capacity, keys[None], "fill")
    assert value.tolist() == [n_items / 3]


# --- presets ----------------------------------------------------------------------------------

def test_binpacking_presets_use_the_fill_decoder_and_held_out_seeds() -> None:
    from ovlr_bbo.bench.config import load_config

    tuning_seeds = set(range(100, 120))
    large = load_config("binpacking-large").runs()
    groups = {(run.problem.fid, run.problem.dimension) for run in large}
    assert groups == {("triplet", 30), ("triplet", 60), ("triplet", 120), ("uniform", 120),
                      ("uniform", 250), ("uniform", 500), ("uniform", 1000)}
    assert {run.problem.decoder for run in large} == {"fill"}
    assert {run.budget for run in large} == {10_000} and {run.seed for run in large} == {0, 1, 2}
    triplet_seeds = {run.problem.instance for run in large if run.problem.fid == "triplet"}
    assert triplet_seeds == set(range(1000, 1020)) and not triplet_seeds & tuning_seeds
    default = load_config("binpacking").runs()
    assert {(run.problem.encoding, run.problem.decoder) for run in default} == {
        ("keys", "fill"), ("keys", "first_fit"), ("assignment", "first_fit")}
