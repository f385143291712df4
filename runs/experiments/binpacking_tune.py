"""quick tuning harness: python bp_tune.py decoder family n inst_lo-inst_hi seeds budget opt1,opt2
(or one argument per optimizer, "name|setting=value;...", when settings hold commas)"""
import sys, time, numpy as np
from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance
from ovlr_bbo.problems.binpacking_ioh import binpacking
from ovlr_bbo.optimizers import make_optimizer
class Stop(Exception): pass
dec, fam, n, insts, seeds, budget, opts = sys.argv[1:8]
n, budget = int(n), int(budget)
lo, hi = map(int, insts.split('-')); slo, shi = map(int, seeds.split('-'))
mk = {'triplet': triplet_instance, 'uniform': uniform_instance}[fam]
import ast
for opt in (sys.argv[7:] if len(sys.argv) > 8 or '|' in opts else opts.split(',')):
    name, _, cfg = opt.partition('|')
    settings = {k: ast.literal_eval(v) for k, v in (kv.split('=') for kv in cfg.split(';') if kv)}
    gaps, t0, hits = [], time.time(), []
    for i in range(lo, hi + 1):
        inst = mk(n, i); bench = binpacking(inst, 'keys', dec); prob = bench.problem
        for s in range(slo, shi + 1):
            best = [np.inf, 0]
            def f(X):
                X = np.atleast_2d(np.asarray(X, dtype=float))
                if best[0] < inst.lower_bound + 1: raise Stop
                v = prob.objective(np.clip(X, 0, 1)); best[1] += len(v)
                best[0] = min(best[0], v.min()); return v
            o = make_optimizer(name, bench.space, seed=s, budget=budget, **settings)
            try: o.minimize(f, budget, batch=True)
            except Stop: pass
            gaps.append(np.floor(best[0]) - inst.lower_bound); hits.append(best[1])
    g = np.array(gaps)
    print(f"{dec:10s} {fam}{n:<5d} {opt:32s} mean_gap={g.mean():.2f} opt={np.sum(g==0)}/{g.size} evals_mean={np.mean(hits):.0f} {time.time()-t0:.0f}s", flush=True)
