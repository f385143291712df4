"""Used for BENCHMARKS.md section 0.5 (thirteenth session, 2026-12-07): `large_d_tune.py` with
knobs the engine does not expose, patched in for the experiment only (dropped variants):

    tpa_dampx=X   two-point adaptation's damping times X
    tpa_downx=X   its decreases of sigma divided by X (increases unchanged)
    mu_frac=F     the log weights over the best F * lambda samples (the engine: 0.5)

Other keys are GeneratorSearch options, "" is the default, e.g.

    python runs/experiments/large_d_patched_tune.py 100 1-24 1-5,11-15 /tmp/peers100.csv \
        "" "tpa_dampx=2.0" "mu_frac=0.3"
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import large_d_tune  # noqa: E402
from generator_bbob import parse_options, run_one  # noqa: E402

import ovlr_bbo.generator as generator  # noqa: E402
import ovlr_bbo.generator_search as generator_search  # noqa: E402
import ovlr_bbo.two_point as two_point  # noqa: E402

ORIGINAL_INIT = two_point.TwoPointAdaptation.__init__
ORIGINAL_LOG_CHANGE = two_point.TwoPointAdaptation.log_change
ORIGINAL_UTILITIES = generator.rank_utilities


def patch(damp_factor: float, down_factor: float, mu_fraction: float) -> None:
    def init(self, d: int, popsize: int) -> None:
        ORIGINAL_INIT(self, d, popsize)
        self.damp *= damp_factor

    def log_change(self, keys: np.ndarray) -> float:
        change = ORIGINAL_LOG_CHANGE(self, keys)
        return change / down_factor if change < 0 else change

    def utilities(losses: np.ndarray, kind: str = "log") -> np.ndarray:
        if kind not in ("log", "cma") or mu_fraction == 0.5:
            return ORIGINAL_UTILITIES(losses, kind)
        losses = np.asarray(losses, dtype=float)
        n = losses.size
        ranked = np.maximum(0.0, math.log(n * mu_fraction + 0.5) - np.log(np.arange(1, n + 1)))
        ranked /= ranked.sum()
        ranked = (1.0 / n - ranked) if kind == "log" else -ranked
        out = np.empty(n)
        out[np.argsort(losses, kind="stable")] = ranked
        return out

    two_point.TwoPointAdaptation.__init__ = init
    two_point.TwoPointAdaptation.log_change = log_change
    generator.rank_utilities = generator_search.rank_utilities = utilities


def final(task: tuple[str, int, int, int]) -> float:
    spec, fid, instance, d = task
    options = parse_options(spec)
    patch(options.pop("tpa_dampx", 1.0), options.pop("tpa_downx", 1.0),
          options.pop("mu_frac", 0.5))
    return run_one("gen", fid, instance, d, 0, 100 * d, options)["final"]


if __name__ == "__main__":
    large_d_tune.main(final)
