"""Used for BENCHMARKS.md section 0.3 (issue 13 item 5): where the evaluations go with k asks
outstanding. Runs the default OVLR on one PBO problem (instance 2, n = 32, 512 evaluations) for a
range of seeds, as `ovlr_bbo.bench.parallel` does, and counts evaluations, elite replacements and
improvements per kind of ask ("-stale": a move judged on an older elite).

    python runs/experiments/parallel_diagnostics.py 19 8 100 129   # IsingRing, k = 8, seeds 100-129
    python runs/experiments/parallel_diagnostics.py 19 8 0 59 --levels   # ninth session: the
        # median evaluation at which each of the last four levels was first reached
"""
import sys
from collections import Counter

import ioh
import numpy as np

from ovlr_bbo.bench.parallel import run_with_outstanding
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.parts.base import MoveAsk, Part
from ovlr_bbo.spaces import Binary


class Spy(Part):
    name = "spy"

    def __init__(self):
        self.evals, self.replaced, self.improved = Counter(), Counter(), Counter()

    def observe(self, ovlr, ask, losses, usable, outcome):
        kind = type(ask).__name__
        if isinstance(ask, MoveAsk) and ask.elite_version != outcome.version_before:
            kind += "-stale"
        self.evals[kind] += int(np.sum(~np.isnan(losses)))
        self.replaced[kind] += int(outcome.replaced)
        self.improved[kind] += int(outcome.improved)


def run(fid, k, seed, dim=32, budget=512, instance=2):
    problem = ioh.get_problem(fid, instance, dim, ioh.ProblemClass.PBO)
    opt = make_optimizer("ovlr", Binary(dim), seed=seed, maximize=True, budget=budget)
    spy = Spy()
    opt.parts.append(spy)
    used = run_with_outstanding(opt, problem, budget, k)
    return bool(problem.state.optimum_found), used, spy


def levels(fid, k, seeds, dim=32, budget=512, instance=2):
    """Per seed, the evaluation at which each best value was first reached (k asks out)."""
    reached = []
    for seed in seeds:
        problem = ioh.get_problem(fid, instance, dim, ioh.ProblemClass.PBO)
        opt = make_optimizer("ovlr", Binary(dim), seed=seed, maximize=True, budget=budget)
        first, in_flight, used = {}, [opt.ask() for _ in range(k)], 0
        while used < budget and not problem.state.optimum_found:
            X = in_flight.pop(0)
            n = min(len(X), budget - used)
            scores = np.full(len(X), np.nan)
            scores[:n] = problem(X[:n].tolist())
            opt.tell(X, scores, evaluated=np.arange(len(X)) < n)
            used += n
            first.setdefault(round(problem.state.current_best.y, 3), used)
            in_flight.append(opt.ask())
        reached.append(first)
    for y in sorted({y for r in reached for y in r})[-4:]:
        hits = [r[y] for r in reached if y in r]
        print(f"  level {y}: reached in {len(hits)}/{len(reached)} runs, median evaluation "
              f"{np.median(hits):.0f}")


if __name__ == "__main__":
    fid, k, a, b = (int(v) for v in sys.argv[1:5])
    if "--levels" in sys.argv:
        levels(fid, k, range(a, b + 1))
        sys.exit()
    ev, rp, im = Counter(), Counter(), Counter()
    solved, used_s = 0, []
    for seed in range(a, b + 1):
        ok, used, spy = run(fid, k, seed)
        solved += ok
        if ok:
            used_s.append(used)
        ev.update(spy.evals); rp.update(spy.replaced); im.update(spy.improved)
    print(f"f{fid} k={k} solved {solved}/{b - a + 1} median evals {np.median(used_s) if used_s else None}")
    for kind in sorted(ev):
        print(f"  {kind:16s} evals {ev[kind]:6d} replaced {rp[kind]:5d} improved {im[kind]:5d}")
