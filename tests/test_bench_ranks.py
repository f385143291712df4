"""Report ranks and problem groups: the rank rules on hand-built records, group definitions, and
the report of a tiny real benchmark."""

from __future__ import annotations

import math
import re

import pytest

from ovlr_bbo.bench import load_config, run_bench
from ovlr_bbo.bench.ranks import (
    behind,
    cell_ranks,
    group_tables,
    median_gaps,
    rank_table,
    records_by_group,
    short_names,
)
from ovlr_bbo.problems.groups import GROUPS, group_of, suite_groups


def run(optimizer: str, *, seed: int = 0, best: float = 4.0, hit: int | None = None,
        status: str = "ok", problem: str = "pbo-f1-d4", function: int = 1, optimum: float = 4.0,
        maximize: bool | None = True, suite: str = "pbo", instance: int = 1) -> dict:
    """A results record as the runner writes it (only the fields the ranks read)."""
    record = {"key": f"{optimizer}-{problem}-i{instance}-s{seed}", "optimizer": optimizer,
              "suite": suite, "problem": problem, "function": function, "instance": instance,
              "dimension": 4, "seed": seed, "budget": 100, "status": status}
    if status != "ok":  # a failed run has no values (run.failed_outcome)
        return {**record, "success": False}
    record.update(best=best, optimum=optimum, evaluations=hit or 100,
                  evaluations_to_optimum=hit, success=hit is not None)
    if maximize is not None:
        record["maximize"] = maximize
    return record


def test_solved_runs_rank_by_evaluations_ahead_of_unsolved_and_failed_runs_last():
    records = [run("slow", hit=90), run("fast", hit=20), run("near", best=3.0),
               run("far", best=1.0), run("broken", status="failed")]
    ranks = cell_ranks(records)
    assert ranks is not None
    assert [ranks[r["key"]] for r in records] == [2.0, 1.0, 3.0, 4.0, 5.0]


def test_ties_share_the_mean_rank():
    records = [run("a", hit=30), run("b", hit=30), run("c", best=2.0), run("d", best=2.0),
               run("e", best=1.0), run("f", status="failed"), run("g", status="failed")]
    ranks = cell_ranks(records)
    assert ranks is not None
    assert [ranks[r["key"]] for r in records] == [1.5, 1.5, 3.5, 3.5, 5.0, 6.5, 6.5]


def test_each_cell_is_ranked_on_its_own():
    records = [run("a", seed=0, hit=10), run("b", seed=0, best=3.0),
               run("a", seed=1, best=2.0), run("b", seed=1, hit=50),
               run("a", seed=0, instance=2, best=1.0)]  # alone in its cell
    ranks = cell_ranks(records)
    assert ranks is not None
    assert [ranks[r["key"]] for r in records] == [1.0, 2.0, 2.0, 1.0, 1.0]


@pytest.mark.parametrize("maximize, order", [(True, [1.0, 2.0]), (False, [2.0, 1.0])])
def test_unknown_optimum_ranks_by_best_in_the_suite_direction(maximize, order):
    records = [run(name, best=value, optimum=math.inf, maximize=maximize)
               for name, value in (("high", 7.0), ("low", -3.0))]
    records.append(run("failed", status="failed"))
    ranks = cell_ranks(records)
    assert ranks is not None
    assert [ranks[r["key"]] for r in records] == [*order, 3.0]


def test_without_optimum_and_direction_the_rank_table_is_left_out():
    records = [run(name, best=value, optimum=math.nan, maximize=None)
               for name, value in (("a", 7.0), ("b", -3.0))]
    assert cell_ranks(records) is None and rank_table(records) is None
    # a known direction of the suite from another problem's records is enough
    records.append(run("a", problem="pbo-f2-d4", function=2, maximize=True))
    ranks = cell_ranks(records)
    assert ranks is not None and ranks[records[0]["key"]] == 1.0


def test_behind_compares_median_gaps_with_the_best_other_optimizer():
    records = []
    for seed in range(3):
        records += [run("leader", seed=seed, hit=10), run("close", seed=seed, hit=50),
                    run("tiny", seed=seed, best=4.0 - 4e-12 if seed else 4.0),  # gap 1e-12
                    run("lagging", seed=seed, best=3.0 if seed else 4.0),
                    run("broken", seed=seed, status="failed")]
    medians = median_gaps(records)
    assert medians[("pbo-f1-d4", "lagging")] == pytest.approx(0.25)
    assert medians[("pbo-f1-d4", "broken")] == math.inf
    lagging, unjudged = behind(records)
    assert unjudged == []
    # the tolerance is relative to the best other median: against 0, a gap of 1e-12 is behind
    assert lagging == {"leader": [], "close": [], "tiny": ["pbo-f1-d4"],
                       "lagging": ["pbo-f1-d4"], "broken": ["pbo-f1-d4"]}


