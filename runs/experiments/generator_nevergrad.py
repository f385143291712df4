"""GeneratorSearch on nevergrad's standardized setting (unbounded arrays, sigma 1) next to
nevergrad's CMA and NGOpt, on nevergrad's own ArtificialFunction set (issue 14, target 4).

    nice -n 10 python runs/experiments/generator_nevergrad.py --dims 10 --budget 100 1000

GeneratorSearch runs on an unbounded ``Box(dimension=d)`` (output = x, sigma0 1), i.e. what the
lead's ``ng.optimizers.registry["OVLR"]`` will hand it. The score is the noise-free
``evaluation_function`` of each optimizer's recommendation; seeds as nevergrad's benchmarks do
(``np.random.seed(s)`` before building the function).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import nevergrad as ng
import nevergrad.functions  # noqa: F401  (registers ArtificialFunction)
import numpy as np
from nevergrad.functions import ArtificialFunction

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ovlr_bbo.generator_search import GeneratorSearch  # noqa: E402
from ovlr_bbo.spaces import Box  # noqa: E402

FUNCTIONS = ["sphere", "ellipsoid", "rosenbrock", "rastrigin", "griewank", "cigar"]


def run_generator(func: ArtificialFunction, d: int, budget: int, seed: int) -> float:
    opt = GeneratorSearch(Box(dimension=d), seed=seed)
    opt.minimize(lambda x: float(func(x)), budget)
    recommendation = ng.p.Array(shape=(d,))
    recommendation.value = opt.recommend()
    return float(func.evaluation_function(recommendation))


def run_nevergrad(name: str, func: ArtificialFunction, d: int, budget: int, seed: int) -> float:
    parametrization = ng.p.Array(shape=(d,))
    parametrization.random_state = np.random.RandomState(seed)
    optimizer = ng.optimizers.registry[name](parametrization=parametrization, budget=budget)
    recommendation = optimizer.minimize(func)
    return float(func.evaluation_function(recommendation))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[10])
    parser.add_argument("--budget", type=int, nargs="+", default=[100, 1000],
                        help="evaluations per dimension")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--optimizers", nargs="+", default=["gen", "CMA", "NGOpt"])
    args = parser.parse_args()
    losses: dict = defaultdict(list)
    for d in args.dims:
        for per_dim in args.budget:
            for fname in FUNCTIONS:
                for seed in range(args.seeds):
                    for name in args.optimizers:
                        np.random.seed(seed)  # noqa: NPY002 (as nevergrad's benchmarks seed)
                        func = ArtificialFunction(fname, block_dimension=d).copy()
                        start = time.perf_counter()
                        loss = (run_generator(func, d, per_dim * d, seed) if name == "gen"
                                else run_nevergrad(name, func, d, per_dim * d, seed))
                        losses[(d, per_dim, fname, name)].append(loss)
                        print(d, per_dim, fname, seed, name, f"{loss:.3g}",
                              f"{time.perf_counter() - start:.1f}s", file=sys.stderr, flush=True)
    print("| d | budget/d | function | " + " | ".join(args.optimizers) + " |")
    print("|" + "---|" * (3 + len(args.optimizers)))
    ranks: dict = defaultdict(list)
    for d in args.dims:
        for per_dim in args.budget:
            for fname in FUNCTIONS:
                means = [float(np.mean(losses[(d, per_dim, fname, n)])) for n in args.optimizers]
                for name, rank in zip(args.optimizers, np.argsort(np.argsort(means)), strict=True):
                    ranks[name].append(rank + 1)
                print(f"| {d} | {per_dim} | {fname} | " + " | ".join(f"{m:.3g}" for m in means)
                      + " |")
    print("\nmean rank: " + ", ".join(f"{n} {np.mean(ranks[n]):.2f}" for n in args.optimizers))


if __name__ == "__main__":
    main()
