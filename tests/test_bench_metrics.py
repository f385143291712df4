"""Benchmark measures: fixed targets, failed runs in ERT, IOH data as the one source."""

from __future__ import annotations

import math
import shutil
import warnings

import numpy as np
import pytest

from ovlr_bbo.bench import load_config, run_bench
from ovlr_bbo.bench.metrics import TARGETS, hitting_times, measure, summarize, targets_for
from ovlr_bbo.bench.report import run_times

CONFIG = """
optimizers = ["ovlr", "slow"]
seeds = "0-1"

[optimizer.slow]            # OVLR with a tiny learning rate: a second, weaker optimizer
optimizer = "ovlr"
lr = 1e-4

[[problems]]
suite = "pbo"
functions = [2]
dimensions = [10]
budget = 120

[[problems]]
suite = "bbob"
functions = [1]
dimensions = [2]
budget = 60
"""


def _record(key, optimizer="a", status="ok", evaluations=10, success=True, hit=5):
    return {"key": key, "optimizer": optimizer, "problem": "pbo-f1-d4", "suite": "pbo",
            "instance": 1, "status": status, "maximize": True, "optimum": 4.0, "budget": 10,
            "best": 4.0 if success else 2.0, "success": success and status == "ok",
            "evaluations": evaluations, "evaluations_to_optimum": hit if success else None}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    path = folder / "metrics.toml"
    path.write_text(CONFIG)
    return run_bench(load_config(path), folder / "out", workers=1, progress=False,
                     report=False)


def test_targets_are_fixed_and_documented():
    continuous = targets_for("bbob")
    assert len(continuous) == 51 and continuous[0] == pytest.approx(1e2)
    assert continuous[-1] == pytest.approx(1e-8)
    assert np.allclose(np.diff(np.log10(continuous)), -0.2)
    assert targets_for("pbo")[-1] == 0 and len(targets_for("pbo")) == 20
    assert targets_for("binpack").tolist() == list(range(10, -1, -1))
    assert set(TARGETS) == {"continuous", "discrete", "binpack"}


def test_a_failed_run_counts_its_whole_budget_in_ert():
    solved = _record("solved", hit=5)
    failed = _record("failed", status="failed", success=False)
    traces = {"solved": (np.array([1.0, 5.0]), np.array([0.0, 4.0]))}
    times = hitting_times([solved, failed], traces)
    (row,) = summarize([solved, failed], times)
    assert row["failed"] == 1 and row["success_rate"] == 0.5
    assert row["ert"] == (5 + 10) / 1  # dropping the failed run would give 5
    assert row["aocc"] == pytest.approx((0.6 + 0.0) / 2)
    (none,) = summarize([failed], times)
    assert math.isinf(none["ert"]) and none["aocc"] == 0.0


def test_ioh_data_gives_the_recorded_hits(bench):
    times = run_times(bench.out, bench.records)
    assert set(times) == {r["key"] for r in bench.records}
    for record in bench.records:
        run = times[record["key"]]
        assert run.success == record["success"]
        if record["success"]:
            assert run.times[-1] == record["evaluations_to_optimum"] == record["evaluations"]
        assert np.all(np.diff(run.times[np.isfinite(run.times)]) >= 0)  # harder targets later


def test_adding_an_optimizer_changes_no_one_elses_measures(bench):
    times = run_times(bench.out, bench.records)
    alone = [r for r in bench.records if r["optimizer"] == "ovlr"]
    rows_alone = summarize(alone, run_times(bench.out, alone))
    rows_together = [row for row in summarize(bench.records, times) if row["optimizer"] == "ovlr"]
    assert rows_alone == rows_together


def test_two_folders_merge(bench, tmp_path):
    """Half of the runs in each of two folders: the merged measures equal the whole folder's."""
    halves = [tmp_path / "a", tmp_path / "b"]
    for index, record in enumerate(bench.records):
        target = halves[index % 2] / "ioh"
        target.mkdir(parents=True, exist_ok=True)
        if (bench.out / "ioh" / record["key"]).exists():
            shutil.copytree(bench.out / "ioh" / record["key"], target / record["key"])
    merged = {}
    for index, half in enumerate(halves):
        merged |= run_times(half, bench.records[index::2])
    assert summarize(bench.records, merged) == summarize(bench.records,
                                                         run_times(bench.out, bench.records))


def test_unknown_optimum_has_no_distance_and_no_warning():
    """PBO's LABS and NK landscapes have no known optimum (``inf`` in the records): no target is
    reached and no RuntimeWarning (inf / inf) reaches the user."""
    record = {"suite": "pbo", "optimum": math.inf, "maximize": True}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        distances = measure(record, np.array([1.0, 2.5]))
    assert np.isnan(distances).all()
    known = {"suite": "pbo", "optimum": 4.0, "maximize": True}
    assert np.allclose(measure(known, np.array([1.0, 4.0])), [0.75, 0.0])
