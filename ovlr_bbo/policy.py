"""Generative policies: torch modules that map latent noise ``xi`` to outputs ``z = f_theta(xi)``.

A policy has an attribute ``latent_dim`` (0 for a policy without latent input) and maps a batch of
latents ``(batch, latent_dim)`` to outputs ``(batch, *output_shape)``. Any ``nn.Module`` that does
so can be passed to :class:`ovlr_bbo.OVLR`; :func:`check_policy` says clearly when one does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["OutputVector", "MLPPolicy", "make_policy", "check_policy"]


class OutputVector(nn.Module):
    """The degenerate policy: one learnable output, the same for every latent (``latent_dim=0``)."""

    latent_dim = 0

    def __init__(self, initial_output: np.ndarray):
        super().__init__()
        self.output = nn.Parameter(torch.as_tensor(np.asarray(initial_output), dtype=torch.float32))

    @property
    def offset(self) -> nn.Parameter:
        """The additive output term (here the whole output), as :class:`MLPPolicy` has one."""
        return self.output

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.output.expand(latent.shape[0], *self.output.shape)


class MLPPolicy(nn.Module):
    """A small generator network: latent noise -> tanh MLP -> output, plus a learnable output
    offset that starts at the space's initial output. The last layer starts near zero, so the
    initial outputs are spread only slightly around that offset."""

    def __init__(self, initial_output: np.ndarray, latent_dim: int = 8,
                 hidden: Sequence[int] = (64,), generator: torch.Generator | None = None):
        super().__init__()
        if latent_dim < 1:
            raise ValueError(f"latent_dim must be >= 1, got {latent_dim}")
        self.latent_dim = int(latent_dim)
        initial = torch.as_tensor(np.asarray(initial_output), dtype=torch.float32)
        self.output_shape = tuple(initial.shape)
        sizes = [self.latent_dim, *hidden, int(initial.numel())]
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
        self.body = nn.Sequential(*layers[:-1])
        self.offset = nn.Parameter(initial.clone())
        with torch.no_grad():
            for layer in self.body:
                if isinstance(layer, nn.Linear):
                    bound = 1 / np.sqrt(layer.in_features)
                    layer.weight.uniform_(-bound, bound, generator=generator)
                    layer.bias.zero_()
            last = self.body[-1]
            assert isinstance(last, nn.Linear)
            last.weight.mul_(0.1)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.offset + self.body(latent).reshape(latent.shape[0], *self.output_shape)


def make_policy(policy: str | nn.Module, initial_output: np.ndarray, seed: int,
                latent_dim: int = 8, hidden: Sequence[int] = (64,)) -> nn.Module:
    """``"vector"`` (:class:`OutputVector`), ``"mlp"`` (:class:`MLPPolicy`) or a user module."""
    if isinstance(policy, nn.Module):
        return policy
    if policy == "vector":
        return OutputVector(initial_output)
    if policy == "mlp":
        generator = torch.Generator().manual_seed(int(seed))
        return MLPPolicy(initial_output, latent_dim, hidden, generator=generator)
    raise ValueError(f"unknown policy {policy!r}; use 'vector', 'mlp' or an nn.Module")


def check_policy(policy: nn.Module, output_shape: tuple[int, ...],
                 device: str | torch.device = "cpu") -> int:
    """Check that ``policy`` maps ``(2, latent_dim)`` latents to ``(2, *output_shape)`` outputs
    that depend on trainable parameters; return its ``latent_dim``."""
    latent_dim = getattr(policy, "latent_dim", None)
    if not isinstance(latent_dim, int) or latent_dim < 0:
        raise ValueError("a policy module needs an integer attribute latent_dim >= 0 "
                         "(the size of the noise it maps to outputs)")
    if not any(p.requires_grad for p in policy.parameters()):
        raise ValueError("the policy has no trainable parameters")
    with torch.no_grad():
        out = policy(torch.zeros(2, latent_dim, device=device))
    if tuple(out.shape) != (2, *output_shape):
        raise ValueError(f"the policy must map latents of shape (batch, {latent_dim}) to outputs "
                         f"of shape (batch, *{output_shape}) for this space; a batch of 2 gave "
                         f"{tuple(out.shape)}")
    return latent_dim
