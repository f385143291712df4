"""The overhead benchmark (``ovlr_bbo.bench.speed``): tiny grids, structure of results and table.

No timing assertions: only that every cell is measured, capped or reported as it should be.
"""

from __future__ import annotations

import json
import math

import pytest

from ovlr_bbo.bench import speed
from ovlr_bbo.bench.speed import Cell, Settings, format_table, measure_cell, run_benchmark

# nevergrad's CMA tells pycma bound-repaired points, which pycma reports as orphaned injections
pytestmark = pytest.mark.filterwarnings("ignore::cma.evolution_strategy.InjectionWarning")

TINY = Settings(evaluations=16, time_cap=30.0, timeout=120.0)


def test_grid_gives_one_row_per_cell_with_ratios_to_ovlr():
    optimizers, dims = ["ovlr", "cmaes", "cem", "ng:CMA"], [4, 8]
    rows = run_benchmark(optimizers, dims, list(speed.SPACES), TINY, repeats=2)
    cells = [(row.cell.space, row.cell.dimension, row.cell.optimizer) for row in rows]
    assert cells == [(kind, d, name) for kind in speed.SPACES for d in dims for name in optimizers]
    rss_readable = speed._reset_peak_rss() is not None  # Linux with /proc/self/clear_refs
    for row in rows:
        assert row.error is None, row.error
        assert row.evaluations >= TINY.evaluations and not row.capped
        assert row.batch >= 1 and row.per_evaluation > 0
        assert 0 < row.setup_seconds < TINY.timeout
        assert (row.peak_bytes is not None) == rss_readable
    table = format_table(rows).splitlines()
    assert len(table) == 2 + len(rows)
    ovlr_rows = [line for line in table if "| ovlr |" in line]
    assert len(ovlr_rows) == 4 and all("| 1 |" in line for line in ovlr_rows)
    assert speed.growth_lines(rows)[0].startswith("ovlr binary: cost x")


def test_peak_memory_sees_what_the_optimizer_allocates():
    """CEM's sampling draws a (popsize, dimension, 1) array: 20000 x 512 x 8 bytes = 78 MiB."""
    if speed._reset_peak_rss() is None:
        pytest.skip("peak resident memory cannot be reset here (no /proc/self/clear_refs)")
    small = measure_cell(Cell("cem", "binary", 512), Settings(evaluations=1, extra={"popsize": 8}))
    large = measure_cell(Cell("cem", "binary", 512),
                         Settings(evaluations=1, extra={"popsize": 20_000}))
    assert large.peak_bytes > 60 * 2**20 > small.peak_bytes, (small.peak_bytes, large.peak_bytes)


def test_time_cap_stops_a_cell_and_marks_it():
    capped = measure_cell(Cell("ovlr", "binary", 8), Settings(evaluations=10**9, time_cap=0.05))
    assert capped.capped and 0 < capped.evaluations < 10**9
    assert "*" in format_table([capped])


def test_batch_option_sets_every_optimizers_batch():
    settings = Settings(evaluations=12, batch=6)
    for name in ("ovlr", "cmaes", "cem", "ng:CMA"):
        assert measure_cell(Cell(name, "continuous", 4), settings).batch == 6
    with pytest.raises(ValueError, match="even"):
        speed.batch_settings("ovlr", 5)


def test_failures_are_rows_not_crashes():
    row = speed.measure_isolated(Cell("no-such-optimizer", "binary", 4), TINY)
    assert row.error is not None and "no-such-optimizer" in row.error
    assert math.isnan(row.per_evaluation)
    assert "error:" in format_table([row])


def test_main_prints_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / "speed.json"
    code = speed.main(["--optimizers", "ovlr,cem", "--dims", "4", "--spaces", "binary",
                       "--evaluations", "8", "--repeats", "1", "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| binary | 4 | cem |" in printed and "x OVLR" in printed
    rows = json.loads(out.read_text())
    assert [row["cell"]["optimizer"] for row in rows] == ["ovlr", "cem"]
    assert speed.main(["--spaces", "hexagonal"]) == 2
