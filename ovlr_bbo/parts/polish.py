"""The polish: a plateau local search around the elite with the space's single moves.

When ``patience`` OVLR steps in a row did not improve, the polish sweeps the single moves of the
space (:meth:`ovlr_bbo.spaces.Space.moves`) around the elite, one candidate per ask, and takes the
first move that is not worse (first improvement, accepting equal values so it crosses plateaus).
A move that left the value unchanged is tabu until the next strict improvement, so the search does
not walk back and forth on a plateau; when every move is tabu the list is cleared.

- Spaces whose moves belong to a point (bits, integers, orderings) start a fresh sweep around
  each new elite, whoever found it; moves still out for evaluation then belong to an old elite:
  their results still count for the elite, and one that improved on its own elite is tried again
  on the new one next, so parallel workers lose little.
- Spaces with relative moves (steps on a box) keep the sweep across accepted moves (an
  opportunistic compass search); a whole sweep without acceptance halves the step
  (:class:`StepControl`), which on position outputs also halves sigma.
- A sweep that accepts nothing ends the polish; OVLR steps resume.
- Spaces with more single moves than ``max_moves`` (by default
  :data:`~ovlr_bbo.spaces.base.MAX_SWEEP_MOVES`, the pair sweeps' bound too) get no polish: a
  sweep there costs more than a run's budget, so it never ends and never hands an ask back, and
  its walk of ties and tiny improvements takes every evaluation (orderings of 500 items: 124,750
  swaps, of which a run of 10,000 evaluations tries one in twelve). OVLR's own steps, which move
  every output at once, do the work there (and the keys of such orderings are not bounded:
  :func:`~ovlr_bbo.spaces.base.ordering_keys_bounded`).

Several asks may be outstanding (a pool of workers): every ask during a sweep gets the sweep's next
move; OVLR batches still out count towards ``patience``, so the sweep starts without waiting for
them; a move that made an older elite worse goes to the back of the fresh sweep; and while the
sweep's last moves are out, the ``escape`` part kicks, as it would once they are back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..spaces.base import MAX_SWEEP_MOVES, NO_MOVES
from .base import Ask, MoveAsk, Outcome, Part, SampleAsk

if TYPE_CHECKING:
    from ..ovlr import OVLR

__all__ = ["Polish"]

#: a streak of this many rejected moves adds one move per ask (up to popsize)
REJECTIONS_PER_EXTRA_MOVE = 8


def _move_ids(moves: np.ndarray) -> np.ndarray:
    """One integer per move (arguments are >= -1), to keep the tabu list as a set of ints."""
    return moves[:, 0].astype(np.int64) * 1_000_003 + moves[:, 1] + 1


class Polish(Part):
    """Plateau local search around the elite (see the module docstring)."""

    name = "polish"
    ask_order = 1

    def __init__(self, patience: int = 2, tabu: bool = True,
                 max_moves: int | None = MAX_SWEEP_MOVES) -> None:
        if isinstance(patience, bool) or int(patience) != patience or patience < 0:
            raise ValueError(f"patience must be a whole number >= 0 of OVLR steps, got {patience}")
        if max_moves is not None and (isinstance(max_moves, bool) or int(max_moves) != max_moves
                                      or max_moves < 1):
            raise ValueError("max_moves must be a whole number >= 1 of single moves (or None: "
                             f"sweep spaces of any size), got {max_moves}")
        self.patience, self.tabu = int(patience), bool(tabu)
        self.max_moves = None if max_moves is None else int(max_moves)
        self.sweep: np.ndarray = NO_MOVES
        self.sweep_id = 0
        self.in_flight = 0
        self.accepted = False
        self.stalled = 0
        self.rejections = 0  # moves in a row that did not replace the elite
        self.fruitless_sweeps = 0  # sweeps that ended without accepting a move
        self.tabu_ids: set[int] = set()
        self._fixed_moves: np.ndarray | None = None
        #: losses of the single moves (by id) told around the point ``losses_point``
        self.move_losses: dict[int, float] = {}
        self.losses_point: np.ndarray | None = None
        #: the last deltas handed out and what they were computed from (the escape part asks
        #: for them on every ask; orderings of 500 items have 124,750 moves)
        self._deltas: tuple[tuple[int, int, int, float], np.ndarray] | None = None

    @property
    def polishing(self) -> bool:
        """Whether a sweep is under way (moves left or moves of it still out)."""
        return len(self.sweep) > 0 or self.in_flight > 0

    @property
    def closing(self) -> bool:
        """Whether every move of the sweep is out and none was accepted yet."""
        return not len(self.sweep) and self.in_flight > 0 and not self.accepted

    # ------------------------------------------------------------------ asks
    def propose(self, ovlr: OVLR) -> Ask | None:
        """The next moves of the sweep: one while moves get accepted, more (up to ``popsize``,
        less the moves already out) after a streak of rejections, where evaluating several at
        once wastes little and costs less per evaluation."""
        if not len(self.sweep):
            if not self._due(ovlr):
                return None
            self.start(ovlr)
        wanted = min(ovlr.popsize, 1 + self.rejections // REJECTIONS_PER_EXTRA_MOVE)
        count = min(len(self.sweep), max(1, wanted - self.in_flight))
        moves = self.sweep[::-1][:count]
        self.sweep = self.sweep[:len(self.sweep) - count]
        self.in_flight += count
        elite = ovlr.elite.require_output()
        outputs = np.stack([ovlr.space.apply_move(elite, (int(i), int(a)),
                                                  ovlr.control.move_step) for i, a in moves])
        return MoveAsk(outputs, moves, self.sweep_id, ovlr.elite.version, ovlr.elite.loss)

    def start(self, ovlr: OVLR) -> None:
        """A fresh sweep around the elite, in a random order biased towards the moves the parts'
        :meth:`~Part.move_priority` rank first (Gumbel-top-k)."""
        moves = self._moves(ovlr)
        if self.tabu_ids:
            allowed = ~np.isin(_move_ids(moves), np.fromiter(self.tabu_ids, dtype=np.int64))
            if allowed.any():
                moves = moves[allowed]
            else:
                self.tabu_ids.clear()
        keys = ovlr.rng.gumbel(size=len(moves))
        for part in ovlr.parts:
            priority = part.move_priority(ovlr, moves)
            if priority is not None:
                keys = keys + np.log(np.maximum(priority, 1e-12))
        self.sweep = moves[np.argsort(keys)]  # taken from the end: the highest key first
        self.sweep_id += 1
        self.in_flight = 0
        self.accepted = False

    def _moves(self, ovlr: OVLR) -> np.ndarray:
        return self.moves_around(ovlr, ovlr.elite.require_output())

    def move_deltas(self, ovlr: OVLR, moves: np.ndarray) -> np.ndarray:
        """Each move's loss minus the elite's, as told around the current elite (NaN where it
        was not)."""
        if not self._losses_hold(ovlr):
            return np.full(len(moves), np.nan)
        key = (id(moves), len(moves), len(self.move_losses), ovlr.elite.loss)
        if self._deltas is None or self._deltas[0] != key:
            told = self.move_losses
            deltas = np.array([told.get(i, np.nan) for i in _move_ids(moves).tolist()])
            self._deltas = (key, deltas - ovlr.elite.loss)
        return self._deltas[1]

    def _losses_hold(self, ovlr: OVLR) -> bool:
        """Whether the recorded move losses belong to the elite (a tie with the same point, as
        an OVLR batch often draws, keeps them)."""
        elite = ovlr.elite.x
        return self.losses_point is not None and elite is not None \
            and np.array_equal(self.losses_point, elite)

    def moves_around(self, ovlr: OVLR, output: np.ndarray) -> np.ndarray:
        """The space's single moves at ``output`` (cached where they do not depend on it)."""
        if ovlr.space.moves_depend_on_point:
            return ovlr.space.moves(output)
        if self._fixed_moves is None:
            self._fixed_moves = np.asarray(ovlr.space.moves(output), dtype=np.int64)
        return self._fixed_moves

    # ------------------------------------------------------------------ tells
    def observe(self, ovlr: OVLR, ask: Ask, losses: np.ndarray, usable: np.ndarray,
                outcome: Outcome) -> None:
        if isinstance(ask, MoveAsk):
            self._after_move(ovlr, ask, losses, outcome)
            return
        if outcome.replaced and self.polishing and not ovlr.space.relative_moves:
            self.start(ovlr)  # the sweep's moves belonged to the old elite
        if isinstance(ask, SampleAsk):
            self.stalled = 0 if outcome.improved else self.stalled + 1
            if self._due(ovlr, ovlr_batches_out=0):
                self.start(ovlr)

    def _due(self, ovlr: OVLR, ovlr_batches_out: int | None = None) -> bool:
        """Whether a sweep should start: ``patience`` OVLR batches without improvement, counting
        those still out for evaluation as such (with several asks outstanding they would only
        delay the sweep)."""
        if self.polishing or ovlr.elite.output is None:
            return False
        out = ovlr.pending_samples() if ovlr_batches_out is None else ovlr_batches_out
        return self.stalled + out >= self.patience and self.sweepable(ovlr)

    def sweepable(self, ovlr: OVLR) -> bool:
        """Whether the elite has single moves and at most ``max_moves`` of them."""
        count = ovlr.space.move_count(ovlr.elite.require_output())
        return count > 0 and (self.max_moves is None or count <= self.max_moves)

    def _after_move(self, ovlr: OVLR, ask: MoveAsk, losses: np.ndarray,
                    outcome: Outcome) -> None:
        if ask.elite_version == outcome.version_before:  # moves of the elite as it still is
            if not self._losses_hold(ovlr):
                self.move_losses, self.losses_point = {}, np.array(ovlr.elite.x)
            self._deltas = None
            self.move_losses.update(zip(_move_ids(ask.moves).tolist(), losses.tolist(),
                                        strict=True))
        current = ask.sweep == self.sweep_id
        if current:
            self.in_flight -= len(ask.moves)
        self.rejections = 0 if outcome.replaced else self.rejections + len(ask.moves)
        if not outcome.replaced:
            stale = not current or ask.elite_version != outcome.version_before
            if stale and self.polishing:
                self._transfer(ovlr, ask, losses)
        else:
            self.accepted = True
            if outcome.improved:
                self.tabu_ids.clear()
            elif self.tabu and current:
                self.tabu_ids.add(int(_move_ids(ask.moves)[0]))
            if not ovlr.space.relative_moves:
                self.start(ovlr)  # a fresh sweep around the new elite
                return
        if len(self.sweep) or self.in_flight:
            return
        if ovlr.space.relative_moves and self.accepted:
            self.start(ovlr)
            return
        self.tabu_ids.clear()  # a whole sweep without acceptance: the polish ends here
        self.stalled = 0
        self.fruitless_sweeps += 1
        ovlr.control.shrink(ovlr)

    def _transfer(self, ovlr: OVLR, ask: MoveAsk, losses: np.ndarray) -> None:
        """Moves judged on an older elite (several asks outstanding): one that improved on it is
        tried next on this one; one that made it worse goes to the back of the sweep, as it
        likely does the same here."""
        for move in ask.moves[losses < ask.base_loss]:
            self._retry(ovlr, move[None])
        worse = ask.moves[losses > ask.base_loss]
        if len(worse) and len(self.sweep):
            late = np.isin(_move_ids(self.sweep), _move_ids(worse))
            if late.any():  # the sweep is taken from its end: these come last
                self.sweep = np.concatenate([self.sweep[late], self.sweep[~late]])

    def _retry(self, ovlr: OVLR, move: np.ndarray) -> None:
        if ovlr.space.moves_depend_on_point:
            valid = ovlr.space.moves(ovlr.elite.require_output())
            if not (valid == move[0]).all(axis=1).any():
                return
        self.sweep = np.concatenate([self.sweep, move])

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        return {"patience": self.patience, "tabu": self.tabu, "max_moves": self.max_moves,
                "sweep": torch.from_numpy(np.array(self.sweep, dtype=np.int64)),
                "sweep_id": self.sweep_id, "in_flight": self.in_flight,
                "accepted": self.accepted, "stalled": self.stalled,
                "rejections": self.rejections, "fruitless_sweeps": self.fruitless_sweeps,
                "tabu_ids": sorted(self.tabu_ids),
                "losses_point": (None if self.losses_point is None
                                 else torch.from_numpy(np.array(self.losses_point))),
                "move_ids": torch.tensor(list(self.move_losses), dtype=torch.int64),
                "move_losses": torch.tensor(list(self.move_losses.values()),
                                            dtype=torch.float64)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.patience, self.tabu = int(state["patience"]), bool(state["tabu"])
        # checkpoints from before the bound swept every space
        self.max_moves = state.get("max_moves")
        self.sweep = state["sweep"].numpy().astype(np.int64).reshape(-1, 2)
        self.sweep_id, self.in_flight = int(state["sweep_id"]), int(state["in_flight"])
        self.accepted, self.stalled = bool(state["accepted"]), int(state["stalled"])
        self.rejections = int(state["rejections"])
        self.fruitless_sweeps = int(state["fruitless_sweeps"])
        self.tabu_ids = {int(i) for i in state["tabu_ids"]}
        # checkpoints from before the pair sweeps kept no move losses
        point = state.get("losses_point")
        self.losses_point = None if point is None else point.numpy().copy()
        ids, losses = state.get("move_ids"), state.get("move_losses")
        self.move_losses = ({} if ids is None or losses is None else
                            dict(zip(ids.tolist(), losses.tolist(), strict=True)))
        self._deltas = None
