"""Mean rank per run and per-group tables of a benchmark report.

A *cell* is one run spec across optimizers: the same problem, instance, dimension and seed. In
each cell the optimizers' runs are ranked (1 = best; ties share the mean rank, as
:func:`scipy.stats.rankdata`):

1. runs that reached the optimum (``success``), by ``evaluations_to_optimum`` (fewer is better);
2. then finished runs that did not, by their final gap ``|best - optimum|`` (smaller is better);
   where the optimum is unknown (not finite: PBO's LABS and NK landscapes; records hold ``inf``)
   the gap is undefined, as in :func:`.metrics.gap` and the mean gap of the report, and the runs
   rank by ``best`` in the problem's direction (``maximize`` of the records of that suite)
   instead; without a known direction no ranks are given and the table is left out;
3. failed runs (``status != "ok"``) last.

A problem's *median final gap* of an optimizer is the median of :func:`.metrics.gap` over its runs
of that problem, with a run that hit the final target counted as 0 (BBOB's success is a precision
of 1e-8, not 0) and a failed run as infinite; it is undefined where the optimum is unknown. An
optimizer is *behind* on a problem when its median gap exceeds the smallest median gap of the
other optimizers by more than a relative 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ovlr_bbo.problems.groups import ProblemGroup, group_of, suite_groups

from .metrics import gap
from .tables import markdown_table

__all__ = ["cell_of", "cell_ranks", "median_gaps", "behind", "short_names", "rank_table",
           "records_by_group", "group_tables", "RELATIVE_TOLERANCE"]

#: relative tolerance of "behind" (median gaps closer than this count as equal)
RELATIVE_TOLERANCE = 1e-9

Cell = tuple[Any, ...]


def cell_of(record: dict[str, Any]) -> Cell:
    """The run spec across optimizers: ``(problem, instance, dimension, seed)``."""
    return (record["problem"], record["instance"], record["dimension"], record["seed"])


def _finite(value: Any) -> float | None:
    """``value`` as a float when it is a finite number, else None (missing, NaN, inf)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _directions(records: Iterable[dict[str, Any]]) -> dict[str, bool]:
    """Suite -> ``maximize``, from the finished records that state it."""
    return {r["suite"]: bool(r["maximize"]) for r in records
            if r.get("status") == "ok" and r.get("maximize") is not None}


def _sort_key(record: dict[str, Any], maximize: bool | None) -> tuple[int, float] | None:
    """Order of a run in its cell (smaller is better; module docstring); None when the run
    needs a direction and ``maximize`` is None."""
    if record.get("status") != "ok":
        return (2, 0.0)
    if record.get("success"):
        hit = record.get("evaluations_to_optimum")
        return (0, float(hit if hit is not None else record["evaluations"]))
    best, optimum = _finite(record.get("best")), _finite(record.get("optimum"))
    if best is None:  # a finished run without a value: behind every run with one
        return (1, math.inf)
    if optimum is not None:
        return (1, abs(best - optimum))
    if maximize is None:
        return None
    return (1, -best if maximize else best)


def cell_ranks(records: list[dict[str, Any]]) -> dict[str, float] | None:
    """Run key -> its rank among the runs of its cell (1 = best, ties share the mean rank);
    None when some run has no known optimum and its suite no known direction."""
    directions = _directions(records)
    cells: dict[Cell, list[dict[str, Any]]] = {}
    for record in records:
        cells.setdefault(cell_of(record), []).append(record)
    ranks: dict[str, float] = {}
    for members in cells.values():
        found = [_sort_key(r, directions.get(r["suite"])) for r in members]
        keys = [key for key in found if key is not None]
        if len(keys) < len(found):
            return None
        order = {key: index for index, key in enumerate(sorted(set(keys)))}
        positions = rankdata([order[key] for key in keys], method="average")
        ranks.update({r["key"]: float(p) for r, p in zip(members, positions, strict=True)})
    return ranks


def _run_gap(record: dict[str, Any]) -> float:
    if record.get("status") != "ok":
        return math.inf
    if record.get("success"):
        return 0.0
    value = gap(record)
    return math.inf if math.isnan(value) else value  # a finished run without a value


