"""OVLR as an ask/tell black-box optimizer, composed of parts.

Data path of one OVLR batch: ask -> the policy runs once on ``n_outputs`` latents -> each output
is perturbed by ``2 * n_pairs`` antithetic noise draws -> the space decodes the perturbed outputs
into candidates -> the caller evaluates them -> tell -> the losses are shaped into utilities ->
the output gradient (:mod:`ovlr_bbo.estimator`, E1-E2) -> one vector-Jacobian product into the
policy (E3) -> one step of a torch optimizer (Adam by default).

Every behaviour around that step is a part (:mod:`ovlr_bbo.parts`): the default is the mean
first, the OVLR step, elitist re-centring, the guided order and the polish. Parts propose asks
(the first that claims one wins: mean first, then the polish, then the OVLR step) and observe
every tell after the elite was updated. :class:`~ovlr_bbo.parts.StepControl` owns sigma, the
step and the size of position moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .ask_tell import AskTellOptimizer, warn_skipped
from .estimator import OutputEstimator
from .parts import (
    Ask,
    Elite,
    GeneratorAsk,
    GeneratorStep,
    MoveAsk,
    Outcome,
    Part,
    SampleAsk,
    StepControl,
    make_parts,
)
from .parts.state import ask_from_state, ask_state
from .policy import OutputVector, check_policy, make_policy
from .shaping import Shaping
from .spaces import Space
from .spaces.base import as_count

__all__ = ["OVLR"]

#: latents per batch for a policy with a latent input
LATENTS_PER_BATCH = 4
#: a network policy's Adam learning rate: it only picks the direction of the step, whose size
#: GradientStep rescales onto the output (lr * sigma)
NETWORK_DIRECTION_LR = 1e-3


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
        n_pairs: antithetic noise pairs per policy output (default 2, or 1 for a policy with
            a latent input).
        n_outputs: policy outputs (latent draws) per OVLR batch (default 1, or 4 for a policy
            with a latent input, which learns its spread by comparing latents); a batch has
            ``n_outputs * 2 * n_pairs`` candidates (``popsize``).
        lr: the step of one OVLR update in units of ``sigma``, for every policy: the vector
            policy's Adam step is ``lr * sigma``; a network's step is rescaled so that its
            outputs move by ``lr * sigma`` (root mean square over the batch), a trust region on
            the output that does not depend on the parameter count. So on sign and order
            decodings the search does not depend on sigma.
        policy: ``"vector"`` (a learnable output), ``"mlp"`` (a generator network) or any
            ``nn.Module`` with ``latent_dim`` mapping ``(batch, latent_dim)`` to outputs.
        shaping: name or function mapping losses to utilities (:mod:`ovlr_bbo.shaping`).
        noise: ``"gaussian"``, ``"laplace"`` or ``"rademacher"``.
        antithetic: mirror each noise draw (E2).
        output_bound: confidence outputs (logits, keys) stay within ``+-output_bound * sigma``
            (the vector policy is clamped, a network's outputs squashed with tanh), so that the
            noise keeps changing them; positions, and the keys of orderings of more than 200
            items, are never bounded (``space.bounded_outputs()``). None for no bound.
        parts: the parts (:mod:`ovlr_bbo.parts`): names, ``{"name": ..., settings}`` or
            :class:`~ovlr_bbo.parts.Part` objects; None for the default of the space
            (:func:`ovlr_bbo.parts.default_parts`: ``("mean_first", "generator")`` on a box,
            ``("mean_first", "gradient", "elitist", "guided", "polish", "escape")`` elsewhere).
        accept_equal: a candidate as good as the elite replaces it (crosses plateaus).
        torch_optimizer: a ``torch.optim.Optimizer`` class (Adam by default), built with the lr.
        device: where the policy and the estimator run (``"cpu"`` or ``"cuda"``).
        seed, maximize: as in every optimizer of the project.
    """

    def __init__(self, space: Space, *, sigma: float = 1.0, n_pairs: int | None = None,
                 n_outputs: int | None = None, lr: float | None = None,
                 policy: str | nn.Module = "vector",
                 shaping: str | Shaping = "centered_ranks", noise: str = "gaussian",
                 antithetic: bool = True, output_bound: float | None = 2.5,
                 parts: Sequence[str | Mapping[str, Any] | Part] | None = None,
                 accept_equal: bool = True,
                 torch_optimizer: Callable[..., torch.optim.Optimizer] = torch.optim.Adam,
                 device: str | torch.device = "cpu", seed: int | None = None,
                 maximize: bool = False):
        super().__init__(space, seed=seed, maximize=maximize)
        self.device = torch.device(device)
        policy_seed = int(np.random.SeedSequence(seed).spawn(1)[0].generate_state(1)[0])
        self.policy = make_policy(policy, space.initial_output(), policy_seed).to(self.device)
        self.latent_dim = check_policy(self.policy, space.output_shape, self.device)
        # a policy with a latent input learns its spread by comparing latents: several per batch
        latents = self.latent_dim > 0
        n_pairs = (1 if latents else 2) if n_pairs is None else n_pairs
        n_outputs = (LATENTS_PER_BATCH if latents else 1) if n_outputs is None else n_outputs
        self.estimator = OutputEstimator(sigma=sigma, n_pairs=n_pairs, antithetic=antithetic,
                                         noise=noise, shaping=shaping)
        self.n_outputs = as_count(n_outputs, "n_outputs")
        lr = 0.3 if lr is None else lr
        if not (isinstance(lr, int | float) and np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        if output_bound is not None and not output_bound > 0:
            raise ValueError(f"output_bound must be positive or None, got {output_bound}")
        self.output_bound = output_bound
        self.parts = make_parts(parts, space)
        self._vector = isinstance(self.policy, OutputVector)
        # a network's step is rescaled onto the output (GradientStep): Adam only gives the direction
        torch_lr = float(lr) * sigma if self._vector else NETWORK_DIRECTION_LR
        self.torch_optimizer = torch_optimizer(self.policy.parameters(), lr=torch_lr)
        self.control = StepControl(sigma=float(sigma), lr=float(lr),
                                   move_step=space.natural_step * sigma)
        self.elite = Elite(accept_equal=bool(accept_equal))
        self._popsize = self.n_outputs * self.estimator.n_samples
        offset = getattr(self.policy, "offset", None)
        self._offset: nn.Parameter | None = offset if isinstance(offset, nn.Parameter) else None
        self._output_view = self._view_of_output()
        self._generator = next((p for p in self.parts if isinstance(p, GeneratorStep)), None)
        positions = space.position_outputs()
        self.has_positions = bool(positions.any())
        self.sign_outputs = space.sign_outputs()
        bounded = space.bounded_outputs()
        self._bounded = torch.as_tensor(bounded, device=self.device).reshape(
            space.output_shape)
        self._all_bounded = bool(bounded.all())
        self._any_bounded = bool(bounded.any())
        self._ask_parts = sorted(self.parts, key=lambda p: getattr(p, "ask_order", 1))
        for part in self.parts:
            part.attach(self)

    @property
    def sigma(self) -> float:
        """The output noise; with the generator engine, its global scale."""
        if self._generator is not None and self._generator.sigma is not None:
            return self._generator.sigma
        return self.control.sigma

    @property
    def rng(self) -> np.random.Generator:
        return self._rng

    @property
    def popsize(self) -> int:
        """The most the next ask returns: an OVLR batch (mean and polish asks return fewer), or
        the generator engine's current population (it grows with its restarts)."""
        if self._generator is not None:
            return self._generator.popsize(self)
        return int(self._popsize)

    # ------------------------------------------------------------------ policy, for the parts
    def pending_samples(self) -> int:
        """OVLR batches asked and not told yet (several asks outstanding: a pool of workers)."""
        return sum(isinstance(memo, SampleAsk) for _, memo in self._pending.values())

    def policy_outputs(self, latent: torch.Tensor) -> torch.Tensor:
        """The policy's outputs; a network's confidence outputs squashed into the bound."""
        outputs = self.policy(latent)
        if self.output_bound is not None and self._any_bounded and not self._vector:
            bound = self.output_bound * self.control.sigma
            squashed = bound * torch.tanh(outputs / bound)
            outputs = squashed if self._all_bounded else torch.where(
                self._bounded, squashed, outputs)
        return outputs

    def latent(self, n: int) -> torch.Tensor:
        latent = self._rng.standard_normal((n, self.latent_dim), dtype=np.float32)
        return torch.from_numpy(latent).to(self.device)

    def mean_output(self) -> np.ndarray:
        """The policy's output at the mean latent (zero), shape ``(1, *output_shape)``."""
        with torch.no_grad():
            outputs = self.policy_outputs(torch.zeros(1, self.latent_dim, device=self.device))
        return outputs.detach().cpu().numpy().astype(float)

    @property
    def has_learnable_output(self) -> bool:
        """Whether the policy has an additive output term (``offset``: the vector policy's
        output, a network's output offset) through which parts can edit its mean output."""
        return self._offset is not None

    @property
    def vector_policy(self) -> bool:
        return self._vector

    def learnable_output(self) -> np.ndarray | None:
        """The policy's mean output as numpy (read only); None without an offset."""
        if self._offset is None:
            return None
        if self._output_view is not None:
            return self._output_view
        return self.mean_output()[0]

    def edit_output(self) -> np.ndarray:
        """The policy's mean output as a numpy array to edit in place; for the vector policy on
        the CPU a view of the parameter (the parts touch single outputs once per move, where
        torch ops cost more than the work), else a copy that :meth:`commit_output` writes back
        through the offset."""
        if self._output_view is not None:
            return self._output_view
        assert self._offset is not None, "the policy has no offset to edit"
        return self.mean_output()[0].astype(np.float32)

    def commit_output(self, values: np.ndarray) -> None:
        """Move the offset so that the mean output becomes ``values`` (nothing to do for the
        CPU view). A network's squashed confidences are unsquashed first."""
        if values is self._output_view or self._offset is None:
            return
        target = torch.as_tensor(values, dtype=torch.float32, device=self.device)
        with torch.no_grad():
            if self._vector:
                self._offset.copy_(target)
                return
            current = self.policy_outputs(torch.zeros(1, self.latent_dim, device=self.device))[0]
            self._offset.add_(self._unsquash(target) - self._unsquash(current))

    def _unsquash(self, outputs: torch.Tensor) -> torch.Tensor:
        if self.output_bound is None or not self._any_bounded:
            return outputs
        bound = self.output_bound * self.control.sigma
        inner = bound * torch.atanh((outputs / bound).clamp(-1 + 1e-6, 1 - 1e-6))
        return inner if self._all_bounded else torch.where(self._bounded, inner, outputs)

    def clamp(self) -> None:
        """Keep the vector policy's confidence outputs within ``+-output_bound * sigma``."""
        output = self._offset
        if not self._vector or output is None or self.output_bound is None \
                or not self._any_bounded:
            return
        bound = self.output_bound * self.control.sigma
        with torch.no_grad():
            if self._all_bounded:
                output.clamp_(-bound, bound)
            else:
                output.copy_(torch.where(self._bounded, output.clamp(-bound, bound), output))

    # ------------------------------------------------------------------ ask / tell
    def _ask(self) -> tuple[np.ndarray, Ask]:
        for part in self._ask_parts:
            ask = part.propose(self)
            if isinstance(ask, GeneratorAsk):
                return ask.candidates, ask
            if ask is not None:
                return self.space.decode(ask.outputs), ask
        raise AssertionError("make_parts guarantees a part that always proposes")

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Ask) -> None:
        raise AssertionError("OVLR learns in _learn")

    def _learn(self, candidates: np.ndarray, losses: np.ndarray, memo: Ask) -> bool:
        """``losses``: +inf for non-finite scores, NaN for rows never evaluated. Every part
        observes every tell (the polish counts its moves back), learnable or not. Several moves
        asked at once are told one after the other, in the order they were proposed."""
        if isinstance(memo, MoveAsk) and len(memo.moves) > 1:
            return self._learn_moves(candidates, losses, memo)
        usable = np.isfinite(losses)
        if not usable.any() and not np.isnan(losses).all():
            warn_skipped()
        outputs = np.asarray(memo.outputs).reshape(len(candidates), *self.space.output_shape)
        # a move made for an older elite may beat this one, but a tie would walk back
        stale = isinstance(memo, MoveAsk) and memo.elite_version != self.elite.version
        outcome = self.elite.offer(candidates, outputs, losses, usable, accept_equal=not stale)
        for part in self.parts:
            part.observe(self, memo, losses, usable, outcome)
        return bool(usable.any())

    def _learn_moves(self, candidates: np.ndarray, losses: np.ndarray, memo: MoveAsk) -> bool:
        """Moves asked together, in order: those before the first that can replace the elite
        are rejected together (one observation), the others one by one."""
        stale = memo.elite_version != self.elite.version
        usable = np.isfinite(losses)
        can_replace = usable & ((losses < self.elite.loss) | (
            (losses == self.elite.loss) & self.elite.accept_equal & (not stale)))
        first = int(np.argmax(can_replace)) if can_replace.any() else len(losses)
        learned = bool(usable[:first].any())
        if first > 0:
            rejected = MoveAsk(memo.outputs[:first], memo.moves[:first], memo.sweep,
                               memo.elite_version, memo.base_loss)
            outcome = Outcome(False, False, self.elite.version)
            for part in self.parts:
                part.observe(self, rejected, losses[:first], usable[:first], outcome)
        for j in range(first, len(losses)):
            move = MoveAsk(memo.outputs[j:j + 1], memo.moves[j:j + 1], memo.sweep,
                           memo.elite_version, memo.base_loss)
            learned |= self._learn(candidates[j:j + 1], losses[j:j + 1], move)
        return learned

    def _recommend(self) -> np.ndarray:
        """The best candidate evaluated (the policy's own proposal: :meth:`policy_mode`)."""
        if self.elite.x is not None:
            return np.array(self.elite.x)
        return self.policy_mode()

    def policy_mode(self) -> np.ndarray:
        """The decoded, unperturbed output of the policy at the mean latent (zero)."""
        return self.space.decode(self.mean_output())[0]

    # ------------------------------------------------------------------ state
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_output_view"] = None  # a view of the parameter: rebuilt on the copy's own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._output_view = self._view_of_output()

    def _view_of_output(self) -> np.ndarray | None:
        """A numpy view sharing the vector policy's parameter memory (CPU only), else None."""
        if self._vector and self._offset is not None and self.device.type == "cpu":
            return self._offset.detach().numpy()
        return None

    def _state(self) -> dict[str, Any]:
        elite = self.elite
        return {
            "policy": self.policy.state_dict(),
            "torch_optimizer": self.torch_optimizer.state_dict(),
            "control": {"sigma": self.control.sigma, "lr": self.control.lr,
                        "move_step": self.control.move_step},
            "elite": {"x": None if elite.x is None else torch.from_numpy(np.array(elite.x)),
                      "output": None if elite.output is None else torch.from_numpy(
                          np.array(elite.output)),
                      "loss": elite.loss, "version": elite.version},
            "parts": [[part.name, part.state_dict()] for part in self.parts],
        }

    def _load_state(self, state: dict[str, Any]) -> None:
        names = [name for name, _ in state["parts"]]
        if names != [part.name for part in self.parts]:
            raise ValueError(f"this state was saved by OVLR with parts {names}; this optimizer "
                             f"has {[part.name for part in self.parts]}: build it with the same "
                             "parts")
        self.policy.load_state_dict(state["policy"])
        self.torch_optimizer.load_state_dict(state["torch_optimizer"])
        self.control = StepControl(**{k: float(v) for k, v in state["control"].items()})
        elite = state["elite"]
        self.elite.x = None if elite["x"] is None else elite["x"].numpy().copy()
        self.elite.output = None if elite["output"] is None else elite["output"].numpy().copy()
        self.elite.loss, self.elite.version = float(elite["loss"]), int(elite["version"])
        for part, (_, part_state) in zip(self.parts, state["parts"], strict=True):
            part.load_state_dict(part_state)

    def _memo_state(self, memo: Ask) -> dict[str, Any]:
        return ask_state(memo)

    def _memo_from_state(self, state: dict[str, Any]) -> Ask:
        return ask_from_state(state, self.device)
