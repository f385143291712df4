"""Used for BBOB at large d in BENCHMARKS.md section 0.5 (fifteenth session, 2026-12-08): each
variant's final gap and evaluations to 1e-8 on one function over instances x seeds, 100 d
evaluations, two worker processes (one thread each), e.g.

    OMP_NUM_THREADS=1 python runs/experiments/large_d_seeds.py 500 23 1,2,6 1,2,3 "" \\
        "popsize=22" peer:sep

A variant is "" (the default), GeneratorSearch options as ``key=value,...`` (as
``generator_bbob.py`` takes them) or ``peer:cma`` / ``peer:sep`` (pycma, sep-CMA).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator_bbob import parse_options, run_one  # noqa: E402


def one(task: tuple[str, int, int, int, int]) -> str:
    variant, fid, instance, d, seed = task
    name, options = ((variant[5:], {}) if variant.startswith("peer:")
                     else ("gen", parse_options(variant)))
    row = run_one(name, fid, instance, d, seed, 100 * d, options)
    return (f"[{variant or 'default'}] f{fid} i{instance} s{seed}: final {row['final']:.4g}, "
            f"evaluations to 1e-8 {row['evals_to_hit'] or '-'}")


def main() -> None:
    d, fid = int(sys.argv[1]), int(sys.argv[2])
    instances = [int(i) for i in sys.argv[3].split(",")]
    seeds = [int(s) for s in sys.argv[4].split(",")]
    tasks = [(v, fid, i, d, s) for v in sys.argv[5:] for i in instances for s in seeds]
    with ProcessPoolExecutor(2) as pool:
        for line in pool.map(one, tasks):
            print(line, flush=True)


if __name__ == "__main__":
    main()
