"""Report figures (matplotlib, Agg backend): convergence curves, ECDF, success rates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .metrics import RunTimes, measure, ok_records

__all__ = ["convergence_figures", "ecdf_figure", "success_figure"]

_PANELS_PER_PAGE = 20


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _order(records: list[dict[str, Any]], field: str) -> list[Any]:
    return list(dict.fromkeys(record[field] for record in records))


def _step_values(evaluations: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Value of a step function (``values`` from each of ``evaluations`` on) at ``grid``; NaN
    before the first step."""
    index = np.searchsorted(evaluations, grid, side="right") - 1
    return np.where(index >= 0, values[np.clip(index, 0, None)], np.nan)


def convergence_figures(records: list[dict[str, Any]], folder: Path, titles: dict[str, str]
                        ) -> list[Path]:
    """Mean distance to the optimum (the target measure of :mod:`.metrics`: f - f*, relative gap,
    bins above) of the best-so-far value against evaluations, one panel per
    problem (over its instances and seeds; ``titles``: group -> title, in panel order), one line
    per optimizer; several pages if needed."""
    plt = _pyplot()
    runs = [r for r in ok_records(records) if r.get("trace")]
    present = set(_order(runs, "problem"))
    problems = [group for group in titles if group in present]
    optimizers = _order(runs, "optimizer")
    paths = []
    for page, start in enumerate(range(0, len(problems), _PANELS_PER_PAGE), 1):
        shown = problems[start:start + _PANELS_PER_PAGE]
        columns = min(4, len(shown))
        rows = -(-len(shown) // columns)
        figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
        for axis, problem in zip(axes.flat, shown, strict=False):
            _convergence_panel(axis, [r for r in runs if r["problem"] == problem], optimizers)
            axis.set_title(titles[problem], fontsize=9)
        for axis in axes.flat[len(shown):]:
            axis.set_visible(False)
        axes.flat[0].legend(fontsize=7)
        figure.tight_layout()
        suffix = "" if len(problems) <= _PANELS_PER_PAGE else f"_{page}"
        paths.append(folder / f"convergence{suffix}.png")
        figure.savefig(paths[-1], dpi=110)
        plt.close(figure)
    return paths


def _convergence_panel(axis, runs: list[dict[str, Any]], optimizers: list[str]) -> None:
    budget = max(r["budget"] for r in runs)
    grid = np.unique(np.geomspace(1, budget, 60).round())
    # with the optimum unknown (PBO's LABS, NK) there is no distance: plot the best value itself
    raw = not all(np.isfinite(float(r["optimum"])) for r in runs)
    for optimizer in optimizers:
        mine = [r for r in runs if r["optimizer"] == optimizer]
        if not mine:
            continue
        curves = []
        for run in mine:
            evaluations = np.array([p[0] for p in run["trace"]], dtype=float)
            values = np.array([p[1] for p in run["trace"]], dtype=float)
            if run["suite"] in ("bbob", "real"):  # traces hold f, the measure is f - f*
                values = values - run["optimum"]
            gaps = values if raw else measure(run, values)
            curve = _step_values(evaluations, gaps, grid)
            last = run["evaluations"]  # a run stopped at the optimum stays there
            curves.append(np.where(grid > last, gaps[-1], curve))
        axis.plot(grid, np.nanmean(np.array(curves), axis=0), label=optimizer)
    axis.set_xscale("log")
    axis.set_xlabel("evaluations")
    if raw:
        axis.set_ylabel("best value (mean; optimum unknown)")
        return
    axis.set_yscale("symlog", linthresh=1e-8 if runs[0]["suite"] in ("bbob", "real") else 1e-2)
    axis.set_ylim(bottom=0)
    axis.set_ylabel("distance to optimum (mean)")


def ecdf_figure(records: list[dict[str, Any]], times: dict[str, RunTimes], folder: Path,
                title: str = "ECDF over all problems (fixed targets)", name: str = "ecdf.png"
                ) -> Path:
    """Fraction of (run, target) pairs hit against the fraction of the budget used, one line per
    optimizer over ``records`` (all problems, or a group of them) and the fixed targets (failed
    runs hit nothing); the area under each curve is its AOCC. Saved as ``folder/name``."""
    plt = _pyplot()
    grid = np.geomspace(1e-3, 1.0, 100)
    figure, axis = plt.subplots(figsize=(6, 4))
    for optimizer in _order(records, "optimizer"):
        curves = [(times[r["key"]].times[None, :] <= grid[:, None] * r["budget"]).mean(axis=1)
                  for r in records if r["optimizer"] == optimizer]
        axis.plot(grid, np.mean(curves, axis=0), label=optimizer)
    axis.set_xscale("log")
    axis.set_ylim(0, 1)
    axis.set_xlabel("fraction of the budget")
    axis.set_ylabel("fraction of targets hit")
    axis.set_title(title)
    axis.legend(fontsize=8)
    figure.tight_layout()
    path = folder / name
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def success_figure(summary: list[dict[str, Any]], titles: dict[str, str], folder: Path) -> Path:
    """Heat map of success rates: optimizers x problems (``titles``: group -> title, in order)."""
    plt = _pyplot()
    optimizers = _order(summary, "optimizer")
    problems = [group for group in titles if group in set(_order(summary, "problem"))]
    rates = np.full((len(optimizers), len(problems)), np.nan)
    for row in summary:
        cell = optimizers.index(row["optimizer"]), problems.index(row["problem"])
        rates[cell] = row["success_rate"]
    width = max(5.0, 0.5 * len(problems) + 2)
    figure, axis = plt.subplots(figsize=(width, 0.45 * len(optimizers) + 2.2))
    image = axis.imshow(rates, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    axis.set_xticks(range(len(problems)), [titles[p] for p in problems], rotation=60, ha="right",
                    fontsize=7)
    axis.set_yticks(range(len(optimizers)), optimizers, fontsize=8)
    if rates.size <= 200:
        for (i, j), rate in np.ndenumerate(rates):
            if np.isfinite(rate):
                axis.text(j, i, f"{rate:.0%}", ha="center", va="center", fontsize=6,
                          color="white" if rate < 0.6 else "black")
    figure.colorbar(image, ax=axis, label="success rate")
    axis.set_title("Success rate per problem")
    figure.tight_layout()
    path = folder / "success_rates.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
