"""REINFORCE: score-function policy gradient on an independent search distribution.

The policy is the distribution of :class:`~.cem.CEM` made learnable: independent categorical
variables with logits (Bernoulli for bits) on Binary, Categorical and small Integer spaces, or a
diagonal Gaussian (mean and log standard deviation) on the flat continuous relaxation of the
other spaces. Each tell estimates the gradient of the expected loss,

    grad J = mean_i (L_i - b) * grad log p(x_i)      (score-function / likelihood-ratio)

with ``b`` an exponential moving average of past batch-mean losses (``b <- decay * b +
(1 - decay) * mean L``; the first batch initialises it), and takes one Adam step. Scores:
categorical ``onehot(x) - softmax(logits)``; Gaussian ``eps / std`` for the mean and
``eps^2 - 1`` for the log std, ``eps`` the standard normal draw.

Defaults: ``popsize=16, lr=0.1, baseline_decay=0.9, initial_std=0.5, min_std=1e-6``; Adam's
betas (0.9, 0.999). Adam divides by the gradient's running scale, so ``lr`` does not depend on
the scale of the losses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

from .relaxation import discrete_levels

__all__ = ["Reinforce"]


class Adam:
    """Adam on a flat parameter vector (Kingma & Ba 2015, Algorithm 1)."""

    def __init__(self, size: int, lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.lr, self.betas, self.eps = float(lr), betas, eps
        self.m: np.ndarray = np.zeros(size)
        self.v: np.ndarray = np.zeros(size)
        self.t = 0

    def step(self, gradient: np.ndarray) -> np.ndarray:
        """The update to ADD to the parameters to descend ``gradient``."""
        beta1, beta2 = self.betas
        self.t += 1
        self.m = beta1 * self.m + (1 - beta1) * gradient
        self.v = beta2 * self.v + (1 - beta2) * gradient**2
        m_hat, v_hat = self.m / (1 - beta1**self.t), self.v / (1 - beta2**self.t)
        return -self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class Reinforce(AskTellOptimizer):
    """REINFORCE with a moving-average baseline and Adam.

    >>> from ovlr_bbo import spaces
    >>> opt = Reinforce(spaces.Binary(8), seed=0, maximize=True)
    >>> int(opt.minimize(lambda x: x.sum(), budget=600).score)
    8
    """

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, popsize: int = 16, lr: float = 0.1,
                 baseline_decay: float = 0.9, initial_std: float = 0.5, min_std: float = 1e-6):
        super().__init__(space, seed=seed, maximize=maximize)
        if int(popsize) < 1:
            raise ValueError(f"popsize must be at least 1, got {popsize}")
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}")
        if not 0 <= baseline_decay < 1:
            raise ValueError(f"baseline_decay must be in [0, 1), got {baseline_decay}")
        if not (initial_std > 0 and min_std > 0):
            raise ValueError(
                f"initial_std and min_std must be positive, got {initial_std} and {min_std}")
        self._popsize = int(popsize)
        self.baseline_decay = float(baseline_decay)
        self.baseline: float | None = None
        self.levels = discrete_levels(space)
        if self.levels is not None:
            self.logits = np.where(self.levels.invalid, -np.inf, 0.0)
            self.adam = Adam(int((~self.levels.invalid).sum()), lr)
        else:
            size = space.output_size
            self.mean = space.initial_output().reshape(-1).astype(float)
            self.log_std = np.full(size, np.log(initial_std))
            self.min_log_std = float(np.log(min_std))
            self.adam = Adam(2 * size, lr)

    def probabilities(self) -> np.ndarray:
        """The categorical policy's table ``(dimension, max count)`` (discrete spaces only)."""
        shifted = np.exp(self.logits - self.logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def _ask(self) -> tuple[np.ndarray, Any]:
        if self.levels is not None:
            return self.levels.sample(self.probabilities(), self._rng, self._popsize), None
        eps = self._rng.standard_normal((self._popsize, self.mean.size))
        return self.space.decode_flat(self.mean + np.exp(self.log_std) * eps), eps

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        if self.baseline is None:
            self.baseline = float(losses.mean())
        advantages = losses - self.baseline
        self.baseline = (self.baseline_decay * self.baseline
                         + (1 - self.baseline_decay) * float(losses.mean()))
        if self.levels is not None:
            scores = self.levels.one_hot(candidates) - self.probabilities()[None]
            gradient = np.einsum("n,n...->...", advantages, scores) / len(losses)
            valid = ~self.levels.invalid
            self.logits[valid] += self.adam.step(gradient[valid])
            return
        eps = memo
        mean_score = eps / np.exp(self.log_std)
        log_std_score = eps**2 - 1.0
        gradient = advantages @ np.concatenate([mean_score, log_std_score], axis=1) / len(losses)
        update = self.adam.step(gradient)
        self.mean += update[: self.mean.size]
        self.log_std = np.maximum(self.log_std + update[self.mean.size:], self.min_log_std)

    def _recommend(self) -> np.ndarray:
        """The policy's mode."""
        if self.levels is not None:
            return self.probabilities().argmax(axis=1) + self.levels.offset
        return self.space.decode_flat(self.mean[None])[0]
