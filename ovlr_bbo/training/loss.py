"""Train ordinary networks on losses backpropagation cannot use (0-1 loss, truncated losses).

The same OVLR estimator that drives the black-box optimizer (:mod:`ovlr_bbo.estimator`) also
trains a network directly: the network computes its outputs ``z`` once, only the outputs are
perturbed (``y = z + sigma * eps``, antithetic pairs), a per-sample loss that may be flat or
discontinuous is evaluated on the perturbed copies, and one vector-Jacobian product carries the
estimated gradient of the smoothed loss ``E_eps[loss(z + sigma eps, target)]`` into the parameters.
Hidden layers are never perturbed, so the cost stays close to one backpropagation step whatever the
number of parameters.

The per-sample loss has the signature of a torch loss with ``reduction="none"``: it takes outputs
of shape ``(rows, *output_shape)`` and targets of shape ``(rows, *target_shape)`` and returns one
loss per row, shape ``(rows,)``. It never needs a gradient:

>>> import torch
>>> model = torch.nn.Linear(4, 3)
>>> zero_one = lambda outputs, labels: (outputs.argmax(-1) != labels).float()
>>> criterion = OVLRLoss(zero_one, sigma=0.5, n_pairs=8, generator=torch.Generator().manual_seed(0))
>>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
>>> optimizer.zero_grad()
>>> mean_loss = criterion.backward(model(torch.randn(16, 4)), torch.randint(0, 3, (16,)))
>>> optimizer.step()
>>> model.weight.grad.shape
torch.Size([3, 4])
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..estimator import OutputEstimator
from ..shaping import Shaping

__all__ = ["PerSampleLoss", "OVLRLoss", "ovlr_backward", "zero_one_loss", "truncated_squared_loss"]

#: ``(outputs (rows, *output_shape), targets (rows, *target_shape)) -> losses (rows,)``
PerSampleLoss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def zero_one_loss(outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """1 where the argmax of the scores (last axis) is not the label, else 0."""
    return (outputs.argmax(dim=-1) != labels).to(outputs.dtype)


def truncated_squared_loss(cap: float) -> PerSampleLoss:
    """``min(sum((y - t)^2), cap)`` per row: flat (zero gradient) once the residual is large."""
    if not cap > 0:
        raise ValueError(f"cap must be positive, got {cap}")

    def loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        squared = (outputs - targets.reshape(outputs.shape)) ** 2
        return squared.reshape(outputs.shape[0], -1).sum(dim=1).clamp(max=cap)

    loss.__name__ = f"truncated_squared_loss_{cap:g}"
    return loss


def _check_inputs(outputs: torch.Tensor, targets: torch.Tensor) -> None:
    if not torch.is_tensor(outputs) or not torch.is_tensor(targets):
        raise TypeError("outputs and targets must be torch tensors")
    if outputs.dim() < 1 or outputs.shape[0] == 0:
        raise ValueError(f"outputs must be batch first with at least one row, got shape "
                         f"{tuple(outputs.shape)}")
    if not outputs.requires_grad:
        raise ValueError("outputs must require grad: pass the model's outputs directly, not "
                         "detached ones or ones computed under torch.no_grad()")
    if targets.shape[:1] != outputs.shape[:1]:
        raise ValueError(f"targets must have one row per output row ({outputs.shape[0]}), got "
                         f"shape {tuple(targets.shape)}")


def ovlr_backward(outputs: torch.Tensor, targets: torch.Tensor, per_sample_loss: PerSampleLoss,
                  estimator: OutputEstimator, generator: torch.Generator) -> torch.Tensor:
    """Accumulate into ``.grad`` the OVLR estimate of the gradient of the batch-mean smoothed loss.

    ``outputs`` (batch first, requires grad) are perturbed ``estimator.n_samples`` times each;
    ``per_sample_loss`` is evaluated on all copies at once (``batch * n_samples`` rows, each target
    repeated for its own copies) under ``torch.no_grad()``. Gradients add up like
    ``loss.backward()``: call ``optimizer.zero_grad()`` between steps. Returns the losses, shape
    ``(batch, n_samples)``.
    """
    _check_inputs(outputs, targets)
    if not isinstance(generator, torch.Generator):
        raise TypeError("generator must be a torch.Generator (e.g. torch.Generator(device)."
                        f"manual_seed(0)), got {type(generator).__name__}")
    batch, n_samples = outputs.shape[0], estimator.n_samples
    repeated_targets = targets.repeat_interleave(n_samples, dim=0)

    def batched_loss(perturbed: torch.Tensor) -> torch.Tensor:
        losses = per_sample_loss(perturbed.reshape(batch * n_samples, *outputs.shape[1:]),
                                 repeated_targets)
        if not torch.is_tensor(losses) or losses.shape != (batch * n_samples,):
            shape = tuple(losses.shape) if torch.is_tensor(losses) else type(losses).__name__
            raise ValueError(f"per_sample_loss must return one loss per row, shape "
                             f"({batch * n_samples},) for {batch * n_samples} rows; got {shape}. "
                             "Reduce over every axis but the first (like reduction='none').")
        return losses.reshape(batch, n_samples)

    return estimator.backward(outputs, batched_loss, generator)


class OVLRLoss:
    """A criterion whose ``backward(outputs, targets)`` sets OVLR gradients for any loss.

    Holds the per-sample loss, an :class:`~ovlr_bbo.estimator.OutputEstimator` (``sigma``,
    ``n_pairs`` antithetic pairs, noise law, shaping) and the ``torch.Generator`` its noise comes
    from (on the outputs' device, so sampling stays on the accelerator). Works with any
    architecture (only the outputs are touched) and any ``torch.optim`` optimizer.
    """

    def __init__(self, per_sample_loss: PerSampleLoss, sigma: float = 0.5, n_pairs: int = 16,
                 antithetic: bool = True, noise: str = "gaussian",
                 shaping: str | Shaping = "identity", per_row: bool = False,
                 generator: torch.Generator | None = None) -> None:
        if not callable(per_sample_loss):
            raise TypeError("per_sample_loss must be a function (outputs, targets) -> (rows,)")
        self.per_sample_loss = per_sample_loss
        self.estimator = OutputEstimator(sigma=sigma, n_pairs=n_pairs, antithetic=antithetic,
                                         noise=noise, shaping=shaping, per_row=per_row)
        self.generator = generator if generator is not None else torch.Generator().manual_seed(0)

    def backward(self, outputs: torch.Tensor, targets: torch.Tensor) -> float:
        """Set the gradients (accumulating) and return the mean loss over the perturbed copies."""
        if self.generator.device != outputs.device:
            raise ValueError(f"the generator is on {self.generator.device} but the outputs are on "
                             f"{outputs.device}; pass generator=torch.Generator({outputs.device!s})"
                             ".manual_seed(seed)")
        losses = ovlr_backward(outputs, targets, self.per_sample_loss, self.estimator,
                               self.generator)
        return float(losses.float().mean())

    def __call__(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The per-sample loss of the unperturbed outputs, batch mean (for logging; no grad)."""
        with torch.no_grad():
            return self.per_sample_loss(outputs, targets).float().mean()
