"""``ovlr-bbo parallel``: runs with k asks outstanding, evaluations counted the same way for every
k, on real IOH problems."""

import ioh
import pytest

from ovlr_bbo.bench.parallel import main, run_with_outstanding, solved_with_outstanding
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.spaces import Binary


@pytest.mark.parametrize("outstanding", [1, 4])
def test_onemax_is_solved_within_the_budget_with_asks_outstanding(outstanding):
    problem = ioh.get_problem(1, 2, 16, ioh.ProblemClass.PBO)
    optimizer = make_optimizer("ovlr", Binary(16), seed=0, maximize=True, budget=400)
    used = run_with_outstanding(optimizer, problem, 400, outstanding)
    assert problem.state.optimum_found
    assert used == problem.state.evaluations <= 400


def test_the_budget_cuts_the_batch_that_crosses_it():
    problem = ioh.get_problem(2, 2, 32, ioh.ProblemClass.PBO)  # LeadingOnes: not solved in 10
    optimizer = make_optimizer("ea", Binary(32), seed=0, maximize=True, budget=10)
    assert run_with_outstanding(optimizer, problem, 10, 8) == problem.state.evaluations == 10
    assert not solved_with_outstanding("ea", 2, 2, 32, 10, 8, seed=0)


def test_main_prints_one_row_per_optimizer_and_level(capsys):
    main(["--optimizers", "ovlr,ea", "--outstanding", "1,2", "--seeds", "0", "--dimension", "8",
          "--budget", "64"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ovlr")
            or line.startswith("| ea")]
    assert len(rows) == 4 and all(row.rstrip().endswith("%) |") for row in rows)
