"""Each benchmark run gets its own random stream, mixed from the seed and the problem instance."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ovlr_bbo.bench.config import OptimizerSpec, RunSpec
from ovlr_bbo.bench.run import build_optimizer
from ovlr_bbo.optimizers import derive_seed
from ovlr_bbo.problems import ProblemSpec, make_problem


def _run(problem: ProblemSpec, seed: int = 0, optimizer: str = "ovlr") -> RunSpec:
    return RunSpec(OptimizerSpec(optimizer, "ovlr"), problem, seed, budget=10)


PROBLEMS = [ProblemSpec("pbo", 1, 1, 16), ProblemSpec("pbo", 2, 1, 16),
            ProblemSpec("pbo", 1, 2, 16), ProblemSpec("pbo", 1, 1, 32),
            ProblemSpec("bbob", 1, 1, 16),
            ProblemSpec("binpack", "triplet", 1, 9, "keys"),
            ProblemSpec("binpack", "triplet", 1, 9, "assignment"),
            ProblemSpec("binpack", "triplet", 1, 9, "keys", "best_fit")]


def test_problems_instances_and_encodings_get_different_streams():
    seeds = [_run(problem).run_seed for problem in PROBLEMS]
    assert len(set(seeds)) == len(PROBLEMS)
    assert len({_run(PROBLEMS[0], seed).run_seed for seed in range(20)}) == 20
    assert all(0 <= seed < 2**32 for seed in seeds)


def test_every_optimizer_of_a_run_gets_the_same_seed():
    assert _run(PROBLEMS[0], optimizer="a").run_seed == _run(PROBLEMS[0], optimizer="b").run_seed


def test_the_optimizer_is_seeded_with_the_run_seed():
    spec = _run(PROBLEMS[1], seed=3)
    bench = make_problem(spec.problem)
    optimizer = build_optimizer(spec, bench.space, bench.maximize)
    assert optimizer.seed == spec.run_seed != spec.seed


def test_seeds_are_stable_across_processes():
    """Python's hash() of strings changes per process; the derived seed must not."""
    code = ("from ovlr_bbo.optimizers import derive_seed; "
            "print(derive_seed(7, 'binpack', 'triplet', 1, 9, 'keys', 'first_fit'))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={"PYTHONHASHSEED": str(hash_seed), "PATH": ""},
                              check=True).stdout.strip()
               for hash_seed in (1, 2)}
    assert outputs == {str(derive_seed(7, "binpack", "triplet", 1, 9, "keys", "first_fit"))}


@pytest.mark.parametrize("parts", [(0, "a"), (0, "b"), (1, "a"), ("0", "a")])
def test_derive_seed_tells_parts_apart(parts):
    others = {(0, "a"), (0, "b"), (1, "a"), ("0", "a")} - {parts}
    assert all(derive_seed(*parts) != derive_seed(*other) for other in others)
