"""The output-level variance-reduced likelihood-ratio (OVLR) gradient estimator.

A model computes its low-dimensional output once, ``z = f_theta(xi)``. Only that output is
perturbed, ``y_i = z + sigma * eps_i``, and the black-box loss ``L`` is evaluated on ``n`` perturbed
copies of the *same* output (output-level resampling). With ``s`` the score of the noise law
(``s(eps) = eps`` for the standard Gaussian):

    (E1)  g = (1/n) * sum_i L(z + sigma eps_i) * s(eps_i) / sigma
          is unbiased for the gradient of the smoothed loss  E_eps[L(z + sigma eps)]  w.r.t. z.
    (E2)  With antithetic pairs (eps_i, -eps_i) of the same z, and an odd score, (E1) equals
          g = (1/P) * sum_{i<=P} (L(z + sigma eps_i) - L(z - sigma eps_i)) * s(eps_i) / (2 sigma):
          any constant in L cancels, so the variance barely depends on sigma.
    (E3)  One vector-Jacobian product carries g into the parameters: ``z.backward(g)``, i.e.
          grad_theta = J_theta(z)^T g, summed over the batch rows. Hidden layers are never
          perturbed, so the cost does not grow with the number of parameters.

Noise laws (unit variance): Gaussian (s = eps), Laplace (s = sqrt(2) sign(eps)) and Rademacher
two-point (s = eps, the SPSA-like variant).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .shaping import Shaping, get_shaping
from .spaces.base import as_count

__all__ = ["NOISE_LAWS", "OutputEstimator", "vector_jacobian_product"]

Generator = np.random.Generator | torch.Generator


def vector_jacobian_product(outputs: torch.Tensor, gradient: torch.Tensor) -> None:
    """(E3): accumulate ``J_theta(z)^T g`` into the parameters' ``.grad``, as the gradient of the
    scalar ``sum(z * g)``: the gradient reaching ``z`` is exactly ``g``, so it is the same product
    as ``z.backward(g)``, bit for bit. Not ``z.backward(g)`` itself: in torch 2.13 its first call in
    a process imports sympy to compare the shapes (0.2-0.4 s, the engine's time for about 10,000
    evaluations at d = 500)."""
    (outputs * gradient.detach().to(outputs.dtype)).sum().backward()


def _draw(rng: Generator, shape: tuple[int, ...], kind: str, device) -> torch.Tensor:
    """Standard normal (``kind="normal"``) or uniform [0, 1) draws from either kind of generator."""
    if isinstance(rng, torch.Generator):
        draw = torch.randn if kind == "normal" else torch.rand
        return draw(shape, generator=rng, device=rng.device).to(device)
    values = rng.standard_normal(shape, dtype=np.float32) if kind == "normal" else rng.random(
        shape, dtype=np.float32)
    return torch.from_numpy(values).to(device)


def _gaussian(rng: Generator, shape: tuple[int, ...], device) -> torch.Tensor:
    return _draw(rng, shape, "normal", device)


def _laplace(rng: Generator, shape: tuple[int, ...], device) -> torch.Tensor:
    # inverse CDF of the Laplace law with scale 1/sqrt(2) (unit variance)
    u = _draw(rng, shape, "uniform", device) - 0.5
    return -torch.sign(u) * torch.log1p(-2 * u.abs().clamp(max=0.4999999)) / math.sqrt(2)


def _rademacher(rng: Generator, shape: tuple[int, ...], device) -> torch.Tensor:
    return torch.where(_draw(rng, shape, "uniform", device) < 0.5, -1.0, 1.0)


#: name -> (sampler, score function s(eps)); every score is odd, so (E2) holds for all of them
NOISE_LAWS: dict[str, tuple[Callable, Callable[[torch.Tensor], torch.Tensor]]] = {
    "gaussian": (_gaussian, lambda eps: eps),
    "laplace": (_laplace, lambda eps: math.sqrt(2) * torch.sign(eps)),
    "rademacher": (_rademacher, lambda eps: eps),
}


@dataclass
class OutputEstimator:
    """Sample output perturbations and turn their losses into a gradient (E1-E3).

    ``n_pairs`` perturbations per output are drawn with their mirrors when ``antithetic`` (so
    ``2 * n_pairs`` losses per output), or ``2 * n_pairs`` independent ones otherwise: the same
    number of evaluations either way. ``shaping`` maps the losses of one call to utilities, over
    the whole batch or, with ``per_row``, over each output's own perturbations.

    Used on its own, it trains any model on a non-differentiable loss:

    >>> model = torch.nn.Linear(3, 1)
    >>> estimator = OutputEstimator(sigma=0.1, n_pairs=4)
    >>> outputs = model(torch.randn(8, 3))
    >>> losses = estimator.backward(outputs, lambda y: (y[..., 0] > 0).float(),
    ...                             np.random.default_rng(0))
    >>> model.weight.grad.shape, losses.shape
    (torch.Size([1, 3]), torch.Size([8, 8]))
    """

    sigma: float = 1.0
    n_pairs: int = 8
    antithetic: bool = True
    noise: str = "gaussian"
    shaping: str | Shaping = "identity"
    per_row: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sigma) and self.sigma > 0):
            raise ValueError(f"sigma must be a positive number, got {self.sigma}")
        self.n_pairs = as_count(self.n_pairs, "n_pairs")
        if self.noise not in NOISE_LAWS:
            raise ValueError(f"unknown noise {self.noise!r}; choose one of {sorted(NOISE_LAWS)}")
        self._shape_utilities = get_shaping(self.shaping)

    @property
    def n_samples(self) -> int:
        """Losses evaluated per output."""
        return 2 * self.n_pairs

    def sample_noise(self, rng: Generator, batch: int, output_shape: tuple[int, ...],
                     device: str | torch.device = "cpu") -> torch.Tensor:
        """Noise of shape ``(batch, n_samples, *output_shape)``; with antithetic sampling the
        second half of axis 1 mirrors the first (each eps with its own -eps, same output)."""
        sampler, _ = NOISE_LAWS[self.noise]
        if not self.antithetic:
            return sampler(rng, (batch, self.n_samples, *output_shape), device)
        eps = sampler(rng, (batch, self.n_pairs, *output_shape), device)
        return torch.cat([eps, -eps], dim=1)

    def perturb(self, outputs: torch.Tensor, eps: torch.Tensor,
                sigma: float | None = None) -> torch.Tensor:
        """``y = z + sigma * eps`` for every output row: ``(batch, n_samples, *output_shape)``."""
        return outputs.detach().unsqueeze(1) + (self.sigma if sigma is None else sigma) * eps

    def utilities(self, losses: np.ndarray | torch.Tensor) -> np.ndarray:
        """Shaped losses, shape ``(batch, n_samples)``. NaN marks a loss never evaluated: it
        takes no part in the shaping and gets the mean utility of the others (no pull)."""
        losses = losses.detach().cpu().numpy() if torch.is_tensor(losses) else np.asarray(losses)
        losses = losses.astype(float).reshape(-1, self.n_samples)
        if self.per_row:
            return np.stack([self._shape_known(row) for row in losses])
        return self._shape_known(losses.reshape(-1)).reshape(losses.shape)

    def _shape_known(self, losses: np.ndarray) -> np.ndarray:
        known = ~np.isnan(losses)
        if known.all():
            return self._shape_utilities(losses)
        utilities = np.zeros_like(losses)
        if known.any():
            utilities[known] = self._shape_utilities(losses[known])
            utilities[~known] = utilities[known].mean()
        return utilities

    def output_gradient(self, eps: torch.Tensor, losses: np.ndarray | torch.Tensor,
                        sigma: float | None = None) -> torch.Tensor:
        """(E1)/(E2): the estimated gradient of the smoothed loss for each output row (``sigma``:
        the one the noise was drawn with, by default the estimator's)."""
        _, score = NOISE_LAWS[self.noise]
        utilities = torch.as_tensor(self.utilities(losses), dtype=eps.dtype, device=eps.device)
        weights = utilities.reshape(*utilities.shape, *([1] * (eps.dim() - 2)))
        return (weights * score(eps)).mean(dim=1) / (self.sigma if sigma is None else sigma)

    def backward(self, outputs: torch.Tensor,
                 loss_fn: Callable[[torch.Tensor], torch.Tensor], rng: Generator) -> torch.Tensor:
        """Perturb ``outputs`` (batch first, requires grad), evaluate ``loss_fn`` on the
        perturbed copies ``(batch, n_samples, *shape) -> (batch, n_samples)`` and accumulate the
        gradient of the batch-mean smoothed loss into the parameters with one VJP (E3).
        Returns the losses."""
        if not outputs.requires_grad:
            raise ValueError("outputs must require grad (compute them from the model's parameters)")
        eps = self.sample_noise(rng, outputs.shape[0], tuple(outputs.shape[1:]), outputs.device)
        with torch.no_grad():
            losses = torch.as_tensor(loss_fn(self.perturb(outputs, eps)))
        if losses.shape != eps.shape[:2]:
            raise ValueError(f"loss_fn must return one loss per perturbed output, shape "
                             f"{tuple(eps.shape[:2])}; got {tuple(losses.shape)}")
        gradient = self.output_gradient(eps, losses)
        vector_jacobian_product(outputs, gradient / outputs.shape[0])  # (E3)
        return losses
