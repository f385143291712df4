"""Where runs execute: in this process, in local worker processes, or on a Ray cluster.

Every executor takes run specs and yields :class:`~ovlr_bbo.bench.run.RunOutcome` objects as runs
finish (in any order). Runs share nothing and are seeded by their spec, so results do not depend on
the executor or the number of workers. Only the caller writes to disk.

Time limits (``run_timeout_s``) are enforced on processes: a run that overstays is killed with its
worker process (also inside a long C call) and recorded as failed (``RunTimedOut``). Runs with a
time limit therefore always run in worker processes, also with ``--workers 1``. Ctrl-C kills the
workers at once; every run that finished before is already with the caller.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, TimeoutError, wait
from typing import Any

from .config import RunSpec
from .run import RunOutcome, execute_run, failed_outcome

__all__ = ["EXECUTORS", "RAY_INSTALL_HINT", "run_sequential", "run_local", "run_ray", "execute",
           "check_executor"]

#: executor names accepted by ``--executor``
EXECUTORS = ("local", "ray")

#: how to get Ray (the README says the same)
RAY_INSTALL_HINT = "pip install 'ovlr-bbo[ray]'"

#: seconds a killed pool waits for its workers to exit
_STOP_WAIT_S = 3.0


def _prepare_worker() -> None:
    """Worker set-up: one torch thread per worker, so workers do not fight over the cores; the
    heavy imports happen here, before any run's clock starts."""
    import torch

    torch.set_num_threads(1)
    import ioh  # noqa: F401

    import ovlr_bbo.optimizers  # noqa: F401
    import ovlr_bbo.problems  # noqa: F401


def _timed_out(spec: RunSpec, how: str) -> RunOutcome:
    return failed_outcome(spec, f"RunTimedOut: the run exceeded run_timeout_s = "
                                f"{spec.timeout_s:g} s; {how}")


