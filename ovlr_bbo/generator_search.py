"""GeneratorSearch: the linear generative policy of :mod:`ovlr_bbo.generator` as an ask/tell
optimizer on continuous boxes, with a step-size rule and restarts.

Each ask draws ``popsize`` latents from the optimizer's generator and runs the policy once (G1);
each tell ranks the losses (G2), pushes the OVLR output gradient into the policy with one VJP
(G3-G4), takes the natural steps (G5-G6) and adapts the global scale sigma (G7; in IPOP's larger
populations also (G7'), the trace of the shape step, as CMA-ES's rank-mu update scales C).
Outputs are in the space's standardized units (boxes map to ``[-1, 1]``, unbounded coordinates
are ``x / scale``).

Bounds of the box (the ranking penalty and the faces, or the fold) are
:mod:`ovlr_bbo.box_bounds`'s. From d = 51 on (``TPA_MIN_DIM``, where A is diagonal by default)
sigma follows two-point adaptation (:mod:`ovlr_bbo.two_point`), on a bounded box its spread is
capped at the box's half-width, and the outputs are folded into the box instead of clipped.

From d = 300 on (``directions``) a diagonal A is joined by LM-MA-ES's learned directions,
(L1)-(L2) of :mod:`ovlr_bbo.directions`: the mean steps along the stretched latents
(G5), the diagonal learns from the unstretched ones (G6) (:func:`~ovlr_bbo.generator.natural_step`'s
``mean_latent``).

A full A's shape rate follows the signal-to-noise ratio of its own updates
(:mod:`ovlr_bbo.shape_rate`, learning-rate adaptation as for CMA-ES): xNES's rate at most, less
where the ranking says little about the shape.

Restarts: a run stops (:mod:`ovlr_bbo.restarts`) when its spread is below ``tol_x``, its recent
generation-best losses span at most ``tol_fun``, it stagnates (pycma's ``tolstagnation``) or its
shape's condition number passes 1e7. A new run starts from a uniform point of the box
(unbounded coordinates: from the best output so far) with: ``"ipop"``: twice the last large
population; ``"bipop"``: alternately such a large run or a small one (population
``lambda0 (lambda_large / (2 lambda0))^(U^2)``, sigma ``sigma0 10^(-2 U)``, U uniform),
whichever regime has spent fewer evaluations (Hansen 2009); ``"none"``: the run goes on from its
mean with the shape reset (:meth:`GeneratorSearch._reset_in_place`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .ask_tell import AskTellOptimizer
from .box_bounds import FOLD_PENALTY, FOLD_ZONE, faces_near, fold, ranking_keys
from .directions import LearnedDirections, default_count
from .evolution_paths import PathRates, c_mu, csa_log_change, csa_path, shape_path
from .generator import DTYPE, LinearGenerator, learning_rates, natural_step, rank_utilities
from .restarts import Run, generation_median, next_run, stop_reason
from .shape_rate import ShapeRateAdaptation
from .spaces import Box
from .two_point import TwoPointAdaptation

__all__ = ["GeneratorSearch"]

RESTARTS = ("bipop", "ipop", "none")
STEP_SIZE_RULES = ("auto", "csa", "tpa", "xnes")
BOUNDS = ("auto", "penalty", "fold")
TPA_MIN_DIM = 51  # high d: "auto" takes TPA and the fold, the bound penalty counts per clipped
# coordinate, and the default population is LARGE_D_POPSIZE_FACTOR times CMA-ES's
LARGE_D_POPSIZE_FACTOR = 2
LARGE_D_STEP_LENGTH = 2.0  # from d = 51 on a bounded box's default sigma0 is this over sqrt(d)
DIRECTIONS_MIN_DIM = 300  # from here on a diagonal A is joined by LM-MA-ES's learned directions


class GeneratorSearch(AskTellOptimizer):
    """Linear generator ``z = m + sigma A xi`` trained by OVLR's natural gradient, with CSA and
    IPOP restarts, on a :class:`~ovlr_bbo.spaces.Box`.

    >>> from ovlr_bbo import spaces
    >>> opt = GeneratorSearch(spaces.Box(dimension=4), seed=0)
    >>> opt.minimize(lambda x: float((x ** 2).sum()), budget=2000).score < 1e-10
    True

    Parameters (the measurements behind each default are in BENCHMARKS.md 0.5, by session):
        space: a Box (bounded in every coordinate or unbounded in every coordinate, or mixed).
        popsize: latents per ask (default ``4 + floor(3 ln d)``, as CMA-ES, and twice that from
            d = 51 on, where BBOB's multimodal functions at d = 100 and 500 end lower with it and
            the sphere still converges; twelfth session).
        sigma0: initial global scale in standardized units (default 0.5 on bounded boxes, where
            the box is ``[-1, 1]``, and 1 on unbounded ones; from d = 51 on a bounded box's
            ``2 / sqrt(d)``, a first step about the box's width whatever d: BBOB d = 100 tuning
            pairs ahead of pycma and sep-CMA 176 of 240 against 157 with 0.5; thirteenth).
        form: ``"full"`` A, ``"diagonal"`` A, or ``"auto"`` (full up to ``full_max_dim``).
        step_size: ``"csa"`` (G7), ``"tpa"`` (two-point adaptation, :mod:`ovlr_bbo.two_point`),
            ``"xnes"`` (the trace part of N) or ``"auto"`` (TPA from d = 51 on, where A is
            diagonal and CSA's rate ~ mu_eff / d is too slow; pycma switches at d = 300).
        utilities: ``"log"`` (xNES/CMA-like log weights) or ``"centered_ranks"`` (G2).
        restarts: ``"ipop"`` (default), ``"bipop"`` or ``"none"``.
        bound_penalty: weight of the ranking penalty for samples outside a bounded box.
        bound_margin: how far beyond a bound the mean may go, in its coordinate's spread (0, the
            default: it stays in the box; 10 solved BBOB f5 at d = 20 but lost f6).
        eta_mean, eta_shape: learning rates of (G5) and (G6); default 1 and xNES's/SNES's rate
            at the default population, growing with larger ones as CMA-ES's c_mu does
            (``shape_rate_growth``; capped at 1).
        adapt_shape_rate: a full A's rate follows the signal-to-noise ratio of its updates
            (:mod:`ovlr_bbo.shape_rate`; ``eta_shape`` is then its maximum, and
            ``shape_rate_options`` its settings). Not on the diagonal form, where one ratio over
            d coordinates lowered the rate of those that still had shape to learn.
        bounds: a bounded box's bounds (:mod:`ovlr_bbo.box_bounds`): ``"penalty"`` (outside
            samples are clipped and pay a ranking penalty, the mean stays in the box and may
            snap onto faces), ``"fold"`` (outputs are folded into the box, as pycma's default
            bound handling, with a light penalty beyond the mirror points) or ``"auto"`` (the
            fold from d = 51 on, the penalty below, where BBOB at d = 5 and 20 was tuned).
        face_tolerance: how near a bound (in its coordinate's spreads) the snapped mean puts a
            coordinate on it, once the mean sits on some bound (0: only the clamped ones).
        directions: how many learned directions (L1)-(L2) stretch a diagonal A's samples
            (None: LM-MA-ES's ``4 + floor(3 ln d)`` from ``DIRECTIONS_MIN_DIM`` = 300 on, else
            none; 0 turns them off): at d = 500 they halve the rotated ellipsoid f10; at
            d = 100 they cost more than they give (thirteenth and fourteenth sessions).
        tol_x, tol_fun: restart tolerances: the spread in standardized units (1e-15, about what
            float64 resolves around a coordinate of magnitude 1-5), and the span of the recent
            generation-best losses, relative to their best's magnitude below 1 (a plain 1e-12
            stopped nevergrad's sphere at 1e-15, where NGOpt reaches 1e-23).
        seed, maximize: as for every optimizer of the project.
    """

    def __init__(self, space: Box, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, popsize: int | None = None,
                 sigma0: float | None = None, form: str = "auto", full_max_dim: int = 50,
                 step_size: str = "auto", utilities: str = "log", mean_utilities: str = "cma",
                 restarts: str = "ipop", rank_one: float = 1.0,
                 eta_mean: float = 1.0, eta_shape: float | None = None,
                 shape_rate_growth: bool = True, bound_penalty: float = 1.0,
                 bound_margin: float = 0.0, face_tolerance: float = 1.0, bounds: str = "auto",
                 tol_x: float = 1e-15,
                 tol_fun: float = 1e-12, adapt_shape_rate: bool = True,
                 directions: int | None = None,
                 shape_rate_options: dict[str, float] | None = None):
        if space.as_box() is not space:
            raise TypeError(f"GeneratorSearch searches continuous boxes (ovlr_bbo.spaces.Box), "
                            f"got {type(space).__name__}; use OVLR for other spaces")
        super().__init__(space, seed=seed, maximize=maximize)
        d = space.output_size
        if form not in ("auto", "full", "diagonal"):
            raise ValueError(f"form must be 'auto', 'full' or 'diagonal', got {form!r}")
        if step_size not in STEP_SIZE_RULES:
            raise ValueError(f"step_size must be one of {STEP_SIZE_RULES}, got {step_size!r}")
        if step_size == "auto":
            step_size = "tpa" if d >= TPA_MIN_DIM else "csa"
        if restarts not in RESTARTS:
            raise ValueError(f"restarts must be one of {RESTARTS}, got {restarts!r}")
        for kind in (utilities, mean_utilities):
            rank_utilities(np.zeros(2), kind)  # raises on an unknown name
        if popsize is not None and int(popsize) < 2:
            raise ValueError(f"popsize must be at least 2 (None: 4 + 3 ln d), got {popsize}")
        if sigma0 is not None and not (math.isfinite(sigma0) and sigma0 > 0):
            raise ValueError(f"sigma0 must be a positive number, got {sigma0}")
        self.form = form if form != "auto" else ("full" if d <= full_max_dim else "diagonal")
        self.step_size, self.utilities, self.restarts = step_size, utilities, restarts
        self.mean_utilities, self.rank_one = mean_utilities, float(rank_one)
        cma_popsize = 4 + int(3 * math.log(d))
        self.default_popsize = int(popsize) if popsize else (
            LARGE_D_POPSIZE_FACTOR * cma_popsize if d >= TPA_MIN_DIM else cma_popsize)
        bounded_sigma0 = LARGE_D_STEP_LENGTH / math.sqrt(d) if d >= TPA_MIN_DIM else 0.5
        self.sigma0 = float(sigma0) if sigma0 else (bounded_sigma0 if space.bounded.any()
                                                    else 1.0)
        self.eta_mean = float(eta_mean)
        self.base_eta_shape = (float(eta_shape) if eta_shape is not None
                               else learning_rates(d, self.form))
        self.shape_rate_growth = bool(shape_rate_growth)
        if not bound_penalty >= 0:
            raise ValueError(f"bound_penalty must be >= 0, got {bound_penalty}")
        self.bound_penalty = float(bound_penalty)
        if not bound_margin >= 0:
            raise ValueError(f"bound_margin must be >= 0, got {bound_margin}")
        self.bound_margin = float(bound_margin)
        if not face_tolerance >= 0:
            raise ValueError(f"face_tolerance must be >= 0, got {face_tolerance}")
        self.face_tolerance = float(face_tolerance)
        self.tol_x, self.tol_fun = float(tol_x), float(tol_fun)
        self.adapt_shape_rate = bool(adapt_shape_rate)
        if directions is None:  # LM-MA-ES's count where A is diagonal and d is large
            large = self.form == "diagonal" and d >= DIRECTIONS_MIN_DIM
            directions = default_count(d) if large else 0
        if int(directions) < 0:
            raise ValueError(f"directions must be >= 0, got {directions}")
        if directions and self.form != "diagonal":
            raise ValueError("learned directions join a diagonal A: pass form='diagonal' (or "
                             f"d > full_max_dim) with directions={directions}")
        self.n_directions = int(directions)
        self.shape_rate_options = dict(shape_rate_options or {})
        # bounds handling assumes Box's clipping decode (RandomKeys squashes instead: unbounded)
        clipping = type(space).decode is Box.decode
        self._bounded = space.bounded.copy() if clipping else np.zeros(d, dtype=bool)
        if bounds not in BOUNDS:
            raise ValueError(f"bounds must be one of {BOUNDS}, got {bounds!r}")
        self.bounds = ("fold" if d >= TPA_MIN_DIM else "penalty") if bounds == "auto" else bounds
        # where the penalty starts, and the mean's limit: the bound, or the fold's mirror point
        self._limit = 1.0 + FOLD_ZONE if self.bounds == "fold" else 1.0
        self._no_faces = np.zeros(d, dtype=bool)
        self._no_faces.flags.writeable = False
        self._best_output = space.initial_output().reshape(-1).astype(float)
        self._best_output_loss = math.inf  # own record: a wrapping optimizer may call _tell
        self.large_evaluations, self.small_evaluations, self.large_restarts = 0, 0, 0
        self._start_run(0, self.default_popsize, "large", self.sigma0, self._best_output)

    # ------------------------------------------------------------------ runs
    def _start_run(self, index: int, popsize: int, regime: str, sigma: float,
                   mean: np.ndarray) -> None:
        d = self.space.output_size
        self.policy = LinearGenerator(mean, sigma=sigma, form=self.form)
        self.run = Run(index=index, popsize=popsize, regime=regime)
        self._popsize = popsize
        self._sigma_path = np.zeros(d)
        self._tpa = TwoPointAdaptation(d, popsize) if self.step_size == "tpa" else None
        self._shape_path = np.zeros(d)  # (G6') in output units / sigma: A p_latent
        self._directions = LearnedDirections(self.n_directions, d, popsize)
        rates = PathRates.of(popsize, d, full=self.form == "full")
        self._mu_eff, self._c_sigma, self._damps = rates.mu_eff, rates.c_sigma, rates.damps
        self._c_path = rates.c_path
        self._eta_path = min(rates.c_one, 1.0) * self.rank_one
        self._eta_shape = self.base_eta_shape
        if self.shape_rate_growth and popsize > self.default_popsize:
            self._eta_shape = min(1.0, self.base_eta_shape * c_mu(popsize, d) /
                                  c_mu(self.default_popsize, d))
        adapt = self.adapt_shape_rate and self.form == "full" and self._eta_shape > 0
        self._shape_rates = (ShapeRateAdaptation(self._eta_shape, **self.shape_rate_options)
                             if adapt else None)

    def _restart_reason(self) -> str | None:
        return stop_reason(self.run, self.policy, self.tol_x, self.tol_fun)

    def _restart(self) -> None:
        """A new run (module docstring): IPOP doubles the large population, BIPOP alternates."""
        self.n_restarts = self.run.index + 1
        popsize, sigma, regime = next_run(self.restarts, self.default_popsize,
                                          self.large_restarts, self.large_evaluations,
                                          self.small_evaluations, self.sigma0, self._rng)
        if regime == "large":
            self.large_restarts += 1
        mean = np.where(self._bounded, self._rng.uniform(-0.8, 0.8, self._bounded.size),
                        self._best_output)
        self._start_run(self.run.index + 1, popsize, regime, sigma, mean)

    def _reset_in_place(self) -> None:
        """Without restarts, a stopped run keeps its mean and population but drops its learned
        shape (sigma takes over its largest scale, at least 10 tol_x): numbers stay finite."""
        sigma = max(self.policy.sigma * float(self.policy.scales().max()), 10 * self.tol_x)
        mean = self.policy.mean.detach().numpy().copy()
        self._start_run(self.run.index, self.run.popsize, self.run.regime, sigma, mean)

    @property
    def sigma(self) -> float:
        """The current global scale (G7), in standardized units."""
        return self.policy.sigma

    # ------------------------------------------------------------------ ask / tell
    def _ask(self) -> tuple[np.ndarray, Any]:
        if self._restart_reason() is not None:
            self._restart() if self.restarts != "none" else self._reset_in_place()
        raw = self._rng.standard_normal((self.run.popsize, self.space.output_size))
        latent = self._directions.stretch(raw)  # (L1); without directions the same array
        paired = self._tpa is not None and self._tpa.place(latent, self._to_latent)  # (T1)
        if paired:
            raw[:2] = latent[:2]
        with torch.no_grad():
            outputs = self.policy(torch.from_numpy(latent)).numpy()    # (G1), once per batch
        near = self._near_bounds()
        if near.any():  # the last row is the mean snapped onto the bounds it is near
            mean = self.policy.mean.detach().numpy()
            outputs[-1] = np.where(near, np.sign(mean), mean)
        evaluated = fold(outputs, self._bounded) if self.bounds == "fold" else outputs
        return self.space.decode(evaluated), (self.run.index, latent, outputs, near, paired, raw)

    def _near_bounds(self) -> np.ndarray:
        """The coordinates the last row snaps onto (:func:`~ovlr_bbo.box_bounds.faces_near`;
        none under the fold, where the bound is reached smoothly at the mirror point)."""
        if self.bounds == "fold":
            return self._no_faces
        return faces_near(self.policy.mean.detach().numpy(), self._bounded, self._spreads(),
                          self.face_tolerance)

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        run_index, latent, outputs, near, paired, raw = memo
        best = int(np.argmin(losses))
        generation_best, median = float(losses[best]), generation_median(losses)
        if generation_best <= self._best_output_loss:
            self._best_output_loss, self._best_output = generation_best, outputs[best].copy()
        evaluations = len(losses)
        if self.run.regime == "large":
            self.large_evaluations += evaluations
        else:
            self.small_evaluations += evaluations
        if run_index != self.run.index:
            return  # asked before a restart: counted, but it does not teach the new run
        snapped = None
        if near.any():  # the snapped mean's row: counted, but no sample to learn from
            if best == len(losses) - 1:
                snapped = outputs[-1]
            latent, outputs, losses = latent[:-1], outputs[:-1], losses[:-1]
            raw = raw[:-1]
        keys = self._ranking_keys(losses, outputs)
        ranked = {kind: rank_utilities(keys, kind)
                  for kind in dict.fromkeys((self.utilities, self.mean_utilities, "cma"))}
        utilities = ranked[self.utilities]
        mean_utilities = None
        if self.mean_utilities != self.utilities:
            mean_utilities = ranked[self.mean_utilities]
        mean_step = utilities if mean_utilities is None else mean_utilities
        cma_sum = ranked["cma"] @ latent  # sum_k w_k y_k: for (G6') and (by default) for (G7)
        mean_sum = cma_sum if mean_step is ranked["cma"] else mean_step @ latent
        path = self._update_shape_path(cma_sum)
        if len(self._directions):
            self._directions.learn(ranked["cma"], raw, self._mu_eff)  # (L2)
        mean = self.policy.mean.detach().numpy()  # the parameter's memory
        previous_mean = mean.copy() if self._tpa is not None else None
        eta_shape = self._eta_shape if self._shape_rates is None else self._shape_rates.rate
        stretched = torch.from_numpy(latent).to(DTYPE) if len(self._directions) else None
        trace, direction = natural_step(self.policy, torch.from_numpy(raw).to(DTYPE), utilities,
                                        self.eta_mean, eta_shape, mean_utilities, path,
                                        self._eta_path, mean_latent=stretched)  # (G3)-(G6')
        if self._shape_rates is not None:
            self._shape_rates.update(direction.numpy())
        self._adapt_sigma(mean_sum, mean_step, trace, flat=np.ptp(losses) == 0,
                          pair_keys=keys if paired else None)
        if snapped is not None:  # it beat every sample: the mean moves onto the face (only
            # there: in high d the mean beats its samples while sigma is large, and taking the
            # whole snapped row would undo every step; BBOB's sphere at d = 500 never moved)
            np.copyto(mean, snapped, where=near)
        self._keep_mean_in_box()
        if self._tpa is not None and previous_mean is not None:
            self._tpa.shift = mean - previous_mean
        self.run.record(generation_best, median)

    def _ranking_keys(self, losses: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        weight = self.bound_penalty * (FOLD_PENALTY if self.bounds == "fold" else 1.0)
        return ranking_keys(losses, outputs, self.policy.mean.detach().numpy(), self._bounded,
                            self.policy.sigma, weight,
                            per_coordinate=outputs.shape[1] >= TPA_MIN_DIM, bound=self._limit)

    def _update_shape_path(self, cma_sum: np.ndarray) -> torch.Tensor | None:
        """(G6'): CMA-ES's evolution path of the mean steps, in the latent coordinates of the
        current A (kept as A p between generations, so it follows A's updates); it stalls while
        the step-size path is long (CMA-ES's h_sigma). ``cma_sum``: the latents weighted by the
        generation's ``rank_utilities(keys, "cma")``, summed."""
        if self._eta_path == 0:
            return None
        path, self._shape_path = shape_path(
            self._shape_path, self.policy.shape.detach().numpy(), self.form == "full", cma_sum,
            self._sigma_path, self.run.generations + 1, self._mu_eff, self._c_sigma,
            self._c_path)
        return torch.from_numpy(path)

    def _adapt_sigma(self, weighted_sum: np.ndarray, utilities: np.ndarray, trace: float,
                     flat: bool, pair_keys: np.ndarray | None = None) -> None:
        """(G7) or (T2)-(T3) (``weighted_sum``: the latents weighted by the mean's
        ``utilities``, summed; ``pair_keys``: the generation's ranking keys, its first two rows
        the TPA pair); on a flat batch (every loss equal) the scale grows, as pycma does. The
        CSA path is kept under TPA too: the rank-one path stalls on it."""
        rank_mu_log = -self._eta_shape / 2 * trace / self.space.output_size  # what (G6)
        # removes from A's scale
        if self.step_size != "xnes":
            self._sigma_path = csa_path(self._sigma_path, weighted_sum, utilities, self._c_sigma)
        if self._tpa is not None:
            log_change = self._tpa.log_change(pair_keys) if pair_keys is not None else 0.0
        elif self.step_size == "csa":
            log_change = csa_log_change(self._sigma_path, self._c_sigma, self._damps)
            self.run.csa_log += log_change  # for the ``creep`` stop (ovlr_bbo.restarts)
            self.run.trace_log += rank_mu_log
            if self.run.popsize > self.default_popsize and not flat:
                log_change += rank_mu_log  # (G7')
        else:
            log_change = rank_mu_log
        if flat:
            log_change = max(log_change, 0.2 + self._c_sigma / self._damps)
        sigma = self.policy.sigma * math.exp(min(log_change, 1.0))
        if self._tpa is not None and self._bounded.all():  # a spread beyond the box's
            # half-width only clips samples (under TPA sigma grew without bound on BBOB's
            # linear slope at d = 100; with CSA at d = 5 a cap lost multimodal runs)
            largest = sigma * float(self._scales().max())  # a coordinate's spread (no SVD)
            sigma = min(sigma, sigma / largest)
        self.policy.sigma = sigma

    def _to_latent(self, vector: np.ndarray) -> np.ndarray:
        """An output-space direction in latent coordinates, ``A^-1 v`` (up to sigma)."""
        shape = self.policy.shape.detach().numpy()
        return np.linalg.solve(shape, vector) if self.form == "full" else vector / shape

    def _spreads(self) -> np.ndarray:
        """Each coordinate's standard deviation under the search distribution, sigma |A_i.|."""
        return self.policy.sigma * self._scales()

    def _scales(self) -> np.ndarray:
        """|A_i.| (each coordinate's spread over sigma)."""
        shape = self.policy.shape.detach()
        return shape.norm(dim=1).numpy() if self.form == "full" else np.abs(shape.numpy())

    def _keep_mean_in_box(self) -> None:
        """The mean stays in the box, up to ``bound_margin`` of its coordinate's spread beyond
        a bound: there most samples are clipped onto the bound (where BBOB's linear slope, and
        any optimum on a bound, is reached exactly) while some still land inside."""
        if self._bounded.any():
            mean = self.policy.mean.detach().numpy()  # the parameter's memory: clipped in place
            limit = self._limit + self.bound_margin * self._spreads() if self.bound_margin > 0 \
                else self._limit
            np.copyto(mean, np.clip(mean, -limit, limit), where=self._bounded)

    def _load_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if isinstance(state.get("_directions"), np.ndarray):  # saved before ovlr_bbo.directions
            directions = LearnedDirections(0, 0, 1)
            directions.paths = state.pop("_directions")
            directions.strength = state.pop("_direction_strength")
            directions.rate = state.pop("_direction_rate")
            state["_directions"] = directions
        super()._load_state(state)

    def _memo_from_state(self, state: Any) -> Any:
        memo = super()._memo_from_state(state)
        # an ask saved before the raw latents joined its record had none: they were the latents
        return (*memo, memo[1]) if len(memo) == 5 else memo

    def _recommend(self) -> np.ndarray | None:
        return None  # the best candidate seen (the base class's default)

