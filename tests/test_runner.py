"""The benchmark runner: a tiny configuration end to end, executors, failures, measures."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from ovlr_bbo.bench import load_config, run_bench
from ovlr_bbo.bench.config import parse_int_list
from ovlr_bbo.bench.metrics import hitting_times, run_aocc, summarize

TINY = """
description = "tiny test benchmark"
optimizers = ["ovlr", "rls", "broken"]
seeds = "0-1"

[optimizer.broken]          # invalid setting: every run of it fails and is recorded as failed
optimizer = "ovlr"
sigma = -1.0

[[problems]]
suite = "pbo"
functions = [1, 2]
dimensions = [8]
budget = 100

[[problems]]
suite = "bbob"
functions = [1]
dimensions = [2]
budget = 60

[[problems]]
suite = "binpacking"
functions = ["triplet"]
dimensions = [9]
instances = [0]
encodings = ["keys"]
budget = 50
"""


def write_tiny(folder: Path, text: str = TINY) -> Path:
    path = folder / "tiny.toml"
    path.write_text(text)
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    """results.csv without the wall time (the only column allowed to differ between runs)."""
    with open(path, newline="") as handle:
        return [{k: v for k, v in row.items() if k != "wall_time_s"}
                for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    config = load_config(write_tiny(folder))
    return config, run_bench(config, folder / "out", workers=1, progress=False)


def test_tiny_benchmark_end_to_end(tiny_run):
    config, result = tiny_run
    rows = read_table(result.table)
    assert len(rows) == len(config.runs()) == 3 * 4 * 2
    failed = [row for row in rows if row["status"] != "ok"]
    assert {row["optimizer"] for row in failed} == {"broken"}
    assert all("sigma" in row["error"] for row in failed)
    ok = [row for row in rows if row["status"] == "ok"]
    for row in ok:
        assert int(row["evaluations"]) <= int(row["budget"])
        assert (row["success"] == "True") == (row["evaluations_to_optimum"] != "")
        if row["success"] == "True":
            assert float(row["best"]) == pytest.approx(float(row["optimum"]), abs=1e-8)
            assert int(row["evaluations_to_optimum"]) <= int(row["evaluations"])
    # OneMax-8 with 100 evaluations is easy for RLS
    assert all(r["success"] == "True" for r in ok
               if r["optimizer"] == "rls" and r["problem"] == "pbo-f1-d8")
    report = result.report
    summary = (report / "summary.md").read_text()
    assert "| rls |" in summary and "| LeadingOnes (f2, d8) |" in summary and "broken" in summary
    assert summary.index("OneMax (f1, d8)") < summary.index("LeadingOnes (f2, d8)")
    for figure in ("convergence.png", "ecdf.png", "success_rates.png"):
        assert (report / figure).stat().st_size > 1000


def test_ioh_data_matches_table(tiny_run):
    iohinspector = pytest.importorskip("iohinspector")
    pl = pytest.importorskip("polars")
    _, result = tiny_run
    ok = [row for row in read_table(result.table) if row["status"] == "ok"]
    manager = iohinspector.DataManager()
    manager.add_folder(str(result.out / "ioh"))
    data = manager.load(monotonic=True, include_meta_data=True)
    assert data["data_id"].n_unique() == len(ok)
    assert set(data["algorithm_name"].unique()) == {"ovlr", "rls"}
    finals = data.group_by("data_id").agg(
        pl.col("algorithm_name").first(), pl.col("function_id").first(),
        pl.col("dimension").first(), pl.col("evals").first(), pl.col("best_y").first())
    # per optimizer and dimension, the logged final values and evaluation counts match the table
    # (ioh logs BBOB values as distances to the optimum)
    for optimizer in ("ovlr", "rls"):
        for dimension in (2, 8, 9):
            logged = finals.filter((pl.col("algorithm_name") == optimizer)
                                   & (pl.col("dimension") == dimension))
            mine = [r for r in ok
                    if r["optimizer"] == optimizer and int(r["dimension"]) == dimension]
            shift = [float(r["optimum"]) if r["suite"] == "bbob" else 0.0 for r in mine]
            table = sorted(float(r["best"]) - s for r, s in zip(mine, shift, strict=True))
            assert sorted(logged["best_y"].to_list()) == pytest.approx(table)
            assert sorted(logged["evals"].to_list()) == sorted(int(r["evaluations"]) for r in mine)


def test_two_workers_equal_sequential(tiny_run, tmp_path):
    config, sequential = tiny_run
    parallel = run_bench(config, tmp_path / "out", workers=2, progress=False, report=False)
    assert read_table(parallel.table) == read_table(sequential.table)


def test_ray_executor_equals_sequential(tiny_run, tmp_path):
    pytest.importorskip("ray")
    config, sequential = tiny_run
    config = config.select_optimizers(["ovlr", "broken"])
    result = run_bench(config, tmp_path / "out", workers=2, executor="ray", progress=False,
                       report=False)
    expected = [r for r in read_table(sequential.table) if r["optimizer"] != "rls"]
    assert read_table(result.table) == expected


def test_existing_results_need_resume(tiny_run):
    config, result = tiny_run
    with pytest.raises(ValueError, match="--resume"):
        run_bench(config, result.out, progress=False)
    again = run_bench(config, result.out, resume=True, progress=False)
    assert again.executed == 0 and again.skipped == len(config.runs())


def test_run_timeout_is_recorded_as_failure(tmp_path):
    text = TINY.replace('seeds = "0-1"', 'seeds = "0"\nrun_timeout_s = 1e-6')
    config = load_config(write_tiny(tmp_path, text)).select_optimizers(["ovlr"])
    result = run_bench(config, tmp_path / "out", progress=False, report=False)
    assert all(r["status"] == "failed" and "RunTimedOut" in r["error"] for r in result.records)


def test_parse_int_list():
    assert parse_int_list("0-3,7", "seeds") == [0, 1, 2, 3, 7]
    assert parse_int_list(5, "seeds") == [5]
    with pytest.raises(ValueError, match="0-14"):
        parse_int_list("a-b", "seeds")


def test_measures_on_handmade_records():
    base = {"optimizer": "x", "problem": "pbo-f1-d4", "suite": "pbo", "instance": 1,
            "status": "ok", "maximize": True, "optimum": 4.0, "budget": 10}
    solved = {**base, "key": "solved", "best": 4.0, "success": True, "evaluations": 5,
              "evaluations_to_optimum": 5}
    unsolved = {**base, "key": "unsolved", "best": 2.0, "success": False, "evaluations": 10,
                "evaluations_to_optimum": None}
    # what ioh logged (best-so-far improvements): OneMax-4 values
    traces = {"solved": (np.array([1.0, 5.0]), np.array([0.0, 4.0])),
              "unsolved": (np.array([1.0, 3.0]), np.array([0.0, 2.0]))}
    times = hitting_times([solved, unsolved], traces)
    # 20 targets: relative gap <= 0.95, 0.90, ..., 0.05, 0; value 2 of 4 is a gap of 0.5
    assert times["solved"].times.tolist() == [5.0] * 20
    assert times["unsolved"].times.tolist() == [3.0] * 10 + [math.inf] * 10
    (row,) = summarize([solved, unsolved], times)
    assert row["success_rate"] == 0.5
    assert row["ert"] == (5 + 10) / 1
    assert row["mean_gap"] == pytest.approx((0 + 2 / 4) / 2)
    # solved: nothing hit for evaluations 1-4, everything from 5 to 10 -> 6/10
    assert run_aocc(times["solved"]) == pytest.approx(0.6)
    # unsolved: half the targets from evaluation 3 to 10 -> 0.5 * 8/10
    assert run_aocc(times["unsolved"]) == pytest.approx(0.4)
    (never,) = summarize([unsolved], times)
    assert math.isinf(never["ert"])


def test_bins_above_table_counts_whole_bins_over_the_optimum():
    from ovlr_bbo.bench.report import bins_above_table

    def record(optimizer, best):
        return {"suite": "binpack", "status": "ok", "problem": "binpack-triplet30-keys",
                "function": "triplet", "dimension": 30, "encoding": "keys",
                "optimizer": optimizer, "best": best, "optimum": 10.0}

    table = bins_above_table([record("a", 10.02), record("a", 11.5), record("b", 12.3)])
    assert "| a | 0.5 |" in table and "| b | 2 |" in table
    assert table.startswith("| optimizer | bin packing triplet30 (keys) |")


def test_resume_with_other_optimizers_keeps_the_folders_optimizers(tmp_path):
    """``--resume --optimizers b`` into a folder that ran ``a``: config.json, the table and the
    report cover both (the second call used to leave only ``b`` in config.json)."""
    import json

    text = TINY.replace('seeds = "0-1"', 'seeds = "0"')
    config = load_config(write_tiny(tmp_path, text))
    first = run_bench(config.select_optimizers(["ovlr"]), tmp_path / "out", progress=False,
                      report=False)
    second = run_bench(config.select_optimizers(["rls"]), tmp_path / "out", resume=True,
                       progress=False)
    assert second.executed == first.executed
    saved = json.loads((tmp_path / "out" / "config.json").read_text())
    assert [spec["label"] for spec in saved["optimizers"]] == ["ovlr", "rls"]
    assert {row["optimizer"] for row in read_table(second.table)} == {"ovlr", "rls"}
    assert "| ovlr |" in (second.report / "summary.md").read_text()
    other = load_config(write_tiny(tmp_path, TINY))  # other seeds: a different benchmark
    third = run_bench(other.select_optimizers(["rls"]), tmp_path / "out", resume=True,
                      progress=False, report=False)
    saved = json.loads((tmp_path / "out" / "config.json").read_text())
    assert [spec["label"] for spec in saved["optimizers"]] == ["rls"]
    assert {row["optimizer"] for row in read_table(third.table)} == {"rls"}
