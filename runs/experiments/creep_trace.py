"""Used for BENCHMARKS.md section 0.5 (tenth session, 2026-12-07): one run of the generator engine
on a BBOB function at d = 5 (50,000 evaluations, seed 0), printed every 100 generations: run,
population, sigma, A's condition number, best and median loss above the optimum, the mean.

    python runs/experiments/creep_trace.py 19 2 "{}"
    python runs/experiments/creep_trace.py 19 2 "{'shape_rate_options': {'floor': 0.3}}"
    python runs/experiments/creep_trace.py 19 2 "{'adapt_shape_rate': False}"
"""

import ast
import sys

import ioh
import numpy as np

from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box


def main() -> None:
    fid, instance = int(sys.argv[1]), int(sys.argv[2])
    options = ast.literal_eval(sys.argv[3]) if len(sys.argv) > 3 else {}
    problem = ioh.get_problem(fid, instance, 5, ioh.ProblemClass.BBOB)
    opt = GeneratorSearch(Box(-5, 5, dimension=5), seed=0, **options)
    used, generation = 0, 0
    while used < 50_000:
        X = opt.ask()
        values = np.asarray(problem(X))
        opt.tell(X, values)
        used, generation = used + len(X), generation + 1
        if generation % 100 == 0 or opt.run.generations == 1:
            scales = np.linalg.svd(opt.policy.shape.detach().numpy(), compute_uv=False)
            print(f"eval {used} run {opt.run.index} lambda {opt.run.popsize} "
                  f"generation {opt.run.generations} sigma {opt.policy.sigma:.3g} "
                  f"condition {scales[0] / scales[-1]:.3g} "
                  f"best {values.min() - problem.optimum.y:.4g} "
                  f"median {np.median(values) - problem.optimum.y:.4g} "
                  f"mean {np.round(opt.policy.mean.detach().numpy(), 3)}")


if __name__ == "__main__":
    main()