def median_gaps(records: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    """``(problem, optimizer)`` -> median final gap (module docstring) over its runs; NaN for
    problems whose optimum is unknown."""
    unknown = {r["problem"] for r in records
               if r.get("status") == "ok" and _finite(r.get("optimum")) is None}
    runs: dict[tuple[str, str], list[float]] = {}
    for record in records:
        runs.setdefault((record["problem"], record["optimizer"]), []).append(_run_gap(record))
    return {key: math.nan if key[0] in unknown else float(np.median(values))
            for key, values in runs.items()}


def behind(records: list[dict[str, Any]]) -> tuple[dict[str, list[str]], list[str]]:
    """Optimizer -> problems (in order of appearance) where its median final gap is behind the
    best other optimizer's, and the problems not judged (optimum unknown)."""
    medians = median_gaps(records)
    optimizers = list(dict.fromkeys(r["optimizer"] for r in records))
    problems = list(dict.fromkeys(r["problem"] for r in records))
    result: dict[str, list[str]] = {optimizer: [] for optimizer in optimizers}
    unjudged = []
    for problem in problems:
        mine = {o: medians[(problem, o)] for o in optimizers if (problem, o) in medians}
        if any(math.isnan(value) for value in mine.values()):
            unjudged.append(problem)
            continue
        for optimizer, value in mine.items():
            others = [v for o, v in mine.items() if o != optimizer]
            if not others:
                continue
            best = min(others)
            if value > best and not math.isclose(value, best, rel_tol=RELATIVE_TOLERANCE):
                result[optimizer].append(problem)
    return result, unjudged


def short_names(records: list[dict[str, Any]]) -> dict[str, str]:
    """Problem -> short name: ``f7`` (``f7-d64`` when the function comes in several dimensions,
    ``pbo-f7`` when the records hold several suites); bin packing without ``binpack-``."""
    suites = {r["suite"] for r in records}
    dimensions: dict[tuple[str, Any], set[int]] = {}
    for r in records:
        dimensions.setdefault((r["suite"], r["function"]), set()).add(r["dimension"])
    names = {}
    for r in records:
        if r["suite"] == "binpack":
            names[r["problem"]] = r["problem"].removeprefix("binpack-")
            continue
        name = f"f{r['function']}"
        if len(dimensions[(r["suite"], r["function"])]) > 1:
            name += f"-d{r['dimension']}"
        names[r["problem"]] = f"{r['suite']}-{name}" if len(suites) > 1 else name
    return names


def _success_rate(runs: list[dict[str, Any]]) -> float:
    return sum(bool(r.get("success")) for r in runs) / len(runs) if runs else math.nan


def _mean_rank(runs: list[dict[str, Any]], ranks: dict[str, float]) -> float:
    return float(np.mean([ranks[r["key"]] for r in runs])) if runs else math.nan


def rank_table(records: list[dict[str, Any]]) -> str | None:
    """Optimizer | success rate | mean rank per run | problems behind (count, short names), and
    a note on the problems not judged; None when the runs cannot be ranked (module
    docstring)."""
    ranks = cell_ranks(records)
    if ranks is None:
        return None
    lagging, unjudged = behind(records)
    names = short_names(records)
    rows = []
    for optimizer in dict.fromkeys(r["optimizer"] for r in records):
        mine = [r for r in records if r["optimizer"] == optimizer]
        problems = lagging[optimizer]
        rows.append([optimizer, f"{_success_rate(mine):.1%}", _mean_rank(mine, ranks),
                     len(problems), ", ".join(names[p] for p in problems) or "-"])
    table = markdown_table(["optimizer", "success rate", "mean rank per run",
                            "problems behind", "behind on"], rows)
    if unjudged:
        table += ("\n\nNot judged for \"behind\" (optimum unknown, no gap): "
                  + ", ".join(names[p] for p in unjudged) + ".")
    return table


def records_by_group(records: list[dict[str, Any]]
                     ) -> list[tuple[ProblemGroup, list[dict[str, Any]]]]:
    """The records of each problem group present (suites in order of appearance, groups in
    their suite's order); suites without groups are left out."""
    result = []
    for suite in dict.fromkeys(r["suite"] for r in records):
        for group in suite_groups(suite):
            members = [r for r in records
                       if r["suite"] == suite and group_of(suite, r["function"]) == group]
            if members:
                result.append((group, members))
    return result


def _spans(functions: tuple[int, ...]) -> str:
    """``(1, 4, 5, 6)`` -> ``f1, f4-f6``."""
    spans: list[list[int]] = []
    for function in sorted(functions):
        if spans and function == spans[-1][-1] + 1:
            spans[-1].append(function)
        else:
            spans.append([function])
    return ", ".join(f"f{s[0]}" if len(s) == 1 else f"f{s[0]}-f{s[-1]}" for s in spans)


def _group_row(optimizer: str, columns: list[tuple[ProblemGroup, list[dict[str, Any]]]],
               ranks: dict[str, float] | None) -> list[Any]:
    """One optimizer's success rates (``ranks`` None) or mean ranks per run over ``columns``."""
    row: list[Any] = [optimizer]
    for _, members in columns:
        mine = [r for r in members if r["optimizer"] == optimizer]
        if not mine:
            row.append("-")
        else:
            row.append(f"{_success_rate(mine):.1%}" if ranks is None else _mean_rank(mine, ranks))
    return row


def group_tables(records: list[dict[str, Any]]) -> list[str]:
    """Per suite with groups: a success-rate table and a mean-rank-per-run table (rows =
    optimizers, columns = groups present; the rank table only where :func:`cell_ranks` ranks
    the runs), then the groups' function ids."""
    ranks = cell_ranks(records)
    grouped = records_by_group(records)
    parts = []
    for suite in dict.fromkeys(group.suite for group, _ in grouped):
        columns = [(group, members) for group, members in grouped if group.suite == suite]
        optimizers = list(dict.fromkeys(r["optimizer"] for r in records if r["suite"] == suite))
        headers = ["optimizer", *(group.name for group, _ in columns)]
        parts += [f"### {suite}: success rate per group",
                  markdown_table(headers, [_group_row(o, columns, None) for o in optimizers])]
        if ranks is not None:
            parts += [f"### {suite}: mean rank per run per group",
                      markdown_table(headers, [_group_row(o, columns, ranks)
                                               for o in optimizers])]
        definitions = "; ".join(f"{group.name}: {_spans(group.functions)}"
                                for group, _ in columns)
        parts.append(f"Groups ({suite}): {definitions}.")
    return parts
