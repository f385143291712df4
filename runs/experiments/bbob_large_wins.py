"""Issue 14, target 3: on how many BBOB functions per dimension OVLR's final gap is below BOTH
peers' (pycma full and sep-CMA), from a `bbob-large` folder's results.csv.

    python runs/experiments/bbob_large_wins.py runs/bbob-large/results.csv
"""

from __future__ import annotations

import sys
from collections import defaultdict

import pandas as pd


def main(path: str) -> None:
    table = pd.read_csv(path)
    table["gap"] = (table["best"] - table["optimum"]).abs()
    gaps = table.groupby(["dimension", "function", "optimizer"])["gap"].median().unstack()
    wins: dict[int, list[int]] = defaultdict(list)
    print("| d | f | " + " | ".join(gaps.columns) + " | ovlr ahead of both |")
    print("|---" * (len(gaps.columns) + 3) + "|")
    for (d, f), row in gaps.iterrows():
        ahead = row["ovlr"] < row.drop("ovlr").min() * (1 - 1e-9)  # ties are no win
        if ahead:
            wins[d].append(f)
        cells = " | ".join(f"{v:.3g}" for v in row)
        print(f"| {d} | {f} | {cells} | {'yes' if ahead else ''} |")
    for d in sorted(gaps.index.get_level_values(0).unique()):
        count = len(gaps.loc[d])
        print(f"d = {d}: OVLR ahead of both on {len(wins[d])} of {count} functions {wins[d]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/bbob-large/results.csv")
