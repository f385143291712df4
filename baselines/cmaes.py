"""CMA-ES through pycma (``cma``), on the flat continuous relaxation of any search space.

Candidates are ``space.decode_flat`` of pycma's solutions, so integer and binary variables are
rounded by the space's decoder (the relaxation every continuous baseline shares, see
:mod:`.relaxation`); bounded coordinates get pycma's ``bounds`` on ``[-1, 1]``.

Randomness. pycma draws all its samples through the option ``randn`` (default
``np.random.randn``); its ``seed`` option only calls ``np.random.seed``, i.e. it reseeds and then
reads numpy's GLOBAL random state, so two optimizers in one process, or any other user of
``np.random``, change each other's runs. We therefore pass ``randn`` as a :class:`GaussianSource`
that owns a ``numpy.random.Generator`` seeded from the optimizer's generator, and set
``seed=nan`` so pycma never touches the global state. The source lives inside the pycma object,
so pickling or deep-copying the optimizer (``state_dict``) keeps its stream, and a run depends
only on ``seed``. (Checked in pycma 4.5: ``randn`` is the only random source in ``ask``/``tell``;
``np.random`` is otherwise used only by ``fmin``'s restarts and integer handling, not used here.)

Restarts: when pycma's stop criteria fire, a new run starts from the initial point with the
population multiplied by ``popsize_factor`` up to ``max_popsize`` (IPOP; ``restarts=False`` keeps
the stopped run). The cap matters on flat objectives, where pycma stops after every iteration.
Batches asked before a restart are still counted when told but no longer update the new run.

Outstanding batches: pycma takes one tell per iteration. When several batches are asked before
they are told, the first one told (in any order) updates pycma; the others asked in the same
iteration are counted (evaluations, best) but do not update it.
"""

from __future__ import annotations

from typing import Any

import cma
import numpy as np

from ovlr_bbo.ask_tell import AskTellOptimizer
from ovlr_bbo.spaces import Space

from .relaxation import relaxation_bounds

__all__ = ["CMAES", "GaussianSource"]


class GaussianSource:
    """A picklable ``randn(*shape)`` for pycma backed by its own seeded numpy Generator."""

    def __init__(self, seed: int):
        self.generator = np.random.default_rng(seed)

    def __call__(self, *shape: int) -> np.ndarray:
        return self.generator.standard_normal(shape)


class CMAES(AskTellOptimizer):
    """CMA-ES (pycma) with optional IPOP restarts.

    Settings: ``sigma0`` (initial step size in the relaxation's standardized units, default 0.5),
    ``popsize`` (default: pycma's ``4 + floor(3 ln n)``), ``restarts`` (default True),
    ``popsize_factor`` (default 2), ``max_popsize`` (the restarts' largest population, default
    1024), ``options`` (extra pycma options, e.g. ``{"CMA_diagonal":
    True}``).

    >>> from ovlr_bbo import spaces
    >>> opt = CMAES(spaces.Box(dimension=4), seed=0)
    >>> opt.minimize(lambda x: float((x ** 2).sum()), budget=2000).score < 1e-10
    True
    """

    def __init__(self, space: Space, *, seed: int | None = None, maximize: bool = False,
                 budget: int | None = None, sigma0: float = 0.5, popsize: int | None = None,
                 restarts: bool = True, popsize_factor: float = 2.0, max_popsize: int = 1024,
                 options: dict[str, Any] | None = None):
        super().__init__(space, seed=seed, maximize=maximize)
        if not sigma0 > 0:
            raise ValueError(f"sigma0 must be positive, got {sigma0}")
        if popsize is not None and int(popsize) < 2:
            raise ValueError(f"popsize must be at least 2 (None: pycma's default), got {popsize}")
        if popsize_factor < 1:
            raise ValueError(f"popsize_factor must be at least 1, got {popsize_factor}")
        if int(max_popsize) < max(2, int(popsize or 2)):
            raise ValueError(f"max_popsize must be at least 2 and popsize, got {max_popsize}")
        self.sigma0 = float(sigma0)
        self.restarts = bool(restarts)
        self.popsize_factor = float(popsize_factor)
        self.max_popsize = int(max_popsize)
        self.extra_options = dict(options or {})
        self.n_restarts = 0
        self.es = self._new_strategy(popsize)
        self._popsize = int(self.es.popsize)

    def _new_strategy(self, popsize: int | None) -> cma.CMAEvolutionStrategy:
        lower, upper = relaxation_bounds(self.space)
        if lower.size == 1:  # pycma refuses one-dimensional problems; search two, use the first
            lower, upper = np.repeat(lower, 2), np.repeat(upper, 2)
        bounds = [None, None]
        if np.isfinite(lower).any():
            bounds = [lower.tolist(), upper.tolist()]
        options = {"seed": np.nan, "verbose": -9, "bounds": bounds,
                   "randn": GaussianSource(int(self._rng.integers(2**63 - 1)))}
        if popsize is not None:
            options["popsize"] = int(popsize)
        options.update(self.extra_options)
        x0 = np.resize(self.space.initial_output().reshape(-1).astype(float), lower.size)
        return cma.CMAEvolutionStrategy(x0, self.sigma0, options)

    def _ask(self) -> tuple[np.ndarray, Any]:
        if self.restarts and self.es.stop():
            self.n_restarts += 1
            larger = int(round(self._popsize * self.popsize_factor))
            self.es = self._new_strategy(min(larger, self.max_popsize))
            self._popsize = int(self.es.popsize)
        solutions = np.asarray(self.es.ask())
        return self.space.decode_flat(solutions[:, : self.space.output_size]), (
            self.n_restarts, self.es.countiter, solutions)

    def _tell(self, candidates: np.ndarray, losses: np.ndarray, memo: Any) -> None:
        run, iteration, solutions = memo
        if run == self.n_restarts and iteration == self.es.countiter:  # one tell per iteration
            self.es.tell(list(solutions), losses.tolist())

    def _recommend(self) -> np.ndarray:
        """The decoded mean of the current run."""
        return self.space.decode_flat(self.es.mean[None, : self.space.output_size])[0]
