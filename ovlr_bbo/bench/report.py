"""``report/summary.md`` and figures from the run records and their IOH data
(``ovlr-bbo report runs/NAME``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ovlr_bbo.problems.registry import problem_order, problem_title

from .figures import convergence_figures, ecdf_figure, success_figure
from .metrics import RunTimes, hitting_times, load_traces, ok_records, summarize
from .ranks import group_tables, rank_table, records_by_group
from .tables import format_number, markdown_table

__all__ = ["write_report", "run_times", "headline_table", "overall_table", "per_problem_table",
           "bins_above_table", "problem_titles"]

_MAX_FAILURES_LISTED = 20


def run_times(root: str | Path, records: list[dict[str, Any]]) -> dict[str, RunTimes]:
    """Target hitting times of ``records`` from the IOH data in ``root/ioh``."""
    traces = load_traces(Path(root) / "ioh", [r["key"] for r in ok_records(records)])
    return hitting_times(records, traces)


def problem_titles(records: list[dict[str, Any]]) -> dict[str, str]:
    """Problem group id -> readable title (``pbo-f2-d32`` -> ``LeadingOnes (f2, d32)``), in
    numeric order (f1, f2, ..., f10, not f1, f10, f2)."""
    fields: dict[str, tuple] = {}
    for r in records:
        fields.setdefault(r["problem"], (r["suite"], r["function"], r["dimension"],
                                         r.get("encoding"), r.get("decoder")))
    ordered = sorted(fields, key=lambda group: problem_order(*fields[group]))
    return {group: problem_title(*fields[group]) for group in ordered}


def headline_table(records: list[dict[str, Any]]) -> str:
    """Successes per optimizer (rows) and problem (columns), e.g. ``13/15``, with a total."""
    titles = problem_titles(records)
    optimizers = list(dict.fromkeys(r["optimizer"] for r in records))
    rows = []
    for optimizer in optimizers:
        mine = [r for r in records if r["optimizer"] == optimizer]
        cells = []
        for group in titles:
            runs = [r for r in mine if r["problem"] == group]
            wins = sum(bool(r.get("success")) for r in runs)
            cells.append(f"{wins}/{len(runs)}" if runs else "-")
        wins = sum(bool(r.get("success")) for r in mine)
        rows.append([optimizer, *cells, f"{wins}/{len(mine)} ({wins / len(mine):.1%})"])
    return markdown_table(["optimizer", *titles.values(), "total"], rows)


def overall_table(records: list[dict[str, Any]], times: dict[str, RunTimes]) -> str:
    """Per optimizer over all problems: runs, failures, success rate, mean gap, mean AOCC."""
    rows = [[row["optimizer"], row["runs"], row["failed"], f"{row['success_rate']:.1%}",
             row["mean_gap"], row["aocc"]]
            for row in summarize(records, times, by=("optimizer",))]
    return markdown_table(["optimizer", "runs", "failed", "success rate", "mean gap", "AOCC"],
                          rows)


def per_problem_table(records: list[dict[str, Any]], times: dict[str, RunTimes]) -> str:
    """Per problem (in numeric order) and optimizer: successes, ERT, mean gap, AOCC."""
    titles = problem_titles(records)
    order = {group: i for i, group in enumerate(titles)}
    summary = sorted(summarize(records, times), key=lambda row: order[row["problem"]])
    rows = [[titles[row["problem"]], row["optimizer"], f"{row['successes']}/{row['runs']}",
             row["ert"], row["mean_gap"], row["aocc"]] for row in summary]
    return markdown_table(["problem", "optimizer", "successes", "ERT", "mean gap", "AOCC"], rows)


def bins_above_table(records: list[dict[str, Any]]) -> str:
    """Bin packing: mean number of bins above the optimum (or the L2 lower bound where the
    optimum is unknown) per problem and optimizer, from each run's best ``floor(value)``."""
    packing = ok_records(r for r in records if r.get("suite") == "binpack")
    runs: dict[tuple[str, str], list[float]] = {}
    for record in packing:
        above = math.floor(record["best"]) - record["optimum"]
        runs.setdefault((record["problem"], record["optimizer"]), []).append(above)
    titles = problem_titles(packing)
    optimizers = list(dict.fromkeys(optimizer for _, optimizer in runs))
    rows = [[optimizer] + [format_number(float(np.mean(runs[(group, optimizer)])), 2)
                           if (group, optimizer) in runs else "-" for group in titles]
            for optimizer in optimizers]
    return markdown_table(["optimizer", *titles.values()], rows)


