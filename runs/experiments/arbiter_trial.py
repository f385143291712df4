"""Used for BENCHMARKS.md section 0.7 (fifteenth session, 2026-12-08): a trial part, not in the
library, that hands an ask to an OVLR batch whenever the batches' recent gain per evaluation
(how much they lowered the elite's loss, over an exponential window of ``window * n`` of their
own evaluations) beats the local parts' (the polish and the escape part's kicks), once the local
parts have spent ``n`` evaluations. Run on top of the default parts, as a user adds a part:

    python runs/experiments/arbiter_trial.py binpacking uniform 500 100-104 0-0 "" "{}"
    python runs/experiments/arbiter_trial.py binpacking triplet 60 100-119 0-1 "" "{}"
    python runs/experiments/arbiter_trial.py pbo 100-129 1 "" "{}" "{'window': 3}"
    python runs/experiments/arbiter_trial.py pbo 100-129 8 "" "{'share': 0.1}"

Each variant is "" (the default parts of the sixteenth session) or the trial part's settings as
a Python dict (``share``: that fraction of the asks goes to OVLR batches, whatever the rates).
With ``'stall': 1`` the trial part is ``StallShare`` instead (seventeenth session): OVLR batches
after a stall of ``after * n`` evaluations (and, with ``moves``, of that many times the elite's
single moves; with ``doubling``, of that many times the evaluations before the stall), until
they have spent ``share`` times the other parts' evaluations of the stall, e.g.

    python runs/experiments/arbiter_trial.py binpacking triplet 60 100-119 0-0 \
        "{'stall':1,'after':16,'moves':1,'share':3}"

(``ties: False`` needs the temporary edit of ``OVLR._learn`` described in BENCHMARKS.md.)
Binpacking: family, items, generator seeds (tuning ones), optimizer seeds; 10,000 evaluations,
keys:fill, runs at the optimum (triplets) or at L2 (uniform). PBO: the seed's five problems,
instance 2, n = 32, 512 evaluations, k asks outstanding (the third argument), runs that found
the optimum (as ``ovlr-bbo parallel``).
"""

from __future__ import annotations

import ast
import math
import sys
import time
from dataclasses import dataclass
from typing import Any

import ioh
import numpy as np

from ovlr_bbo.bench.parallel import PROBLEMS, run_with_outstanding
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.parts.base import KickAsk, MeanAsk, Part, SampleAsk
from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance
from ovlr_bbo.problems.binpacking_ioh import binpacking
from ovlr_bbo.spaces import Binary

DEFAULT = ["mean_first", "gradient", "elitist", "guided", "polish", "escape"]


class Arbiter(Part):
    """Asks go to OVLR batches while their gain per evaluation beats the local parts'."""

    name = "arbiter"
    ask_order = 0.5  # before the polish and the escape part

    def __init__(self, window: float = 10.0, share: float = 0.0) -> None:
        self.window, self.share = float(window), float(share)
        self.credit = 0.0  # with ``share``: that fraction of the asks goes to batches instead
        self.gain = {"batch": 0.0, "local": 0.0}
        self.spent = {"batch": 0.0, "local": 0.0}
        self.local_evaluations = 0
        self.before = math.inf

    def _rate(self, source: str) -> float:
        return self.gain[source] / self.spent[source] if self.spent[source] > 0 else 0.0

    def propose(self, ovlr: Any) -> Any:
        if ovlr.elite.output is None or self.local_evaluations < ovlr.space.output_size:
            return None
        if self.share:
            self.credit += self.share
            if self.credit < 1:
                return None
            self.credit -= 1
        elif self._rate("batch") <= self._rate("local"):
            return None
        return next(p for p in ovlr.parts if p.name == "gradient").propose(ovlr)

    def observe(self, ovlr: Any, ask: Any, losses: np.ndarray, usable: np.ndarray,
                outcome: Any) -> None:
        source = "batch" if isinstance(ask, SampleAsk | MeanAsk) else "local"
        spent = int(np.count_nonzero(~np.isnan(losses)))
        after = ovlr.elite.loss
        gain = self.before - after if math.isfinite(self.before) and after < self.before else 0.0
        self.before = after
        keep = (1 - 1 / (self.window * ovlr.space.output_size)) ** spent
        self.gain[source] = keep * self.gain[source] + gain
        self.spent[source] = keep * self.spent[source] + spent
        if source == "local":
            self.local_evaluations += spent


@dataclass(frozen=True)
class UntiedSample(SampleAsk):
    """A batch whose ties do not replace the elite (a temporary edit of ``OVLR._learn`` reads
    ``no_ties``)."""

    no_ties: bool = True


@dataclass(frozen=True)
class StallKick(KickAsk):
    """A kick asked by ``StallShare`` (counted with its share)."""


