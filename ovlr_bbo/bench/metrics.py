"""Performance measures from the IOH data the runs wrote (``ioh/<key>/``, read by iohinspector).

Every problem kind has FIXED targets on a fixed measure, so that measures of two benchmark folders
can be compared and merged and adding an optimizer changes no one else's numbers:

- BBOB and other continuous suites: precision ``f - f*``; 51 targets ``10**2, 10**1.8, ...,
  10**-8`` (log-spaced, as COCO and IOHanalyzer); the last is the final target (success);
- PBO and other discrete IOH suites: relative gap to the optimum ``(f* - f) / |f*|`` (``f* - f``
  when ``f* = 0``); 20 targets ``0.95, 0.90, ..., 0.05, 0`` (the value reaches 5 %, 10 %, ...,
  100 % of the optimum); the last is the optimum;
- bin packing: bins above the optimum (or its lower bound where the optimum is unknown),
  ``floor(value) - optimum``; 11 targets ``10, 9, ..., 1, 0``.

Measures per group of runs:

- success rate: fraction of runs that hit the final target (ioh's optimum test);
- ERT (expected running time): evaluations spent by all runs, counting a successful run up to its
  first hit of the final target and a failed run (error, timeout) as its whole budget, divided by
  the number of successful runs; infinite without a success;
- gap: ``|optimum - best| / max(|optimum|, 1)``, 0 when optimal;
- AOCC (area over the convergence curve = area under the ECDF curve): the fraction of the
  targets a run's best-so-far has hit, averaged over the evaluations ``1..budget`` (1 = every
  target at the first evaluation; a failed run scores 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["TARGETS", "targets_for", "measure", "ok_records", "gap", "load_traces",
           "hitting_times", "RunTimes", "run_aocc", "ert", "summarize"]

_CONTINUOUS = ("bbob", "real")

#: the fixed targets of each problem kind, largest first (the last one is success)
TARGETS: dict[str, np.ndarray] = {
    "continuous": 10.0 ** np.linspace(2, -8, 51),
    "discrete": np.append(np.linspace(0.95, 0.05, 19), 0.0),
    "binpack": np.arange(10.0, -1.0, -1.0),
}
_TOLERANCE = 1e-12


def _kind(suite: str) -> str:
    if suite in _CONTINUOUS:
        return "continuous"
    return "binpack" if suite == "binpack" else "discrete"


def targets_for(suite: str) -> np.ndarray:
    """The fixed targets of problems of ``suite`` (see the module docstring)."""
    return TARGETS[_kind(suite)]


def measure(record: dict[str, Any], logged: np.ndarray) -> np.ndarray:
    """The target measure of values ``logged`` by ioh for the run ``record`` (ioh logs
    continuous problems as ``f - f*`` and the others as raw values); 0 at the optimum."""
    logged = np.asarray(logged, dtype=float)
    kind, optimum = _kind(record["suite"]), float(record["optimum"])
    if kind == "continuous":
        return np.maximum(logged, 0.0)
    if kind == "binpack":
        return np.maximum(np.floor(logged) - optimum, 0.0)
    if not np.isfinite(optimum):  # unknown optimum (PBO's LABS, NK landscapes): no distance
        return np.full(logged.shape, np.nan)
    distance = optimum - logged if record["maximize"] else logged - optimum
    return np.maximum(distance, 0.0) / (abs(optimum) if optimum != 0 else 1.0)


def ok_records(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs that finished (failed runs have no values)."""
    return [record for record in records if record.get("status") == "ok"]


def gap(record: dict[str, Any]) -> float:
    """Relative distance of the run's best value from the optimum."""
    optimum, best = float(record["optimum"]), float(record["best"])
    distance = optimum - best if record["maximize"] else best - optimum
    return max(distance, 0.0) / max(abs(optimum), 1.0)


def load_traces(ioh_root: str | Path, keys: Iterable[str]
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Best-so-far ``(evaluations, logged values)`` of each run ``ioh_root/<key>/``, read with
    iohinspector; runs without IOH data are left out."""
    import iohinspector

    manager = iohinspector.DataManager()
    root = Path(ioh_root)
    for key in keys:
        if (root / key).is_dir() and any((root / key).glob("*.json")):
            manager.add_folder(str(root / key))
    if not manager.any:
        return {}
    owner = {run.data_id: Path(data_set.file).parent.name
             for data_set in manager.data_sets
             for scenario in data_set.scenarios for run in scenario.runs}
    frame = manager.load(monotonic=True).sort(["data_id", "evaluations"])
    traces = {}
    for (data_id,), rows in frame.group_by(["data_id"], maintain_order=True):
        traces[owner[data_id]] = (rows["evaluations"].to_numpy().astype(float),
                                  rows["raw_y"].to_numpy().astype(float))
    return traces


@dataclass(frozen=True)
class RunTimes:
    """First evaluation at which a run hit each of its problem's targets (inf: never)."""

    times: np.ndarray
    budget: int
    spent: int

    @property
    def success(self) -> bool:
        return bool(np.isfinite(self.times[-1]))


def hitting_times(records: list[dict[str, Any]],
                  traces: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, RunTimes]:
    """:class:`RunTimes` of every run, from its IOH trace; a failed run (or one without IOH
    data) hit nothing and spent its whole budget."""
    result = {}
    for record in records:
        targets = targets_for(record["suite"])
        times = np.full(len(targets), np.inf)
        spent = int(record["budget"])
        if record.get("status") == "ok" and record["key"] in traces:
            evaluations, logged = traces[record["key"]]
            reached = measure(record, logged)[:, None] <= targets[None, :] + _TOLERANCE
            hit = reached.any(axis=0)
            times[hit] = evaluations[reached.argmax(axis=0)[hit]]
            spent = int(record["evaluations"])
        result[record["key"]] = RunTimes(times, int(record["budget"]), spent)
    return result


def run_aocc(run: RunTimes) -> float:
    """Fraction of targets hit, averaged over the evaluations ``1..budget`` of the run."""
    hit = run.times[run.times <= run.budget]
    return float((run.budget - hit + 1).sum() / (run.budget * len(run.times)))


def ert(runs: list[RunTimes]) -> float:
    """Expected running time to the final target (module docstring); inf without a success."""
    spent = sum(run.times[-1] if run.success else run.spent for run in runs)
    successes = sum(run.success for run in runs)
    return float(spent / successes) if successes else math.inf


def summarize(records: list[dict[str, Any]], times: dict[str, RunTimes],
              by: tuple[str, ...] = ("optimizer", "problem")) -> list[dict[str, Any]]:
    """One row per combination of the ``by`` fields: runs, failures, successes, success rate,
    ERT, mean gap and mean AOCC (in order of first appearance); ``times`` from
    :func:`hitting_times`."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(tuple(record[field] for field in by), []).append(record)
    rows = []
    for key, members in groups.items():
        finished = ok_records(members)
        runs = [times[r["key"]] for r in members]
        successes = sum(bool(r["success"]) for r in finished)
        rows.append({**dict(zip(by, key, strict=True)), "runs": len(members),
                     "failed": len(members) - len(finished), "successes": successes,
                     "success_rate": successes / len(members),
                     "ert": ert(runs),
                     "mean_gap": float(np.mean([gap(r) for r in finished])) if finished
                     else math.nan,
                     "aocc": float(np.mean([run_aocc(run) for run in runs]))})
    return rows
