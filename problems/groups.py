"""Problem groups of a suite, for per-group tables and figures of benchmark reports.

PBO (Doerr et al. 2020, "Benchmarking discrete optimization heuristics with IOHprofiler") groups
its 25 functions by the base problem they transform; BBOB (Hansen et al. 2009) groups its 24 by
separability, conditioning and global structure. Other suites (integer, real, bin packing) have no
groups.

>>> [group.name for group in suite_groups("pbo")][:3]
['OneMax family', 'Linear', 'LeadingOnes family']
>>> group_of("bbob", 12).slug
'bbob-high-conditioning'
>>> group_of("binpack", "triplet") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ProblemGroup", "GROUPS", "suite_groups", "group_of"]


@dataclass(frozen=True)
class ProblemGroup:
    """A named set of function ids of one suite; ``slug`` is file-name safe and unique over all
    suites (``ecdf_<slug>.png``)."""

    suite: str
    name: str
    slug: str
    functions: tuple[int, ...]


def _ids(*spans: int | tuple[int, int]) -> tuple[int, ...]:
    """Function ids from single ids and inclusive ``(first, last)`` spans."""
    ids: list[int] = []
    for span in spans:
        ids += [span] if isinstance(span, int) else list(range(span[0], span[1] + 1))
    return tuple(ids)


#: suite -> its groups, in report order
GROUPS: dict[str, tuple[ProblemGroup, ...]] = {
    "pbo": (
        ProblemGroup("pbo", "OneMax family", "pbo-onemax", _ids(1, (4, 10))),
        ProblemGroup("pbo", "Linear", "pbo-linear", _ids(3)),
        ProblemGroup("pbo", "LeadingOnes family", "pbo-leadingones", _ids(2, (11, 17))),
        ProblemGroup("pbo", "LABS", "pbo-labs", _ids(18)),
        ProblemGroup("pbo", "Ising", "pbo-ising", _ids((19, 21))),
        ProblemGroup("pbo", "MIS", "pbo-mis", _ids(22)),
        ProblemGroup("pbo", "N-Queens", "pbo-nqueens", _ids(23)),
        ProblemGroup("pbo", "ConcatenatedTrap", "pbo-trap", _ids(24)),
        ProblemGroup("pbo", "NK landscapes", "pbo-nk", _ids(25)),
    ),
    "bbob": (
        ProblemGroup("bbob", "separable", "bbob-separable", _ids((1, 5))),
        ProblemGroup("bbob", "low or moderate conditioning", "bbob-moderate-conditioning",
                     _ids((6, 9))),
        ProblemGroup("bbob", "high conditioning", "bbob-high-conditioning", _ids((10, 14))),
        ProblemGroup("bbob", "multimodal, adequate global structure", "bbob-multimodal-adequate",
                     _ids((15, 19))),
        ProblemGroup("bbob", "multimodal, weak global structure", "bbob-multimodal-weak",
                     _ids((20, 24))),
    ),
}


def suite_groups(suite: str) -> tuple[ProblemGroup, ...]:
    """The groups of ``suite`` in report order; empty for a suite without groups."""
    return GROUPS.get(suite, ())


def group_of(suite: str, function: int | str) -> ProblemGroup | None:
    """The group of function ``function`` of ``suite``; None when the suite has no groups or the
    id is in none of them."""
    if isinstance(function, bool) or not isinstance(function, int | str):
        return None
    if isinstance(function, str):
        if not function.isdigit():
            return None
        function = int(function)
    for group in suite_groups(suite):
        if function in group.functions:
            return group
    return None
