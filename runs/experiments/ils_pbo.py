"""Used for BENCHMARKS.md section 0 (issue 15, ILS trials): the default OVLR with and without the
escape part's ILS trials against the (1+1) EA, PBO problems on tuning instances, final values."""
import sys, warnings
from concurrent.futures import ProcessPoolExecutor
import numpy as np, ioh
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo import spaces
warnings.filterwarnings("ignore")
DEFAULT = ["mean_first", "gradient", "elitist", "guided", "polish"]
VARIANTS = {"no-trials": {"parts": DEFAULT + [{"name": "escape", "trials": False}]},
            "trials": {}, "ea": None}

def run(args):
    fid, n, inst, name, seed = args
    kw = VARIANTS[name]
    p = ioh.get_problem(fid, inst, n, ioh.ProblemClass.PBO)
    opt = make_optimizer("ea" if kw is None else "ovlr", spaces.Binary(n), seed=seed, maximize=True, **(kw or {}))
    opt.minimize(lambda X: np.asarray(p(X.tolist())), 100 * n, batch=True, stop=lambda: p.state.optimum_found)
    return p.state.current_best.y, p.state.optimum_found

if __name__ == "__main__":
    fids = [int(x) for x in sys.argv[1].split(",")]; n = int(sys.argv[2])
    instances = range(6, 6 + int(sys.argv[3])); seeds = range(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    with ProcessPoolExecutor(2) as pool:
        for fid in fids:
            cells = []
            for name in VARIANTS:
                out = list(pool.map(run, [(fid, n, i, name, s) for i in instances for s in seeds]))
                cells.append(f"{name} {np.mean([v for v, _ in out]):.3f} ({sum(o for _, o in out)})")
            print(f"f{fid}", " | ".join(cells), flush=True)
