"""Where runs execute: in this process, in local worker processes, or on a Ray cluster.

Every executor takes run specs and yields :class:`~ovlr_bbo.bench.run.RunOutcome` objects as runs
finish (in any order). Runs share nothing and are seeded by their spec, so results do not depend on
the executor or the number of workers. Only the caller writes to disk.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .config import RunSpec
from .run import RunOutcome, execute_run, failed_outcome

__all__ = ["EXECUTORS", "run_sequential", "run_local", "run_ray", "execute"]

#: executor names accepted by ``--executor``
EXECUTORS = ("local", "ray")


def _single_thread() -> None:
    """Worker set-up: one torch thread per worker, so workers do not fight over the cores."""
    import torch

    torch.set_num_threads(1)


def run_sequential(specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
    """Runs one after another in this process (``--workers 1``)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for spec in specs:
            yield execute_run(spec)
    finally:
        torch.set_num_threads(threads)


def run_local(specs: Sequence[RunSpec], workers: int, max_restarts: int = 2
              ) -> Iterator[RunOutcome]:
    """Runs on ``workers`` local processes (spawned). If a worker dies (killed, out of memory),
    the pool is restarted and the unfinished runs retried; after ``max_restarts`` restarts they
    are recorded as failed."""
    remaining = list(specs)
    for _ in range(max_restarts + 1):
        if not remaining:
            return
        unfinished: list[RunSpec] = []
        yield from _run_pool(remaining, workers, unfinished)
        remaining = unfinished
    for spec in remaining:
        yield failed_outcome(spec, "its worker process died (killed or out of memory) "
                                   f"{max_restarts + 1} times")


def _run_pool(specs: list[RunSpec], workers: int, unfinished: list[RunSpec]
              ) -> Iterator[RunOutcome]:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_single_thread)
    try:
        pending = {pool.submit(execute_run, spec): spec for spec in specs}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                spec = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    unfinished.append(spec)
                    continue
                yield outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_ray(specs: Sequence[RunSpec], workers: int | None, address: str | None
            ) -> Iterator[RunOutcome]:
    """Runs as Ray tasks: on the cluster at ``address``, or on a local Ray instance started with
    ``workers`` CPUs when no address is given (``pip install ovlr-bbo[ray]``)."""
    try:
        import ray
    except ImportError:
        raise ValueError("--executor ray needs Ray: pip install 'ovlr-bbo[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    remote_run = ray.remote(num_cpus=1, max_retries=2)(_ray_task)
    try:
        pending = {remote_run.remote(spec): spec for spec in specs}
        while pending:
            refs = list(pending)  # take whatever finished within half a second, at least one
            finished, _ = ray.wait(refs, num_returns=len(refs), timeout=0.5)
            if not finished:
                finished, _ = ray.wait(refs, num_returns=1)
            for ref in finished:
                spec = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayError as error:  # worker died, node lost, ...
                    yield failed_outcome(spec, f"Ray could not run it: {type(error).__name__}")
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()


def _ray_task(spec: RunSpec) -> RunOutcome:
    _single_thread()
    return execute_run(spec)


def execute(specs: Sequence[RunSpec], executor: str = "local", workers: int = 1,
            address: str | None = None) -> Iterator[RunOutcome]:
    """Dispatch to the executor named ``executor`` (one of :data:`EXECUTORS`)."""
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; executors: {', '.join(EXECUTORS)}")
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    if executor == "ray":
        return run_ray(specs, workers, address)
    if workers == 1 or len(specs) <= 1:
        return run_sequential(specs)
    return run_local(specs, min(workers, len(specs)))
