"""CMA-ES's evolution paths in the generator engine (:mod:`ovlr_bbo.generator_search`): the
step-size path of (G7) (cumulative step-size adaptation, CSA) and the shape path of (G6'), with
the rates that go with a population.

Both paths hold the generation's mean step in latent units, ``y = -sum_k w_k xi_k sqrt(mu_eff)``
(``w``: CMA-ES's positive weights on the best half, :func:`~ovlr_bbo.generator.rank_utilities`'s
``"cma"`` kind, negative for good samples):

    (G7)   p_s <- (1 - c_s) p_s + sqrt(c_s (2 - c_s)) y_u,
           log sigma += c_s / d_s (|p_s| / E|N(0, I)| - 1)
    (G6')  p_c <- (1 - c_c) p_c + h_s sqrt(c_c (2 - c_c)) y,  kept between generations as A p_c

where ``y_u`` is the step of the mean's own utilities normalised by their norm, and ``h_s`` stalls
the shape path while the step-size path is long (CMA-ES's ``h_sigma``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .generator import expected_norm, rank_utilities

__all__ = ["PathRates", "mu_eff", "c_mu", "csa_path", "csa_log_change", "shape_path"]


def mu_eff(popsize: int) -> float:
    """The variance effective selection mass of CMA-ES's weights for a population."""
    weights = -rank_utilities(np.arange(popsize, dtype=float), "cma")
    return float(1.0 / (weights ** 2).sum())


def c_mu(popsize: int, d: int) -> float:
    """CMA-ES's rank-mu rate for a population (it grows with mu_eff)."""
    mass = mu_eff(popsize)
    return 2 * (mass - 2 + 1 / mass) / ((d + 2) ** 2 + mass)


@dataclass(frozen=True)
class PathRates:
    """CMA-ES's constants for a population of ``popsize`` in d dimensions: ``mu_eff``, the
    step-size path's rate ``c_sigma`` and damping ``damps``, the shape path's rate ``c_path`` and
    its rank-one rate ``c_one`` (for a diagonal A grown by ``(d + 2) / 3``, as sep-CMA does)."""

    mu_eff: float
    c_sigma: float
    damps: float
    c_path: float
    c_one: float

    @classmethod
    def of(cls, popsize: int, d: int, full: bool) -> PathRates:
        mass = mu_eff(popsize)
        c_sigma = (mass + 2) / (d + mass + 5)
        damps = 1 + 2 * max(0.0, math.sqrt((mass - 1) / (d + 1)) - 1) + c_sigma
        c_path = (4 + mass / d) / (d + 4 + 2 * mass / d)
        c_one = 2 / ((d + 1.3) ** 2 + mass) * (1 if full else (d + 2) / 3)
        return cls(mass, c_sigma, damps, c_path, c_one)


def csa_path(path: np.ndarray, weighted_sum: np.ndarray, utilities: np.ndarray,
             c_sigma: float) -> np.ndarray:
    """(G7)'s path after a generation (``weighted_sum``: the latents weighted by the mean's
    ``utilities``, summed)."""
    step = -weighted_sum / math.sqrt((utilities ** 2).sum())
    return (1 - c_sigma) * path + math.sqrt(c_sigma * (2 - c_sigma)) * step


def csa_log_change(path: np.ndarray, c_sigma: float, damps: float) -> float:
    """(G7)'s change of log sigma for the path."""
    return c_sigma / damps * (float(np.linalg.norm(path)) / expected_norm(path.size) - 1)


def shape_path(kept: np.ndarray, shape: np.ndarray, full: bool, cma_sum: np.ndarray,
               sigma_path: np.ndarray, generation: int, mu_eff: float, c_sigma: float,
               c_path: float) -> tuple[np.ndarray, np.ndarray]:
    """(G6') after a run's ``generation``-th generation: the path in the current A's latent
    coordinates and what the engine keeps of it (``A p``, so that it follows A's updates);
    ``kept`` is the last one, ``cma_sum`` the latents weighted by ``rank_utilities(keys,
    "cma")``, summed, and the rates those of :class:`PathRates`."""
    d = sigma_path.size
    path = np.linalg.solve(shape, kept) if full else kept / shape
    step = -cma_sum * math.sqrt(mu_eff)
    stalled = np.linalg.norm(sigma_path) / math.sqrt(1 - (1 - c_sigma) ** (2 * generation)) \
        > (1.4 + 2 / (d + 1)) * expected_norm(d)
    path = (1 - c_path) * path + (not stalled) * math.sqrt(c_path * (2 - c_path)) * step
    return path, (shape @ path if full else shape * path)