def _failures(records: list[dict[str, Any]]) -> str:
    failed = [r for r in records if r.get("status") != "ok"]
    if not failed:
        return "No run failed."
    lines = [f"{len(failed)} runs failed (counted as unsuccessful, their whole budget spent):",
             ""]
    lines += [f"- `{r['key']}`: {r.get('error')}" for r in failed[:_MAX_FAILURES_LISTED]]
    if len(failed) > _MAX_FAILURES_LISTED:
        lines.append(f"- ... and {len(failed) - _MAX_FAILURES_LISTED} more (see results.csv)")
    return "\n".join(lines)


_DEFINITIONS = """\
Definitions (computed from the IOH data in `ioh/`; see `ovlr_bbo/bench/metrics.py`): *success* =
the run hit the problem's final target (ioh's optimum test; bin packing: the optimal bin count, or
its lower bound where the optimum is unknown); *ERT* = evaluations spent by all runs (a
successful run counted up to its first hit, a failed run as its whole budget) / number of
successes; *gap* = |optimum - best| / max(|optimum|, 1); *AOCC* = area under the ECDF curve: the
fraction of fixed targets hit by the best-so-far value, averaged over the budget. Targets: BBOB,
51 precisions f - f* from 1e2 to 1e-8 (log-spaced); PBO, the relative gap (f* - f) / f* at most
0.95, 0.90, ..., 0.05, 0; bin packing, at most 10, 9, ..., 0 bins above the optimum. The targets
do not depend on the optimizers in the table, so folders can be compared and merged."""


def _binpacking_parts(records: list[dict[str, Any]]) -> list[str]:
    if not any(r.get("suite") == "binpack" for r in records):
        return []
    return ["## Bin packing: bins above the optimum or lower bound", bins_above_table(records)]


_RANK_NOTE = """\
Ranks per run (see `ovlr_bbo/bench/ranks.py`): in each cell (problem, instance, dimension, seed)
the optimizers' runs are ranked, 1 = best: runs that reached the optimum by evaluations to the
optimum, ahead of the others, which rank by the final gap |best - optimum| (by best value where
the optimum is unknown); failed runs last; ties share the mean rank. *Behind* = problems where
the optimizer's median final gap (a successful run counts 0, a failed one infinite) exceeds the
smallest median gap of the other optimizers (relative tolerance 1e-9)."""


def _rank_parts(records: list[dict[str, Any]]) -> list[str]:
    table = rank_table(records)
    if table is None:
        return []
    return ["## Mean rank per run", table, _RANK_NOTE]


def _group_parts(records: list[dict[str, Any]]) -> list[str]:
    tables = group_tables(records)
    return ["## Per problem group", *tables] if tables else []


def _group_ecdfs(records: list[dict[str, Any]], times: dict[str, RunTimes], folder: Path
                 ) -> list[Path]:
    """One ECDF figure per problem group present (``ecdf_<slug>.png``)."""
    return [ecdf_figure(members, times, folder, title=f"ECDF: {group.suite} {group.name}",
                        name=f"ecdf_{group.slug}.png")
            for group, members in records_by_group(records)]


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
        times = run_times(root, records)
        titles = problem_titles(records)
        figures = [*convergence_figures(records, folder, titles),
                   ecdf_figure(records, times, folder), *_group_ecdfs(records, times, folder),
                   success_figure(summarize(records, times), titles, folder)]
        parts += ["## Successes per problem", headline_table(records),
                  "## Overall", overall_table(records, times),
                  *_rank_parts(records), *_group_parts(records),
                  "## Per problem", per_problem_table(records, times), _DEFINITIONS,
                  *_binpacking_parts(records),
                  "## Failures", _failures(records),
                  "## Figures", "\n".join(f"![{p.stem}]({p.name})" for p in figures)]
    (folder / "summary.md").write_text("\n\n".join(part for part in parts if part) + "\n")
    return folder
