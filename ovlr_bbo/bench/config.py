"""Benchmark configurations: TOML presets and user files, expanded into a list of runs.

A configuration names optimizers, problem groups, seeds and budgets::

    description = "five PBO problems"
    optimizers = ["ovlr", "cem", "cmaes"]       # labels, in table order
    seeds = "0-14"                               # or a list of integers
    stop_at_optimum = true                       # stop a run once the optimum is found
    run_timeout_s = 600                          # wall-clock limit of one run (failed if over)

    [optimizer.cem]                              # optional: label -> registry name + settings
    optimizer = "cem-seed"

    [[problems]]
    suite = "pbo"                                # pbo | bbob | integer | real | binpack
    functions = [1, 2, 3]                        # IOH ids, or bin packing families (triplet...)
    instances = "1-5"
    dimensions = [16, 64]                        # bin packing: number of items
    budget_per_dimension = 100                   # or: budget = 512
    # encodings = ["keys", "assignment"]         # bin packing only (instances = generator seeds)

Presets are such files shipped in ``ovlr_bbo/presets/``; :func:`load_config` takes a preset name or
a path.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ovlr_bbo.problems.registry import ProblemSpec

from ..optimizers import derive_seed

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["BenchConfig", "OptimizerSpec", "ProblemSpec", "RunSpec", "load_config",
           "preset_names", "parse_int_list", "SUITES"]

#: problem suites of :func:`ovlr_bbo.problems.make_problem` ("binpacking" is read as "binpack")
#: where the presets live (package data, so they ship with non-editable installs too)
PRESETS = Path(__file__).resolve().parent.parent / "presets"

SUITES = ("pbo", "bbob", "integer", "real", "binpack")
_TOP_KEYS = {"description", "optimizers", "seeds", "stop_at_optimum", "run_timeout_s",
             "optimizer", "problems"}
_GROUP_KEYS = {"suite", "functions", "instances", "dimensions", "budget", "budget_per_dimension",
               "encodings"}


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer as the table shows it (``label``), built by ``make_optimizer(name, ...)``."""

    label: str
    name: str
    settings: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines one run; runs with equal specs give equal results."""

    optimizer: OptimizerSpec
    problem: ProblemSpec
    seed: int
    budget: int
    stop_at_optimum: bool = True
    timeout_s: float | None = None

    @property
    def run_seed(self) -> int:
        """The seed the optimizer gets: ``seed`` mixed with the problem instance (suite,
        function, instance, dimension, encoding, decoder) by :func:`numpy.random.SeedSequence`,
        so problems and instances do not share one random stream; the same for every optimizer
        (common random numbers) and stable across processes and machines."""
        problem = self.problem
        return derive_seed(self.seed, problem.suite, problem.fid, problem.instance,
                           problem.dimension, problem.encoding or "", problem.decoder or "")

    @property
    def key(self) -> str:
        """File-name-safe identity: readable prefix plus a hash of every field."""
        content = json.dumps(asdict(self), sort_keys=True, default=str)
        digest = hashlib.sha1(content.encode()).hexdigest()[:8]
        label = re.sub(r"[^A-Za-z0-9._-]+", "-", self.optimizer.label)
        return f"{label}__{self.problem.key}__s{self.seed}__{digest}"


@dataclass
class BenchConfig:
    """A parsed configuration; :meth:`runs` expands it into :class:`RunSpec` objects."""

    name: str
    optimizers: list[OptimizerSpec]
    groups: list[dict[str, Any]]
    seeds: list[int]
    description: str = ""
    stop_at_optimum: bool = True
    run_timeout_s: float | None = None

    def runs(self) -> list[RunSpec]:
        """Every run, in a fixed order (optimizer, problem group, instance, seed)."""
        runs: list[RunSpec] = []
        for optimizer in self.optimizers:
            for group in self.groups:
                for problem, budget in _expand_group(group):
                    runs.extend(RunSpec(optimizer, problem, seed, budget, self.stop_at_optimum,
                                        self.run_timeout_s) for seed in self.seeds)
        return runs

    def select_optimizers(self, labels: list[str]) -> BenchConfig:
        """Keep only the optimizers ``labels`` (in that order); unknown labels are built with
        their own name as registry name, so ``--optimizers rls`` works with any preset."""
        known = {spec.label: spec for spec in self.optimizers}
        chosen = [known.get(label, OptimizerSpec(label, label)) for label in labels]
        return replace(self, optimizers=chosen)

    def with_budget(self, budget: int) -> BenchConfig:
        """Every problem group with the fixed budget ``budget``."""
        if budget < 1:
            raise ValueError(f"--budget must be a positive number of evaluations, got {budget}")
        groups = [{k: v for k, v in group.items() if k != "budget_per_dimension"}
                  | {"budget": budget} for group in self.groups]
        return replace(self, groups=groups)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly record of the configuration (saved next to the results)."""
        return {"name": self.name, "description": self.description, "seeds": self.seeds,
                "stop_at_optimum": self.stop_at_optimum, "run_timeout_s": self.run_timeout_s,
                "optimizers": [asdict(spec) for spec in self.optimizers], "groups": self.groups}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchConfig:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["optimizers"] = [OptimizerSpec(**spec) for spec in data["optimizers"]]
        return cls(**data)