def run_sequential(specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
    """Runs one after another in this process (``--workers 1`` without time limits)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for spec in specs:
            yield execute_run(spec)
    finally:
        torch.set_num_threads(threads)


def run_local(specs: Sequence[RunSpec], workers: int, max_restarts: int = 2,
              run: Callable[[RunSpec], RunOutcome] = execute_run) -> Iterator[RunOutcome]:
    """Runs on ``workers`` local processes (spawned, reused). A run over its time limit is
    killed with its process; a run whose process dies (killed, out of memory) is retried up to
    ``max_restarts`` times, then recorded as failed. ``run`` (picklable) executes one spec."""
    from pebble import ProcessExpired, ProcessPool

    pool = ProcessPool(max_workers=workers, initializer=_prepare_worker,
                       context=multiprocessing.get_context("spawn"))
    pending: dict[Any, RunSpec] = {}
    deaths: dict[str, int] = {}

    def submit(spec: RunSpec) -> None:
        pending[pool.schedule(run, args=(spec,), timeout=spec.timeout_s)] = spec

    try:
        for spec in specs:
            submit(spec)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                spec = pending.pop(future)
                try:
                    yield future.result()
                except TimeoutError:
                    yield _timed_out(spec, "its process was killed")
                except ProcessExpired as error:
                    deaths[spec.key] = deaths.get(spec.key, 0) + 1
                    if deaths[spec.key] <= max_restarts:
                        submit(spec)
                    else:
                        yield failed_outcome(spec, f"its worker process died {deaths[spec.key]} "
                                                   f"times (killed or out of memory): {error}")
    finally:
        pool.stop()  # kills the workers: runs still going are dropped, never half-written
        pool.join(timeout=_STOP_WAIT_S)


def _ray_module() -> Any:
    # a cluster this benchmark starts is private to it: no token authentication (Ray would turn
    # it on because of a token file an earlier local cluster left in ~/.ray, and then fail)
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    try:
        import ray
    except ImportError:
        raise ValueError(f"--executor ray needs Ray: {RAY_INSTALL_HINT}") from None
    return ray


def connect_ray(workers: int | None, address: str | None) -> bool:
    """Connect to Ray: to ``address`` (``host:port`` or ``ray://host:10001``), else to a cluster
    already running on this machine, else start a local one with ``workers`` CPUs. Returns
    whether this call connected (and so should disconnect)."""
    ray = _ray_module()
    if ray.is_initialized():
        return False
    if address:
        if address.startswith("ray://"):
            try:
                import grpc  # noqa: F401
                import ray.util.client  # noqa: F401
            except ImportError:
                raise ValueError(f"--address ray://... needs Ray's client: "
                                 f"{RAY_INSTALL_HINT}") from None
        ray.init(address=address, log_to_driver=False)
        return True
    running = _running_cluster()
    if running:
        ray.init(address=running, log_to_driver=False)
    else:
        ray.init(address="local", num_cpus=workers, include_dashboard=False,
                 log_to_driver=False)
    return True


def _running_cluster() -> str | None:
    """The address of a Ray cluster running on this machine (``ray start``, or RAY_ADDRESS),
    if it answers; a stale record of a stopped cluster counts as none (connecting to it would
    hang, then exit)."""
    try:
        from ray._private.services import canonicalize_bootstrap_address

        address = canonicalize_bootstrap_address("auto")
    except Exception:  # no cluster recorded, or a Ray version without this helper
        return None
    if not address:
        return None
    host, _, port = str(address).rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except (OSError, ValueError):
        return None
    return str(address)


def run_ray(specs: Sequence[RunSpec], workers: int | None, address: str | None
            ) -> Iterator[RunOutcome]:
    """Runs as Ray tasks (see :func:`connect_ray` for which cluster). At most one run per
    cluster CPU is in flight, so a run's time limit counts from its submission (plus a grace
    for Ray's worker start-up); an overdue run is cancelled with its worker."""
    ray = _ray_module()
    connected_here = connect_ray(workers, address)
    remote_run = ray.remote(num_cpus=1, max_retries=2)(_ray_task)
    queue = list(specs)
    pending: dict[Any, tuple[RunSpec, float]] = {}
    try:
        slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        while queue or pending:
            while queue and len(pending) < slots:
                spec = queue.pop(0)
                limit = float("inf") if spec.timeout_s is None else spec.timeout_s * 1.1 + 10
                pending[remote_run.remote(spec)] = (spec, time.monotonic() + limit)
            finished, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
            for ref in finished:
                spec, _ = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayError as error:  # worker died, node lost, ...
                    yield failed_outcome(spec, f"Ray could not run it: {type(error).__name__}")
            now = time.monotonic()
            for ref in [ref for ref, (_, deadline) in pending.items() if deadline < now]:
                spec, _ = pending.pop(ref)
                ray.cancel(ref, force=True)
                yield _timed_out(spec, "its Ray task was cancelled")
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
        if connected_here:
            ray.shutdown()


def _ray_task(spec: RunSpec) -> RunOutcome:
    _prepare_worker()
    return execute_run(spec)


def check_executor(executor: str, workers: int, address: str | None) -> None:
    """Raise ValueError for an invalid executor, worker count or address (before any work)."""
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; executors: {', '.join(EXECUTORS)}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"--workers must be a positive integer, got {workers!r}")
    if address and executor != "ray":
        raise ValueError("--address applies to --executor ray only")
    if executor == "ray":
        _ray_module()


def execute(specs: Sequence[RunSpec], executor: str = "local", workers: int = 1,
            address: str | None = None) -> Iterator[RunOutcome]:
    """Dispatch to the executor named ``executor`` (one of :data:`EXECUTORS`)."""
    check_executor(executor, workers, address)
    if executor == "ray":
        return run_ray(specs, workers, address)
    timed = any(spec.timeout_s is not None for spec in specs)
    if len(specs) == 0 or (workers == 1 and not timed):
        return run_sequential(specs)
    return run_local(specs, min(workers, len(specs)))
