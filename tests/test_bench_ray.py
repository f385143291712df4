"""``--executor ray`` against a real local cluster started with ``ray start --head``: found
without ``--address``, reached through ``ray://`` (Ray's client), same table as the local run."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from ovlr_bbo.bench import load_config, run_bench

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

CONFIG = """
optimizers = ["ovlr"]
seeds = "0-1"
run_timeout_s = 120

[[problems]]
suite = "pbo"
functions = [1, 2]
dimensions = [8]
budget = 60
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return [{k: v for k, v in row.items() if k != "wall_time_s"}
                for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def cluster():
    """A one-CPU Ray head of our own (stopped by killing the process we started)."""
    if shutil.which("ray") is None or os.environ.get("RAY_ADDRESS"):
        pytest.skip("needs the `ray` command and no RAY_ADDRESS set")
    port, client_port = _free_port(), _free_port()
    # a token file left in ~/.ray by another Ray session must not switch our head to token auth
    # while this process connects without one
    saved_mode = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    head = subprocess.Popen(
        ["ray", "start", "--head", "--block", "--num-cpus", "1", "--port", str(port),
         "--ray-client-server-port", str(client_port), "--include-dashboard", "false",
         "--disable-usage-stats"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", client_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or head.poll() is not None:
                    pytest.skip("could not start a local Ray cluster")
                time.sleep(0.5)
        yield port, client_port
    finally:
        if saved_mode is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = saved_mode
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()


@pytest.fixture(scope="module")
def local_table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ray")
    (folder / "c.toml").write_text(CONFIG)
    config = load_config(folder / "c.toml")
    result = run_bench(config, folder / "local", workers=1, progress=False, report=False)
    return config, _table(result.table)


def test_without_address_the_running_cluster_is_used(cluster, local_table, tmp_path):
    from ovlr_bbo.bench.executors import connect_ray

    port, _ = cluster
    assert connect_ray(workers=2, address=None)
    try:
        assert ray.get_runtime_context().gcs_address.endswith(f":{port}")
        assert ray.cluster_resources().get("CPU") == 1  # ours, not a new 2-CPU instance
    finally:
        ray.shutdown()
    config, expected = local_table
    result = run_bench(config, tmp_path / "out", workers=2, executor="ray", progress=False,
                       report=False)
    assert _table(result.table) == expected


def test_ray_client_address(cluster, local_table, tmp_path):
    _, client_port = cluster
    config, expected = local_table
    result = run_bench(config, tmp_path / "out", executor="ray",
                       address=f"ray://127.0.0.1:{client_port}", progress=False, report=False)
    assert _table(result.table) == expected
