"""OVLR as an ask/tell black-box optimizer.

Each OVLR ask draws ``n_outputs`` latents, runs the policy ONCE on them, perturbs every output with
``2 * n_pairs`` (antithetic) noise draws and decodes the perturbed outputs into candidates through
the search space. Each tell turns the candidates' losses into a gradient of the smoothed loss with
respect to the outputs (:mod:`ovlr_bbo.estimator`, E1-E2), pushes it into the policy with one
vector-Jacobian product (E3) and takes one step of a torch optimizer (Adam by default).

The default configuration adds four generic parts around that step (each can be switched off; the
ablation in BENCHMARKS.md measures each): the first candidate is the policy's unperturbed output
(``evaluate_mean``); the learnable output is re-centred on the best candidate whenever it changes
(``elitist``); after ``patience`` OVLR steps without improvement a plateau local search polishes
the best candidate (``polish``, :mod:`ovlr_bbo.local_search`); and on bit strings that search
tries first the bits the policy is least sure of, and teaches the policy from each result
(``guided``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy.special import ndtr
from torch import nn

from .ask_tell import AskTellOptimizer
from .estimator import OutputEstimator
from .local_search import PlateauSearch
from .policy import OutputVector, check_policy, make_policy
from .shaping import Shaping
from .spaces import Binary, Space

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
        n_outputs: policy outputs (latent draws) per ask; an OVLR batch has
            ``n_outputs * 2 * n_pairs`` candidates (``popsize``).
        lr: learning rate of the torch optimizer in units of ``sigma`` (the step is ``lr * sigma``,
            so on sign and order decodings the search does not depend on sigma); by default 0.3
            for the vector policy and 0.003 for a network.
        policy: ``"vector"`` (a learnable output), ``"mlp"`` (a generator network) or any
            ``nn.Module`` with ``latent_dim`` mapping ``(batch, latent_dim)`` to outputs.
        shaping: name or function mapping losses to utilities (:mod:`ovlr_bbo.shaping`).
        noise: ``"gaussian"``, ``"laplace"`` or ``"rademacher"``.
        antithetic: mirror each noise draw (E2).
        output_bound: outputs stay within ``+-output_bound * sigma`` (the vector policy is
            clamped, a network's outputs are squashed with tanh), which caps the confidence of
            logits and keys; None for no bound. Not applied on continuous boxes, where the
            output is a position and sigma shrinks with the polish.
        evaluate_mean: make the very first candidate the policy's unperturbed output.
        elitist: re-centre the vector policy on the best candidate whenever it changes (bits take
            the best's signs and keep their confidence; other outputs move onto the best's).
        polish: after ``patience`` OVLR steps without improvement, run a plateau local search
            around the best candidate, one candidate per ask (:mod:`ovlr_bbo.local_search`),
            with ``tabu`` and ``accept_equal`` as described there.
        guided: on bit strings, order the polish by the policy's flip probabilities and move
            each tried bit's confidence up (the flip was worse) or down (it was not).
        torch_optimizer: a ``torch.optim.Optimizer`` class (Adam by default), built with the lr.
        device: where the policy and the estimator run (``"cpu"`` or ``"cuda"``).
        seed, maximize: as in every optimizer of the project.
    """

    def __init__(self, space: Space, *, sigma: float = 1.0, n_pairs: int = 2,
                 n_outputs: int = 1, lr: float | None = None, policy: str | nn.Module = "vector",
                 shaping: str | Shaping = "centered_ranks", noise: str = "gaussian",
                 antithetic: bool = True, output_bound: float | None = 2.5,
                 evaluate_mean: bool = True, elitist: bool = True, polish: bool = True,
                 patience: int = 2, tabu: bool = True, accept_equal: bool = True,
                 guided: bool = True,
                 torch_optimizer: Callable[..., torch.optim.Optimizer] = torch.optim.Adam,
                 device: str | torch.device = "cpu", seed: int | None = None,
                 maximize: bool = False):
        super().__init__(space, seed=seed, maximize=maximize)
        self.estimator = OutputEstimator(sigma=sigma, n_pairs=n_pairs, antithetic=antithetic,
                                         noise=noise, shaping=shaping)
        if int(n_outputs) < 1:
            raise ValueError(f"n_outputs must be at least 1, got {n_outputs}")
        if lr is None:
            lr = 0.3 if policy == "vector" else 0.003
        if not (lr > 0):
            raise ValueError(f"lr must be positive, got {lr}")
        if output_bound is not None and not output_bound > 0:
            raise ValueError(f"output_bound must be positive or None, got {output_bound}")
        if int(patience) < 0:
            raise ValueError(f"patience must be >= 0 OVLR steps, got {patience}")
        self.n_outputs, self.lr, self.output_bound = int(n_outputs), float(lr), output_bound
        self.device = torch.device(device)
        policy_seed = int(self._rng.integers(2**63 - 1))
        self.policy = make_policy(policy, space.initial_output(), policy_seed).to(self.device)
        self.latent_dim = check_policy(self.policy, space.output_shape, self.device)
        self.torch_optimizer = torch_optimizer(self.policy.parameters(), lr=self.lr * sigma)
        self._popsize = self.n_outputs * self.estimator.n_samples
        self._vector = isinstance(self.policy, OutputVector)
        self.evaluate_mean, self.elitist, self.polish = evaluate_mean, elitist, polish
        self.patience, self.guided = int(patience), guided and isinstance(space, Binary)
        self.search = PlateauSearch(space, step=0.5 * sigma, tabu=tabu,
                                    accept_equal=accept_equal)
        self._continuous = self.search.compass
        self._stalled_steps = 0
        self._mean_asked = False

    @property
    def sigma(self) -> float:
        return self.estimator.sigma

    @property
    def popsize(self) -> int:
        """Candidates per OVLR batch, the most one ask returns (mean and polish asks return 1)."""
        return int(self._popsize)

    # ------------------------------------------------------------------ policy
    def _outputs(self, latent: torch.Tensor) -> torch.Tensor:
        outputs = self.policy(latent)
        if self.output_bound is not None and not self._vector and not self._continuous:
            bound = self.output_bound * self.sigma
            outputs = bound * torch.tanh(outputs / bound)
        return outputs

    def _latent(self, n: int) -> torch.Tensor:
        latent = self._rng.standard_normal((n, self.latent_dim), dtype=np.float32)
        return torch.from_numpy(latent).to(self.device)

    def _mean_output(self) -> np.ndarray:
        with torch.no_grad():
            outputs = self._outputs(torch.zeros(1, self.latent_dim, device=self.device))
        return outputs.detach().cpu().numpy().astype(float)

    # ------------------------------------------------------------------ ask
    def _ask(self) -> tuple[np.ndarray, Any]:
        if self.evaluate_mean and not self._mean_asked:
            self._mean_asked = True
            outputs = self._mean_output()
            return self.space.decode(outputs), ("mean", None, outputs)
        if self.search.active and not self._pending:
            move, output = self.search.next_output()
            return self.space.decode(output[None]), ("move", move, output[None])
        latent = self._latent(self.n_outputs)
        with torch.no_grad():
            outputs = self._outputs(latent)
        eps = self.estimator.sample_noise(self._rng, self.n_outputs, self.space.output_shape,
                                          self.device)
        perturbed = self.estimator.perturb(outputs, eps)
        flat = perturbed.reshape(-1, *self.space.output_shape).cpu().numpy().astype(float)
        return self.space.decode(flat), ("ovlr", (latent, eps), flat)

    # ------------------------------------------------------------------ tell
    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        kind, detail, outputs = memo
        elite_before = self.search.elite_loss
        improved, replaced = self.search.offer(candidates, outputs, losses)
        if kind == "ovlr":
            self._gradient_step(*detail, losses)
        if kind == "move" and self.guided:
            self._learn_from_move(detail[0], worse=losses[0] > elite_before)
        if replaced and self.elitist and self._vector:
            self._recentre()
        if kind == "move":
            # the priority only orders a new sweep, which starts after an accepted move at most
            priority = self._priority() if replaced or not self.search.active else None
            self.search.after_move(detail, improved, replaced, self._rng, priority)
            if not self.search.active:
                self._end_of_polish()
            return
        self._stalled_steps = 0 if improved else self._stalled_steps + 1
        if self.polish and self._stalled_steps >= self.patience and kind == "ovlr":
            self.search.start(self._rng, self._priority())

    def _gradient_step(self, latent: torch.Tensor, eps: torch.Tensor, losses: np.ndarray) -> None:
        outputs = self._outputs(latent)
        gradient = self.estimator.output_gradient(eps, losses.reshape(self.n_outputs, -1))
        self.torch_optimizer.zero_grad(set_to_none=True)
        outputs.backward(gradient / self.n_outputs)  # (E3): one VJP for the whole batch
        self.torch_optimizer.step()
        self._clamp()

    def _end_of_polish(self) -> None:
        """On continuous boxes a fruitless sweep halved the polish step; the OVLR noise (and the
        step of the torch optimizer, which is in units of sigma) follows it."""
        self._stalled_steps = 0
        if self._continuous:
            self.estimator.sigma = 2 * self.search.step
            for group in self.torch_optimizer.param_groups:
                group["lr"] = self.lr * self.sigma

    # ------------------------------------------------------------------ elitist parts
    def _recentre(self) -> None:
        output = self.policy.output.detach()
        if isinstance(self.space, Binary):  # take the best's bits, keep the confidence
            if output.device.type == "cpu":  # a numpy view: once per accepted polish move
                values = output.numpy()
                values[:] = np.where(self.search.elite_y > 0, np.abs(values), -np.abs(values))
            else:
                best = torch.as_tensor(self.search.elite_y, device=self.device)
                output.copy_(torch.where(best > 0, output.abs(), -output.abs()))
            return
        output.copy_(torch.as_tensor(self.search.elite_y, dtype=torch.float32, device=self.device))
        self._clamp()

    def _clamp(self) -> None:
        """Keep the vector policy within ``+-output_bound * sigma``. On a continuous box the
        output is a position, not a confidence, and sigma shrinks with the polish: no bound."""
        if self._vector and self.output_bound is not None and not self._continuous:
            bound = self.output_bound * self.sigma
            with torch.no_grad():
                self.policy.output.clamp_(-bound, bound)

    def _priority(self) -> np.ndarray | None:
        """Per-bit flip probability under the policy (guided polish), else None."""
        if not (self.guided and self._vector):
            return None
        confidence = self.policy.output.detach().abs().cpu().numpy() / self.sigma
        return ndtr(-confidence)

    def _learn_from_move(self, bit: int, worse: bool) -> None:
        if not self._vector:
            return
        step = self.lr * self.sigma
        output = self.policy.output.detach()
        # one scalar per polish move: a numpy view of the parameter (CPU) is much cheaper
        values = output.numpy() if output.device.type == "cpu" else output
        value = float(values[bit])
        confidence = max(0.0, abs(value) + (step if worse else -step))
        if self.output_bound is not None:
            confidence = min(confidence, self.output_bound * self.sigma)
        values[bit] = confidence if value >= 0 else -confidence

    def _recommend(self) -> np.ndarray:
        """The best candidate evaluated (the policy's own proposal: :meth:`policy_mode`)."""
        if self.search.elite_x is not None:
            return np.array(self.search.elite_x)
        return self.policy_mode()

    def policy_mode(self) -> np.ndarray:
        """The decoded, unperturbed output of the policy at the mean latent (zero)."""
        return self.space.decode(self._mean_output())[0]
