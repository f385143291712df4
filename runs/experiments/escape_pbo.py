"""Used for BENCHMARKS.md section 0 (2026-12-01); see the command written there."""
import sys, numpy as np, ioh, warnings, json
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo import spaces
warnings.filterwarnings("ignore")
variants = {"default": {}, "escape": {"parts": ["mean_first", "gradient", "elitist", "guided", "polish", "escape"]}, "ea": None}
fids = [int(x) for x in sys.argv[1].split(",")]; n = int(sys.argv[2]); inst = range(6, 6 + int(sys.argv[3]))
res = {k: [] for k in variants}
for fid in fids:
    row = []
    for name, kw in variants.items():
        vals = []; succ = 0
        for i in inst:
            p = ioh.get_problem(fid, i, n, ioh.ProblemClass.PBO)
            opt = make_optimizer("ea" if kw is None else "ovlr", spaces.Binary(n), seed=0, maximize=True, **(kw or {}))
            opt.minimize(lambda X: np.asarray(p(X.tolist())), 100 * n, batch=True, stop=lambda: p.state.optimum_found)
            vals.append(p.state.current_best.y); succ += p.state.optimum_found
        row.append(f"{name} {np.mean(vals):.3f} ({succ})")
    print(f"f{fid}", " | ".join(row), flush=True)
