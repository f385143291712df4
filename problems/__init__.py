"""Benchmark problems for ovlr-bbo, all as real ``ioh`` problem objects.

Every optimizer gets a :class:`BenchmarkProblem`: the ioh problem (so an attached IOH Analyzer
logs every evaluation the same way), the search space to optimise over, and the direction.

>>> import numpy as np
>>> from ovlr_bbo.problems import make_problem
>>> bench = make_problem("pbo:1:1:16")          # OneMax, instance 1, 16 bits (= "pbo-f1-i1-d16")
>>> rng = np.random.default_rng(0)
>>> values = bench.evaluate(bench.space.sample(rng, 4))   # counted and logged by ioh
>>> bench.evaluations, bench.maximize, bench.losses(np.ones((1, 16), dtype=int))
(4, True, array([-16.]))

Bin packing (IOH has none) comes from :mod:`.binpacking` (instances, generators, bounds,
heuristics), :mod:`.binpacking_io` (file readers) and :mod:`.binpacking_ioh` (the ioh problems).
"""

from .benchmark import BenchmarkProblem
from .binpacking import (
    BinPackingInstance,
    best_fit_decreasing,
    first_fit_decreasing,
    lower_bound_l1,
    lower_bound_l2,
    packing_objective,
    triplet_instance,
    uniform_instance,
)
from .binpacking_io import BinPackingFormatError, read_bpp, read_orlib, write_bpp
from .binpacking_ioh import BinPackingAssignment, BinPackingKeys, binpacking
from .ioh_suites import bbob, from_ioh, integer, ioh_problem, pbo, real
from .registry import PROBLEM_FORMS, ProblemSpec, make_problem, parse_problem

__all__ = [
    "BenchmarkProblem",
    "ProblemSpec",
    "PROBLEM_FORMS",
    "make_problem",
    "parse_problem",
    "pbo",
    "bbob",
    "integer",
    "real",
    "ioh_problem",
    "from_ioh",
    "binpacking",
    "BinPackingInstance",
    "BinPackingKeys",
    "BinPackingAssignment",
    "BinPackingFormatError",
    "triplet_instance",
    "uniform_instance",
    "read_bpp",
    "read_orlib",
    "write_bpp",
    "lower_bound_l1",
    "lower_bound_l2",
    "first_fit_decreasing",
    "best_fit_decreasing",
    "packing_objective",
]
