"""The problems package: IOH suites, bin packing as ioh problems, names, batch calls and logging."""

from __future__ import annotations

import ioh
import iohinspector
import numpy as np
import polars as pl
import pytest

from ovlr_bbo.problems import (
    BinPackingInstance,
    bbob,
    binpacking,
    first_fit_decreasing,
    integer,
    make_problem,
    parse_problem,
    pbo,
    triplet_instance,
    uniform_instance,
)
from ovlr_bbo.spaces import Binary, Box, Integer

# --- IOH suites -------------------------------------------------------------------------------


def test_pbo_is_binary_and_maximised() -> None:
    bench = pbo(1, 1, 16)
    assert bench.name == "pbo-f1-i1-d16" and bench.maximize and bench.optimum == 16.0
    assert isinstance(bench.space, Binary) and bench.space.dimension == 16
    values = bench.evaluate(np.array([np.ones(16), np.zeros(16)], dtype=np.int64))
    assert values.tolist() == [16.0, 0.0] and bench.losses(np.ones(16, dtype=int)).tolist() == [-16]
    assert bench.evaluations == 3 and bench.solved and bench.hits_target(values).tolist() == [1, 0]


def test_bbob_box_comes_from_the_problem_bounds() -> None:
    bench = bbob(1, 1, 5)
    assert bench.name == "bbob-f1-i1-d5" and not bench.maximize
    assert isinstance(bench.space, Box)
    assert np.array_equal(bench.space.lb, bench.problem.bounds.lb)
    assert np.array_equal(bench.space.ub, bench.problem.bounds.ub)
    x_opt = np.asarray(bench.problem.optimum.x)
    assert bench.evaluate(x_opt)[0] == pytest.approx(bench.optimum)
    assert bench.losses(x_opt)[0] == pytest.approx(bench.optimum)
    assert bench.solved


def test_integer_class_uses_the_problem_grid() -> None:
    bench = integer(30, 1, 4)
    assert isinstance(bench.space, Integer) and bench.space.ub.tolist() == [10] * 4
    X = bench.space.sample(np.random.default_rng(0), 3)
    assert bench.evaluate(X).shape == (3,) and bench.evaluations == 3
    assert isinstance(integer(1, 1, 8).space, Binary)


@pytest.mark.parametrize("name", ["pbo:2:1:16", "bbob:8:2:3", "integer:31:1:3",
                                  "binpack:triplet:0:12:keys", "binpack:uniform:1:20:assignment"])
def test_decoded_space_outputs_are_accepted(name: str) -> None:
    bench = make_problem(name)
    rng = np.random.default_rng(0)
    outputs = rng.standard_normal((6, *bench.space.output_shape))
    values = bench.evaluate(bench.space.decode(outputs))
    assert values.shape == (6,) and np.isfinite(values).all() and bench.evaluations == 6


def test_evaluate_rejects_bad_candidates() -> None:
    with pytest.raises(ValueError, match="shape"):
        pbo(1, 1, 8).evaluate(np.ones((2, 7), dtype=int))
    with pytest.raises(ValueError, match="bounds"):
        pbo(1, 1, 8).evaluate(np.full((1, 8), 2))
    with pytest.raises(ValueError, match="NaN"):
        bbob(1, 1, 2).evaluate(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="whole numbers"):
        pbo(1, 1, 2).evaluate(np.array([[0.5, 1.0]]))


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("pbo:1:1:32", "pbo-f1-i1-d32"),
        ("bbob:24:3:10", "bbob-f24-i3-d10"),
        ("binpack:triplet:0:30", "binpack-triplet30-s0-keys"),
        ("binpack:triplet:0:30:keys:best_fit", "binpack-triplet30-s0-keys-bestfit"),
        ("binpack:uniform:2:60:assignment", "binpack-uniform60-s2-assignment"),
    ],
)
def test_specs_and_names_round_trip(text: str, name: str) -> None:
    assert parse_problem(text).name == name
    assert parse_problem(name) == parse_problem(text)
    assert make_problem(name).name == name


@pytest.mark.parametrize("text", ["onemax", "pbo:1:1", "cec:1:1:5", "binpack:triplet:0:30:perm",
                                  "binpack:gauss:0:30", "pbo-f1-d32"])
def test_unknown_names_list_the_valid_forms(text: str) -> None:
    with pytest.raises(ValueError, match="valid forms") as info:
        parse_problem(text)
    assert "pbo:1:1:32" in str(info.value) and "binpack:triplet:0:30:keys" in str(info.value)
    with pytest.raises(ValueError, match="valid ids"):
        make_problem("pbo:99:1:8")


# --- bin packing as ioh problems --------------------------------------------------------------


def test_binpacking_spaces_and_optimum() -> None:
    instance = triplet_instance(12, 0)
    keys = binpacking(instance, "keys")
    assignment = binpacking(instance, "assignment")
    ffd_bins = int(first_fit_decreasing(instance).max()) + 1
    assert repr(keys.space) == "RandomKeys(12)" and not keys.maximize
    assert isinstance(assignment.space, Integer)
    assert assignment.space.ub.tolist() == [ffd_bins - 1] * 12
    assert keys.optimum == assignment.optimum == 4.0
    for bench in (keys, assignment):
        assert isinstance(bench.problem, ioh.problem.RealSingleObjective
                          | ioh.problem.IntegerSingleObjective)
        x_opt = np.asarray(bench.problem.optimum.x)
        assert bench.evaluate(x_opt).tolist() == [4.0]
        assert bench.problem.state.optimum_found and bench.solved


