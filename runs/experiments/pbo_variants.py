"""OVLR variants against peers on PBO problems, tuning instances (6 on), several seeds: successes,
mean final IOH value and mean evaluations to the optimum (runs that reach it).

python runs/experiments/pbo_variants.py FIDS N INSTANCES SEEDS VARIANT[,VARIANT...]
e.g. python runs/experiments/pbo_variants.py 8,10 64 5 2 default,rls

A variant is ``default``, an optimizer name of the registry (``rls``, ``ea``, ``ng:...``) or a
name in VARIANTS below (OVLR keyword settings)."""
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor

import ioh
import numpy as np

from ovlr_bbo import spaces
from ovlr_bbo.optimizers import make_optimizer

warnings.filterwarnings("ignore")
BASE = ["mean_first", "gradient", "elitist", "guided", "polish"]
VARIANTS: dict[str, dict] = {
    "default": {},
    "no-escape": {"parts": BASE},
    "no-pairs": {"parts": BASE + [{"name": "escape", "pairs": False}]},
    "mlp": {"policy": "mlp"},
    "no-guided-kicks": {"parts": BASE + [{"name": "escape", "guided": False}]},
    "no-trials": {"parts": BASE + [{"name": "escape", "trials": False}]},
}


def run(args):
    fid, n, instance, name, seed = args
    p = ioh.get_problem(fid, instance, n, ioh.ProblemClass.PBO)
    if name in VARIANTS:
        opt = make_optimizer("ovlr", spaces.Binary(n), seed=seed, maximize=True, **VARIANTS[name])
    else:
        opt = make_optimizer(name, spaces.Binary(n), seed=seed, maximize=True)
    opt.minimize(lambda X: np.asarray(p(X.tolist())), 100 * n, batch=True,
                 stop=lambda: p.state.optimum_found)
    return p.state.current_best.y, p.state.optimum_found, p.state.evaluations


if __name__ == "__main__":
    fids = [int(x) for x in sys.argv[1].split(",")]
    n, instances, seeds = int(sys.argv[2]), range(6, 6 + int(sys.argv[3])), range(int(sys.argv[4]))
    names = sys.argv[5].split(",")
    totals = dict.fromkeys(names, 0)
    with ProcessPoolExecutor(2) as pool:
        for fid in fids:
            cells = []
            for name in names:
                out = list(pool.map(run, [(fid, n, i, name, s) for i in instances for s in seeds]))
                hits = [e for _, ok, e in out if ok]
                totals[name] += len(hits)
                cells.append(f"{name} {np.mean([v for v, _, _ in out]):.2f} ({len(hits)}"
                             f"{', %d ev' % np.mean(hits) if hits else ''})")
            print(f"f{fid}", " | ".join(cells), flush=True)
    print("successes:", totals)