def test_behind_tolerance_is_relative_and_unknown_optima_are_not_judged():
    records = []
    for seed in range(3):
        records += [run("a", seed=seed, best=3.0), run("b", seed=seed, best=3.0 + 1e-12),
                    run("c", seed=seed, best=2.0)]
        records += [run(name, seed=seed, problem="pbo-f18-d4", function=18, best=value,
                        optimum=math.inf) for name, value in (("a", 1.0), ("b", 2.0), ("c", 3.0))]
    lagging, unjudged = behind(records)
    assert unjudged == ["pbo-f18-d4"]
    assert lagging == {"a": [], "b": [], "c": ["pbo-f1-d4"]}
    table = rank_table(records)
    assert table is not None and "| c | 0.0% |" in table and "| 1 | f1 |" in table
    assert "Not judged" in table and "f18" in table


def test_a_success_counts_as_gap_zero():
    """BBOB's success is a precision of 1e-8: two solvers of a problem are not behind each
    other for their leftover 1e-9."""
    records = [run(name, suite="bbob", problem="bbob-f1-d4", hit=hit, best=best, optimum=0.0,
                   maximize=False) for name, hit, best in (("a", 10, 1e-9), ("b", 20, 3e-9))]
    assert behind(records) == ({"a": [], "b": []}, [])


def test_groups_cover_each_suite_once_with_unique_slugs():
    assert sorted(f for g in suite_groups("pbo") for f in g.functions) == list(range(1, 26))
    assert sorted(f for g in suite_groups("bbob") for f in g.functions) == list(range(1, 25))
    slugs = [group.slug for groups in GROUPS.values() for group in groups]
    assert len(set(slugs)) == len(slugs) and all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    assert group_of("pbo", 7).name == "OneMax family"
    assert group_of("pbo", 11).name == "LeadingOnes family"
    assert group_of("bbob", "16").name == "multimodal, adequate global structure"
    assert group_of("binpack", "triplet") is None and group_of("real", 1) is None


def test_group_tables_only_for_suites_with_groups():
    records = [run("a", hit=5), run("b", best=3.0),
               run("a", problem="pbo-f11-d4", function=11, best=2.0),
               run("b", problem="pbo-f11-d4", function=11, hit=9),
               run("a", suite="binpack", problem="binpack-triplet9-keys", function="triplet",
                   hit=3, optimum=3.0, maximize=False)]
    assert [group.slug for group, _ in records_by_group(records)] == ["pbo-onemax",
                                                                      "pbo-leadingones"]
    text = "\n\n".join(group_tables(records))
    assert "| optimizer | OneMax family | LeadingOnes family |" in text
    assert "| a | 100.0% | 0.0% |" in text and "| b | 0.0% | 100.0% |" in text
    assert "| a | 1 | 2 |" in text and "| b | 2 | 1 |" in text
    assert "binpack" not in text


def test_short_names():
    records = [run("a"), run("a", problem="pbo-f1-d8", function=1), run("a", problem="pbo-f2-d4",
                                                                        function=2)]
    records[1]["dimension"] = 8
    assert short_names(records) == {"pbo-f1-d4": "f1-d4", "pbo-f1-d8": "f1-d8",
                                    "pbo-f2-d4": "f2"}
    records.append(run("a", suite="bbob", problem="bbob-f3-d4", function=3))
    assert short_names(records)["bbob-f3-d4"] == "bbob-f3"


TINY = """
optimizers = ["ovlr", "rls", "broken"]
seeds = "0-1"

[optimizer.broken]          # invalid setting: every run of it fails
optimizer = "ovlr"
sigma = -1.0

[[problems]]
suite = "pbo"
functions = [1, 2, 19]
dimensions = [8]
budget = 60
"""


def test_report_of_a_tiny_bench_has_rank_and_group_tables(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    result = run_bench(load_config(path), tmp_path / "out", workers=1, progress=False)
    summary = (result.report / "summary.md").read_text()
    ranks = cell_ranks(result.records)
    assert ranks is not None
    section = summary.split("## Mean rank per run")[1].split("##")[0]
    rows = {m[0]: m[1:] for m in re.findall(r"^\| (\S+) \| ([\d.]+)% \| ([\d.]+) \| (\d+) \|",
                                             section, re.MULTILINE)}
    assert set(rows) == {"ovlr", "rls", "broken"}
    assert float(rows["broken"][1]) == 3.0  # failed runs rank last in every cell
    for optimizer, (rate, mean_rank, _) in rows.items():
        mine = [r for r in result.records if r["optimizer"] == optimizer]
        assert float(mean_rank) == pytest.approx(sum(ranks[r["key"]] for r in mine) / len(mine),
                                                 abs=5e-3)
        assert float(rate) == pytest.approx(100 * sum(r["success"] for r in mine) / len(mine),
                                            abs=0.05)
    assert sum(float(row[1]) for row in rows.values()) == pytest.approx(6.0, abs=0.01)
    assert "| optimizer | OneMax family | LeadingOnes family | Ising |" in summary
    assert "### pbo: mean rank per run per group" in summary
    for slug in ("pbo-onemax", "pbo-leadingones", "pbo-ising"):
        assert (result.report / f"ecdf_{slug}.png").stat().st_size > 1000
        assert f"(ecdf_{slug}.png)" in summary
    assert not (result.report / "ecdf_pbo-labs.png").exists()
