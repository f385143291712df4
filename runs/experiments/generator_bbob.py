"""GeneratorSearch vs pycma on ioh BBOB, side by side (issue 14).

Standard setting (success to 1e-8 and AOCC over the budget, log precision 1e2..1e-8):
    nice -n 10 python runs/experiments/generator_bbob.py --dims 5 20 --instances 1-5 --seeds 0
Large scale (final precision and optimizer time per evaluation; pycma full and sep-CMA):
    nice -n 10 python runs/experiments/generator_bbob.py --large --dims 100 500 --budget 100

Optimizers: ``gen`` (GeneratorSearch, defaults or ``--gen-options k=v,...``), ``cma`` (the
project's pycma baseline with IPOP restarts, sigma0 0.5 on [-1, 1]), ``sep`` (the same with
``CMA_diagonal=True``). Rows go to a CSV; the summary is printed as markdown.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import ioh
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from baselines.cmaes import CMAES  # noqa: E402
from ovlr_bbo.generator_search import GeneratorSearch  # noqa: E402
from ovlr_bbo.spaces import Box  # noqa: E402

GROUPS = {"separable": range(1, 6), "low/moderate cond": range(6, 10),
          "ill-conditioned": range(10, 15), "multimodal": range(15, 20),
          "weak structure": range(20, 25)}


def parse_range(text: str) -> list[int]:
    values: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        values += list(range(int(low), int(high or low) + 1))
    return values


def parse_options(text: str) -> dict:
    options: dict = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=")
        try:
            options[key] = float(value) if "." in value or "e" in value else int(value)
        except ValueError:
            options[key] = value
    return options


def make(name: str, space: Box, seed: int, gen_options: dict):
    if name == "gen":
        return GeneratorSearch(space, seed=seed, **gen_options)
    if name == "cma":
        return CMAES(space, seed=seed)
    if name == "sep":
        return CMAES(space, seed=seed, options={"CMA_diagonal": True})
    raise ValueError(f"unknown optimizer {name!r}")


def aocc(precisions: np.ndarray, budget: int) -> float:
    """Mean over evaluations 1..budget of 1 - (log10(clip(best precision, 1e-8, 1e2)) + 8) / 10
    (the area under the ECDF curve over a continuum of log-spaced targets)."""
    best = np.minimum.accumulate(precisions)
    if best.size < budget:
        best = np.append(best, np.full(budget - best.size, best[-1]))
    logs = np.log10(np.clip(best[:budget], 1e-8, 1e2))
    return float(np.mean(1 - (logs + 8) / 10))


def run_one(name: str, fid: int, instance: int, d: int, seed: int, budget: int,
            gen_options: dict) -> dict:
    problem = ioh.get_problem(fid, instance, d, ioh.ProblemClass.BBOB)
    optimum = problem.optimum.y
    opt = make(name, Box(-5.0, 5.0, dimension=d), seed, gen_options)
    precisions: list[float] = []
    spent = 0.0
    while len(precisions) < budget:
        start = time.perf_counter()
        X = opt.ask()
        spent += time.perf_counter() - start
        n = min(len(X), budget - len(precisions))
        values = np.asarray(problem(np.asarray(X[:n], dtype=float)), dtype=float)
        if n == len(X):  # the last, cut batch is not told: the budget is spent
            start = time.perf_counter()
            opt.tell(X, values)
            spent += time.perf_counter() - start
        precisions += list(values - optimum)
        if min(precisions) < 1e-8:
            break
    trace = np.maximum(np.asarray(precisions), 0.0)
    hit = np.flatnonzero(trace < 1e-8)
    return {"optimizer": name, "fid": fid, "instance": instance, "d": d, "seed": seed,
            "budget": budget, "final": float(trace.min()), "success": int(hit.size > 0),
            "evals_to_hit": int(hit[0] + 1) if hit.size else "", "aocc": aocc(trace, budget),
            "us_per_eval": 1e6 * spent / len(trace),
            "restarts": getattr(opt, "n_restarts", 0)}


def summary(rows: list[dict], large: bool) -> str:
    out = []
    by = defaultdict(list)
    for row in rows:
        by[(row["d"], row["optimizer"])].append(row)
    if not large:
        out.append("| d | optimizer | runs | success | AOCC | " +
                   " | ".join(f"succ {g}" for g in GROUPS) + " | us/eval |")
        out.append("|" + "---|" * (6 + len(GROUPS)))
        for (d, name), group in sorted(by.items()):
            cells = [str(d), name, str(len(group)),
                     f"{np.mean([r['success'] for r in group]):.3f}",
                     f"{np.mean([r['aocc'] for r in group]):.3f}"]
            for fids in GROUPS.values():
                sel = [r["success"] for r in group if r["fid"] in fids]
                cells.append(f"{np.mean(sel):.2f}" if sel else "-")
            cells.append(f"{np.mean([r['us_per_eval'] for r in group]):.0f}")
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out)
    names = sorted({r["optimizer"] for r in rows})
    out.append("| d | fid | " + " | ".join(f"{n} final" for n in names) + " | best |")
    out.append("|" + "---|" * (3 + len(names)))
    wins: dict = defaultdict(int)
    cells_by = defaultdict(dict)
    for row in rows:
        cells_by[(row["d"], row["fid"])].setdefault(row["optimizer"], []).append(row["final"])
    for (d, fid), finals in sorted(cells_by.items()):
        medians = {n: float(np.median(finals[n])) for n in names if n in finals}
        best = min(medians, key=medians.get)
        wins[(d, best)] += 1
        out.append(f"| {d} | {fid} | " + " | ".join(f"{medians.get(n, math.nan):.3g}"
                                                     for n in names) + f" | {best} |")
    for d in sorted({r["d"] for r in rows}):
        timing = ", ".join(f"{n} {np.mean([r['us_per_eval'] for r in by[(d, n)]]):.0f} us"
                           for n in names if by[(d, n)])
        out.append(f"\nd={d}: wins {dict((n, wins[(d, n)]) for n in names)}; "
                   f"optimizer time per evaluation: {timing}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--functions", default="1-24")
    parser.add_argument("--instances", default="1-5")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--budget", type=int, default=None, help="evaluations per dimension")
    parser.add_argument("--optimizers", nargs="+", default=None)
    parser.add_argument("--gen-options", default="")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--out", default="runs/experiments/generator_bbob.csv")
    args = parser.parse_args()
    budget_per_dim = args.budget or (100 if args.large else 1000)
    names = args.optimizers or (["gen", "cma", "sep"] if args.large else ["gen", "cma"])
    gen_options = parse_options(args.gen_options)
    rows = []
    for d in args.dims:
        for fid in parse_range(args.functions):
            for instance in parse_range(args.instances):
                for seed in parse_range(args.seeds):
                    for name in names:
                        rows.append(run_one(name, fid, instance, d, seed, budget_per_dim * d,
                                            gen_options))
                        print(rows[-1], file=sys.stderr, flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(summary(rows, args.large))


if __name__ == "__main__":
    main()
