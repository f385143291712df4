"""Side by side through nevergrad: its ArtificialFunction set and mixed-variable problems.

``ovlr-bbo ngbench functions`` runs each optimizer of nevergrad's registry (OVLR registered by
:mod:`ovlr_bbo.integrations.nevergrad`) on nevergrad's own functions as its benchmarks build them
(``np.random.seed(seed)`` then ``ArtificialFunction(name, block_dimension=d).copy()``) and scores
the recommendation with ``evaluation_function``; ``ovlr-bbo ngbench mixed`` runs the mixed
problems of :mod:`ovlr_bbo.bench.mixed` (reals, log-scaled reals, integers and categories
together, known optimum 0). Tables: the mean rank per run (1 = best; ties share their mean rank)
and the mean final loss. Every run is its own process with a time limit (NGOpt can hang).

    ovlr-bbo ngbench functions --dims 10 --budgets 100,1000 --seeds 0-2
    ovlr-bbo ngbench mixed --seeds 0-9 --optimizers OVLR,NGOpt,CMA,RandomSearch
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout

import numpy as np
from pebble import ProcessPool
from scipy.stats import rankdata

from .config import parse_int_list
from .mixed import MIXED_PROBLEMS
from .tables import markdown_table

__all__ = ["FUNCTIONS", "function_run", "mixed_run", "main"]

FUNCTIONS = ("sphere", "ellipsoid", "rosenbrock", "rastrigin", "griewank", "cigar")


def function_run(optimizer: str, function: str, dimension: int, budget: int, seed: int) -> float:
    """Final loss of ``optimizer`` on nevergrad's ``function`` (its own seeding convention)."""
    import nevergrad as ng
    import nevergrad.functions as ngf

    import ovlr_bbo.integrations.nevergrad  # noqa: F401  (registers OVLR)

    np.random.seed(seed)  # noqa: NPY002  (nevergrad draws its function rotations from it)
    func = ngf.ArtificialFunction(function, block_dimension=dimension).copy()
    parametrization = func.parametrization.copy()
    parametrization.random_state = np.random.RandomState(seed)
    recommendation = ng.optimizers.registry[optimizer](parametrization, budget=budget).minimize(
        func)
    return float(func.evaluation_function(recommendation))


def mixed_run(optimizer: str, problem: str, budget: int, seed: int) -> float:
    """Final loss (0 at the optimum) of ``optimizer`` on the mixed problem ``problem``."""
    import nevergrad as ng

    import ovlr_bbo.integrations.nevergrad  # noqa: F401  (registers OVLR)

    build, loss = MIXED_PROBLEMS[problem]
    parametrization = build()
    parametrization.random_state = np.random.RandomState(seed)
    recommendation = ng.optimizers.registry[optimizer](parametrization, budget=budget).minimize(
        lambda *args, **kwargs: loss(*args, **kwargs))
    return float(loss(*recommendation.args, **recommendation.kwargs))


def _run_all(jobs: list[tuple[Callable[..., float], tuple]], timeout: float,
             workers: int) -> list[float]:
    with ProcessPool(max_workers=workers) as pool:
        futures = [pool.schedule(job, args=args, timeout=timeout) for job, args in jobs]
        results = []
        for future in futures:
            try:
                results.append(future.result())
            except (FutureTimeout, Exception):  # a timed-out or crashed run ranks last
                results.append(float("inf"))
        return results


def _tables(optimizers: Sequence[str], cells: list[tuple], losses: np.ndarray) -> str:
    """``losses``: (cells, optimizers). Mean rank per run and mean loss per cell group."""
    ranks = np.stack([rankdata(np.where(np.isnan(row), np.inf, row)) for row in losses])
    rows = [[name, f"{ranks[:, j].mean():.2f}", f"{np.mean(losses[:, j]):.4g}"]
            for j, name in enumerate(optimizers)]
    overall = markdown_table(["optimizer", "mean rank per run", "mean final loss"], rows)
    groups = sorted({cell[:-1] for cell in cells})
    detail = []
    for group in groups:
        mine = [i for i, cell in enumerate(cells) if cell[:-1] == group]
        detail.append([" ".join(map(str, group)),
                       *[f"{np.median(losses[mine, j]):.3g}" for j in range(len(optimizers))]])
    per_group = markdown_table(["problem (median final loss)", *optimizers], detail)
    return overall + "\n\n" + per_group


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ovlr-bbo ngbench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=["functions", "mixed"])
    parser.add_argument("--optimizers", default="OVLR,CMA,NGOpt")
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--dims", default="10,100", help="functions: dimensions")
    parser.add_argument("--budgets", default="100,1000",
                        help="functions: evaluations per dimension; mixed: evaluations")
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--problems", default=",".join(MIXED_PROBLEMS))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    optimizers = args.optimizers.split(",")
    seeds = parse_int_list(args.seeds, "seeds")
    budgets = parse_int_list(args.budgets, "budgets")
    cells: list[tuple]
    jobs: list[tuple[Callable[..., float], tuple]]
    if args.set == "functions":
        dims = parse_int_list(args.dims, "dims")
        cells = [(f, d, b * d, s) for f, d, b, s in itertools.product(
            args.functions.split(","), dims, budgets, seeds)]
        jobs = [(function_run, (o, *cell)) for cell in cells for o in optimizers]
    else:
        cells = [(p, b, s) for p, b, s in itertools.product(args.problems.split(","), budgets,
                                                             seeds)]
        jobs = [(mixed_run, (o, *cell)) for cell in cells for o in optimizers]
    losses = np.array(_run_all(jobs, args.timeout, args.workers)).reshape(len(cells),
                                                                         len(optimizers))
    print(_tables(optimizers, cells, losses))