def test_final_target_means_optimal_bin_count() -> None:
    # a lower-bound-only instance: FFD reaches L2 = 3 bins with some slack
    instance = BinPackingInstance("slack", [60, 50, 40, 40, 30, 30, 20], 100)
    assert instance.optimum is None and instance.lower_bound == 3
    bench = binpacking(instance, "assignment", n_bins=5)
    assert bench.optimum is None and bench.space.ub.tolist() == [4] * 7
    ffd = first_fit_decreasing(instance)
    worse = np.array([0, 1, 2, 3, 0, 1, 2])  # feasible, 4 bins
    value_worse = bench.evaluate(worse)[0]
    assert np.floor(value_worse) == 4 and not bench.solved
    value = bench.evaluate(ffd)[0]
    assert np.floor(value) == 3 and value > 3 and bench.solved
    assert bench.hits_target([value, value_worse]).tolist() == [True, False]


@pytest.mark.parametrize("encoding", ["keys", "assignment"])
def test_batch_call_counts_every_row_and_matches_single_calls(encoding: str) -> None:
    bench = binpacking(uniform_instance(30, 0), encoding)
    X = bench.space.sample(np.random.default_rng(1), 9)
    batch = bench.problem(X)
    assert bench.evaluations == 9
    single = [bench.problem(x) for x in X]
    assert np.allclose(batch, single) and bench.evaluations == 18
    assert bench.best_value == pytest.approx(min(single))


def test_keys_batch_with_nan_rows_stays_aligned() -> None:
    bench = binpacking(uniform_instance(30, 0), "keys")
    X = np.random.default_rng(2).random((5, 30))
    expected = bench.problem.objective(X)
    X[1, 3] = np.nan
    values = bench.problem(X)  # ioh skips the NaN row and counts the others
    assert np.isnan(values[1]) and bench.evaluations == 4
    assert np.allclose(np.delete(values, 1), np.delete(expected, 1))


def test_best_fit_decoder_changes_the_name_and_values() -> None:
    instance = uniform_instance(40, 0)
    first, best = binpacking(instance, "keys"), binpacking(instance, "keys", decoder="best_fit")
    assert best.name == "binpack-uniform40-s0-keys-bestfit"
    assert best.problem.meta_data.name != first.problem.meta_data.name
    X = np.random.default_rng(0).random((20, 40))
    assert not np.allclose(first.evaluate(X), best.evaluate(X))
    with pytest.raises(ValueError, match="decoder"):
        binpacking(instance, "keys", decoder="worst_fit")


# --- IOH logging, read back with the real iohinspector reader ---------------------------------


@pytest.mark.parametrize("encoding", ["keys", "assignment"])
def test_analyzer_output_loads_in_iohinspector(tmp_path, encoding: str) -> None:
    instance = triplet_instance(12, 3)
    bench = binpacking(instance, encoding)
    logger = ioh.logger.Analyzer(root=str(tmp_path), folder_name="run", algorithm_name="random",
                                 algorithm_info="test", triggers=[ioh.logger.trigger.ALWAYS])
    bench.attach_logger(logger)
    rng = np.random.default_rng(0)
    for run_length in (20, 30):
        for _ in range(run_length // 10):
            bench.evaluate(bench.space.sample(rng, 10))
        assert bench.evaluations == run_length
        bench.reset()
    logger.close()

    folder = tmp_path / "run"
    (index,) = folder.glob("IOHprofiler_f*.json")
    (data,) = folder.glob("data_f*/IOHprofiler_f*_DIM12.dat")
    # ALWAYS logs every evaluation: one header plus one line per evaluation and run
    assert len(data.read_text().splitlines()) == 2 + 20 + 30
    manager = iohinspector.DataManager()
    manager.add_folder(str(folder))
    frame = manager.load(monotonic=True, include_meta_data=True)
    runs = frame.group_by("data_id").agg(pl.col("evaluations").max(), pl.col("raw_y").min(),
                                         pl.col("function_name").first(),
                                         pl.col("dimension").first(), pl.col("instance").first())
    assert runs.height == 2
    assert set(runs["function_name"]) == {bench.problem.meta_data.name}
    assert set(runs["dimension"]) == {12} and set(runs["instance"]) == {3}
    assert (runs["raw_y"] >= instance.optimum).all()
    assert index.name.endswith(f"{bench.problem.meta_data.name}.json")


def test_fill_decoder_is_a_named_keys_decoder_whose_reference_is_optimal() -> None:
    instance = triplet_instance(30, 1000)
    fill = binpacking(instance, "keys", decoder="fill")
    assert fill.name == "binpack-triplet30-s1000-keys-fill"
    assert fill.problem.meta_data.name == "binpack-triplet-keys-fill"
    first_fit = binpacking(instance, "keys").problem
    assert fill.problem.meta_data.problem_id != first_fit.meta_data.problem_id
    assert fill.evaluate(np.asarray(fill.problem.optimum.x)).tolist() == [10.0] and fill.solved
    X = np.random.default_rng(0).random((8, 30))
    values = fill.evaluate(X)
    assert fill.evaluations == 9 and (np.floor(values) >= 10).all()
    assert np.allclose(values, fill.problem.objective(X))


@pytest.mark.parametrize("decoder", ["first_fit", "best_fit", "fill", "fill12"])
def test_bin_packing_decoders_have_distinct_names_that_parse_back(decoder):
    from ovlr_bbo.problems import ProblemSpec, parse_problem

    spec = ProblemSpec("binpack", "triplet", 0, 30, "keys", decoder)
    assert parse_problem(spec.name) == spec
    others = {ProblemSpec("binpack", "triplet", 0, 30, "keys", d).name
              for d in ("first_fit", "best_fit", "fill", "fill12")}
    assert len(others) == 4
