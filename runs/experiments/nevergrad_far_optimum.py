"""Used for BENCHMARKS.md section 0 (2026-12-01); see the command written there."""
import numpy as np, nevergrad as ng, ovlr_bbo, sys
import warnings; warnings.filterwarnings("ignore")
name = sys.argv[1]
for d, budget in [(3, 3000), (20, 20000)]:
    for c in [10.0, 100.0]:
        vals = []
        for seed in range(3):
            p = ng.p.Array(shape=(d,)); p.random_state = np.random.RandomState(seed)
            opt = ng.optimizers.registry[name](p, budget=budget)
            rec = opt.minimize(lambda x: float(((x - c) ** 2).sum()))
            vals.append(float(((rec.value - c) ** 2).sum()))
        print(name, d, c, ["%.1e" % v for v in vals], flush=True)
