"""When a run of the generator engine (:mod:`ovlr_bbo.generator_search`) stops and restarts.

A run stops (:func:`stop_reason`) when

- ``tol_x``: its spread is below ``tol_x`` (standardized units; the Frobenius norm of
  ``sigma A`` bounds the largest scale, cheap and conservative);
- ``tol_fun``: its generation-best losses over the last ``10 + 30 d / lambda`` generations span at
  most ``tol_fun`` times ``min(1, |best|)`` (absolute for losses of magnitude 1 and more, relative
  below, so that a run towards an optimum of 0 goes on to 1e-20);
- ``stagnation``: pycma's ``tolstagnation`` (pycma 4.5, ``_update_stop``): with
  ``T = 100 + 100 d^1.5 / lambda`` generations, every fifth generation's best and median loss are
  sampled; the run has stagnated when it is older than ``d (5 + 100 / lambda)`` generations, its
  best is more than ``T / 2`` generations old, more than 100 samples exist and, over windows of
  ``l = max(T / 10, samples / 10)`` samples, neither the median of the sampled medians nor that
  of the sampled bests of the latest window is better than the window before it. (An earlier rule,
  the generation-best median over ``50 + 50 d^1.5 / lambda`` generations, ended every run on BBOB's
  Katsuura after 53-173 generations: 0 of 15 solved at d = 5 against pycma's 9.)
- ``condition``: the shape's condition number passes ``max_condition`` (1e7: pycma's 1e14 on C);
- ``creep``: pycma's ``tolupsigma`` (``sigma / sigma0 > 1e20 sqrt(max eig C)``), transposed: the
  run's CSA log changes of sigma (pycma's sigma) less the log scale a rank-mu update would have
  given C (``-eta_A/2 tr(N)/d`` a generation, which (G6) removes from A) exceed ``ln 1e20`` plus
  the log of A's largest scale. Under CSA it ends runs that creep along a valley, where CSA would
  grow sigma and the ranking shrink it (BBOB's Griewank-Rosenbrock f19 at d = 5, instance 2,
  seed 0: a lambda = 8 run of 3,875 generations without it, 2,093 with it;
  ``runs/experiments/restart_log.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from .generator import LinearGenerator

__all__ = ["Run", "stop_reason", "stagnated", "next_run", "generation_median"]

#: pycma samples its long best and median histories every fifth generation
SAMPLE_EVERY = 5
#: the longest history a run keeps of its generation-best losses (tol_fun looks at far fewer)
RECENT = 2000
#: the most samples kept (pycma keeps 20,000)
SAMPLES = 20000
#: pycma's tolupsigma, 1e20, as a log
LOG_TOL_UP_SIGMA = math.log(1e20)


@dataclass
class Run:
    """Bookkeeping of one run between restarts."""

    index: int
    popsize: int
    regime: str
    generations: int = 0
    history: list[float] = field(default_factory=list)  # generation-best losses, the latest
    sampled_best: list[float] = field(default_factory=list)  # every fifth generation's best
    sampled_median: list[float] = field(default_factory=list)  # ... and median loss
    best: float = math.inf
    best_generation: int = 0
    csa_log: float = 0.0  # the sum of CSA's log changes of sigma (``creep``)
    trace_log: float = 0.0  # the sum of the log scale changes a rank-mu C would have taken

    def record(self, generation_best: float, generation_median: float) -> None:
        """One generation's best and median loss."""
        self.generations += 1
        self.history.append(generation_best)
        del self.history[:-RECENT]
        if generation_best < self.best:
            self.best, self.best_generation = generation_best, self.generations
        if self.generations % SAMPLE_EVERY == 0:
            self.sampled_best.append(generation_best)
            self.sampled_median.append(generation_median)
            del self.sampled_best[:-SAMPLES], self.sampled_median[:-SAMPLES]


def stagnated(run: Run, d: int) -> bool:
    """pycma's tolstagnation (module docstring)."""
    length = int(100 + 100 * d ** 1.5 / run.popsize)
    samples = len(run.sampled_best)
    window = max(length / 10, samples / 10)
    if samples <= 100 or 2 * int(window) >= samples:
        return False
    if run.generations <= d * (5 + 100 / run.popsize) \
            or run.generations - run.best_generation <= length / 2:
        return False
    window = int(window)

    def no_better(history: list[float]) -> bool:
        latest, before = history[-window:], history[-2 * window:-window]
        return bool(np.median(latest) >= np.median(before))

    return no_better(run.sampled_median) and no_better(run.sampled_best)


def stop_reason(run: Run, policy: LinearGenerator, tol_x: float, tol_fun: float,
                max_condition: float = 1e7) -> str | None:
    """Why ``run`` should stop now (module docstring), or None."""
    d = policy.latent_dim
    shape = policy.shape.detach()
    if policy.sigma * float(torch.linalg.vector_norm(shape)) < tol_x:
        return "tol_x"
    window = 10 + math.ceil(30 * d / run.popsize)
    recent = run.history[-window:]
    if len(recent) >= window:
        lowest = min(recent)
        if max(recent) - lowest <= tol_fun * min(1.0, abs(lowest)):
            return "tol_fun"
    if stagnated(run, d):
        return "stagnation"
    growth = run.csa_log - run.trace_log  # A's largest scale is at least 1 (det A = 1)
    if run.generations % 10 == 0 or growth > LOG_TOL_UP_SIGMA:  # an SVD: not every generation
        scales = policy.scales()
        if float(scales.max() / scales.min()) > max_condition:
            return "condition"
        if growth > LOG_TOL_UP_SIGMA + math.log(float(scales.max())):
            return "creep"
    return None


def next_run(restarts: str, default_popsize: int, large_restarts: int, large_evaluations: int,
             small_evaluations: int, sigma0: float, rng: np.random.Generator
             ) -> tuple[int, float, str]:
    """The population, sigma and regime of the next run: IPOP doubles the large population;
    BIPOP (Hansen 2009) runs a small one instead (population
    ``lambda0 (lambda_large / (2 lambda0))^(U^2)``, sigma ``sigma0 10^(-2 U)``) whenever the large
    runs have spent more evaluations."""
    popsize, sigma, regime = default_popsize * 2 ** (large_restarts + 1), sigma0, "large"
    if restarts == "bipop" and large_evaluations > small_evaluations:
        u = rng.random()
        last_large = default_popsize * 2 ** large_restarts
        popsize = max(2, int(default_popsize * (last_large / (2 * default_popsize)) ** (u * u)))
        sigma, regime = sigma0 * 10 ** (-2 * rng.random()), "small"
    return popsize, sigma, regime


def generation_median(values: np.ndarray) -> float:
    """``np.median`` of finite values, bit for bit, without its overhead (a tenth of the
    engine's time per generation at d = 500)."""
    ordered = np.sort(values)
    half = ordered.size // 2
    return float(ordered[half] if ordered.size % 2 else (ordered[half - 1] + ordered[half]) / 2)
