"""``--executor ray`` against a real local cluster started with ``ray start --head``: found
without ``--address``, reached through ``ray://`` (Ray's client), same table as the local run."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ovlr_bbo.bench import load_config, run_bench

pytest.importorskip("ray")
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
    result = run_bench(load_config(folder / "c.toml"), folder / "local", workers=1,
                       progress=False, report=False)
    return folder / "c.toml", _table(result.table)


# Ray runs in a child process: Ray's gRPC threads must not live in the pytest process, whose later
# tests fork (ioh.Experiment(njobs=2), process pools) and a fork beside gRPC threads can hang.
_RAY_CHILD = """
import json, sys
from pathlib import Path
import ray
from ovlr_bbo.bench import load_config, run_bench
from ovlr_bbo.bench.executors import connect_ray

config_path, out, address, port = sys.argv[1:5]
facts = {}
if port:
    assert connect_ray(workers=2, address=None)
    facts["gcs_address"] = ray.get_runtime_context().gcs_address
    facts["cpus"] = ray.cluster_resources().get("CPU")
    ray.shutdown()
result = run_bench(load_config(config_path), Path(out), workers=2, executor="ray",
                   address=address or None, progress=False, report=False)
facts["table"] = str(result.table)
print(json.dumps(facts))
"""


#: Ray's client proxy starts a server process per client and gives up when that start is slow
#: (a loaded machine), or when it reads the command line of a server process that already
#: exited (psutil's ZombieProcess inside the proxy): the child tries again, with a fresh output
#: folder, up to this many times
CLIENT_START_ATTEMPTS = 3
CLIENT_START_FAILURES = ("Starting Ray client server failed", "psutil.ZombieProcess")


def _ray_child(config: Path, out: Path, address: str = "", port: str = "") -> dict:
    for attempt in range(CLIENT_START_ATTEMPTS):
        target = out if attempt == 0 else out.with_name(f"{out.name}-retry{attempt}")
        done = subprocess.run([sys.executable, "-c", _RAY_CHILD, str(config), str(target),
                               address, port],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "RAY_AUTH_MODE": "disabled"})
        if done.returncode == 0 or not any(f in done.stderr for f in CLIENT_START_FAILURES):
            break
        time.sleep(5)
    assert done.returncode == 0, (
        f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_address_the_running_cluster_is_used(cluster, local_table, tmp_path):
    port, _ = cluster
    config, expected = local_table
    facts = _ray_child(config, tmp_path / "out", port=str(port))
    assert facts["gcs_address"].endswith(f":{port}")
    assert facts["cpus"] == 1  # ours, not a new 2-CPU instance
    assert _table(Path(facts["table"])) == expected


def test_ray_client_address(cluster, local_table, tmp_path):
    _, client_port = cluster
    config, expected = local_table
    facts = _ray_child(config, tmp_path / "out", address=f"ray://127.0.0.1:{client_port}")
    assert _table(Path(facts["table"])) == expected
