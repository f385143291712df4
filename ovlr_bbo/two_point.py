"""Two-point step-size adaptation (TPA) of the generator engine's global scale sigma.

Cumulative step-size adaptation (CSA, (G7) in :mod:`ovlr_bbo.generator`) learns at a rate of
about ``mu_eff / d``: at d = 500 it takes hundreds of generations to shrink a sigma that is too
large, and meanwhile every mean step makes the mean worse (BBOB's sphere at d = 500 ends at 783
after 10,000 evaluations with CSA, 3.6 with TPA: ``runs/experiments/large_d_trace.py``). TPA
(Hansen 2008; pycma uses it from d = 300 on) learns from two samples per generation instead, at a
rate that does not depend on d:

    (T1)  the first two latents of a generation are ``+-|xi_1| v``, ``v`` the unit direction of
          the last mean shift in latent coordinates, ``(sigma A)^-1 (m_t - m_{t-1})``; they are
          scored and learned from like every other sample;
    (T2)  ``z = (#{k: f_k < f_minus} - #{k: f_k < f_plus}) / (lambda - 1)`` in [-1, 1]: positive
          when going on along the last step is better than going back (sigma should grow);
    (T3)  ``s <- (1 - c) s + c sign(z) |z|^(1/2)``, ``sigma <- sigma exp(s / damp)`` with
          ``c = 0.3`` and ``damp = 0.7 + 2 ln d + 2 ln max(1, lambda - d)`` (pycma's settings).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["TwoPointAdaptation"]


class TwoPointAdaptation:
    """State and rules of (T1)-(T3); plain data, so it pickles and deep-copies with its engine."""

    rate = 0.3  # c of (T3)

    def __init__(self, d: int, popsize: int):
        self.damp = 0.7 + 2 * math.log(d) + 2 * math.log(max(1, popsize - d))
        self.s = 0.0
        self.shift: np.ndarray | None = None  # the last mean shift, in output units

    def place(self, latent: np.ndarray,
              to_latent: Callable[[np.ndarray], np.ndarray]) -> bool:
        """(T1): overwrite the first two rows of ``latent`` (in place) with the mirrored pair
        along the last mean shift; ``to_latent`` maps an output-space vector to latent
        coordinates. Returns whether the pair was placed (not in a run's first generation)."""
        if self.shift is None or len(latent) < 3:
            return False
        direction = to_latent(self.shift)
        norm = float(np.linalg.norm(direction))
        if not (math.isfinite(norm) and norm > 0):
            return False
        latent[0] = np.linalg.norm(latent[0]) / norm * direction
        latent[1] = -latent[0]
        return True

    def log_change(self, keys: np.ndarray) -> float:
        """(T2) + (T3) from the ranking keys of a generation whose first two rows are the pair."""
        z = (np.count_nonzero(keys < keys[1]) - np.count_nonzero(keys < keys[0])) / (len(keys) - 1)
        self.s = (1 - self.rate) * self.s + self.rate * math.copysign(math.sqrt(abs(z)), z)
        return self.s / self.damp
