"""Used for BENCHMARKS.md section 0.5 (ninth session, 2026-12-07): variants of the generator
engine against pycma on a BBOB sample, and what large populations cost.

    # successes per function and mean AOCC (tuning sample: f3, f15-f24, d = 5, 10,000 d)
    python runs/experiments/multimodal_variants.py table pycma,default,old-stagnation,floor0.3 \
        --functions 3,15-24 --instances 1-5 --seeds 0-3 --dim 5 --budget 10000 --workers 2
    # generations to 1e-12 on a shifted sphere, restarts off
    python runs/experiments/multimodal_variants.py sphere default,trace1,trace2 --dim 5 \
        --popsizes 8,64,256
    # each restart of one run: population, generations, why it stopped
    python runs/experiments/multimodal_variants.py trace default,pycma --functions 23 --instances 1

Variants (joined with ``+``): ``default`` (the engine as committed), ``pycma`` (the project's
pycma baseline with IPOP), ``old-stagnation`` (the rule before pycma's: the generation-best median
over ``50 + 50 d^1.5 / lambda`` generations), ``floorX`` (the shape rate's floor at X),
``traceW`` (sigma under CSA also takes the trace of (G6) at weight W, at xNES's rate; with
``adapted``, at the adapted shape rate), ``largetraceW`` (the same, only in runs whose population
is larger than the default, i.e. IPOP's restarts; the engine itself does this at weight 1 since
the tenth session, (G7'), so these rows and the traceW ones were run on commit 8634ab5's
engine), ``largefloorX`` (the shape rate's floor at X in those runs only), ``rankoneX`` (the
rank-one path's rate times X; 0 switches it off), ``pathfollows`` (the rank-one rate times the
adapted shape rate's factor, as learning-rate adaptation scales the whole covariance update),
``tracecma`` ((G7') and the creep stop's trace at CMA-ES's rank-mu rate c_mu(lambda, d) instead
of the shape's rate; fifteenth session).
The eleventh session's ``creep`` rows (pycma's tolupsigma, transposed) were run with commit
16de553's version of this script on the engine before the rule; the engine now has it
(``ovlr_bbo/restarts.py``), so ``default`` is that variant.
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import ProcessPoolExecutor

import ioh
import numpy as np

from ovlr_bbo import restarts
from ovlr_bbo.baselines.cmaes import CMAES
from ovlr_bbo.bench.config import parse_int_list
from ovlr_bbo.generator_search import GeneratorSearch, _c_mu
from ovlr_bbo.shape_rate import ShapeRateAdaptation
from ovlr_bbo.spaces import Box

PYCMA_STAGNATION = restarts.stagnated


def old_stagnation(run: restarts.Run, d: int) -> bool:
    length = 50 + math.ceil(50 * d ** 1.5 / run.popsize)
    if len(run.history) < length:
        return False
    recent, part = run.history[-length:], max(1, int(0.3 * length))
    return bool(np.median(recent[-part:]) >= np.median(recent[:part]))


class Variant(GeneratorSearch):
    """The engine with the variant's changes (module docstring)."""

    def __init__(self, space: Box, variant: str, **options):
        tokens = variant.split("+")
        self.trace_weight, self.trace_adapted = 0.0, "adapted" in tokens
        self.trace_large_only, self.large_floor = False, None
        self.path_follows = "pathfollows" in tokens
        self.trace_cma = "tracecma" in tokens
        for token in tokens:
            if token.startswith("rankone"):
                options["rank_one"] = float(token[7:])
            elif token.startswith("floor"):
                options["shape_rate_options"] = {"floor": float(token[5:])}
            elif token.startswith("trace") and token != "tracecma":
                self.trace_weight = float(token[5:])
            elif token.startswith("largefloor"):
                self.large_floor = float(token[10:])
            elif token.startswith("largetrace"):
                self.trace_weight, self.trace_large_only = float(token[10:]), True
        super().__init__(space, **options)

    def _start_run(self, index, popsize, regime, sigma, mean):  # noqa: ANN001, ANN202
        super()._start_run(index, popsize, regime, sigma, mean)
        if self.large_floor and popsize > self.default_popsize and self._shape_rates is not None:
            self._shape_rates = ShapeRateAdaptation(
                self._eta_shape, **{**self.shape_rate_options, "floor": self.large_floor})

    def _tell(self, candidates, losses, memo):  # noqa: ANN001, ANN202
        if not (self.path_follows and self._shape_rates is not None):
            return super()._tell(candidates, losses, memo)
        eta_path = self._eta_path  # the rank-one rate follows the adapted shape rate's factor
        self._eta_path = eta_path * self._shape_rates.factor
        try:
            return super()._tell(candidates, losses, memo)
        finally:
            self._eta_path = eta_path

    def _adapt_sigma(self, weighted_sum, utilities, trace, flat, pair_keys=None):  # noqa: ANN001
        eta_shape = self._eta_shape
        if self.trace_cma:  # (G7') and the creep stop take the trace at CMA-ES's c_mu
            self._eta_shape = _c_mu(self.run.popsize, self.space.output_size)
        try:
            super()._adapt_sigma(weighted_sum, utilities, trace, flat, pair_keys)
        finally:
            self._eta_shape = eta_shape
        large = self.run.popsize > self.default_popsize
        if self.trace_weight and self.step_size == "csa" and not flat and (
                large or not self.trace_large_only):
            eta = self._eta_shape
            if self.trace_adapted and self._shape_rates is not None:
                eta = self._shape_rates.rate
            change = -self.trace_weight * eta / 2 * trace / self.space.output_size
            self.policy.sigma *= math.exp(min(change, 1.0))


