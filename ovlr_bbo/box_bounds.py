"""How the generator engine (:mod:`ovlr_bbo.generator_search`) handles the bounds of a box.

Outputs are in standardized units, the box is ``[-1, 1]`` on its bounded coordinates, and a
bounded :class:`~ovlr_bbo.spaces.Box` evaluates a clipped copy of an output outside it.

- Ranking penalty (:func:`ranking_keys`): for ranking only, an outside sample pays
  ``bound_penalty * spread * |y - clip(y)|^2 / sigma^2`` (``spread``: its batch's loss range), so
  the distribution is pushed back into the box instead of drifting on the flat clipped copy. The
  engine keeps the mean in the box; where the mean sits ON a bound, samples beyond that bound are
  not penalised. (Measured: a weak penalty, 1e-3, solves BBOB f5 at d = 20, whose optimum is on
  the bound, but ruins f1/f6/f10 at d = 5: success 6/15 instead of 15/15.) With ``per_coordinate``
  (the engine's choice from d = 51 on) the distance is averaged over the clipped coordinates once
  samples are clipped in several: summed over the ~20 a sample has at d = 500 it outweighed the
  losses and the mean ran to the bounds (BBOB's sphere). Below d = 51 the average lost BBOB's
  multimodal functions at 10,000 d evaluations (4 of 25 solved on instances 1-5 at d = 5, not 10).
- Faces (:func:`faces_near`): samples reach a face only by clipping, a point with k coordinates on
  bounds only with probability about 2^-k, while the penalty keeps the mean about a spread
  inside. So once the mean sits on a bound, the batch's last row is the mean snapped onto every
  bound it is near; that row teaches nothing, but when it beats every sample the mean moves onto
  those faces (BBOB f5 at d = 20: solved; before, never). (Also measured and dropped: mirroring
  outside samples back into the box instead of the penalty solves f5 too, but lowers AOCC at
  d = 5 on BBOB instances 1-5 from 0.500 to 0.450.)
- Fold (:func:`fold`, the engine's choice from d = 51 on): pycma's default bound handling
  (``BoundTransform``): the outputs are a free genotype, folded periodically into the box,
  quadratic within ``FOLD_ZONE`` of a bound; no faces; the mean stays within the mirror points
  ``+-(1 + FOLD_ZONE)`` and the ranking penalty acts beyond them at ``FOLD_PENALTY`` of its
  weight. Under the clip a coordinate whose mean drifted onto the wrong bound stays there (BBOB's
  linear slope f5 at d = 100: the clipped samples tell it nothing while two-point adaptation
  shrinks sigma; 10.2 above the corner after 100 d evaluations); folded, the samples beyond come
  back inside and the mean walks through (3.6e-7 at the same population). Without the light
  penalty nothing pulls a drifting mean back from the quadratic zones (the rotated discus f11 at
  d = 100 ended behind pycma on 7 of 10 tuning instances, against 2 with it); the full penalty
  slows every coordinate of f5 on its way to the mirror points (0 of 10 within 100 d).
  BENCHMARKS.md 0.5, twelfth session.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FOLD_PENALTY", "FOLD_ZONE", "faces_near", "fold", "ranking_keys"]


def ranking_keys(losses: np.ndarray, outputs: np.ndarray, mean: np.ndarray, bounded: np.ndarray,
                 sigma: float, bound_penalty: float, per_coordinate: bool,
                 bound: float = 1.0) -> np.ndarray:
    """The losses plus the penalty of each sample's excursion beyond ``+-bound`` (the box, or
    the fold's mirror points; module docstring)."""
    if not bounded.any() or np.abs(outputs).max() <= bound:  # no excursion: no penalty
        return losses
    outside = np.where(bounded, outputs - np.clip(outputs, -bound, bound), 0.0)
    on_bound = bounded & (np.abs(mean) >= bound)  # the mean was clamped there
    outside = np.where(on_bound & (outside * mean > 0), 0.0, outside)
    distance = (outside ** 2).sum(axis=1) / sigma ** 2
    if per_coordinate:
        distance /= max(1.0, np.count_nonzero(outside) / len(losses))
    spread = np.ptp(losses)
    return losses + bound_penalty * (spread if spread > 0 else 1.0) * distance


def faces_near(mean: np.ndarray, bounded: np.ndarray, spreads: np.ndarray,
               face_tolerance: float) -> np.ndarray:
    """Once the mean sits on a bound, the bounded coordinates whose mean lies within
    ``face_tolerance`` spreads of a bound (a boolean mask); else none."""
    if not (bounded & (np.abs(mean) >= 1.0)).any():
        return np.zeros_like(bounded)
    return bounded & (np.abs(mean) >= 1.0 - face_tolerance * spreads)


FOLD_ZONE = 0.1  # pycma's quadratic zone, min(1, (ub - lb) / 20) for the box [-1, 1]
FOLD_PENALTY = 0.1  # the ranking penalty's weight under the fold, relative to the clip's


def fold(outputs: np.ndarray, folded: np.ndarray, zone: float = FOLD_ZONE) -> np.ndarray:
    """``outputs`` with the ``folded`` coordinates folded into ``[-1, 1]`` as pycma's
    ``BoxConstraintsLinQuadTransformation`` does: periodic (period ``4 + 4 zone``), mirrored at
    ``+-(1 + zone)``, the identity on ``[-1 + zone, 1 - zone]`` and quadratic within ``zone`` of a
    bound. A mean beyond a bound still sees the slope of the folded landscape, and an optimum on
    a bound becomes a smooth minimum (a kink at the mirror point would not be)."""
    magnitude = np.abs(outputs)
    if magnitude.max() <= 1.0 - zone:
        return outputs
    outside = folded & (magnitude > 1.0 - zone)  # elsewhere exactly the identity
    if not outside.any():
        return outputs
    half = 2.0 + 2.0 * zone  # the monotone branch [-1 - zone, 1 + zone]
    t = np.mod(outputs[outside] + 1.0 + zone, 2.0 * half)
    x = np.where(t > half, 2.0 * half - t, t) - 1.0 - zone
    x = np.where(x < zone - 1.0, -1.0 + (x + 1.0 + zone) ** 2 / (4.0 * zone), x)
    x = np.where(x > 1.0 - zone, 1.0 - (x - 1.0 - zone) ** 2 / (4.0 * zone), x)
    result = outputs.copy()
    result[outside] = x
    return result
