"""The run folder on disk: each run is complete or absent, and the table is built from the runs.

Layout of ``runs/NAME/``::

    .lock                  held by the one process writing the folder (bench, --resume, report)
    config.json            the configuration the runs came from
    results/<key>.json     one record per finished run (ok or failed), written last and atomically
    ioh/<key>/             the run's IOHprofiler data (ioh.logger.Analyzer), moved in by rename
    results.csv            the table: one row per run
    report/                summary.md and figures

A run counts as done when its ``results/<key>.json`` exists; its IOH folder is put in place first,
so a crash at any moment leaves either the whole run or nothing that ``--resume`` would keep.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .run import RunOutcome

__all__ = ["RunStore", "TABLE_COLUMNS"]

#: columns of results.csv, in order
TABLE_COLUMNS = ("optimizer", "suite", "problem", "function", "encoding", "instance", "dimension",
                 "seed", "budget", "best", "optimum", "evaluations", "evaluations_to_optimum",
                 "success", "status", "wall_time_s", "error")


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class RunStore:
    """Reads and writes one benchmark folder (see the module docstring for the layout)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.results = self.root / "results"
        self.ioh = self.root / "ioh"
        self.staging = self.root / ".staging"

    @contextmanager
    def lock(self, wait_s: float = 0.0) -> Iterator[None]:
        """Hold the folder's lock file: a second ``bench``/``--resume``/``report`` on the same
        folder fails at once (ValueError) instead of interleaving its writes with ours."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / ".lock")
        try:
            lock.acquire(timeout=wait_s)
        except Timeout:
            raise ValueError(f"another ovlr-bbo process is writing to {self.root} (it holds "
                             f"{self.root / '.lock'}); wait for it to finish or choose another "
                             "--out") from None
        try:
            yield
        finally:
            lock.release()

    def prepare(self) -> None:
        """Create the folders and drop leftovers of interrupted writes."""
        for folder in (self.results, self.ioh):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        for leftover in self.results.glob(".*.tmp"):
            leftover.unlink()

    def done_keys(self) -> set[str]:
        """Keys of runs with a results record (finished, ok or failed)."""
        return {path.stem for path in self.results.glob("*.json")}

    def save(self, outcome: RunOutcome) -> None:
        """Store a run: IOH folder first (built aside, then renamed), the record last."""
        key = outcome.record["key"]
        target = self.ioh / key
        if target.exists():  # from an attempt that died before writing its record
            shutil.rmtree(target)
        if outcome.files:
            staging = self.staging / f"{key}.{uuid.uuid4().hex}"
            for relative, data in outcome.files.items():
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            os.rename(staging, target)
        text = json.dumps(outcome.record, indent=1, default=_json_default)
        _write_atomic(self.results / f"{key}.json", text.encode())

    def load_records(self, keys: list[str] | None = None) -> list[dict[str, Any]]:
        """Records of ``keys`` that exist (all records when ``keys`` is None), in that order."""
        if keys is None:
            keys = sorted(self.done_keys())
        records = []
        for key in keys:
            path = self.results / f"{key}.json"
            if path.exists():
                records.append(json.loads(path.read_text()))
        return records

    def write_config(self, config: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.root / "config.json", json.dumps(config, indent=1).encode())

    def read_config(self) -> dict[str, Any] | None:
        path = self.root / "config.json"
        return json.loads(path.read_text()) if path.exists() else None

    def write_table(self, records: list[dict[str, Any]]) -> Path:
        """Write ``results.csv`` (one row per run, in the order given) and return its path."""
        path = self.root / "results.csv"
        temporary = path.with_name(".results.csv.tmp")
        with open(temporary, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for record in records:
                writer.writerow({column: _cell(record.get(column)) for column in TABLE_COLUMNS})
        os.replace(temporary, path)
        return path


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
