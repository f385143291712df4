"""A linear generative policy whose latent spread IS the search distribution, trained by OVLR.

The policy maps latent noise to positions, ``z = f_theta(xi) = m + sigma * A xi`` with
``xi ~ N(0, I_d)``: theta = (m, A) are its parameters, ``A`` (full, or diagonal for large d) is
the shape of the search distribution ``N(m, sigma^2 A A^T)`` and ``sigma`` its global scale, kept
apart from A (A keeps ``log|det A|`` fixed, sigma follows its own step-size rule). One generation:

    (G1)  latents xi_k ~ N(0, I), k = 1..lambda; the policy runs ONCE on the batch:
          z_k = m + sigma A xi_k. The output noise of OVLR is absorbed in the policy: the latent
          spread is the perturbation (sigma * eps_k := sigma A xi_k), so every evaluation is a
          sample of the search distribution and none is spent on a second copy of an output.
    (G2)  utilities u_k from the ranks of the losses (lower is better, zero sum):
          u_k = 1/lambda - w_k with w_k = max(0, ln(lambda/2 + 1) - ln rank_k) / sum(...)
          (xNES's log weights) or centred ranks scaled to the same total weight.
    (G3)  OVLR output gradient of each sample, (E1) with one draw per output and the Gaussian
          score of the perturbation in output coordinates:
          g_k = u_k * (sigma A)^-T xi_k.
    (G4)  ONE vector-Jacobian product (E3), the gradient of sum_k z_k . g_k, gives
          grad_m = sum_k g_k  and
          G = grad_A = sum_k g_k (sigma xi_k)^T = A^-T sum_k u_k xi_k xi_k^T.
          On a quadratic with Hessian H, Stein's lemma makes G = sigma^2 H A (up to the
          utilities' scale): A shrinks fastest where the curvature is high.
    (G5)  Natural step for the mean (the Fisher metric of N(m, sigma^2 A A^T)):
          m <- m - eta_m sigma^2 A A^T grad_m = m - eta_m sigma A sum_k u_k xi_k.
    (G5') By default the mean descends its own utilities u'_k = -w_k (CMA-ES's positive log
          weights, same (G3) scores): the zero-sum baseline 1/lambda only adds zero-mean noise
          to the mean step (measured: sphere d = 3 to 1e-8 in 576 instead of 872 evaluations),
          while the shape keeps the zero-sum u_k (ellipsoid d = 20: 11,384 vs 18,044).
    (G6)  Step in A's own coordinates (A(M) = A expm(M) has gradient A^T G at M = 0):
          N = A^T G = sum_k u_k xi_k xi_k^T (symmetric), M = N - tr(N)/d I (volume kept),
          A <- A expm(-eta_A/2 M). Its fixed point is A^T H A proportional to I, i.e.
          A A^T proportional to H^-1 (CMA-ES's target). Removing the trace of A^-1 G instead also
          keeps the volume but drifts to a rank-deficient A (see ../shared/REFERENCE.md, 7).
          Diagonal form: N_ii = a_i G_ii = sum_k u_k xi_ki^2, a <- a * exp(-eta_A/2 M_ii).
          eta_A itself may follow the signal-to-noise ratio of M ((R1)-(R3) in
          :mod:`ovlr_bbo.shape_rate`; the engine does so for a full A).
    (G6') Rank-one term, as CMA-ES's c1: an evolution path of the mean steps in latent
          coordinates, p_c <- (1 - c_c) p_c + sqrt(c_c (2 - c_c) mu_eff) sum_k w_k xi_k, adds
          c_1 (p_c p_c^T - |p_c|^2/d I) to the exponent of (G6) (before its trace is removed).
    (G7)  Global scale: cumulative step-size adaptation (CSA, as CMA-ES) on the mean step in
          latent coordinates, y = -sum_k u'_k xi_k / sqrt(sum_k u'_k^2) (N(0, I) under random
          selection): p <- (1 - c) p + sqrt(c (2 - c)) y,
          sigma <- sigma exp(c / damps (|p| / E|N(0, I)| - 1)); or xNES's trace part
          sigma <- sigma exp(-eta_sigma/2 tr(N)/d).
    (G7') Under CSA in IPOP's larger populations, sigma also takes the trace that (G6) removes
          from A: sigma <- sigma exp(-eta_A/2 tr(N)/d) (eta_A xNES's rate, grown with the
          population). CMA-ES's rank-mu update changes C's scale by that trace, a second
          step-size rule that makes large populations converge: a restart at lambda = 64 on a
          sphere at d = 5 reaches 1e-12 in 42-47 generations with it (seeds 0-2), 158 without it
          (seed 0); pycma from its own start 54-56.

Restarts with growing population (IPOP / BIPOP) live in :mod:`ovlr_bbo.generator_search`.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
from torch import nn

from .estimator import vector_jacobian_product

__all__ = ["LinearGenerator", "rank_utilities", "learning_rates", "natural_step",
           "expected_norm", "symmetric_expm"]

DTYPE = torch.float64  # BBOB targets need 1e-8 on values like 79.48: float32 cannot reach them


class LinearGenerator(nn.Module):
    """``z = m + sigma * A xi`` (G1): ``A`` full (``form="full"``) or diagonal (``"diagonal"``).

    ``latent_dim`` equals the dimension; ``sigma`` is a plain float (the global scale, owned by
    the step-size rule, not a trainable parameter).

    >>> policy = LinearGenerator(np.zeros(3), sigma=0.5)
    >>> policy(torch.zeros(2, 3, dtype=torch.float64)).shape
    torch.Size([2, 3])
    """

    def __init__(self, mean: np.ndarray, sigma: float = 1.0, form: str = "full"):
        super().__init__()
        if form not in ("full", "diagonal"):
            raise ValueError(f"form must be 'full' or 'diagonal', got {form!r}")
        mean = np.asarray(mean, dtype=float).reshape(-1)
        if mean.size < 1:
            raise ValueError("the generator needs at least one output dimension")
        if not (math.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a positive number, got {sigma}")
        self.latent_dim = int(mean.size)
        self.form = form
        self.sigma = float(sigma)
        self.mean = nn.Parameter(torch.as_tensor(mean, dtype=DTYPE).clone())
        shape = torch.eye(mean.size, dtype=DTYPE) if form == "full" else torch.ones(
            mean.size, dtype=DTYPE)
        self.shape = nn.Parameter(shape)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        if self.form == "full":
            return self.mean + self.sigma * latent @ self.shape.T
        return self.mean + self.sigma * latent * self.shape

    def scores(self, latent: torch.Tensor) -> torch.Tensor:
        """The Gaussian score of each sample in output coordinates, ``(sigma A)^-T xi_k``."""
        if self.form == "full":
            return torch.linalg.solve(self.shape.detach().T, latent.T).T / self.sigma
        return latent / (self.sigma * self.shape.detach())

    def output_gradient(self, latent: torch.Tensor, utilities: torch.Tensor,
                        scores: torch.Tensor | None = None) -> torch.Tensor:
        """(G3): ``g_k = u_k (sigma A)^-T xi_k``, one row per latent."""
        return utilities[:, None] * (self.scores(latent) if scores is None else scores)

    def scales(self) -> torch.Tensor:
        """Standard deviations of the search distribution along its principal axes / sigma."""
        shape = self.shape.detach()
        if self.form == "full":
            return torch.linalg.svdvals(shape)
        return shape.abs()

    def covariance(self) -> np.ndarray:
        """``A A^T`` (the shape of the search distribution; times sigma^2 for its covariance)."""
        shape = self.shape.detach()
        if self.form == "full":
            return (shape @ shape.T).numpy()
        return np.diag((shape ** 2).numpy())


def rank_utilities(losses: np.ndarray, kind: str = "log") -> np.ndarray:
    """(G2): zero-sum, loss-oriented utilities (negative for good samples, sum of the negative
    ones -1 + (their count)/lambda for ``"log"``). Ties share their mean utility."""
    losses = np.asarray(losses, dtype=float)
    n = losses.size
    order = np.argsort(losses, kind="stable")
    ranked = _ranked_utilities(n, kind)
    utilities = np.empty(n)
    utilities[order] = ranked
    ordered = losses[order]  # tied losses share the mean of their utilities
    if (ordered[1:] == ordered[:-1]).any():
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        groups = np.repeat(np.arange(starts.size), np.diff(np.append(starts, n)))
        means = np.bincount(groups, weights=ranked) / np.bincount(groups)
        utilities[order] = means[groups]
    return utilities


@functools.lru_cache(maxsize=64)
def _ranked_utilities(n: int, kind: str) -> np.ndarray:
    """The utility of each rank, best first (read-only: cached per population size)."""
    if kind in ("log", "cma"):
        ranked = np.maximum(0.0, math.log(n / 2 + 1) - np.log(np.arange(1, n + 1)))
        ranked /= ranked.sum()
        ranked = (1.0 / n - ranked) if kind == "log" else -ranked
    elif kind == "centered_ranks":
        ranked = np.arange(n) / max(n - 1, 1) - 0.5
        ranked /= max(np.abs(ranked).sum() / 2, 1e-300)
    else:
        raise ValueError(f"unknown utilities {kind!r}; use 'log' or 'centered_ranks'")
    ranked.flags.writeable = False
    return ranked


def expected_norm(d: int) -> float:
    """E|N(0, I_d)|."""
    return math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d))


def symmetric_expm(matrix: np.ndarray) -> np.ndarray:
    """``expm`` of a symmetric matrix through its eigendecomposition (several times faster than
    a general Pade ``matrix_exp`` at d = 20)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.exp(values)) @ vectors.T


