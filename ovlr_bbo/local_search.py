"""Plateau local search around the best output: the polish step of the default OVLR.

When the OVLR gradient steps stop improving, OVLR sweeps the *single moves* of its space around
the best candidate seen so far, one candidate per ask, and takes the first move that is not worse
(first improvement, accepting equal values so it can cross plateaus). A move that left the value
unchanged is tabu until the next strict improvement, so the search does not walk back and forth on
a plateau; when every move is tabu the list is cleared. A sweep that accepts nothing ends the
polish.

Single moves, by space (all generic; none knows the objective):

- Binary: flip one bit.             - Integer: one coordinate one value up or down.
- Categorical: change one variable.  - Permutation: swap two positions.
- RandomKeys: swap two unequal keys. - Box: one coordinate one ``step`` up or down (output units);
  a sweep that finds nothing halves ``step``, which makes the polish a compass search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spaces import Binary, Box, Categorical, Integer, Permutation, RandomKeys, Space

__all__ = ["PlateauSearch", "single_moves", "neighbour_output"]

Move = tuple[int, int]


def single_moves(space: Space, x: np.ndarray) -> np.ndarray:
    """Every single move around candidate ``x``: rows ``(coordinate, argument)`` of an int array."""
    d = space.dimension
    if isinstance(space, Binary):
        return np.stack([np.arange(d), np.zeros(d, dtype=np.int64)], axis=1)
    if isinstance(space, RandomKeys | Permutation):
        return np.stack(np.triu_indices(d, 1), axis=1)
    if isinstance(space, Categorical):
        categories = np.arange(space.output_shape[1])[None, :]
        allowed = (categories < space.counts[:, None]) & (categories != np.asarray(x)[:, None])
        return np.stack(np.nonzero(allowed), axis=1)
    if isinstance(space, Integer | Box):
        steps = np.array([-1, 1])
        allowed = np.ones((d, 2), dtype=bool)
        if isinstance(space, Integer):
            shifted = np.asarray(x)[:, None] + steps[None, :]
            allowed = (shifted >= space.lb[:, None]) & (shifted <= space.ub[:, None])
        coordinate, which = np.nonzero(allowed)
        return np.stack([coordinate, steps[which]], axis=1)
    return np.empty((0, 2), dtype=np.int64)  # no moves defined: OVLR runs without the polish


def _move_ids(moves: np.ndarray) -> np.ndarray:
    """One integer per move (arguments are >= -1), to keep the tabu list as a set of ints."""
    return moves[:, 0].astype(np.int64) * 1_000_003 + moves[:, 1] + 1


def neighbour_output(space: Space, x: np.ndarray, y: np.ndarray, move: Move,
                     step: float) -> np.ndarray:
    """An output that decodes to candidate ``x`` (whose output is ``y``) changed by ``move``."""
    i, argument = int(move[0]), int(move[1])
    if isinstance(space, RandomKeys):
        neighbour = y.copy()
        neighbour[[i, argument]] = neighbour[[argument, i]]
        return neighbour
    if isinstance(space, Binary):  # keep the magnitudes: they carry the policy's confidence
        neighbour = y.copy()
        neighbour[i] = -neighbour[i] if neighbour[i] != 0 else 1.0
        return neighbour
    if isinstance(space, Box):
        neighbour = y.copy()
        neighbour[i] += argument * step
        return neighbour
    candidate = np.array(x)
    if isinstance(space, Permutation):
        candidate[[i, argument]] = candidate[[argument, i]]
    elif isinstance(space, Categorical):
        candidate[i] = argument
    else:  # Integer
        candidate[i] += argument
    return space.encode(candidate[None])[0]


@dataclass
class PlateauSearch:
    """Elite bookkeeping and the sweep of single moves (a plain, picklable state object)."""

    space: Space
    step: float = 0.5
    tabu: bool = True
    accept_equal: bool = True
    elite_x: np.ndarray | None = None
    elite_y: np.ndarray | None = None
    elite_loss: float = np.inf
    sweep: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    tabu_ids: set[int] = field(default_factory=set)
    sweep_accepted: bool = False
    _fixed_moves: np.ndarray | None = None  # the move set where it does not depend on the elite

    def _moves(self) -> np.ndarray:
        if isinstance(self.space, Integer | Categorical):  # their moves depend on the elite
            return single_moves(self.space, self.elite_x)
        if self._fixed_moves is None:
            self._fixed_moves = single_moves(self.space, self.elite_x)
        return self._fixed_moves

    @property
    def active(self) -> bool:
        """Whether a sweep is in progress (the next ask is a single move)."""
        return len(self.sweep) > 0

    def offer(self, candidates: np.ndarray, outputs: np.ndarray, losses: np.ndarray) -> tuple[
            bool, bool]:
        """Let the batch's best challenge the elite; return ``(improved, replaced)``."""
        best = int(np.argmin(losses))
        improved = losses[best] < self.elite_loss
        replaced = improved or (self.accept_equal and losses[best] == self.elite_loss)
        if replaced:
            self.elite_loss = float(losses[best])
            self.elite_x, self.elite_y = np.array(candidates[best]), np.array(outputs[best])
        return bool(improved), bool(replaced)

    def start(self, rng: np.random.Generator, priority: np.ndarray | None = None) -> None:
        """Begin a sweep around the elite, in random order or, with ``priority`` (one weight per
        coordinate, higher first), in a random order biased towards high-priority coordinates."""
        moves = self._moves()
        if isinstance(self.space, RandomKeys):  # swapping two equal keys changes nothing
            keys = np.asarray(self.elite_x)
            moves = moves[keys[moves[:, 0]] != keys[moves[:, 1]]]
        if self.tabu_ids:
            allowed = ~np.isin(_move_ids(moves), np.fromiter(self.tabu_ids, dtype=np.int64))
            if not allowed.any():
                self.tabu_ids.clear()
            else:
                moves = moves[allowed]
        keys = rng.gumbel(size=len(moves))  # Gumbel-top-k: a weighted random order
        if priority is not None:
            keys = keys + np.log(np.maximum(priority[moves[:, 0]], 1e-12))
        self.sweep = moves[np.argsort(keys)]  # taken from the end: the highest key first
        self.sweep_accepted = False

    def next_output(self) -> tuple[Move, np.ndarray]:
        """The next move of the sweep and the output it leads to."""
        move = (int(self.sweep[-1, 0]), int(self.sweep[-1, 1]))
        self.sweep = self.sweep[:-1]
        return move, neighbour_output(self.space, self.elite_x, self.elite_y, move, self.step)

    @property
    def compass(self) -> bool:
        """A continuous box (not random keys): its moves are steps relative to the elite, so a
        sweep outlives an accepted move and a fruitless sweep halves the step."""
        return isinstance(self.space, Box) and not isinstance(self.space, RandomKeys)

    def after_move(self, move: Move, improved: bool, replaced: bool,
                   rng: np.random.Generator, priority: np.ndarray | None = None) -> None:
        """Update tabu and sweep after a move's result was offered.

        Discrete spaces start a fresh sweep around each accepted elite. On a continuous box the
        remaining steps are as valid around the new elite, so the sweep goes on (opportunistic
        compass search, O(1) per accepted move); at its end, a sweep that accepted a move starts
        another and one that accepted none halves the step and ends the polish.
        """
        if replaced:
            self.sweep_accepted = True
            if improved:
                self.tabu_ids.clear()
            elif self.tabu:
                self.tabu_ids.add(int(_move_ids(np.array([move]))[0]))
            if not self.compass:
                self.start(rng, priority)  # a fresh sweep around the new elite
                return
        if self.active:
            return
        if self.compass and self.sweep_accepted:
            self.start(rng, priority)
            return
        self.tabu_ids.clear()  # a whole sweep without acceptance: the polish ends here
        if self.compass:
            self.step /= 2
