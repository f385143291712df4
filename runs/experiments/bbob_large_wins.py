"""Issue 14, target 3: on how many BBOB functions per dimension OVLR's final gap is below BOTH
peers' (pycma full and sep-CMA; where all reach the 1e-8 target, the one that reached it in
fewer evaluations is ahead), from `bbob-large` folders' results.csv files (later files'
rows replace earlier ones of the same optimizer, e.g. OVLR rerun against the committed peers).

    python runs/experiments/bbob_large_wins.py runs/reports/bbob-large/results.csv
    python runs/experiments/bbob_large_wins.py runs/reports/bbob-large/results.csv \
        runs/bbob-large-fold-pop/results.csv
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict

import numpy as np

TARGET = 1e-8  # BBOB's final target: below it a run is solved (and, in the preset, stops)


def main(paths: list[str]) -> None:
    gaps: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(dict)
    hits: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(dict)
    for path in paths:
        rows = list(csv.DictReader(open(path)))
        for name in {row["optimizer"] for row in rows}:  # a later file replaces these rows
            for cells in (gaps, hits):
                for cell in cells.values():
                    cell.pop(name, None)
        for row in rows:
            key = (int(row["dimension"]), int(row["function"]))
            gap = max(abs(float(row["best"]) - float(row["optimum"])), TARGET)
            gaps[key].setdefault(row["optimizer"], []).append(gap)
            hit = float(row["evaluations_to_optimum"] or "inf")
            hits[key].setdefault(row["optimizer"], []).append(hit)
    names = sorted({name for cell in gaps.values() for name in cell})
    wins: dict[int, list[int]] = defaultdict(list)
    print("| d | f | " + " | ".join(names) + " | ovlr ahead of both |")
    print("|---" * (len(names) + 3) + "|")
    for (d, f), cell in sorted(gaps.items()):
        # the median gap (at most down to the target), then the median evaluations to the
        # target: where all reach it, the faster one is ahead; exact ties are no win
        median = {name: (float(np.median(cell[name])), float(np.median(hits[(d, f)][name])))
                  for name in names if name in cell}
        others = min(v for name, v in median.items() if name != "ovlr")
        ahead = median["ovlr"] < others
        if ahead:
            wins[d].append(f)
        cells = " | ".join(_cell(*median[name]) if name in median else "" for name in names)
        print(f"| {d} | {f} | {cells} | {'yes' if ahead else ''} |")
    for d in sorted({d for d, _ in gaps}):
        count = sum(1 for key in gaps if key[0] == d)
        print(f"d = {d}: OVLR ahead of both on {len(wins[d])} of {count} functions {wins[d]}")


def _cell(gap: float, hit: float) -> str:
    return f"{gap:.3g}" if gap > TARGET else f"target at {hit:.0f}"


if __name__ == "__main__":
    main(sys.argv[1:] or ["runs/reports/bbob-large/results.csv"])
