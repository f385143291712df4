"""Used for BENCHMARKS.md section 0.5 (thirteenth session, 2026-12-07): the generator engine's
own time per evaluation (ask + tell, the sphere on the box [-5, 5]^d, warm: the second of two
passes), for several option sets, e.g.

    OMP_NUM_THREADS=1 python runs/experiments/generator_overhead.py 1024 3000 \
        "" "directions=4" "directions=22"
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator_bbob import parse_options  # noqa: E402

from ovlr_bbo.generator_search import GeneratorSearch  # noqa: E402
from ovlr_bbo.spaces import Box  # noqa: E402


def microseconds_per_evaluation(d: int, evaluations: int, options: dict) -> float:
    opt = GeneratorSearch(Box(-5, 5, dimension=d), seed=0, **options)
    spent = 0.0
    while opt.evaluations < evaluations:
        start = time.perf_counter()
        X = opt.ask()
        spent += time.perf_counter() - start
        losses = (X ** 2).sum(axis=1)
        start = time.perf_counter()
        opt.tell(X, losses)
        spent += time.perf_counter() - start
    return 1e6 * spent / opt.evaluations


def main() -> None:
    d, evaluations, specs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:] or [""]
    for _ in range(2):  # the first pass warms torch up
        times = {spec: microseconds_per_evaluation(d, evaluations, parse_options(spec))
                 for spec in specs}
    for spec, value in times.items():
        print(f"d = {d} [{spec}]: {value:.1f} us per evaluation")


if __name__ == "__main__":
    main()
