"""Escape from a local optimum: heavy-tailed kicks once the polish has confirmed one.

When a polish sweep ends without accepting a move, the elite is a local optimum of the space's
single moves; sweeping the same moves again (after OVLR steps that rarely move a confident
policy) mostly re-confirms it. From then on every ask the polish does not claim is a *kick*: the
elite changed by ``k`` distinct single moves, ``k`` drawn with ``P(k) ~ k^-exponent`` on
``2 .. max(2, dimension / 2)`` (the fast GA's heavy-tailed law; ``1 ..`` once a kick moved the
elite and it was not swept yet). After a streak of kicks that did not replace the elite, an ask
holds several (one more per ``REJECTIONS_PER_EXTRA_MOVE`` rejections, up to ``popsize``), as the
polish batches its moves: the best of them challenges the elite. A kick not worse than the
elite replaces it; a strictly better one starts a polish sweep around it, a tie keeps kicking from
there (a walk on the plateau).

Four operators share the asks: plain kicks, iterated-local-search trials (:mod:`.trial`), pair
sweeps (:mod:`.pairs`) and *guided kicks*: a kick whose ``k`` moves are the ``k`` least-worse
single moves as the polish told them around this elite (ties at random), so that moves which each
cost a little are tried together (OneMax with ruggedness 3 and the epistatic W-model problems,
whose next level is several individually worse flips away). Each ask goes to the operator with
the highest rate of improvements of the elite per evaluation so far, each starting from one
improvement in ``dimension`` evaluations; ties go to kicks, then trials, pairs, guided kicks. A
pair sweep is offered once per elite, on spaces small enough for one
(:data:`~.pairs.MAX_PAIRS`); guided kicks where the polish told at least two moves around the
elite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .base import Ask, KickAsk, Outcome, Part, TrialAsk
from .pairs import MAX_PAIRS, PairSweep, pair_count
from .polish import REJECTIONS_PER_EXTRA_MOVE, Polish
from .trial import Trial

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["Escape"]

KICK, TRIAL, PAIRS, GUIDED = 0, 1, 2, 3  # the operators, rows of Escape.record


class Escape(Part):
    """Kicks after a fruitless sweep (see the module docstring); needs the ``polish`` part."""

    name = "escape"
    ask_order = 1.5  # after the polish, before the OVLR step

    def __init__(self, exponent: float = 1.5, trials: bool = True, pairs: bool = True,
                 guided: bool = True) -> None:
        if not exponent > 0:
            raise ValueError(f"exponent must be positive, got {exponent}")
        self.exponent, self.trials, self.pairs = float(exponent), bool(trials), bool(pairs)
        self.guided = bool(guided)
        self.trial: Trial | None = None
        self.trial_count = 0
        self.pair_sweep: PairSweep | None = None
        self.swept_version = -1  # the elite whose pairs were all tried
        #: per operator (kick, trial, pair sweep, guided kick): improvements of the elite and
        #: evaluations spent
        self.record = np.zeros((4, 2))
        self.kicking = False
        self.confirmed = False  # the elite is a confirmed local optimum of single moves
        self.seen_sweeps = 0
        self.rejections = 0  # kicks in a row that did not replace the elite
        self._cdfs: dict[tuple[int, int], np.ndarray] = {}

    @staticmethod
    def _polish(ovlr: OVLR) -> Polish:
        for part in ovlr.parts:
            if isinstance(part, Polish):
                return part
        raise ValueError("the 'escape' part needs the 'polish' part")

    def attach(self, ovlr: OVLR) -> None:
        self.polish = self._polish(ovlr)  # fails loudly at construction

    def propose(self, ovlr: OVLR) -> Ask | None:
        polish = self.polish
        if polish.fruitless_sweeps > self.seen_sweeps:
            self.seen_sweeps = polish.fruitless_sweeps
            self.kicking, self.confirmed = True, True
        # the sweep's last moves are still out: a sweep that found nothing so far goes on
        # to kicks, as it would once they are back (several asks outstanding)
        closing = polish.closing
        if not (self.kicking or closing) or (polish.polishing and not closing) \
                or ovlr.elite.output is None:
            return None
        elite = ovlr.elite.require_output()
        moves = polish.moves_around(ovlr, elite)
        if len(moves) == 0:
            return None
        count = min(ovlr.popsize, 1 + self.rejections // REJECTIONS_PER_EXTRA_MOVE)
        if self.trial is not None:
            ask = self.trial.propose(ovlr, count)
            if ask is not None:
                return ask  # else: the trial's last moves are out; kick meanwhile
        deltas = polish.move_deltas(ovlr, moves)
        operator = self._next_operator(ovlr, moves, deltas)
        if operator == PAIRS:
            sweep = self.pair_sweep
            if sweep is None or sweep.version != ovlr.elite.version:
                sweep = self.pair_sweep = PairSweep.around(ovlr, moves, deltas)
            outputs = sweep.propose(ovlr, moves, count)
            if sweep.over:
                self.pair_sweep, self.swept_version = None, ovlr.elite.version
            return KickAsk(outputs, (2,) * len(outputs), ovlr.elite.loss, pairs=True)
        starts_trial, guided = operator == TRIAL, operator == GUIDED
        sizes = tuple(self._size(ovlr, len(moves)) for _ in range(1 if starts_trial else count))
        chosen = [self._least_worse(ovlr, deltas, size) if guided
                  else ovlr.rng.permutation(len(moves))[:size] for size in sizes]
        outputs = np.stack([ovlr.space.apply_moves(elite, moves[which], ovlr.control.move_step)
                            for which in chosen])
        return KickAsk(outputs, sizes, ovlr.elite.loss, starts_trial, guided=guided)

    @staticmethod
    def _least_worse(ovlr: OVLR, deltas: np.ndarray, size: int) -> np.ndarray:
        """The ``size`` moves whose single-move losses around the elite were the least worse
        (ties in random order; moves not told last)."""
        shuffled = ovlr.rng.permutation(len(deltas))
        keys = np.nan_to_num(deltas[shuffled], nan=np.inf)
        return shuffled[np.argsort(keys, kind="stable")[:size]]

    def _next_operator(self, ovlr: OVLR, moves: np.ndarray, deltas: np.ndarray) -> int:
        """The operator for the next ask (module docstring): the highest rate of improvements
        per evaluation among those available, ties to the first."""
        prior = ovlr.space.dimension
        rates = (self.record[:, 0] + 1) / (self.record[:, 1] + prior)
        if not self.trials or self.trial is not None:  # a trial's last moves are still out
            rates[TRIAL] = -1.0
        if not self.pairs or self.swept_version == ovlr.elite.version \
                or pair_count(moves) > MAX_PAIRS:
            rates[PAIRS] = -1.0
        if not self.guided or np.isfinite(deltas).sum() < 2:
            rates[GUIDED] = -1.0
        return int(np.argmax(rates))

    def _size(self, ovlr: OVLR, n_moves: int) -> int:
        """A kick size from ``P(k) ~ k^-exponent`` (its distribution is cached per range)."""
        smallest = 2 if self.confirmed else 1
        largest = max(smallest, min(n_moves, ovlr.space.dimension // 2))
        cdf = self._cdfs.get((smallest, largest))
        if cdf is None:
            weights = np.arange(smallest, largest + 1, dtype=float) ** -self.exponent
            cdf = self._cdfs[(smallest, largest)] = np.cumsum(weights / weights.sum())
        index = min(int(np.searchsorted(cdf, ovlr.rng.random(), side="right")), len(cdf) - 1)
        return smallest + index

    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if isinstance(ask, TrialAsk):
            self._count(1, usable, outcome)
            if not outcome.replaced and self.trial is not None:
                if self.trial.observe(ask, losses):
                    self.trial.restart(ovlr, self.polish.moves_around(ovlr, self.trial.centre))
                elif self.trial.over:
                    self.trial = None  # a local optimum worse than the elite
                return
        elif isinstance(ask, KickAsk):
            operator = PAIRS if ask.pairs else GUIDED if ask.guided else int(ask.starts_trial)
            self._count(operator, usable, outcome)
            self.rejections = 0 if outcome.replaced else self.rejections + len(ask.sizes)
            if not outcome.replaced:
                if ask.starts_trial and self.trial is None and usable.any():
                    best = int(np.argmin(np.where(usable, losses, np.inf)))
                    self.trial_count += 1
                    self.trial = Trial(self.trial_count, np.array(ask.outputs[best]),
                                       float(losses[best]))
                    self.trial.restart(ovlr, self.polish.moves_around(ovlr, self.trial.centre))
                return
        else:
            return
        self.trial, self.confirmed = None, False
        if outcome.improved:
            self.polish.start(ovlr)  # a sweep around the better point

    def _count(self, operator: int, usable: np.ndarray, outcome: Outcome) -> None:
        self.record[operator] += (float(outcome.improved), float(usable.sum()))

    def state_dict(self) -> dict[str, Any]:
        return {"exponent": self.exponent, "kicking": self.kicking, "confirmed": self.confirmed,
                "seen_sweeps": self.seen_sweeps, "rejections": self.rejections,
                "trials": self.trials, "trial_count": self.trial_count,
                "pairs": self.pairs, "swept_version": self.swept_version,
                "guided": self.guided,
                "pair_sweep": None if self.pair_sweep is None else self.pair_sweep.state_dict(),
                "record": torch.from_numpy(self.record.copy()),
                "trial": None if self.trial is None else self.trial.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.exponent = float(state["exponent"])
        self.kicking, self.confirmed = bool(state["kicking"]), bool(state["confirmed"])
        self.seen_sweeps = int(state["seen_sweeps"])
        self.rejections = int(state["rejections"])
        self.trials, self.trial_count = bool(state["trials"]), int(state["trial_count"])
        record = state["record"].numpy()
        self.record = np.zeros((4, 2))
        self.record[:len(record)] = record  # older checkpoints: fewer operators
        # checkpoints from before pair sweeps: the escape then had none
        self.pairs = bool(state.get("pairs", False))
        self.guided = bool(state.get("guided", False))
        self.swept_version = int(state.get("swept_version", -1))
        sweep = state.get("pair_sweep")
        self.pair_sweep = None if sweep is None else PairSweep.from_state(sweep)
        self.trial = None if state["trial"] is None else Trial.from_state(state["trial"])
