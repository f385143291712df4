"""Rank a rerun of some optimizers against the other optimizers' committed rows (same presets,
same derived seeds): BENCHMARKS.md section 0.8, the pair sweeps (2026-12-07); section 0.5, the
shape rate (BBOB: ``--minimize``, 2026-12-07).

python runs/experiments/pbo_merge_rows.py runs/reports/pbo-suite-n64/results.csv \
    runs/pbo-n64-pairs/results.csv
python runs/experiments/pbo_merge_rows.py runs/reports/bbob/results.csv \
    runs/bbob-srate/results.csv --minimize

Rows of the committed table whose optimizer appears in the rerun are replaced by the rerun's; the
rank table (mean rank per run, problems behind) is computed by ``ovlr_bbo.bench.ranks`` as the
report computes it. Also prints the per-problem successes of the rerun against its old rows."""
import csv
import sys

from ovlr_bbo.bench.ranks import rank_table


def records(path):
    rows = []
    for row in csv.DictReader(open(path)):
        row["key"] = "|".join(row[c] for c in ("optimizer", "problem", "instance", "dimension",
                                                "seed"))
        row["success"] = row["success"] == "True"
        row["maximize"] = "--minimize" not in sys.argv  # PBO maximizes, BBOB minimizes
        row["evaluations_to_optimum"] = (int(row["evaluations_to_optimum"])
                                         if row["evaluations_to_optimum"] else None)
        rows.append(row)
    return rows


if __name__ == "__main__":
    committed, rerun = records(sys.argv[1]), records(sys.argv[2])
    replaced = {r["optimizer"] for r in rerun}
    print(rank_table(rerun + [r for r in committed if r["optimizer"] not in replaced]))
    for optimizer in sorted(replaced):
        print(f"\n{optimizer}: problem old -> new successes (where they differ)")
        for function in dict.fromkeys(r["function"] for r in rerun):
            def hits(rows):
                return sum(r["success"] for r in rows
                           if r["optimizer"] == optimizer and r["function"] == function)
            old, new = hits(committed), hits(rerun)
            if old != new:
                print(f"  f{function}: {old} -> {new}")
        print("  total:", sum(r["success"] for r in committed if r["optimizer"] == optimizer),
              "->", sum(r["success"] for r in rerun if r["optimizer"] == optimizer))
