"""One benchmark run: a fresh problem, an IOH logger and an optimizer, nothing shared.

:func:`execute_run` is what every executor calls (in this process, a worker process or a Ray
task). It writes only into a private temporary folder and returns the run's record and its IOH
files as bytes; :mod:`ovlr_bbo.bench.store` puts them on disk so that each run is complete or
absent. A run whose optimizer or problem raises is returned as ``status="failed"`` with the error.
"""

from __future__ import annotations

import re
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..integrations.ioh import minimize_until
from .config import RunSpec

__all__ = ["RunOutcome", "execute_run", "failed_outcome", "build_optimizer", "RunTimedOut"]


class RunTimedOut(Exception):
    """The run exceeded its wall-clock limit (``run_timeout_s``): raised between evaluations
    here; the executors also kill a run's process when it overstays (a long C call)."""


@dataclass
class RunOutcome:
    """What a run sends back: its results record and its IOH files (relative path -> bytes)."""

    record: dict[str, Any]
    files: dict[str, bytes]


def build_optimizer(spec: RunSpec, space: Any, maximize: bool) -> Any:
    """The run's optimizer, seeded with the run's seed (:attr:`RunSpec.run_seed`)."""
    from ovlr_bbo.optimizers import make_optimizer

    return make_optimizer(spec.optimizer.name, space, seed=spec.run_seed, maximize=maximize,
                          budget=spec.budget, **spec.optimizer.settings)


class _Recorder:
    """The function the optimizer sees: evaluates rows on the problem, keeps the best-so-far
    trace and the first evaluation that hits the target, enforces the deadline; with
    ``stop_at_optimum`` the run ends at that evaluation (the rest of its batch is not
    evaluated)."""

    def __init__(self, bench: Any, stop_at_optimum: bool, deadline: float | None):
        self.bench, self.stop_at_optimum, self.deadline = bench, stop_at_optimum, deadline
        self.sign = -1.0 if bench.maximize else 1.0  # loss = sign * value
        self.best = np.inf
        self.trace: list[list[float]] = []  # [evaluation, best value] at each improvement
        self.evaluations = 0
        self.hit_at: int | None = None
        self.first_value: float | None = None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RunTimedOut("the run exceeded run_timeout_s")
        values = self.bench.evaluate(X)
        for i, value in enumerate(values):
            if self.first_value is None:
                self.first_value = float(value)
            if self.sign * value < self.best:
                self.best = self.sign * value
                self.trace.append([self.evaluations + i + 1, float(value)])
        hits = np.flatnonzero(self.bench.hits_target(values))
        if self.hit_at is None and hits.size:
            self.hit_at = self.evaluations + int(hits[0]) + 1
        self.evaluations += len(values)
        return values

    def done(self) -> bool:
        """The run stops: the final target was hit and ``stop_at_optimum`` is set."""
        return self.stop_at_optimum and self.hit_at is not None


def _optimize(spec: RunSpec, folder: Path) -> dict[str, Any]:
    import ioh

    from ovlr_bbo.problems import make_problem

    bench = make_problem(spec.problem)
    # ioh writes algorithm_info into its JSON unescaped: keep quotes and backslashes out
    settings = {"optimizer": spec.optimizer.name, **spec.optimizer.settings}
    info = re.sub(r'["\\]', "", "; ".join(f"{k}={v}" for k, v in settings.items()))
    logger = ioh.logger.Analyzer(root=folder, folder_name="ioh",
                                 algorithm_name=spec.optimizer.label, algorithm_info=info)
    bench.attach_logger(logger)
    deadline = None if spec.timeout_s is None else time.monotonic() + spec.timeout_s
    recorder = _Recorder(bench, spec.stop_at_optimum, deadline)
    try:
        optimizer = build_optimizer(spec, bench.space, bench.maximize)
        minimize_until(optimizer, recorder, spec.budget, recorder.done)
    finally:
        bench.reset()
        logger.close()
    best = recorder.trace[-1][1] if recorder.trace else float("nan")
    return {"problem_name": bench.name, "best": best, "optimum": float(bench.problem.optimum.y),
            "maximize": bench.maximize, "evaluations": recorder.evaluations,
            "evaluations_to_optimum": recorder.hit_at, "success": recorder.hit_at is not None,
            "first_value": recorder.first_value, "trace": recorder.trace}


def _collect(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _base_record(spec: RunSpec) -> dict[str, Any]:
    problem = spec.problem
    return {"key": spec.key, "spec": asdict(spec), "optimizer": spec.optimizer.label,
            "suite": problem.suite, "problem": problem.group, "title": problem.title,
            "function": problem.fid, "encoding": problem.encoding, "decoder": problem.decoder,
            "instance": problem.instance, "dimension": problem.dimension, "seed": spec.seed,
            "run_seed": spec.run_seed, "budget": spec.budget}


def execute_run(spec: RunSpec) -> RunOutcome:
    """Run ``spec`` in a private temporary folder; never raises for the run's own errors."""
    record = _base_record(spec)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ovlr-bbo-run-") as tmp:
        try:
            record.update(_optimize(spec, Path(tmp)), status="ok", error=None)
            files = _collect(Path(tmp) / "ioh")
        except Exception as error:  # the run failed: record it, keep the benchmark going
            record.update(status="failed", success=False,
                          error=f"{type(error).__name__}: {error}",
                          traceback=traceback.format_exc(limit=8))
            files = {}
    record["wall_time_s"] = time.perf_counter() - start
    return RunOutcome(record, files)


def failed_outcome(spec: RunSpec, message: str) -> RunOutcome:
    """The outcome of a run that could not report itself (its worker died)."""
    record = _base_record(spec)
    record.update(status="failed", success=False, error=message, wall_time_s=float("nan"))
    return RunOutcome(record, {})