class StallShare(Part):
    """Once no part has improved the elite strictly for ``after * n`` evaluations, OVLR
    batches get asks until they have spent as many evaluations in this stall as the other
    parts (``share`` of them: 1.0 is an equal share)."""

    name = "stall_share"
    ask_order = 0.5

    def __init__(self, after: float = 16.0, share: float = 1.0, ties: bool = True,
                 doubling: float = 0.0, moves: float = 0.0, walks_only: bool = False,
                 kicks: bool = False) -> None:
        self.after, self.share, self.ties = float(after), float(share), bool(ties)
        self.moves = float(moves)  # also wait for this many times the elite's single moves
        self.walks_only = bool(walks_only)  # a fruitless sweep (a confirmed local optimum,
        # the escape part's turn) restarts the count: only walks of ties count
        self.seen_sweeps = 0
        self.kicks = bool(kicks)  # the escape part's kicks instead of OVLR batches
        self.doubling = float(doubling)  # also wait until the stall is this times as long as
        # the run before it
        self.spent = {"batch": 0, "local": 0}
        self.evaluations = self.stall_start = 0

    def propose(self, ovlr: Any) -> Any:
        if ovlr.elite.output is None:
            return None
        stall = self.spent["batch"] + self.spent["local"]
        wait = max(self.after * ovlr.space.dimension, self.doubling * self.stall_start)
        if self.moves:
            wait = max(wait, self.moves * ovlr.space.move_count(ovlr.elite.require_output()))
        if stall < wait or self.spent["batch"] >= self.share * self.spent["local"]:
            return None
        if self.kicks:
            return self._kick(ovlr)
        ask = next(p for p in ovlr.parts if p.name == "gradient").propose(ovlr)
        return ask if self.ties else UntiedSample(ask.outputs, ask.latent, ask.eps, ask.sigma)

    @staticmethod
    def _kick(ovlr: Any) -> Any:
        """One kick of the escape part's law (``k`` random single moves at once)."""
        escape = next(p for p in ovlr.parts if p.name == "escape")
        elite = ovlr.elite.require_output()
        moves = escape.polish.moves_around(ovlr, elite)
        size = escape._size(ovlr, len(moves))
        which = ovlr.rng.permutation(len(moves))[:size]
        output = ovlr.space.apply_moves(elite, moves[which], ovlr.control.move_step)
        return StallKick(output[None], (size,), ovlr.elite.loss)

    def observe(self, ovlr: Any, ask: Any, losses: np.ndarray, usable: np.ndarray,
                outcome: Any) -> None:
        spent = int(np.count_nonzero(~np.isnan(losses)))
        self.evaluations += spent
        sweeps = next(p for p in ovlr.parts if p.name == "polish").fruitless_sweeps
        fruitless, self.seen_sweeps = sweeps > self.seen_sweeps, sweeps
        if outcome.improved or (self.walks_only and fruitless):
            self.spent = {"batch": 0, "local": 0}
            self.stall_start = self.evaluations
            return
        source = "batch" if isinstance(ask, SampleAsk | MeanAsk | StallKick) else "local"
        self.spent[source] += spent


def parts(variant: str) -> list[Any]:
    if not variant:
        return DEFAULT
    settings = ast.literal_eval(variant)
    kind = StallShare if settings.pop("stall", False) else Arbiter
    return [kind(**settings), *DEFAULT]


def span(text: str) -> range:
    low, high = map(int, text.split("-"))
    return range(low, high + 1)


def binpacking_row(family: str, items: int, instances: range, seeds: range,
                   variant: str) -> str:
    family, _, decoder = family.partition(":")  # e.g. "triplet:first_fit"; "fill" by default
    make = {"triplet": triplet_instance, "uniform": uniform_instance}[family]
    gaps, used, start = [], [], time.time()
    for generator_seed in instances:
        instance = make(items, generator_seed)
        packing = binpacking(instance, "keys", decoder or "fill")
        problem, space = packing.problem, packing.space
        for seed in seeds:
            optimizer = make_optimizer("ovlr", space, seed=seed, budget=10_000,
                                       parts=parts(variant))
            best, spent = math.inf, 0
            while spent < 10_000 and best >= instance.lower_bound + 1:
                candidates = optimizer.ask()
                losses = problem.objective(np.clip(candidates, 0, 1))
                n = min(len(losses), 10_000 - spent)
                best, spent = min(best, float(losses[:n].min())), spent + n
                if n == len(losses):  # the batch that crosses the budget is not told
                    optimizer.tell(candidates, losses)
            gaps.append(math.floor(best) - instance.lower_bound)
            used.append(spent)
    gap = np.array(gaps)
    return (f"{family}{items} {variant or 'default'}: mean gap {gap.mean():.2f}, "
            f"{np.sum(gap == 0)}/{gap.size} at the optimum, {np.mean(used):.0f} evaluations, "
            f"{time.time() - start:.0f} s")


def pbo_row(seeds: range, outstanding: int, variant: str) -> str:
    solved = []
    for fid in PROBLEMS:
        count = 0
        for seed in seeds:
            problem = ioh.get_problem(fid, 2, 32, ioh.ProblemClass.PBO)
            optimizer = make_optimizer("ovlr", Binary(32), seed=seed, maximize=True, budget=512,
                                       parts=parts(variant))
            run_with_outstanding(optimizer, problem, 512, outstanding)
            count += int(problem.state.optimum_found)
        solved.append(count)
    return (f"pbo k = {outstanding} {variant or 'default'}: "
            f"{dict(zip(PROBLEMS, solved, strict=True))} {sum(solved)}")


def main(argv: list[str]) -> None:
    if argv[0] == "binpacking":
        family, items, instances, seeds = argv[1], int(argv[2]), span(argv[3]), span(argv[4])
        for variant in argv[5:]:
            print(binpacking_row(family, items, instances, seeds, variant), flush=True)
    else:
        for variant in argv[3:]:
            print(pbo_row(span(argv[1]), int(argv[2]), variant), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
