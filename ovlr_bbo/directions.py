"""LM-MA-ES's learned directions (Loshchilov, Glasmachers and Beyer 2017) for the generator
engine's diagonal A, in latent coordinates, at O(k d) per sample:

    (L1)  the sampled latents are ``y = prod_j [(1 - c_j) I + c_j p_j p_j^T] xi`` (j = 0 first),
          ``c_j = 1 / (1.5^j d)``: each direction stretches the samples along itself;
    (L2)  ``p_j <- (1 - r_j) p_j + sqrt(mu_eff r_j (2 - r_j)) sum_i w_i xi_i:lambda``, ``r_j =
          min(1, lambda / (4^j d))`` (CMA-ES's weights ``w``), ``|p_j|^2`` capped at ``2 d``;
          the mean steps along the stretched ``y`` (G5), the diagonal learns from ``xi`` (G6).

(L1) in closed form: after the first j factors a latent is ``a_j xi + sum_{i<j} b_i p_i`` with
``a_j = prod_{l<j} (1 - c_l)``; the projection the j-th factor needs is then
``s_j = a_j (xi . p_j) + sum_{i<j} c_i s_i (a_j / a_{i+1}) (p_i . p_j)``, a triangular system in
the k projections of each sample, and ``y = a_k xi + sum_i c_i s_i (a_k / a_{i+1}) p_i``: two
products with the k x d directions instead of 3 k passes over the batch. The products go through
torch: numpy's OpenBLAS threads, woken by them next to torch's own, made an evaluation 20 times
slower at d = 1,000 on two cores.
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["DIRECTION_NORM_CAP", "LearnedDirections", "default_count"]

DIRECTION_NORM_CAP = 2.0  # |p_j|^2 <= 2 d: (L1) stretches by at most about 3 (uncapped, a
# linear slope's consistent steps grew p_j until the samples overflowed)


def default_count(d: int) -> int:
    """LM-MA-ES's number of directions, ``4 + floor(3 ln d)`` (22 at d = 500)."""
    return 4 + int(3 * math.log(d))


class LearnedDirections:
    """State and rules of (L1)-(L2) for ``count`` directions in d dimensions; plain data, so it
    pickles and deep-copies with its engine.

    >>> directions = LearnedDirections(count=2, d=3, popsize=6)
    >>> directions.stretch(np.ones((4, 3))).shape  # no direction learned yet: the identity
    (4, 3)
    """

    def __init__(self, count: int, d: int, popsize: int):
        self.paths = np.zeros((count, d))
        self.strength = 1.0 / (d * 1.5 ** np.arange(count))               # c_j
        self.rate = np.minimum(1.0, popsize / (d * 4.0 ** np.arange(count)))  # r_j

    def __len__(self) -> int:
        return len(self.paths)

    def stretch(self, latent: np.ndarray) -> np.ndarray:
        """(L1) on a batch of latents (rows), in closed form (module docstring)."""
        if not len(self):
            return latent
        c = self.strength
        kept = np.concatenate(([1.0], np.cumprod(1 - c)))   # a_0 .. a_k
        paths = torch.from_numpy(self.paths)
        gram = (paths @ paths.T).numpy()
        ratio = kept[None, :-1] / kept[1:, None]               # a_j / a_{i+1}, [i, j]
        coupling = np.triu(c[:, None] * ratio * gram, k=1)     # i < j
        projections = (torch.from_numpy(latent) @ paths.T) * torch.from_numpy(kept[:-1])
        # s (I - coupling) = projections (a_j (xi . p_j)), solved as (I - coupling)^T s^T
        system = torch.from_numpy(np.eye(len(c)) - coupling.T)
        s = torch.linalg.solve_triangular(system, projections.T, upper=False).T
        along = (s * torch.from_numpy(c * kept[-1] / kept[1:])) @ paths
        return kept[-1] * latent + along.numpy()

    def learn(self, cma_utilities: np.ndarray, latent: np.ndarray, mu_eff: float) -> None:
        """(L2) from the generation's unstretched latents and CMA-ES's (negative) utilities."""
        weighted = -(torch.from_numpy(cma_utilities) @ torch.from_numpy(latent)).numpy()
        rate = self.rate[:, None]
        self.paths = (1 - rate) * self.paths + np.sqrt(mu_eff * rate * (2 - rate)) * weighted
        norms = np.linalg.norm(self.paths, axis=1, keepdims=True)
        cap = math.sqrt(DIRECTION_NORM_CAP * self.paths.shape[1])
        self.paths *= np.minimum(1.0, cap / np.maximum(norms, 1e-300))