def make(variant: str, d: int, seed: int, **options):  # noqa: ANN201
    restarts.stagnated = old_stagnation if "old-stagnation" in variant.split("+") \
        else PYCMA_STAGNATION
    if variant == "pycma":
        return CMAES(Box(-5, 5, dimension=d), seed=seed)
    return Variant(Box(-5, 5, dimension=d), variant, seed=seed, **options)


def bbob_run(task: tuple[str, int, int, int, int, int]) -> tuple[int, bool, float]:
    """One run to 1e-8 or the budget: (function, solved, AOCC as generator_bbob.py computes it)."""
    variant, fid, instance, d, seed, budget = task
    problem = ioh.get_problem(fid, instance, d, ioh.ProblemClass.BBOB)
    opt = make(variant, d, seed)
    precisions: list[float] = []
    while len(precisions) < budget:
        X = opt.ask()
        n = min(len(X), budget - len(precisions))
        values = np.asarray(problem(X[:n]), dtype=float)
        if n == len(X):
            opt.tell(X, values)
        precisions += list(values - problem.optimum.y)
        if min(precisions) < 1e-8:
            break
    best = np.minimum.accumulate(np.maximum(precisions, 0.0))
    best = np.append(best, np.full(budget - best.size, best[-1]))
    aocc = float(np.mean(1 - (np.log10(np.clip(best, 1e-8, 1e2)) + 8) / 10))
    return fid, bool(best[-1] < 1e-8), aocc


def table(args: argparse.Namespace) -> None:
    for variant in args.variants.split(","):
        tasks = [(variant, f, i, args.dim, s, args.budget * args.dim)
                 for f in parse_int_list(args.functions, "functions")
                 for i in parse_int_list(args.instances, "instances")
                 for s in parse_int_list(args.seeds, "seeds")]
        start = time.time()
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(bbob_run, tasks))
        solved: dict[int, int] = {}
        for fid, ok, _ in results:
            solved[fid] = solved.get(fid, 0) + ok
        print(f"{variant}: {solved} total {sum(solved.values())} / {len(results)} "
              f"mean AOCC {np.mean([a for *_, a in results]):.4f} ({time.time() - start:.0f} s)",
              flush=True)


def sphere(args: argparse.Namespace) -> None:
    def loss(X: np.ndarray) -> np.ndarray:
        return ((np.asarray(X) - 0.3) ** 2).sum(axis=1)

    for variant in args.variants.split(","):
        for popsize in parse_int_list(args.popsizes, "popsizes"):
            generations = []
            for seed in parse_int_list(args.seeds, "seeds"):
                if variant == "pycma":
                    import cma  # pycma itself: CMAES fixes its population per run
                    es = cma.CMAEvolutionStrategy(np.zeros(args.dim), 2.5, {
                        "popsize": popsize, "verbose": -9, "seed": seed + 1, "bounds": [-5, 5]})
                    ask, tell = es.ask, (lambda X, v, es=es: es.tell(X, list(v)))
                else:
                    opt = make(variant, args.dim, seed, popsize=popsize, restarts="none")
                    ask, tell = opt.ask, opt.tell
                g, best = 0, math.inf
                while g < 5000 and best >= 1e-12:
                    X = np.asarray(ask())
                    values = loss(X)
                    tell(X, values)
                    g, best = g + 1, min(best, float(values.min()))
                generations.append(g)
            print(f"{variant} d = {args.dim} lambda = {popsize}: generations {generations}")


def trace(args: argparse.Namespace) -> None:
    for variant in args.variants.split(","):
        for fid in parse_int_list(args.functions, "functions"):
            for instance in parse_int_list(args.instances, "instances"):
                problem = ioh.get_problem(fid, instance, args.dim, ioh.ProblemClass.BBOB)
                opt = make(variant, args.dim, 0)
                budget, used, best, lines = args.budget * args.dim, 0, math.inf, []
                while used < budget and best >= 1e-8:
                    if variant == "pycma" and opt.es.stop():
                        lines.append(f"  lambda {opt.es.popsize}, {opt.es.countiter} "
                                     f"generations, stopped by {sorted(opt.es.stop())}")
                    reason = None if variant == "pycma" else opt._restart_reason()
                    if reason is not None:
                        lines.append(f"  lambda {opt.run.popsize}, {opt.run.generations} "
                                     f"generations, stopped by {reason}")
                    X = opt.ask()
                    values = np.asarray(problem(X), dtype=float)
                    opt.tell(X, values)
                    used += len(X)
                    best = min(best, float(values.min() - problem.optimum.y))
                print(f"{variant} f{fid} instance {instance}: best {best:.3g} after {used}")
                print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["table", "sphere", "trace"])
    parser.add_argument("variants")
    parser.add_argument("--functions", default="3,15-24")
    parser.add_argument("--instances", default="1-5")
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--dim", type=int, default=5)
    parser.add_argument("--budget", type=int, default=10000, help="evaluations per dimension")
    parser.add_argument("--popsizes", default="8,64,256")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    {"table": table, "sphere": sphere, "trace": trace}[args.mode](args)


if __name__ == "__main__":
    main()
