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
- RandomKeys: swap two keys.        - Box: one coordinate one ``step`` up or down (output units);
  a sweep that finds nothing halves ``step``, which makes the polish a compass search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spaces import Binary, Box, Categorical, Integer, Permutation, RandomKeys, Space

__all__ = ["PlateauSearch", "single_moves", "neighbour_output"]

Move = tuple[int, int]


def single_moves(space: Space, x: np.ndarray) -> list[Move]:
    """Every single move around candidate ``x``, as ``(coordinate, argument)`` pairs."""
    d = space.dimension
    if isinstance(space, Binary):
        return [(i, 0) for i in range(d)]
    if isinstance(space, RandomKeys | Permutation):
        return [(i, j) for i in range(d) for j in range(i + 1, d)]
    if isinstance(space, Categorical):
        return [(i, c) for i in range(d) for c in range(int(space.counts[i])) if c != x[i]]
    if isinstance(space, Integer):
        return [(i, s) for i in range(d) for s in (-1, 1) if space.lb[i] <= x[i] + s <= space.ub[i]]
    if isinstance(space, Box):
        return [(i, s) for i in range(d) for s in (-1, 1)]
    return []  # a space of another kind defines no moves: OVLR then runs without the polish


def neighbour_output(space: Space, x: np.ndarray, y: np.ndarray, move: Move,
                     step: float) -> np.ndarray:
    """An output that decodes to candidate ``x`` (whose output is ``y``) changed by ``move``."""
    i, argument = move
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
    sweep: list[Move] = field(default_factory=list)
    tabu_moves: set[Move] = field(default_factory=set)
    sweep_accepted: bool = False

    @property
    def active(self) -> bool:
        """Whether a sweep is in progress (the next ask is a single move)."""
        return bool(self.sweep)

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
        moves = [m for m in single_moves(self.space, self.elite_x) if m not in self.tabu_moves]
        if not moves and self.tabu_moves:
            self.tabu_moves.clear()
            moves = single_moves(self.space, self.elite_x)
        keys = rng.gumbel(size=len(moves))  # Gumbel-top-k: a weighted random order
        if priority is not None:
            keys = keys + np.log(np.maximum(priority[[i for i, _ in moves]], 1e-12))
        self.sweep = [moves[k] for k in np.argsort(keys)]  # popped from the end: highest last
        self.sweep_accepted = False

    def next_output(self) -> tuple[Move, np.ndarray]:
        """The next move of the sweep and the output it leads to."""
        move = self.sweep.pop()
        return move, neighbour_output(self.space, self.elite_x, self.elite_y, move, self.step)

    def after_move(self, move: Move, improved: bool, replaced: bool,
                   rng: np.random.Generator, priority: np.ndarray | None = None) -> None:
        """Update tabu and sweep after a move's result was offered."""
        if replaced:
            self.sweep_accepted = True
            if improved:
                self.tabu_moves.clear()
            elif self.tabu:
                self.tabu_moves.add(move)
            self.start(rng, priority)  # a fresh sweep around the new elite
            return
        if not self.sweep:  # a whole sweep without acceptance: the polish ends here
            self.tabu_moves.clear()
            if isinstance(self.space, Box) and not isinstance(self.space, RandomKeys):
                self.step /= 2
