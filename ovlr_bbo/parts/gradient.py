"""The OVLR step: sample the policy, perturb its outputs, learn from the losses with one VJP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..estimator import vector_jacobian_product
from .base import Ask, Outcome, Part, SampleAsk

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["GradientStep"]


class GradientStep(Part):
    """Propose an OVLR batch whenever no other part claims the ask: ``n_outputs`` latents, the
    policy run ONCE on them, each output perturbed by ``2 * n_pairs`` antithetic noise draws
    (E2). At its tell, the losses become utilities (rows never evaluated get the mean utility, so
    they pull nowhere), the output gradient (E1/E2) goes into the policy with one VJP (E3) and the
    torch optimizer steps. ``learn=False`` keeps the sampling and drops the step (the ablation's
    "gradient off")."""

    name = "gradient"
    ask_order = 2
    always_proposes = True

    def __init__(self, learn: bool = True) -> None:
        self.learn = bool(learn)

    def propose(self, ovlr: OVLR) -> Ask:
        latent = ovlr.latent(ovlr.n_outputs)
        with torch.no_grad():
            outputs = ovlr.policy_outputs(latent)
        sigma = ovlr.control.sigma
        eps = ovlr.estimator.sample_noise(ovlr.rng, ovlr.n_outputs, ovlr.space.output_shape,
                                          ovlr.device)
        perturbed = ovlr.estimator.perturb(outputs, eps, sigma=sigma)
        flat = perturbed.reshape(-1, *ovlr.space.output_shape).cpu().numpy().astype(float)
        return SampleAsk(flat, latent, eps, sigma)

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if not (isinstance(ask, SampleAsk) and self.learn and usable.any()):
            return
        known = ~np.isnan(losses)  # evaluated, finite or not; NaN: never evaluated
        worst = float(losses[usable].max())
        scored = np.where(known & ~usable, worst, losses)  # non-finite: the worst rank
        outputs = ovlr.policy_outputs(ask.latent)
        gradient = ovlr.estimator.output_gradient(ask.eps, scored.reshape(ovlr.n_outputs, -1),
                                                  sigma=ask.sigma)
        ovlr.torch_optimizer.zero_grad(set_to_none=True)
        vector_jacobian_product(outputs, gradient / ovlr.n_outputs)  # (E3): one VJP, whole batch
        if ovlr.vector_policy:
            ovlr.torch_optimizer.step()
            ovlr.clamp()
            return
        probe = torch.cat([ask.latent, torch.zeros_like(ask.latent[:1])])  # + the mean latent
        with torch.no_grad():
            before = ovlr.policy_outputs(probe)
        self._output_trust_region_step(ovlr, probe, before)

    @staticmethod
    def _output_trust_region_step(ovlr: OVLR, latent: torch.Tensor, before: torch.Tensor) -> None:
        """A network's step, rescaled so that its outputs move by ``lr * sigma`` (root mean
        square over the batch): the torch optimizer picks the direction, the output the size,
        so the step does not depend on the parameter count."""
        parameters = [p for p in ovlr.policy.parameters() if p.requires_grad]
        start = [p.detach().clone() for p in parameters]
        ovlr.torch_optimizer.step()
        with torch.no_grad():
            moved = ovlr.policy_outputs(latent) - before
            size = float(moved.pow(2).mean().sqrt())
            if size > 0:
                scale = ovlr.control.lr * ovlr.control.sigma / size
                for p, p0 in zip(parameters, start, strict=True):
                    p.copy_(p0 + scale * (p - p0))

    def state_dict(self) -> dict[str, Any]:
        return {"learn": self.learn}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.learn = bool(state["learn"])
