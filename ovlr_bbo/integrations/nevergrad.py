"""OVLR as a nevergrad optimizer: ``ng.optimizers.registry["OVLR"](parametrization, budget=...)``.

Importing this module registers ``OVLR``, ``DiscreteOVLR`` and ``ContinuousOVLR`` in
``ng.optimizers.registry``; :class:`ParametrizedOVLR` builds other configurations.

How a nevergrad parametrization becomes an OVLR search space (:class:`StandardizedSpace`): the
optimizer works on nevergrad's standardized data, and each leaf of the parametrization gets the
OVLR decoding that matches it.

- ``Choice`` (softmax weights, k reals per repetition): a :class:`~ovlr_bbo.spaces.Categorical`
  variable; its argmax is written back as weights that select that option with probability
  ``1 - 1e-6``, so OVLR's own distribution, not nevergrad's resampling, decides.
- ``TransitionChoice`` and integer-cast, bounded ``Array``/``Scalar`` (one real per variable): an
  :class:`~ovlr_bbo.spaces.Integer` variable; the chosen value is written back as the standardized
  value that nevergrad decodes to it.
- bounded reals (``Array``/``Scalar``/``Log`` with bounds that map to finite standardized values,
  e.g. the default "bouncing"): a :class:`~ovlr_bbo.spaces.Box` over the standardized bounds, so
  the bounds themselves are reachable and nevergrad never bounces a candidate back.
- everything else (unbounded reals, integer-cast arrays without bounds or with more than
  ``MAX_INTEGER_VALUES`` values): an unbounded Box over the standardized data.

Rules of nevergrad that the optimizer honours: OVLR is seeded lazily at the first ask from the
parametrization's ``random_state``; OVLR asks whole batches and nevergrad asks one candidate at a
time, so a batch is handed out row by row and told to OVLR when all its rows are told (several
batches may be outstanding with ``num_workers > 1``; a batch that is never completed is told with
its missing rows left out once ``_MAX_OPEN_BATCHES`` newer ones are open). NaN/inf losses
count as the worst of their batch. Tells of candidates it did not ask (and ``suggest``) enter the
best-so-far and the recommendation only: OVLR does not learn from them. The recommendation is the
best candidate told (nevergrad's "minimum"/"pessimistic" best), available before any tell.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import nevergrad as ng
import numpy as np
from nevergrad.optimization import base
from nevergrad.parametrization.choice import BaseChoice

from ..ovlr import OVLR
from ..spaces import Binary, Box, Categorical, Integer, ProductSpace, Space

__all__ = ["StandardizedSpace", "ParametrizedOVLR", "OVLROptimizer", "MAX_INTEGER_VALUES"]

#: integer-cast variables with more values than this are optimized as (rounded) reals
MAX_INTEGER_VALUES = 1000
#: softmax mass a written-back Choice leaves to the options it did not choose
_CHOICE_MISS_PROBABILITY = 1e-6


@dataclass
class _Segment:
    """How one leaf's decoded values become standardized data ``std[:, self.std]``.

    ``kind`` is ``"real"`` (the values are the data), ``"ordinal"`` (one real per variable:
    ``table[i, j]`` is the data of value index ``j`` of variable ``i``) or ``"categorical"``
    (``table[j]`` is the row of softmax weights that selects option ``j``).
    """

    kind: str
    std: slice
    table: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def write(self, values: np.ndarray, std: np.ndarray) -> None:
        if self.kind == "real":
            std[:, self.std] = values
        elif self.kind == "categorical":
            std[:, self.std] = self.table[values].reshape(len(values), -1)
        else:
            std[:, self.std] = self.table[np.arange(values.shape[1]), values]

    def read(self, std: np.ndarray) -> np.ndarray:
        """The values (indices for discrete leaves) nearest to ``std[:, self.std]``."""
        data = std[:, self.std]
        if self.kind == "real":
            return data
        if self.kind == "categorical":
            return data.reshape(len(data), -1, self.table.shape[1]).argmax(axis=-1)
        return np.abs(data[:, :, None] - self.table[None, :, :]).argmin(axis=-1)


def _leaf_data(leaf: ng.p.Parameter, value: Any) -> np.ndarray:
    """Standardized data of ``leaf`` (relative to itself) holding ``value``."""
    return leaf.spawn_child(new_value=value).get_standardized_data(reference=leaf)


def _choice_segment(choice: BaseChoice) -> tuple[Space, np.ndarray]:
    """Categorical space and weight table for a softmax ``Choice``."""
    indices, k = choice.indices, len(choice.choices)
    repetitions = indices.value.size
    if k == 1:
        return Categorical(repetitions, 1), np.zeros((1, 1))
    # nevergrad's own reset weight keeps p = 1.5 / k; rescale it to keep 1 - 1e-6
    nevergrad_weight = math.log(1.5 * (k - 1) / (k - 1.5))
    wanted_weight = math.log((k - 1) * (1 - _CHOICE_MISS_PROBABILITY) / _CHOICE_MISS_PROBABILITY)
    table = np.stack([_leaf_data(indices, np.full(repetitions, j))[:k] for j in range(k)])
    return Categorical(repetitions, k), table * (wanted_weight / nevergrad_weight)


def _integer_segment(leaf: ng.p.Data, values: tuple[np.ndarray, np.ndarray]
                     ) -> tuple[Space, np.ndarray] | None:
    """Integer space and ``(n, K)`` table for ``leaf`` taking ``values[i]`` (inclusive ranges)."""
    shape = np.shape(leaf.value)
    lower, upper = (np.broadcast_to(np.ravel(v), (leaf.dimension,)).astype(np.int64)
                    for v in values)
    counts = upper - lower + 1
    if counts.max() > MAX_INTEGER_VALUES or (counts < 2).any():
        return None  # Integer needs two values or more; too many are better left to rounding
    steps = np.arange(counts.max())
    choices = lower[:, None] + np.minimum(steps[None, :], counts[:, None] - 1)
    as_value = (lambda x: float(x[0])) if np.ndim(leaf.value) == 0 else (lambda x: x.reshape(shape))
    table = np.stack([_leaf_data(leaf, as_value(choices[:, j])) for j in steps], axis=1)
    for j in steps:  # nevergrad must decode the table back to the chosen integers
        decoded = leaf.spawn_child().set_standardized_data(table[:, j]).value
        if not np.array_equal(np.ravel(decoded), choices[:, j]):
            return None
    if (counts == 2).all():  # bit strings (nevergrad's usual 0/1 integer arrays)
        return Binary(len(counts)), table
    return Integer(np.zeros_like(counts), counts - 1), table


def _real_space(leaf: ng.p.Data) -> Box:
    """Box over the standardized bounds of ``leaf``, unbounded where they are not finite."""
    lower, upper = leaf.bounds
    size = leaf.dimension
    if lower is None or upper is None:
        return Box(dimension=size)
    shape = np.shape(leaf.value)
    as_value = (lambda x: float(np.ravel(x)[0])) if not shape else (lambda x: np.broadcast_to(
        x, shape).copy())
    try:
        lb, ub = _leaf_data(leaf, as_value(lower)), _leaf_data(leaf, as_value(upper))
    except (ValueError, RuntimeError):  # a bound nevergrad cannot invert to standardized data
        return Box(dimension=size)
    finite = np.isfinite(lb) & np.isfinite(ub) & (lb < ub)
    if not finite.all():
        return Box(dimension=size)
    return Box(lb, ub)


def _leaf_space(leaf: ng.p.Parameter) -> tuple[Space, np.ndarray | None]:
    """The OVLR space (and index table for discrete ones) matching one leaf."""
    if isinstance(leaf, ng.p.Data) and leaf.integer:
        lower, upper = leaf.bounds
        if lower is not None and upper is not None:
            found = _integer_segment(leaf, (np.ceil(lower), np.floor(upper)))
            if found is not None:
                return found
        return Box(dimension=leaf.dimension), None
    if isinstance(leaf, ng.p.Data):
        return _real_space(leaf), None
    return Box(dimension=leaf.dimension), None


def _leaves(param: ng.p.Parameter, reference: ng.p.Parameter):
    """Yield ``(leaf, kind)`` in nevergrad's standardized-data order: containers concatenate
    their children's data in sorted key order (nevergrad/parametrization/container.py)."""
    if param.dimension == 0:
        return
    if isinstance(param, ng.p.Choice):
        yield from _leaves(param.choices, reference)
        yield param, "choice"
    elif isinstance(param, ng.p.TransitionChoice):
        yield from _leaves(param.choices, reference)
        yield param, "transition"
        yield from _leaves(param["transitions"], reference)
    elif isinstance(param, ng.p.Container):
        for key in sorted(param._content):
            yield from _leaves(param[key], reference)
    else:
        yield param, "data"


