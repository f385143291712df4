"""Used for BENCHMARKS.md section 0 (2026-12-01); see the command written there."""
import sys, numpy as np, ioh
from ovlr_bbo import OVLR, spaces
fids = [int(a) for a in sys.argv[1].split(",")]
seeds = range(int(sys.argv[2]), int(sys.argv[3]))
for fid in fids:
    solved = 0
    for seed in seeds:
        p = ioh.get_problem(fid, 2, 32, ioh.ProblemClass.PBO)
        opt = OVLR(spaces.Binary(32), seed=seed, maximize=True)
        opt.minimize(lambda X: np.asarray(p(X.tolist())), 512, batch=True, stop=lambda: p.state.optimum_found)
        solved += p.state.optimum_found
    print(fid, solved, len(seeds))
