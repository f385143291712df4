"""Bins above the optimum (triplets) or the L2 bound (uniform) per optimizer and problem group,
from the results.csv of `ovlr-bbo bench` run folders.

python runs/experiments/binpacking_table.py DIR [DIR ...]
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

frames = [pd.read_csv(Path(d) / "results.csv") for d in sys.argv[1:]]
runs = pd.concat(frames, ignore_index=True)
runs["gap"] = np.floor(runs["best"] + 1e-9) - runs["optimum"]
groups = list(dict.fromkeys(runs["problem"]))
order = list(dict.fromkeys(runs["optimizer"]))
print("| optimizer | " + " | ".join(g.removeprefix("binpack-") for g in groups) + " |")
print("|---" * (len(groups) + 1) + "|")
for optimizer in order:
    cells = []
    for group in groups:
        cell = runs[(runs["optimizer"] == optimizer) & (runs["problem"] == group)]
        if cell.empty:
            cells.append("")
            continue
        failed = (cell["status"] != "ok").sum()
        note = f", {failed} failed" if failed else ""
        cells.append(f"{cell['gap'].mean():.2f} ({(cell['gap'] == 0).sum()}/{len(cell)}{note})")
    print(f"| {optimizer} | " + " | ".join(cells) + " |")
print()
print("mean wall time per run (s): " + ", ".join(
    f"{o} {runs[runs['optimizer'] == o]['wall_time_s'].mean():.1f}" for o in order))
