"""The benchmark runner behind ``ovlr-bbo bench``: configurations (:mod:`.config`), one run
(:mod:`.run`), executors (:mod:`.executors`), the run folder (:mod:`.store`), measures
(:mod:`.metrics`, :mod:`.ranks`) and the report (:mod:`.report`, :mod:`.figures`)."""

from .config import BenchConfig, OptimizerSpec, ProblemSpec, RunSpec, load_config, preset_names
from .runner import BenchResult, rebuild, run_bench

__all__ = ["BenchConfig", "OptimizerSpec", "ProblemSpec", "RunSpec", "load_config",
           "preset_names", "run_bench", "rebuild", "BenchResult"]
