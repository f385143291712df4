"""What the parts of OVLR share: the ask records, the elite, the step control and the interface.

An OVLR ask is proposed by exactly one part and recorded in a typed record (:class:`MeanAsk`,
:class:`SampleAsk`, :class:`MoveAsk`); the record comes back with the losses at the tell, which
goes first to the :class:`Elite` (the best candidate and its output) and then to every part's
:meth:`Part.observe`. :class:`StepControl` is the one place that owns sigma, the learning rate
and the size of position moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["MeanAsk", "SampleAsk", "MoveAsk", "GeneratorAsk", "KickAsk", "TrialAsk", "Ask",
           "Outcome", "Elite", "StepControl", "Part"]


@dataclass(frozen=True)
class MeanAsk:
    """The policy's unperturbed output at the mean latent (one candidate)."""

    outputs: np.ndarray


@dataclass(frozen=True)
class SampleAsk:
    """An OVLR batch: latents, their output noise and the sigma it was drawn with."""

    outputs: np.ndarray
    latent: torch.Tensor
    eps: torch.Tensor
    sigma: float


@dataclass(frozen=True)
class MoveAsk:
    """Single moves around the elite of version ``elite_version`` (one candidate per move)."""

    outputs: np.ndarray
    moves: np.ndarray
    sweep: int
    elite_version: int
    base_loss: float


@dataclass(frozen=True)
class GeneratorAsk:
    """A batch of the generator engine: its outputs, and its candidates exactly as the engine
    made them (they are told back to it)."""

    outputs: np.ndarray
    candidates: np.ndarray


@dataclass(frozen=True)
class KickAsk:
    """The elite changed by ``sizes[j]`` single moves at once (candidate ``j``): random moves,
    or the next pairs of a pair sweep (``pairs``)."""

    outputs: np.ndarray
    sizes: tuple[int, ...]
    base_loss: float
    starts_trial: bool = False
    pairs: bool = False
    guided: bool = False  # the least-worse single moves (Escape._least_worse), not random ones


@dataclass(frozen=True)
class TrialAsk:
    """Single moves around the point of an iterated-local-search trial (not the elite), whose
    loss was ``base_loss``; ``trial`` numbers the trial."""

    outputs: np.ndarray
    moves: np.ndarray
    trial: int
    base_loss: float


Ask = MeanAsk | SampleAsk | MoveAsk | GeneratorAsk | KickAsk | TrialAsk


@dataclass(frozen=True)
class Outcome:
    """What a tell did to the elite: strictly better (``improved``), replaced by a candidate not
    worse (``replaced``), and the elite version the batch was told against."""

    improved: bool
    replaced: bool
    version_before: int


@dataclass
class Elite:
    """The best candidate told (ties go to the newest when ``accept_equal``) and its output."""

    accept_equal: bool = True
    x: np.ndarray | None = None
    output: np.ndarray | None = None
    loss: float = np.inf
    version: int = 0

    def require_output(self) -> np.ndarray:
        """The elite's output (parts ask for it only once a candidate was told)."""
        assert self.output is not None, "no elite yet"
        return self.output

    def offer(self, candidates: np.ndarray, outputs: np.ndarray, losses: np.ndarray,
              usable: np.ndarray, accept_equal: bool = True) -> Outcome:
        """Let the batch's best usable (evaluated, finite) row challenge the elite; a tie
        replaces it only where ``accept_equal`` here and in the elite's rule."""
        before = self.version
        if len(losses) == 1:  # a single move: the common case, kept cheap
            if not usable[0]:
                return Outcome(False, False, before)
            best = 0
        elif not usable.any():
            return Outcome(False, False, before)
        else:
            best = int(np.argmin(np.where(usable, losses, np.inf)))
        improved = bool(losses[best] < self.loss)
        tie = self.accept_equal and accept_equal and bool(losses[best] == self.loss)
        replaced = improved or tie
        if replaced:
            self.loss = float(losses[best])
            self.x, self.output = np.array(candidates[best]), np.array(outputs[best])
            self.version += 1
        return Outcome(improved, replaced, before)


@dataclass
class StepControl:
    """Sigma (output noise), the torch optimizer's step ``lr * sigma`` and the size of position
    moves. On spaces with position outputs a fruitless polish sweep halves the move and sigma
    follows it (``sigma = 2 * move_step``): a compass search whose noise shrinks with it."""

    sigma: float
    lr: float
    move_step: float

    def shrink(self, ovlr: OVLR) -> None:
        """A whole sweep found nothing: halve the move; on positions, sigma follows."""
        self.move_step /= 2
        if ovlr.has_positions:
            self.sigma = 2 * self.move_step
            for group in ovlr.torch_optimizer.param_groups:
                group["lr"] = self.lr * self.sigma


class Part:
    """One behaviour of OVLR. :meth:`propose` may claim an ask (return a record; parts are asked
    in order, the first record wins), :meth:`observe` sees every tell after the elite did."""

    #: the name a configuration uses for this part
    name: str = ""

    def attach(self, ovlr: OVLR) -> None:
        """Called once when the optimizer is built (parts that need the space start here)."""
        return None

    def propose(self, ovlr: OVLR) -> Ask | None:
        return None

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        return None

    def move_priority(self, ovlr: OVLR, moves: np.ndarray) -> np.ndarray | None:
        """Weights (higher first) for the polish's order of ``moves``, or None."""
        return None

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        return None
