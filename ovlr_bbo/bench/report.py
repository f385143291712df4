"""``report/summary.md`` and figures from the run records (``ovlr-bbo report runs/NAME``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .figures import convergence_figures, ecdf_figure, success_figure
from .metrics import ok_records, summarize

__all__ = ["write_report", "headline_table", "overall_table"]

_MAX_FAILURES_LISTED = 20


def _number(value: float, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def headline_table(records: list[dict[str, Any]]) -> str:
    """Successes per optimizer (rows) and problem (columns), e.g. ``13/15``, with a total."""
    summary = summarize(records)
    problems = list(dict.fromkeys(row["problem"] for row in summary))
    optimizers = list(dict.fromkeys(row["optimizer"] for row in summary))
    cells = {(row["optimizer"], row["problem"]): row for row in summary}
    rows = []
    for optimizer in optimizers:
        mine = [cells.get((optimizer, problem)) for problem in problems]
        wins, total = sum(r["successes"] for r in mine if r), sum(r["runs"] for r in mine if r)
        rows.append([optimizer] + [f"{r['successes']}/{r['runs']}" if r else "-" for r in mine]
                    + [f"{wins}/{total} ({wins / total:.1%})" if total else "-"])
    return _markdown(["optimizer", *problems, "total"], rows)


def overall_table(records: list[dict[str, Any]]) -> str:
    """Per optimizer over all problems: runs, failures, success rate, mean gap, mean AOCC."""
    rows = [[row["optimizer"], str(row["runs"]), str(row["failed"]),
             f"{row['success_rate']:.1%}", _number(row["mean_gap"]), _number(row["aocc"])]
            for row in summarize(records, by=("optimizer",))]
    return _markdown(["optimizer", "runs", "failed", "success rate", "mean gap", "AOCC"], rows)


def _per_problem_table(records: list[dict[str, Any]]) -> str:
    rows = [[row["problem"], row["optimizer"], f"{row['successes']}/{row['runs']}",
             _number(row["ert"]), _number(row["mean_gap"]), _number(row["aocc"])]
            for row in sorted(summarize(records), key=lambda row: row["problem"])]
    return _markdown(["problem", "optimizer", "successes", "ERT", "mean gap", "AOCC"], rows)


def bins_above_table(records: list[dict[str, Any]]) -> str:
    """Bin packing: mean number of bins above the optimum (or the L2 lower bound where the
    optimum is unknown) per problem and optimizer, from each run's best ``floor(value)``."""
    runs: dict[tuple[str, str], list[float]] = {}
    for record in ok_records(r for r in records if r.get("suite") == "binpack"):
        above = math.floor(record["best"]) - record["optimum"]
        runs.setdefault((record["problem"], record["optimizer"]), []).append(above)
    optimizers = list(dict.fromkeys(optimizer for _, optimizer in runs))
    problems = list(dict.fromkeys(problem for problem, _ in runs))
    rows = [[optimizer] + [_number(float(np.mean(runs[(problem, optimizer)])), 2)
                           if (problem, optimizer) in runs else "-" for problem in problems]
            for optimizer in optimizers]
    return _markdown(["optimizer", *problems], rows)


def _failures(records: list[dict[str, Any]]) -> str:
    failed = [r for r in records if r.get("status") != "ok"]
    if not failed:
        return "No run failed."
    lines = [f"{len(failed)} runs failed (counted as unsuccessful):", ""]
    lines += [f"- `{r['key']}`: {r.get('error')}" for r in failed[:_MAX_FAILURES_LISTED]]
    if len(failed) > _MAX_FAILURES_LISTED:
        lines.append(f"- ... and {len(failed) - _MAX_FAILURES_LISTED} more (see results.csv)")
    return "\n".join(lines)


_DEFINITIONS = """\
Definitions: *success* = the run hit the problem's final target (ioh's optimum test; bin packing:
the optimal bin count, or its lower bound where the optimum is unknown); *ERT* = evaluations spent
by all runs (a successful run counted up to its first hit) / number of successes; *gap* =
|optimum - best| / max(|optimum|, 1); *AOCC* = area under the ECDF curve: the fraction of
targets (the final target and 20 precisions log-spaced from the worst first value down to 1e-8,
or 1 on discrete problems) hit by the best-so-far value, averaged over the budget."""


def _binpacking_parts(records: list[dict[str, Any]]) -> list[str]:
    if not any(r.get("suite") == "binpack" for r in records):
        return []
    return ["## Bin packing: bins above the optimum or lower bound", bins_above_table(records)]


def write_report(root: str | Path, records: list[dict[str, Any]], config: dict[str, Any]) -> Path:
    """Write ``root/report/summary.md`` and the figures; return the report folder."""
    folder = Path(root) / "report"
    folder.mkdir(parents=True, exist_ok=True)
    title = config.get("name") or Path(root).name
    parts = [f"# Benchmark `{title}`", config.get("description", ""),
             f"{len(records)} runs; IOHprofiler data in `ioh/`, one row per run in "
             "`results.csv`."]
    if not records:
        parts.append("No run has finished yet.")
    else:
        figures = [*convergence_figures(records, folder), ecdf_figure(records, folder),
                   success_figure(summarize(records), folder)]
        parts += ["## Successes per problem", headline_table(records),
                  "## Overall", overall_table(records),
                  "## Per problem", _per_problem_table(records), _DEFINITIONS,
                  *_binpacking_parts(records),
                  "## Failures", _failures(records),
                  "## Figures", "\n".join(f"![{p.stem}]({p.name})" for p in figures)]
    (folder / "summary.md").write_text("\n\n".join(part for part in parts if part) + "\n")
    return folder
