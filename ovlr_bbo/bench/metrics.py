"""Performance measures over run records (see ``results/<key>.json``).

- success rate: fraction of runs that hit the problem's final target (ioh's optimum test);
- ERT (expected running time): evaluations spent by all runs, counting a successful run up to its
  first hit, divided by the number of successful runs; infinite without a success;
- gap: ``|optimum - best| / max(|optimum|, 1)``, 0 when optimal (for bin packing the optimum is the
  optimal bin count or its lower bound);
- AOCC (area over the convergence curve = area under the ECDF curve): for each problem a set of
  targets (the final target plus ``N_TARGETS`` precisions log-spaced from the worst first value any
  run of that problem saw down to ``1e-8``, or to 1 on discrete problems); a run's AOCC is the
  fraction of targets its best-so-far has hit, averaged over its budget (1 = optimal at once).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["N_TARGETS", "gap", "precision", "targets_by_problem", "hits_over_time", "run_aocc",
           "summarize", "ok_records"]

N_TARGETS = 20
_CONTINUOUS = {"bbob", "real"}


def ok_records(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs that finished (failed runs have no values)."""
    return [record for record in records if record.get("status") == "ok"]


def precision(record: dict[str, Any], value: float | np.ndarray) -> np.ndarray:
    """Distance of ``value`` from the optimum, in the problem's direction (>= 0)."""
    value = np.asarray(value, dtype=float)
    distance = record["optimum"] - value if record["maximize"] else value - record["optimum"]
    return np.maximum(distance, 0.0)


def gap(record: dict[str, Any]) -> float:
    """Relative distance of the run's best value from the optimum."""
    return float(precision(record, record["best"])) / max(abs(record["optimum"]), 1.0)


def targets_by_problem(records: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Precision targets per problem instance (key ``problem`` + instance), largest first."""
    worst: dict[str, float] = defaultdict(float)
    for record in ok_records(records):
        if record.get("first_value") is not None:
            name = _instance(record)
            worst[name] = max(worst[name], float(precision(record, record["first_value"])))
    targets = {}
    for name, largest in worst.items():
        floor = 1e-8 if name.split("-")[0] in _CONTINUOUS else 1.0
        largest = max(largest, floor * 10)
        targets[name] = np.geomspace(largest, floor, N_TARGETS)
    return targets


def _instance(record: dict[str, Any]) -> str:
    return f"{record['problem']}-i{record['instance']}"


def hits_over_time(record: dict[str, Any], targets: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Step function of the fraction of targets hit (the final target included):
    ``(evaluations, fractions)``; the fraction holds from each evaluation to the next."""
    trace = record.get("trace") or []
    evaluations = np.array([point[0] for point in trace], dtype=float)
    values = np.array([point[1] for point in trace], dtype=float)
    reached = precision(record, values)[:, None] <= targets[None, :]
    hit_at = record.get("evaluations_to_optimum")
    final = (evaluations >= hit_at) if hit_at is not None else np.zeros(len(trace), dtype=bool)
    fractions = (reached.sum(axis=1) + final) / (len(targets) + 1)
    return evaluations, fractions


def run_aocc(record: dict[str, Any], targets: np.ndarray) -> float:
    """Fraction of targets hit, averaged over the evaluations 1..budget of the run."""
    evaluations, fractions = hits_over_time(record, targets)
    if evaluations.size == 0:
        return 0.0
    budget = float(record["budget"])
    ends = np.append(evaluations[1:], budget + 1)
    widths = np.clip(np.minimum(ends, budget + 1) - evaluations, 0, None)
    return float((fractions * widths).sum() / budget)


def _ert(records: list[dict[str, Any]]) -> float:
    spent = sum(r["evaluations_to_optimum"] if r["success"] else r["evaluations"]
                for r in records)
    successes = sum(bool(r["success"]) for r in records)
    return spent / successes if successes else math.inf


def summarize(records: list[dict[str, Any]], by: tuple[str, ...] = ("optimizer", "problem")
              ) -> list[dict[str, Any]]:
    """One row per combination of the ``by`` fields: runs, failures, successes, success rate,
    ERT, mean gap and mean AOCC (in order of first appearance)."""
    targets = targets_by_problem(records)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(tuple(record[field] for field in by), []).append(record)
    rows = []
    for key, members in groups.items():
        finished = ok_records(members)
        successes = sum(bool(r["success"]) for r in finished)
        aoccs = [run_aocc(r, targets[_instance(r)]) for r in finished if _instance(r) in targets]
        rows.append({**dict(zip(by, key, strict=True)), "runs": len(members),
                     "failed": len(members) - len(finished), "successes": successes,
                     "success_rate": successes / len(members) if members else math.nan,
                     "ert": _ert(finished) if finished else math.nan,
                     "mean_gap": np.mean([gap(r) for r in finished]) if finished else math.nan,
                     "aocc": float(np.mean(aoccs)) if aoccs else math.nan})
    return rows