class StandardizedSpace(ProductSpace):
    """An OVLR search space whose candidates are standardized data of a nevergrad
    parametrization: the product of one space per leaf (see the module docstring), so OVLR
    gets the same moves, positions and confidences as on the native spaces."""

    def __init__(self, parametrization: ng.p.Parameter):
        dimension = int(parametrization.dimension)
        if dimension < 1:
            raise ValueError("the parametrization has no variable to optimize")
        parts: list[Space] = []
        self.segments: list[_Segment] = []
        std_start = 0
        for leaf, kind in _leaves(parametrization, parametrization):
            table: np.ndarray | None
            if kind == "choice":
                space, table = _choice_segment(leaf)
            elif kind == "transition":
                last = np.full(1, len(leaf.choices) - 1)
                found = _integer_segment(leaf.indices, (np.zeros(1), last))
                space, table = found if found else (Box(dimension=leaf.indices.dimension), None)
            else:
                space, table = _leaf_space(leaf)
            std_size = (leaf.indices if kind in ("choice", "transition") else leaf).dimension
            segment_kind = "real" if table is None else (
                "categorical" if kind == "choice" else "ordinal")
            parts.append(space)
            self.segments.append(_Segment(segment_kind, slice(std_start, std_start + std_size),
                                          np.empty((0, 0)) if table is None else table))
            std_start += std_size
        if std_start != dimension:
            raise ValueError(f"could not map this parametrization onto its {dimension} "
                             f"standardized values (found {std_start}); please report it")
        super().__init__(parts)
        self.dimension = dimension  # candidates are the standardized data, not the parts'

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        outputs = np.asarray(outputs, dtype=float).reshape(-1, self.output_size)
        std = np.empty((len(outputs), self.dimension))
        for k, (part, segment) in enumerate(zip(self.parts, self.segments, strict=True)):
            segment.write(part.decode(self.part_outputs(outputs, k)), std)
        return std

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        std = self.validate(candidates).astype(float)
        chunks = [part.encode(segment.read(std)).reshape(len(std), -1)
                  for part, segment in zip(self.parts, self.segments, strict=True)]
        return np.concatenate(chunks, axis=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        outputs = [part.encode(part.sample(rng, n)).reshape(n, -1) for part in self.parts]
        return self.decode(np.concatenate(outputs, axis=1))

    def value_range(self) -> None:
        return None  # candidates are standardized reals, whatever the leaves are


#: nevergrad's replacement for NaN and losses over it
_NEVERGRAD_CLIP = 5.0e20
#: a batch still missing tells is told without them once this many newer ones exist
_MAX_OPEN_BATCHES = 8


@dataclass
class _OpenBatch:
    """A batch OVLR asked: its rows (standardized data), the losses told so far (and which rows
    were told), rows handed out."""

    rows: np.ndarray
    losses: np.ndarray
    told: np.ndarray
    handed_out: int = 0

    @property
    def complete(self) -> bool:
        return bool(self.told.all())


class OVLROptimizer(base.Optimizer):
    """nevergrad optimizer driving :class:`ovlr_bbo.OVLR` on the parametrization's
    standardized data; build it through the registry or :class:`ParametrizedOVLR`.

    ``ovlr_options`` are passed to :class:`ovlr_bbo.OVLR` (``sigma``, ``n_pairs``, ``lr``, ...).
    """

    def __init__(self, parametrization: base.IntOrParameter, budget: int | None = None,
                 num_workers: int = 1, **ovlr_options: Any) -> None:
        super().__init__(parametrization, budget=budget, num_workers=num_workers)
        self.space = StandardizedSpace(self.parametrization)
        self._ovlr_options = dict(ovlr_options)
        self._ovlr: OVLR | None = None  # built at the first ask, after the user seeded _rng
        self._batches: dict[int, _OpenBatch] = {}
        self._rows_of: dict[str, tuple[int, int]] = {}  # candidate uid -> (batch, row)
        self._next_batch = 0

    @property
    def ovlr(self) -> OVLR:
        """The underlying OVLR ask/tell optimizer (created at the first ask)."""
        if self._ovlr is None:
            seed = int(self._rng.randint(2**31 - 1))
            self._ovlr = OVLR(self.space, seed=seed, **self._ovlr_options)
        return self._ovlr

    def _internal_ask_candidate(self) -> ng.p.Parameter:
        batch_id = next((b for b, batch in self._batches.items()
                         if batch.handed_out < len(batch.rows)), None)
        if batch_id is None:
            batch_id = self._open_batch()
        batch = self._batches[batch_id]
        row = batch.handed_out
        batch.handed_out += 1
        candidate = self.parametrization.spawn_child().set_standardized_data(batch.rows[row])
        self._rows_of[candidate.uid] = (batch_id, row)
        return candidate

    def _open_batch(self) -> int:
        rows = self.ovlr.ask()
        batch_id, self._next_batch = self._next_batch, self._next_batch + 1
        self._batches[batch_id] = _OpenBatch(rows, np.full(len(rows), np.nan),
                                             np.zeros(len(rows), dtype=bool))
        while len(self._batches) > _MAX_OPEN_BATCHES:  # never let forgotten candidates pile up
            self._close_batch(min(self._batches))
        return batch_id

    def _close_batch(self, batch_id: int) -> None:
        """Tell OVLR a batch; rows never told are left out (not counted, not learned from)."""
        batch = self._batches.pop(batch_id)
        self._rows_of = {uid: where for uid, where in self._rows_of.items()
                         if where[0] != batch_id}
        with warnings.catch_warnings():  # a batch with no tell at all is dropped: expected here
            warnings.filterwarnings("ignore", "every score of this batch", RuntimeWarning)
            self.ovlr.tell(batch.rows, batch.losses, evaluated=batch.told)

    def _internal_tell_candidate(self, candidate: ng.p.Parameter, loss: float) -> None:
        where = self._rows_of.pop(candidate.uid, None)
        if where is None:  # its batch was closed without it
            return
        batch = self._batches[where[0]]
        # nevergrad has already clipped NaN and huge losses to 5e20 (base.Optimizer.tell): they
        # are non-finite to OVLR, which counts them as the worst of their batch
        batch.losses[where[1]] = loss if loss < _NEVERGRAD_CLIP else np.inf
        batch.told[where[1]] = True
        if batch.complete:
            self._close_batch(where[0])

    def _internal_tell_not_asked(self, candidate: ng.p.Parameter, loss: float) -> None:
        """Foreign candidates and suggestions enter nevergrad's best-so-far (done by the base
        class before this call) and hence the recommendation; OVLR does not learn from them."""

    def _internal_provide_recommendation(self) -> None:
        """None: nevergrad recommends the best candidate told (its "minimum" or
        "pessimistic" best), which exists before any tell."""
        return None


class ParametrizedOVLR(base.ConfiguredOptimizer):
    """Configure OVLR for nevergrad; None keeps :class:`ovlr_bbo.OVLR`'s default.

    >>> import nevergrad as ng
    >>> from ovlr_bbo.integrations.nevergrad import ParametrizedOVLR
    >>> optimizer = ParametrizedOVLR(sigma=0.3)(ng.p.Array(shape=(3,)), budget=100)

    Parameters: ``sigma``, ``n_pairs``, ``n_outputs``, ``lr``, ``policy``, ``shaping``,
    ``output_bound`` and ``parts`` as in :class:`ovlr_bbo.OVLR`.
    """

    def __init__(self, *, sigma: float | None = None, n_pairs: int | None = None,
                 n_outputs: int | None = None, lr: float | None = None, policy: str | None = None,
                 shaping: str | None = None, output_bound: float | None = None,
                 parts: tuple | list | None = None) -> None:
        config = dict(sigma=sigma, n_pairs=n_pairs, n_outputs=n_outputs, lr=lr, policy=policy,
                      shaping=shaping, output_bound=output_bound, parts=parts)
        super().__init__(OVLROptimizer, config)

    def config(self) -> dict[str, Any]:
        """The options given, without those left to OVLR's defaults."""
        return {key: value for key, value in self._config.items() if value is not None}


#: OVLR with its default settings
OVLR_NG = ParametrizedOVLR().set_name("OVLR", register=True)
#: the seed experiment's bit-string settings (REFERENCE section 2): few pairs, logits kept in
#: (-1.5, 1.5) so that no bit or category saturates
DiscreteOVLR = ParametrizedOVLR(sigma=0.6, n_pairs=2, lr=0.12, output_bound=1.5).set_name(
    "DiscreteOVLR", register=True)
#: more pairs per step (a less noisy gradient) and a larger step for smooth real problems
ContinuousOVLR = ParametrizedOVLR(n_pairs=8, lr=0.2).set_name("ContinuousOVLR", register=True)
