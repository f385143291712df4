"""IOH suite problems (PBO, BBOB, integer and other classes) as :class:`BenchmarkProblem` s.

The search space comes from the problem itself: ``Binary`` for integer problems with bounds
``[0, 1]`` (all of PBO), ``Integer`` for other integer bounds, ``Box`` from the bounds for real
problems (BBOB: ``[-5, 5]^d``). The direction comes from ioh's ``optimization_type`` (PBO
maximises, BBOB minimises) in :func:`from_ioh`, the one place that reads it.
"""

from __future__ import annotations

from typing import Any

import ioh
import numpy as np

from ovlr_bbo.spaces import Binary, Box, Integer, RandomKeys, Space

from .benchmark import BenchmarkProblem

__all__ = ["SUITES", "from_ioh", "ioh_problem", "pbo", "bbob", "integer", "real"]

#: suite name -> ioh problem class
SUITES: dict[str, ioh.ProblemClass] = {
    "pbo": ioh.ProblemClass.PBO,
    "bbob": ioh.ProblemClass.BBOB,
    "integer": ioh.ProblemClass.INTEGER,
    "real": ioh.ProblemClass.REAL,
}


def space_of(problem: Any) -> Space:
    """The search space matching an ioh problem's variable type and bounds (random keys for the
    key encoding of bin packing)."""
    from .binpacking_ioh import BinPackingKeys

    if isinstance(problem, BinPackingKeys):
        return RandomKeys(problem.meta_data.n_variables)
    lb, ub = np.asarray(problem.bounds.lb), np.asarray(problem.bounds.ub)
    if isinstance(problem, ioh.problem.IntegerSingleObjective):
        if (lb == 0).all() and (ub == 1).all():
            return Binary(problem.meta_data.n_variables)
        return Integer(lb, ub)
    return Box(lb, ub)


def from_ioh(problem: Any, name: str | None = None) -> BenchmarkProblem:
    """Wrap any single-objective ioh problem; the name defaults to ``ioh-f<id>-i<iid>-d<dim>``."""
    meta = problem.meta_data
    maximize = meta.optimization_type == ioh.OptimizationType.MAX
    optimum = float(problem.optimum.y)
    if name is None:
        name = f"ioh-f{meta.problem_id}-i{meta.instance}-d{meta.n_variables}"
    return BenchmarkProblem(name=name, problem=problem, space=space_of(problem), maximize=maximize,
                            optimum=optimum if np.isfinite(optimum) else None)


def ioh_problem(suite: str, fid: int, instance: int = 1, dimension: int = 5) -> BenchmarkProblem:
    """Problem ``fid`` of an ioh ``suite`` (one of :data:`SUITES`), named
    ``<suite>-f<fid>-i<instance>-d<dimension>``."""
    if suite not in SUITES:
        raise ValueError(f"unknown ioh suite {suite!r}; choose one of {sorted(SUITES)}")
    problem_class = SUITES[suite]
    available = problem_class.problems
    if fid not in available:
        ids = sorted(available)
        raise ValueError(f"{suite} has no problem {fid}; valid ids: {ids[0]}..{ids[-1]} "
                         f"(see ioh.ProblemClass.{problem_class.name}.problems)")
    if dimension < 1 or instance < 0:
        raise ValueError(f"need dimension >= 1 and instance >= 0, got {dimension} and {instance}")
    problem = ioh.get_problem(fid, instance, dimension, problem_class)
    if problem.meta_data.n_variables != dimension:
        raise ValueError(f"{suite} f{fid} ({available[fid]}) does not exist in dimension "
                         f"{dimension}; ioh would use {problem.meta_data.n_variables}")
    return from_ioh(problem, f"{suite}-f{fid}-i{instance}-d{dimension}")


def pbo(fid: int, instance: int = 1, dimension: int = 32) -> BenchmarkProblem:
    """IOH PBO problem ``fid`` (1..25; maximisation) on ``Binary(dimension)``."""
    return ioh_problem("pbo", fid, instance, dimension)


def bbob(fid: int, instance: int = 1, dimension: int = 5) -> BenchmarkProblem:
    """BBOB function ``fid`` (1..24; minimisation) on the box ``[-5, 5]^dimension``."""
    return ioh_problem("bbob", fid, instance, dimension)


def integer(fid: int, instance: int = 1, dimension: int = 5) -> BenchmarkProblem:
    """IOH INTEGER-class problem ``fid``: the PBO functions (on ``Binary``) and the star
    discrepancy problems 30..59 (on ``Integer`` grids)."""
    return ioh_problem("integer", fid, instance, dimension)


def real(fid: int, instance: int = 1, dimension: int = 5) -> BenchmarkProblem:
    """IOH REAL-class problem ``fid``: BBOB 1..24 and the star discrepancy problems 30..59."""
    return ioh_problem("real", fid, instance, dimension)
