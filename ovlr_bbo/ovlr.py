"""OVLR as an ask/tell black-box optimizer.

Each ask draws ``n_outputs`` latents, runs the policy ONCE on them, perturbs every output with
``2 * n_pairs`` (antithetic) noise draws and decodes the perturbed outputs into candidates through
the search space. Each tell turns the candidates' losses into a gradient of the smoothed loss with
respect to the outputs (:mod:`ovlr_bbo.estimator`, E1-E2), pushes it into the policy with one
vector-Jacobian product (E3) and takes one step of a torch optimizer (Adam by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from .ask_tell import AskTellOptimizer
from .estimator import OutputEstimator
from .policy import check_policy, make_policy
from .shaping import Shaping
from .spaces import Space

__all__ = ["OVLR"]


class OVLR(AskTellOptimizer):
    """Output-level variance-reduced likelihood-ratio optimizer.

    >>> from ovlr_bbo import OVLR, spaces
    >>> opt = OVLR(spaces.Binary(16), seed=0, maximize=True)
    >>> best = opt.minimize(lambda x: x.sum(), budget=400)   # OneMax
    >>> int(best.score)
    16

    Parameters (one default configuration for every kind of space; see the README):
        space: the search space (:mod:`ovlr_bbo.spaces`).
        sigma: standard deviation of the output noise, in the space's standardized units.
        n_pairs: antithetic noise pairs per policy output.
        n_outputs: policy outputs (latent draws) per ask; popsize = n_outputs * 2 * n_pairs.
        lr: learning rate of the torch optimizer; by default 0.1 for the vector policy and
            0.003 for a network (Adam moves every weight by about ``lr`` per step, and a network
            adds up many of them in each output).
        policy: ``"vector"`` (a learnable output), ``"mlp"`` (a generator network) or any
            ``nn.Module`` with ``latent_dim`` mapping ``(batch, latent_dim)`` to outputs.
        shaping: name or function mapping losses to utilities (:mod:`ovlr_bbo.shaping`).
        noise: ``"gaussian"``, ``"laplace"`` or ``"rademacher"``.
        antithetic: mirror each noise draw (E2).
        output_bound: if set, outputs are squashed softly into ``(-bound, bound)`` with
            ``bound * tanh(z / bound)``, which keeps logits from saturating.
        torch_optimizer: a ``torch.optim.Optimizer`` class (Adam by default), built with ``lr``.
        device: where the policy and the estimator run (``"cpu"`` or ``"cuda"``).
        seed, maximize: as in every optimizer of the project.
    """

    def __init__(self, space: Space, *, sigma: float = 0.5, n_pairs: int = 4,
                 n_outputs: int = 1, lr: float | None = None, policy: str | nn.Module = "vector",
                 shaping: str | Shaping = "centered_ranks", noise: str = "gaussian",
                 antithetic: bool = True, output_bound: float | None = None,
                 torch_optimizer: Callable[..., torch.optim.Optimizer] = torch.optim.Adam,
                 device: str | torch.device = "cpu", seed: int | None = None,
                 maximize: bool = False):
        super().__init__(space, seed=seed, maximize=maximize)
        self.estimator = OutputEstimator(sigma=sigma, n_pairs=n_pairs, antithetic=antithetic,
                                         noise=noise, shaping=shaping)
        if int(n_outputs) < 1:
            raise ValueError(f"n_outputs must be at least 1, got {n_outputs}")
        if lr is None:
            lr = 0.1 if policy == "vector" else 0.003
        if not (lr > 0):
            raise ValueError(f"lr must be positive, got {lr}")
        if output_bound is not None and not output_bound > 0:
            raise ValueError(f"output_bound must be positive or None, got {output_bound}")
        self.n_outputs = int(n_outputs)
        self.output_bound = output_bound
        self.device = torch.device(device)
        policy_seed = int(self._rng.integers(2**63 - 1))
        self.policy = make_policy(policy, space.initial_output(), policy_seed).to(self.device)
        self.latent_dim = check_policy(self.policy, space.output_shape, self.device)
        self.torch_optimizer = torch_optimizer(self.policy.parameters(), lr=lr)
        self._popsize = self.n_outputs * self.estimator.n_samples

    @property
    def sigma(self) -> float:
        return self.estimator.sigma

    def _outputs(self, latent: torch.Tensor) -> torch.Tensor:
        outputs = self.policy(latent)
        if self.output_bound is not None:
            outputs = self.output_bound * torch.tanh(outputs / self.output_bound)
        return outputs

    def _latent(self, n: int) -> torch.Tensor:
        latent = self._rng.standard_normal((n, self.latent_dim), dtype=np.float32)
        return torch.from_numpy(latent).to(self.device)

    def _ask(self) -> tuple[np.ndarray, Any]:
        latent = self._latent(self.n_outputs)
        with torch.no_grad():
            outputs = self._outputs(latent)
        eps = self.estimator.sample_noise(self._rng, self.n_outputs, self.space.output_shape,
                                          self.device)
        perturbed = self.estimator.perturb(outputs, eps)
        flat = perturbed.reshape(-1, *self.space.output_shape).cpu().numpy()
        return self.space.decode(flat), (latent, eps)

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        latent, eps = memo
        outputs = self._outputs(latent)
        gradient = self.estimator.output_gradient(eps, losses.reshape(self.n_outputs, -1))
        self.torch_optimizer.zero_grad(set_to_none=True)
        outputs.backward(gradient / self.n_outputs)  # (E3): one VJP for the whole batch
        self.torch_optimizer.step()

    def _recommend(self) -> np.ndarray:
        """The decoded, unperturbed output of the policy at the mean latent (zero)."""
        with torch.no_grad():
            outputs = self._outputs(torch.zeros(1, self.latent_dim, device=self.device))
        return self.space.decode(outputs.detach().cpu().numpy())[0]
