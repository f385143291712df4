"""Used for BENCHMARKS.md section 0 (2026-12-01); see the command written there."""
import time, numpy as np, torch, sys
torch.set_num_threads(1)
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo import spaces
def cost(name, space, n=3000):
    opt = make_optimizer(name, space, seed=0)
    ev = 0; X = opt.ask(); opt.tell(X, X.sum(1).astype(float))
    total = 0.0
    while ev < n:
        t = time.perf_counter(); X = opt.ask(); a = time.perf_counter()
        s = X.sum(1).astype(float); b = time.perf_counter(); opt.tell(X, s)
        total += (a - t) + (time.perf_counter() - b); ev += len(X)
    return total / ev * 1e6
for rep in range(3):
    for sp in [spaces.Binary(32), spaces.Box(-5, 5, dimension=32)]:
        o = cost("ovlr", sp); c = cost("cmaes", sp)
        print(sp, f"ovlr {o:.1f} us  cmaes {c:.1f} us  ratio {o/c:.2f}")
