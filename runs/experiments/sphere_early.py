"""Early convergence of the generator engine against pycma on a shifted 10-D sphere (1,000
evaluations, unbounded box); prints the best loss, sigma and the learned shape's condition.
Used for BENCHMARKS.md section 0.6 (2026-12-06): python runs/experiments/sphere_early.py"""
import numpy as np

from ovlr_bbo.baselines.cmaes import CMAES
from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box

shift = np.random.default_rng(12345).normal(size=10)


def sphere(x: np.ndarray) -> float:
    return float(((x - shift) ** 2).sum())


for seed in range(3):
    cells = []
    for name, opt in [("engine", GeneratorSearch(Box(dimension=10), seed=seed)),
                      ("pycma", CMAES(Box(dimension=10), seed=seed))]:
        while opt.evaluations < 1000:
            X = opt.ask()
            opt.tell(X, [sphere(x) for x in X])
        extra = ""
        if isinstance(opt, GeneratorSearch):
            scales = opt.policy.scales()
            condition = float(scales.max() / scales.min())
            extra = f", sigma {opt.sigma:.1e}, shape condition {condition:.1f}"
        cells.append(f"{name} {opt.best.score:.2e}{extra}")
    print(f"seed {seed}: " + "; ".join(cells))