def learning_rates(d: int, form: str) -> float:
    """xNES's shape rate (9 + 3 ln d) / (5 d sqrt d) for a full A; SNES's (3 + ln d) / (5 sqrt d)
    for a diagonal one (a per-coordinate scale learns from every sample on its own)."""
    if form == "full":
        return min(1.0, (9 + 3 * math.log(d)) / (5 * d * math.sqrt(d)))
    return min(1.0, (3 + math.log(d)) / (5 * math.sqrt(d)))


def natural_step(policy: LinearGenerator, latent: torch.Tensor, utilities: np.ndarray,
                 eta_mean: float, eta_shape: float, mean_utilities: np.ndarray | None = None,
                 path: torch.Tensor | None = None, eta_path: float = 0.0,
                 mean_latent: torch.Tensor | None = None) -> tuple[float, torch.Tensor]:
    """(G3)-(G6) for one generation; returns ``tr(N)`` (for xNES's scale rule) and N's
    trace-free part (the shape's update direction before its rate, for
    :mod:`ovlr_bbo.shape_rate`).

    ``latent`` is the ``(lambda, d)`` batch the candidates came from; the outputs are recomputed
    here with gradients on (a matrix product: cheaper than keeping a graph alive between ask and
    tell, which may be pickled in between). ``mean_utilities`` (G5'): the mean descends its own
    utilities through the same scores. ``path`` (G6'): an evolution path in latent coordinates
    adds the rank-one term ``eta_path (p p^T - |p|^2/d I)`` to the exponent, as CMA-ES's c1.
    ``mean_latent`` ((L1) of :mod:`ovlr_bbo.generator_search`): the latents the candidates were
    actually drawn from when they differ from ``latent``; the mean steps along them (their
    scores in (G5)) while the shape learns from ``latent``.
    """
    u = torch.as_tensor(utilities, dtype=DTYPE)
    policy.mean.grad = policy.shape.grad = None  # (nn.Module.zero_grad, without its overhead)
    scores = policy.scores(latent)
    outputs = policy(latent)                                    # (G1), z_k
    vector_jacobian_product(outputs, policy.output_gradient(latent, u, scores))  # (G3)+(G4)
    with torch.no_grad():
        shape, grad_shape, grad_mean = policy.shape, policy.shape.grad, policy.mean.grad
        assert grad_shape is not None and grad_mean is not None  # set by the VJP above
        if mean_latent is not None:  # (G5) along the stretched latents
            weights = utilities if mean_utilities is None else mean_utilities
            grad_mean = torch.as_tensor(weights, dtype=DTYPE) @ policy.scores(mean_latent)
        elif mean_utilities is not None:  # (G5'): the mean's own utilities, same (G3) scores
            grad_mean = torch.as_tensor(mean_utilities, dtype=DTYPE) @ scores
        d, full = policy.latent_dim, policy.form == "full"
        # (G5) the natural gradient of the mean, sigma^2 A A^T grad_m (sigma^2 applied below)
        step_mean = shape @ (shape.T @ grad_mean) if full else shape * shape * grad_mean
        natural = shape.T @ grad_shape if full else shape * grad_shape   # (G6) N = A^T G
        if full:
            natural = (natural + natural.T) / 2                   # symmetric up to rounding
        trace = float(natural.trace() if full else natural.sum())
        direction = (natural - trace / d * torch.eye(d, dtype=DTYPE) if full
                     else natural - trace / d)
        exponent = -eta_shape / 2 * natural
        if path is not None:                                      # (G6')
            exponent = exponent + eta_path / 2 * (torch.outer(path, path) if full else path ** 2)
        if full:
            exponent = exponent - exponent.trace() / d * torch.eye(d, dtype=DTYPE)
            shape.copy_(shape @ torch.from_numpy(symmetric_expm(exponent.numpy())))
        else:
            shape.mul_(torch.exp(exponent - exponent.mean()))
        policy.mean.sub_(eta_mean * policy.sigma ** 2 * step_mean)  # (G5)
    policy.mean.grad = policy.shape.grad = None
    return trace, direction
