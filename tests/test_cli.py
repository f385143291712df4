"""The ``ovlr-bbo`` command: bench/report/list, errors that list what exists, kill then resume."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ovlr_bbo.bench import preset_names
from ovlr_bbo.cli import main

CONFIG = """
description = "cli test"
optimizers = ["ovlr", "rls"]
seeds = "0-4"

[[problems]]
suite = "pbo"
functions = [2, 19]
dimensions = [12]
budget = 150
"""


def table_without_times(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return [{k: v for k, v in row.items() if k != "wall_time_s"}
                for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "small.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture(scope="module")
def reference(config_file) -> Path:
    out = config_file.parent / "reference"
    assert main(["bench", str(config_file), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 0
    return out


def test_bench_prints_table_and_paths(reference, capsys, config_file):
    out = config_file.parent / "again"
    assert main(["bench", str(config_file), "--out", str(out), "--workers", "1",
                 "--optimizers", "rls", "--seeds", "0-1", "--budget", "40", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "| rls |" in printed and "results.csv" in printed and "summary.md" in printed
    rows = table_without_times(out / "results.csv")
    assert len(rows) == 2 * 2 and {r["budget"] for r in rows} == {"40"}
    assert len(table_without_times(reference / "results.csv")) == 2 * 2 * 5


def test_report_rebuilds_from_disk(reference, capsys):
    (reference / "results.csv").unlink()
    summary = reference / "report" / "summary.md"
    summary.unlink()
    assert main(["report", str(reference)]) == 0
    assert (reference / "results.csv").exists() and "| ovlr |" in summary.read_text()


def test_list_shows_presets_and_optimizers(capsys):
    assert main(["list"]) == 0
    printed = capsys.readouterr().out
    for name in ("paper-pbo", "binpacking", "pbo-suite", "bbob", "ovlr", "pbo:1:1:32"):
        assert name in printed


@pytest.mark.parametrize("arguments, expected", [
    (["bench", "no-such-preset"], "presets: " + ", ".join(preset_names())),
    (["report", "/nonexistent/folder"], "no benchmark results"),
])
def test_user_errors_list_what_exists(arguments, expected, capsys):
    assert main(arguments) == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize("text, expected", [
    ("optimizers = ['ovlr']\n[[problems]]\nsuite = 'pbo'\nfunctions = [99]\ndimensions = [8]\n"
     "budget = 10\n", "valid ids"),
    ("optimizers = ['ovlr']\n[[problems]]\nsuite = 'cec'\nfunctions = [1]\ndimensions = [8]\n"
     "budget = 10\n", "suites: pbo, bbob"),
    ("optimizers = ['ovlr']\nbudjet = 3\n", "unknown keys ['budjet']"),
    ("optimizers = [ovlr\n", "not valid TOML"),
    ("optimizers = ['ovlr']\n[[problems]]\nsuite = 'pbo'\nfunctions = [1]\ndimensions = [8]\n",
     "exactly one of 'budget' and 'budget_per_dimension'"),
])
def test_bad_config_files(text, expected, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["bench", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 2
    assert expected in capsys.readouterr().err


def test_killed_run_resumes_to_the_same_table(reference, config_file, tmp_path):
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "ovlr_bbo.cli", "bench", str(config_file), "--out", str(out),
               "--workers", "2", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((out / "results").glob("*.json"))) >= 3:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and its workers, mid-run
    process.wait()
    done = len(list((out / "results").glob("*.json")))
    assert 3 <= done < 20, "the kill must land mid-run for this test to mean anything"
    assert main(["bench", str(config_file), "--out", str(out), "--workers", "1", "--resume",
                 "--no-progress"]) == 0
    assert table_without_times(out / "results.csv") == table_without_times(
        reference / "results.csv")


def test_train_demo_subcommand_delegates(capsys):
    assert main(["train-demo", "sine", "--steps", "3", "--seeds", "0"]) == 0
    assert "ovlr-truncated" in capsys.readouterr().out


def test_unknown_nevergrad_name_fails_before_any_run(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["bench", "paper-pbo", "--optimizers", "ovlr,ng:NotReal", "--out", str(out),
                 "--workers", "1", "--no-progress"]) == 2
    assert "nevergrad has no optimizer named 'NotReal'" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_name_lists_the_valid_names(capsys):
    assert main(["bench", "paper-pbo", "--optimizers", "ovlr,nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown optimizer 'nope'" in err
    for name in ("ovlr", "cem", "cmaes", "ea", "rls", "random", "ng:<Name>"):
        assert name in err


@pytest.mark.parametrize("option", [["--workers", "0"], ["--workers", "two"], ["--budget", "0"]])
def test_invalid_options_exit_before_making_a_folder(option, config_file, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", str(config_file), "--out", str(out), *option])
    assert exit_info.value.code == 2 and "positive integer" in capsys.readouterr().err
    assert not out.exists()


def test_bench_help_lists_presets_and_examples(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    printed = capsys.readouterr().out
    for preset in ("paper-pbo", "paper-pbo-shifted", "ablation-pbo", "binpacking", "bbob"):
        assert f"  {preset} " in printed
    assert "examples:" in printed and "ovlr-bbo bench paper-pbo --workers 2" in printed


def test_tables_name_problems_in_numeric_order(tmp_path, capsys):
    path = tmp_path / "order.toml"
    path.write_text("optimizers = ['ovlr']\nseeds = '0'\n[[problems]]\nsuite = 'pbo'\n"
                    "functions = [10, 2, 1]\ndimensions = [9]\nbudget = 8\n")
    assert main(["bench", str(path), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--no-progress"]) == 0
    header = capsys.readouterr().out.strip().splitlines()[0]
    import ioh

    names = [f"{ioh.ProblemClass.PBO.problems[f]} (f{f}, d9)" for f in (1, 2, 10)]
    assert header == f"| optimizer | {' | '.join(names)} | total |"


def test_ray_install_hint_is_the_same_in_readme_and_cli():
    from ovlr_bbo.bench.executors import RAY_INSTALL_HINT

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert RAY_INSTALL_HINT in readme
    assert 'pip install -e ".[ray]"' not in readme


def _group_alive(group: int, wait_s: float) -> bool:
    """Whether any process of ``group`` still exists after up to ``wait_s`` seconds (dead
    workers may linger a moment as zombies until init reaps them)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def test_ctrl_c_stops_within_seconds_and_keeps_finished_runs(reference, config_file, tmp_path):
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "ovlr_bbo.cli", "bench", str(config_file), "--out", str(out),
               "--workers", "2", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((out / "results").glob("*.json"))) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole group
    sent = time.monotonic()
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - sent < 5, "Ctrl-C must stop the bench within a few seconds"
    assert process.returncode == 130 and b"--resume" in err
    assert not _group_alive(process.pid, wait_s=5), "no worker may be left behind"
    done = len(list((out / "results").glob("*.json")))
    assert 2 <= done < 20, "the interrupt must land mid-run for this test to mean anything"
    assert main(["bench", str(config_file), "--out", str(out), "--workers", "1", "--resume",
                 "--no-progress"]) == 0
    assert table_without_times(out / "results.csv") == table_without_times(
        reference / "results.csv")
