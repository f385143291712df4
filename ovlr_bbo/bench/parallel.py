"""Success with several asks outstanding: what a pool of workers does to an optimizer.

``ovlr-bbo parallel`` runs each optimizer on the seed's PBO problems (instance 2 by default, the
XOR-shifted one) with ``k`` asks outstanding before the first tell: ``k`` batches are asked, then
the oldest is told and a new one asked, as a pool of ``k`` workers that finish in order would.
Evaluations are counted the same way for every ``k`` (every evaluated candidate counts, the
batch that crosses the budget is cut) and a run stops at the optimum.

    ovlr-bbo parallel                          # ovlr, k = 1, 4, 8, seeds 0-9
    ovlr-bbo parallel --outstanding 1,8 --optimizers ovlr,ea --seeds 0-29
"""

from __future__ import annotations

import argparse
from collections import deque
from collections.abc import Sequence
from typing import Any

import ioh
import numpy as np

from ..ask_tell import AskTellOptimizer
from ..optimizers import make_optimizer
from ..spaces import Binary
from .config import parse_int_list
from .tables import markdown_table

__all__ = ["solved_with_outstanding", "run_with_outstanding", "main"]

#: the seed experiment's five PBO problems (OneMax, LeadingOnes, Linear, IsingRing, IsingTorus)
PROBLEMS = (1, 2, 3, 19, 20)


def solved_with_outstanding(name: str, fid: int, instance: int, dimension: int, budget: int,
                            outstanding: int, seed: int) -> bool:
    """One run with ``outstanding`` asks in flight; True if the optimum was found."""
    problem = ioh.get_problem(fid, instance, dimension, ioh.ProblemClass.PBO)
    optimizer = make_optimizer(name, Binary(dimension), seed=seed, maximize=True, budget=budget)
    run_with_outstanding(optimizer, problem, budget, outstanding)
    return bool(problem.state.optimum_found)


def run_with_outstanding(optimizer: AskTellOptimizer, problem: Any, budget: int,
                         outstanding: int) -> int:
    """Run ``optimizer`` on the ioh ``problem`` with ``outstanding`` asks in flight, the oldest
    told first, until the budget is spent or the optimum found; returns the evaluations used."""
    in_flight: deque[np.ndarray] = deque(optimizer.ask() for _ in range(outstanding))
    used = 0
    while used < budget and not problem.state.optimum_found:
        X = in_flight.popleft()
        n = min(len(X), budget - used)
        scores = np.full(len(X), np.nan)
        scores[:n] = problem(X[:n].tolist())
        optimizer.tell(X, scores, evaluated=np.arange(len(X)) < n)
        used += n
        in_flight.append(optimizer.ask())
    return used


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ovlr-bbo parallel", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--optimizers", default="ovlr", help="comma-separated registry names")
    parser.add_argument("--outstanding", default="1,4,8", help="asks in flight, e.g. 1,4,8")
    parser.add_argument("--seeds", default="0-9")
    parser.add_argument("--instance", type=int, default=2)
    parser.add_argument("--dimension", type=int, default=32)
    parser.add_argument("--budget", type=int, default=512)
    args = parser.parse_args(argv)
    seeds = parse_int_list(args.seeds, "seeds")
    levels = parse_int_list(args.outstanding, "outstanding")
    if not levels or min(levels) < 1:
        parser.error("--outstanding needs whole numbers >= 1")
    rows = []
    for name in args.optimizers.split(","):
        for k in levels:
            counts = [sum(solved_with_outstanding(name, fid, args.instance, args.dimension,
                                                  args.budget, k, seed) for seed in seeds)
                      for fid in PROBLEMS]
            total = sum(counts)
            runs = len(seeds) * len(PROBLEMS)
            rows.append([name, str(k), *[f"{c}/{len(seeds)}" for c in counts],
                         f"{total}/{runs} ({100 * total / runs:.1f}%)"])
    headers = ["optimizer", "outstanding", *[f"f{fid}" for fid in PROBLEMS], "total"]
    print(markdown_table(headers, rows))
