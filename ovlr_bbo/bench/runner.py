"""``bench``: expand a configuration into runs, execute the missing ones, write table and report."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ovlr_bbo.optimizers import check_optimizer_name

from .config import BenchConfig, RunSpec
from .executors import check_executor, execute
from .store import RunStore

__all__ = ["BenchResult", "run_bench", "rebuild", "check_optimizers"]


@dataclass
class BenchResult:
    """What :func:`run_bench` did: where things are and how many runs ran or failed."""

    out: Path
    table: Path
    report: Path | None
    records: list[dict[str, Any]]
    executed: int
    skipped: int

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [record for record in self.records if record.get("status") != "ok"]


def check_optimizers(config: BenchConfig) -> None:
    """Raise ValueError listing the valid names if the configuration names an unknown optimizer
    (``ng:<Name>`` is checked against nevergrad's registry)."""
    for spec in config.optimizers:
        try:
            check_optimizer_name(spec.name)
        except ValueError as error:
            raise ValueError(f"optimizer {spec.label!r}: {error}") from None


def _check_problems(runs: list[RunSpec]) -> None:
    """Build each distinct problem once, so a bad problem fails before any run starts."""
    from ovlr_bbo.problems import make_problem

    seen: set[str] = set()
    for spec in runs:
        if spec.problem.spec not in seen:
            seen.add(spec.problem.spec)
            try:
                make_problem(spec.problem)
            except ValueError as error:
                raise ValueError(f"problem {spec.problem.spec!r}: {error}") from None


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="run", disable=not enabled, file=sys.stderr, dynamic_ncols=True)


def _missing_runs(store: RunStore, runs: list[RunSpec], resume: bool, retry_failed: bool
                  ) -> list[RunSpec]:
    """The runs without a record in ``store`` (and the failed ones with ``retry_failed``)."""
    done = store.done_keys() if store.results.exists() else set()
    if done and not resume:
        raise ValueError(f"{store.root} already holds {len(done)} runs; add --resume to "
                         "complete them, or choose another --out")
    if retry_failed:
        done -= {r["key"] for r in store.load_records(sorted(done)) if r.get("status") != "ok"}
    return [spec for spec in runs if spec.key not in done]


def _folder_config(config: BenchConfig, saved: dict[str, Any] | None) -> BenchConfig:
    """The configuration a folder holds after this bench: with ``--resume`` into a folder whose
    saved configuration differs only in its optimizers (``--optimizers`` picked a subset), the
    saved optimizers stay next to this call's, so the table and report cover all of them;
    otherwise this call's configuration."""
    if saved is None:
        return config
    before = BenchConfig.from_dict(saved)
    if replace(before, optimizers=config.optimizers) != config:
        return config
    mine = {spec.label for spec in config.optimizers}
    kept = [spec for spec in before.optimizers if spec.label not in mine]
    return replace(config, optimizers=kept + list(config.optimizers))


def run_bench(config: BenchConfig, out: str | Path, *, workers: int = 1, executor: str = "local",
              address: str | None = None, resume: bool = False, retry_failed: bool = False,
              progress: bool = True, report: bool = True) -> BenchResult:
    """Run every run of ``config`` into ``out`` and build the table (and the report).

    Without ``resume`` the folder must not hold earlier results; with it, runs already recorded
    are kept (failed ones too, unless ``retry_failed``) and only the missing ones run.
    """
    check_executor(executor, workers, address)
    if retry_failed and not resume:
        raise ValueError("--retry-failed needs --resume (it reruns failed runs of an earlier "
                         "bench in the same folder)")
    check_optimizers(config)
    runs = config.runs()
    _check_problems(runs)
    store = RunStore(out)
    with store.lock():
        todo = _missing_runs(store, runs, resume, retry_failed)
        store.prepare()
        folder = _folder_config(config, store.read_config() if resume else None)
        store.write_config(folder.to_dict())
        with _progress(len(runs), progress) as bar:
            bar.update(len(runs) - len(todo))
            for outcome in execute(todo, executor, workers, address):
                store.save(outcome)
                bar.update(1)
        records = store.load_records([spec.key for spec in folder.runs()])
        table = store.write_table(records)
        report_dir = None
        if report:
            from .report import write_report

            report_dir = write_report(store.root, records, folder.to_dict())
    return BenchResult(store.root, table, report_dir, records, len(todo), len(runs) - len(todo))


def rebuild(out: str | Path) -> BenchResult:
    """Rebuild the table and the report of ``out`` from the run files on disk."""
    store = RunStore(out)
    if not store.results.is_dir():
        raise ValueError(f"{store.root} holds no benchmark results (no results/ folder); "
                         "run `ovlr-bbo bench` first")
    with store.lock():
        saved = store.read_config()
        keys = None
        if saved is not None:
            keys = [spec.key for spec in BenchConfig.from_dict(saved).runs()]
        records = store.load_records(keys)
        table = store.write_table(records)
        from .report import write_report

        report_dir = write_report(store.root, records, saved or {})
    return BenchResult(store.root, table, report_dir, records, 0, len(records))
