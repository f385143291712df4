"""Executors: process-level time limits, the folder lock, options checked before any folder."""

from __future__ import annotations

import signal
import time

import pytest

from ovlr_bbo.bench import load_config, run_bench
from ovlr_bbo.bench.config import OptimizerSpec, RunSpec
from ovlr_bbo.bench.executors import check_executor, run_local
from ovlr_bbo.bench.run import RunOutcome, failed_outcome
from ovlr_bbo.bench.store import RunStore
from ovlr_bbo.problems import ProblemSpec

CONFIG = """
optimizers = ["ovlr"]
seeds = "0"

[[problems]]
suite = "pbo"
functions = [1]
dimensions = [8]
budget = 20
"""


def _spec(seed: int, timeout_s: float | None = 2.0) -> RunSpec:
    return RunSpec(OptimizerSpec("ovlr", "ovlr"), ProblemSpec("pbo", 1, 1, 8), seed, budget=10,
                   timeout_s=timeout_s)


def stuck_or_quick(spec: RunSpec) -> RunOutcome:
    """Seed 1: stuck with every signal blocked, as in a long C call no signal reaches;
    other seeds: done at once."""
    if spec.seed == 1:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT, signal.SIGTERM})
        time.sleep(120)
    outcome = failed_outcome(spec, "not run")
    outcome.record["status"] = "ok"
    return outcome


def test_a_stuck_run_is_killed_and_the_others_finish():
    start = time.monotonic()
    outcomes = {o.record["seed"]: o.record for o in run_local(
        [_spec(0), _spec(1), _spec(2)], workers=1, run=stuck_or_quick)}
    assert time.monotonic() - start < 60  # the stuck run would take 120 s
    assert outcomes[1]["status"] == "failed" and "RunTimedOut" in outcomes[1]["error"]
    assert outcomes[0]["status"] == outcomes[2]["status"] == "ok"


def test_a_second_writer_is_refused(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(CONFIG)
    config = load_config(path)
    out = tmp_path / "out"
    with RunStore(out).lock():
        with pytest.raises(ValueError, match="another ovlr-bbo process is writing"):
            run_bench(config, out, resume=True, progress=False, report=False)
    assert not (out / "results").exists()
    result = run_bench(config, out, resume=True, progress=False, report=False)
    assert result.executed == 1


@pytest.mark.parametrize("options, message", [
    ({"workers": 0}, "--workers must be a positive integer"),
    ({"workers": -2}, "--workers must be a positive integer"),
    ({"executor": "dask"}, "unknown executor"),
    ({"address": "127.0.0.1:6379"}, "--address applies to --executor ray"),
    ({"retry_failed": True}, "--retry-failed needs --resume"),
])
def test_invalid_options_create_no_folder(tmp_path, options, message):
    path = tmp_path / "c.toml"
    path.write_text(CONFIG)
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=message):
        run_bench(load_config(path), out, progress=False, **options)
    assert not out.exists()


def test_check_executor_accepts_valid_options():
    check_executor("local", 3, None)


def test_a_stale_ray_address_starts_no_connection(monkeypatch):
    """A recorded cluster that no longer answers (stopped head) is not 'running': connecting to
    it would hang and exit; the executor starts its own instead."""
    pytest.importorskip("ray")
    import socket

    from ovlr_bbo.bench.executors import _running_cluster

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
    assert _running_cluster() is None
