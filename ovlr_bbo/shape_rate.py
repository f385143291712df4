"""The shape's learning rate follows the signal-to-noise ratio of its own updates.

xNES's shape rate suits a shape that still has much to learn (an ill-conditioned function), but
where the ranking carries little information about the shape (a sphere, once the shape fits it; a
rugged function such as Katsuura, whose ranks are mostly noise at the scale searched) each update
is mostly noise, which the shape then follows. As learning-rate adaptation for CMA-ES does
(Nomura, Akimoto and Ono, GECCO 2023), the update direction's mean and spread are tracked by
exponential averages and the rate moves towards what the ratio affords:

    (R1)  D_t = the trace-free exponent direction of (G6) (N_t - tr(N_t)/d I), before the rate;
          E <- (1 - beta) E + beta D_t,   V <- (1 - beta) V + beta |D_t|^2   (Frobenius)
    (R2)  SNR = (|E|^2 - beta / (2 - beta) V) / (V - |E|^2)   (|signal|^2 / noise variance,
          unbiased for independent D_t)
    (R3)  over the ~1/eta generations an update lasts, signal adds up and noise adds in
          quadrature: the accumulated ratio is SNR / eta; the rate aims at SNR / eta = alpha:
          log f <- log f + min(gamma eta, beta) clip(SNR / (alpha eta) - 1, -1, 1),
          eta = f eta_max, f in [floor, 1].

``eta_max`` is the engine's default rate (xNES's, grown with the population): the adaptation
only lowers it where the updates are noise.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ShapeRateAdaptation"]


class ShapeRateAdaptation:
    """(R1)-(R3): the factor ``f`` on the shape rate, per run of the engine.

    >>> rates = ShapeRateAdaptation(0.25)
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(300):  # pure noise: the rate falls
    ...     _ = rates.update(rng.standard_normal((3, 3)))
    >>> rates.rate < 0.25 / 5
    True
    """

    def __init__(self, max_rate: float, beta: float = 0.03, alpha: float = 0.1,
                 gamma: float = 0.3, floor: float = 0.05) -> None:
        if not (max_rate > 0 and 0 < beta < 1 and alpha > 0 and gamma > 0 and 0 < floor <= 1):
            raise ValueError("ShapeRateAdaptation needs max_rate > 0, 0 < beta < 1, alpha > 0, "
                             "gamma > 0 and 0 < floor <= 1")
        self.max_rate, self.beta, self.alpha = float(max_rate), float(beta), float(alpha)
        self.gamma, self.floor = float(gamma), float(floor)
        self.factor = 1.0
        self.mean_direction: np.ndarray | None = None
        self.mean_square = 0.0

    @property
    def rate(self) -> float:
        """The shape rate for the next generation."""
        return self.factor * self.max_rate

    def update(self, direction: np.ndarray) -> float:
        """(R1)-(R3) with this generation's trace-free direction; returns the next rate."""
        beta = self.beta
        direction = np.asarray(direction, dtype=float)
        if self.mean_direction is None:
            self.mean_direction = np.zeros_like(direction)
        self.mean_direction = (1 - beta) * self.mean_direction + beta * direction
        self.mean_square = (1 - beta) * self.mean_square + beta * float((direction ** 2).sum())
        signal = float((self.mean_direction ** 2).sum())
        noise = self.mean_square - signal
        if noise <= 0 or not math.isfinite(noise):
            return self.rate
        snr = (signal - beta / (2 - beta) * self.mean_square) / noise          # (R2)
        rate = self.rate
        change = min(self.gamma * rate, beta) * float(np.clip(snr / (self.alpha * rate) - 1,
                                                              -1, 1))        # (R3)
        self.factor = float(np.clip(self.factor * math.exp(change), self.floor, 1.0))
        return self.rate
