"""Problems by name: ``make_problem("pbo:1:1:32")`` or ``make_problem("pbo-f1-i1-d32")``.

Two spellings name the same problem:

- specs ``suite:fid:instance:dimension`` for IOH suites (``pbo:1:1:32``, ``bbob:24:3:10``,
  ``integer:30:1:5``, ``real:1:1:5``) and ``binpack:family:seed:n_items[:encoding[:decoder]]``
  for generated bin packing (``binpack:triplet:0:30:keys``, ``binpack:uniform:2:120:assignment``,
  ``binpack:triplet:0:60:keys:best_fit``);
- canonical names, as in ``BenchmarkProblem.name`` (``pbo-f1-i1-d32``,
  ``binpack-triplet30-s0-keys``, ``binpack-triplet60-s0-keys-bestfit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .benchmark import BenchmarkProblem
from .binpacking import triplet_instance, uniform_instance
from .binpacking_decode import DECODERS
from .binpacking_ioh import ENCODINGS, binpacking, decoder_suffix
from .ioh_suites import SUITES, ioh_problem

__all__ = ["ProblemSpec", "parse_problem", "make_problem", "problem_title", "problem_order",
           "PROBLEM_FORMS"]

#: generated bin packing families
FAMILIES = {"triplet": triplet_instance, "uniform": uniform_instance}

#: the accepted spellings, for error messages
PROBLEM_FORMS = (
    "suite:fid:instance:dimension with suite in {pbo, bbob, integer, real} (e.g. pbo:1:1:32)",
    "binpack:family:seed:n_items[:encoding[:decoder]] with family in {triplet, uniform}, "
    f"encoding in {{keys, assignment}}, decoder in {{{', '.join(DECODERS)}}} "
    "(e.g. binpack:triplet:0:30:keys)",
    "a canonical name: pbo-f1-i1-d32, bbob-f1-i1-d5, binpack-triplet30-s0-keys, "
    "binpack-uniform120-s0-assignment, binpack-triplet30-s0-keys-bestfit, "
    "binpack-triplet30-s0-keys-fill",
)

_IOH_NAME = re.compile(r"(?P<suite>[a-z]+)-f(?P<fid>\d+)-i(?P<instance>\d+)-d(?P<dimension>\d+)")
_BINPACK_NAME = re.compile(r"binpack-(?P<family>[a-z]+)(?P<dimension>\d+)-s(?P<instance>\d+)"
                           r"-(?P<encoding>[a-z]+)(?:-(?P<decoder>bestfit|fill\d*))?")


@dataclass(frozen=True)
class ProblemSpec:
    """One problem instance, from a configuration to its run: what :func:`make_problem` builds.

    For IOH suites ``fid`` is the ioh problem id, ``instance`` the ioh instance and ``dimension``
    the number of variables (``encoding`` and ``decoder`` stay None). For ``suite="binpack"``
    ``fid`` is the family (``"triplet"`` or ``"uniform"``), ``instance`` the generator seed,
    ``dimension`` the item count, and ``encoding`` (default ``"keys"``) and ``decoder`` (default
    ``"first_fit"``) choose the bin packing encoding.
    """

    suite: str
    fid: int | str
    instance: int
    dimension: int
    encoding: str | None = None
    decoder: str | None = None

    def __post_init__(self) -> None:
        if self.suite == "binpack":
            object.__setattr__(self, "encoding", self.encoding or "keys")
            object.__setattr__(self, "decoder", self.decoder or "first_fit")
            if self.fid not in FAMILIES:
                raise ValueError(f"unknown bin packing family {self.fid!r}; "
                                 f"choose one of {sorted(FAMILIES)}")
            if self.encoding not in ENCODINGS:
                raise ValueError(f"unknown encoding {self.encoding!r}; choose one of {ENCODINGS}")
            if self.decoder not in DECODERS:
                raise ValueError(f"unknown decoder {self.decoder!r}; choose one of {DECODERS}")
        elif self.suite not in SUITES:
            raise ValueError(f"unknown suite {self.suite!r}; valid forms:\n  "
                             + "\n  ".join(PROBLEM_FORMS))
        elif not isinstance(self.fid, int) or isinstance(self.fid, bool):
            raise ValueError(f"{self.suite} problem ids are integers, got {self.fid!r}")
        elif self.encoding is not None or self.decoder is not None:
            raise ValueError(f"encodings and decoders apply to bin packing only, not {self.suite}")

    @property
    def name(self) -> str:
        """The canonical name of the problem instance: ``pbo-f1-i1-d32``,
        ``binpack-triplet30-s0-keys``."""
        if self.suite == "binpack":
            suffix = decoder_suffix(str(self.encoding), str(self.decoder))
            return f"binpack-{self.fid}{self.dimension}-s{self.instance}-{self.encoding}{suffix}"
        return f"{self.suite}-f{self.fid}-i{self.instance}-d{self.dimension}"

    @property
    def spec(self) -> str:
        """The spec string: ``pbo:1:1:32``, ``binpack:triplet:0:30:keys:best_fit``."""
        fields = [self.suite, str(self.fid), str(self.instance), str(self.dimension)]
        if self.suite == "binpack":
            fields += [str(self.encoding), str(self.decoder)]
        return ":".join(fields)

    @property
    def group(self) -> str:
        """The problem without its instance (a table column): ``pbo-f1-d32``,
        ``binpack-triplet30-keys``, ``binpack-triplet30-keys-best_fit``."""
        if self.suite == "binpack":
            decoder = "" if self.decoder == "first_fit" else f"-{self.decoder}"
            return f"binpack-{self.fid}{self.dimension}-{self.encoding}{decoder}"
        return f"{self.suite}-f{self.fid}-d{self.dimension}"

    @property
    def key(self) -> str:
        """The problem instance, file-name safe: ``pbo-f1-d32-i1``."""
        return f"{self.group}-i{self.instance}"

    @property
    def title(self) -> str:
        """What tables print for the group: ``LeadingOnes (f2, d32)``, ``Sphere (f1, d5)``,
        ``bin packing triplet30 (keys)``."""
        return problem_title(self.suite, self.fid, self.dimension, self.encoding, self.decoder)


def problem_title(suite: str, fid: int | str, dimension: int, encoding: str | None = None,
                  decoder: str | None = None) -> str:
    """The readable name of a problem group (see :attr:`ProblemSpec.title`)."""
    if suite == "binpack":
        detail = str(encoding or "keys")
        if decoder not in (None, "first_fit"):
            detail += f", {decoder}"
        return f"bin packing {fid}{dimension} ({detail})"
    names = SUITES[suite].problems if suite in SUITES else {}
    return f"{names.get(int(fid), suite)} (f{fid}, d{dimension})"


def problem_order(suite: str, fid: int | str, dimension: int, encoding: str | None = None,
                  decoder: str | None = None) -> tuple:
    """Sort key of problem groups: suite, then ids numerically (f1, f2, ..., f10, ...),
    dimension, encoding."""
    suites = [*SUITES, "binpack"]
    rank = suites.index(suite) if suite in suites else len(suites)
    number = fid if isinstance(fid, int) else -1
    return (rank, number, str(fid), int(dimension), str(encoding or ""), str(decoder or ""))


def _invalid(text: str, reason: str = "") -> ValueError:
    reason = f" ({reason})" if reason else ""
    return ValueError(f"cannot parse problem {text!r}{reason}; valid forms:\n  "
                      + "\n  ".join(PROBLEM_FORMS))


def _parse_colon(text: str) -> ProblemSpec:
    parts = text.split(":")
    suite = parts[0]
    if suite == "binpack":
        if not 4 <= len(parts) <= 6:
            raise _invalid(text, "binpack specs have 4 to 6 fields")
        family, seed, n_items, *rest = parts[1:]
        if not (seed.isdigit() and n_items.isdigit()):
            raise _invalid(text, "seed and n_items must be non-negative integers")
        return ProblemSpec("binpack", family, int(seed), int(n_items), *rest)
    if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
        raise _invalid(text, "IOH specs are suite:fid:instance:dimension with integer fields")
    return ProblemSpec(suite, int(parts[1]), int(parts[2]), int(parts[3]))


def parse_problem(text: str) -> ProblemSpec:
    """Parse a spec (``pbo:1:1:32``, ``binpack:triplet:0:30:keys``) or a canonical name
    (``pbo-f1-i1-d32``, ``binpack-triplet30-s0-keys``); ValueError lists the valid forms."""
    text = text.strip().lower()
    try:
        if ":" in text:
            return _parse_colon(text)
        if match := _BINPACK_NAME.fullmatch(text):
            decoder = {None: "first_fit", "bestfit": "best_fit"}.get(match["decoder"],
                                                                     match["decoder"])
            return ProblemSpec("binpack", match["family"], int(match["instance"]),
                               int(match["dimension"]), match["encoding"], decoder)
        if match := _IOH_NAME.fullmatch(text):
            return ProblemSpec(match["suite"], int(match["fid"]), int(match["instance"]),
                               int(match["dimension"]))
    except ValueError as error:
        if str(error).startswith("cannot parse"):
            raise
        raise _invalid(text, str(error).split(";")[0]) from None
    raise _invalid(text)


def make_problem(name_or_spec: str | ProblemSpec) -> BenchmarkProblem:
    """Build the problem named by a spec string, a canonical name or a :class:`ProblemSpec`."""
    spec = parse_problem(name_or_spec) if isinstance(name_or_spec, str) else name_or_spec
    if spec.suite == "binpack":
        instance = FAMILIES[str(spec.fid)](spec.dimension, spec.instance)
        return binpacking(instance, str(spec.encoding), str(spec.decoder))
    return ioh_problem(spec.suite, int(spec.fid), spec.instance, spec.dimension)