def _expand_group(group: dict[str, Any]) -> list[tuple[ProblemSpec, int]]:
    problems = []
    for function in group["functions"]:
        for dimension in group["dimensions"]:
            budget = group.get("budget") or group["budget_per_dimension"] * dimension
            default = ["keys"] if group["suite"] == "binpack" else [None]
            for encoding in group.get("encodings") or default:
                coding, _, decoder = (encoding or "").partition(":")
                for instance in group["instances"]:
                    spec = ProblemSpec(group["suite"], function, instance, dimension,
                                       coding or None, decoder or None)
                    problems.append((spec, int(budget)))
    return problems


def parse_int_list(value: Any, what: str) -> list[int]:
    """``"0-14"``, ``"1,3,5-7"``, ``7`` or ``[0, 1]`` -> a list of integers."""
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected integers or a range like '0-14', got {value!r}")
    if isinstance(value, int):
        return [value]
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                       for v in value):
        return list(value)
    if isinstance(value, str):
        numbers: list[int] = []
        for part in value.split(","):
            match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if not match:
                raise ValueError(f"{what}: cannot read {value!r}; write e.g. '0-14' or '1,3,5-7'")
            first, last = int(match[1]), int(match[2] or match[1])
            if last < first:
                raise ValueError(f"{what}: range {part.strip()!r} is empty")
            numbers.extend(range(first, last + 1))
        return numbers
    raise ValueError(f"{what}: expected integers or a range like '0-14', got {value!r}")


def preset_names() -> list[str]:
    """Names of the presets shipped with ovlr-bbo."""
    return sorted(path.stem for path in PRESETS.glob("*.toml"))


def load_config(preset_or_path: str | Path) -> BenchConfig:
    """Load a preset by name or a TOML file by path; errors say what exists or what is wrong."""
    path = Path(preset_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"config file {str(path)!r} not found; presets: "
                             f"{', '.join(preset_names())}")
        text, name, origin = path.read_text(), path.stem, str(path)
    else:
        if str(preset_or_path) not in preset_names():
            raise ValueError(f"unknown preset {str(preset_or_path)!r}; presets: "
                             f"{', '.join(preset_names())} (or give a path to a .toml file)")
        resource = PRESETS / f"{preset_or_path}.toml"
        name = str(preset_or_path)
        text, origin = resource.read_text(), f"preset {name!r}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{origin} is not valid TOML: {error}") from None
    return parse_config(data, name, origin)


def parse_config(data: dict[str, Any], name: str, origin: str = "config") -> BenchConfig:
    """Validate a configuration read from TOML (see the module docstring for the format)."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    for required in ("optimizers", "problems"):
        if required not in data:
            raise ValueError(f"{origin}: missing {required!r} (see `ovlr-bbo list` and the "
                             "presets for examples)")
    labels = data["optimizers"]
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise ValueError(f"{origin}: 'optimizers' must be a non-empty list of names")
    tables = data.get("optimizer", {})
    stray = set(tables) - set(labels)
    if stray:
        raise ValueError(f"{origin}: [optimizer.{sorted(stray)[0]}] is not in "
                         f"'optimizers' {labels}")
    optimizers = [_optimizer_spec(label, dict(tables.get(label, {}))) for label in labels]
    problems = data["problems"]
    if not isinstance(problems, list) or not problems:
        raise ValueError(f"{origin}: 'problems' must be one or more [[problems]] tables")
    groups = [_problem_group(group, f"{origin}, problems[{i}]") for i, group in enumerate(problems)]
    timeout = data.get("run_timeout_s")
    if timeout is not None and not (isinstance(timeout, int | float) and timeout > 0):
        raise ValueError(f"{origin}: run_timeout_s must be a positive number of seconds")
    return BenchConfig(name=name, optimizers=optimizers, groups=groups,
                       seeds=parse_int_list(data.get("seeds", "0-4"), f"{origin}: seeds"),
                       description=str(data.get("description", "")),
                       stop_at_optimum=bool(data.get("stop_at_optimum", True)),
                       run_timeout_s=None if timeout is None else float(timeout))


def _optimizer_spec(label: str, table: dict[str, Any]) -> OptimizerSpec:
    name = table.pop("optimizer", label)
    return OptimizerSpec(label=label, name=str(name), settings=table)


def _problem_group(group: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(group) - _GROUP_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(_GROUP_KEYS)}")
    suite = group.get("suite")
    suite = "binpack" if suite == "binpacking" else suite
    if suite not in SUITES:
        raise ValueError(f"{where}: suite {suite!r} is unknown; suites: {', '.join(SUITES)}")
    for required in ("functions", "dimensions"):
        if required not in group:
            raise ValueError(f"{where}: missing {required!r}")
    if ("budget" in group) == ("budget_per_dimension" in group):
        raise ValueError(f"{where}: give exactly one of 'budget' and 'budget_per_dimension'")
    functions = group["functions"]
    if suite == "binpack":
        functions = [functions] if isinstance(functions, str) else list(functions)
    else:
        functions = parse_int_list(functions, f"{where}: functions")
    result = {"suite": suite, "functions": functions,
              "instances": parse_int_list(group.get("instances", [1]), f"{where}: instances"),
              "dimensions": parse_int_list(group["dimensions"], f"{where}: dimensions")}
    for key in ("budget", "budget_per_dimension"):
        if key in group:
            value = group[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{where}: {key} must be a positive integer, got {value!r}")
            result[key] = value
    if "encodings" in group:
        if suite != "binpack":
            raise ValueError(f"{where}: 'encodings' applies to bin packing only")
        result["encodings"] = list(group["encodings"])
    return result
