"""Optimizer overhead: ask + tell time per evaluation and peak memory, side by side.

    python -m ovlr_bbo.bench.speed                            # the default grid (a few minutes)
    python -m ovlr_bbo.bench.speed --dims 32,1024 --evaluations 500 --repeats 5
    python -m ovlr_bbo.bench.speed --device cuda --batch 1024   # OVLR's policy/estimator on a GPU

What is measured. Each cell (optimizer, space, dimension) builds the optimizer from the registry
(:func:`ovlr_bbo.optimizers.make_optimizer`, default settings unless ``--batch``), runs one warm-up
ask/tell (counted with construction as *setup*), then asks and tells on the trivial batch
objective ``X.sum(axis=1)`` until ``--evaluations`` evaluations are done or ``--time-cap``
seconds of ask + tell have passed (a *capped* cell, marked ``*``). The overhead per evaluation is
the ask + tell time divided by the evaluations done (the objective is not timed).

Isolation and noise. Every measurement runs in a child process forked from a parent that has only
imported the libraries (fresh allocator, fresh thread pools, killed after ``--timeout`` seconds).
Torch, BLAS and OpenMP are limited to ``--threads`` threads (default 1: on a shared machine,
intra-op threads on small tensors cost milliseconds per op). The grid is repeated ``--repeats``
times in rotated orders and each cell reports the median; compare ratios, not absolute times.

Peak memory is the peak resident set size (``VmHWM``, reset through ``/proc/self/clear_refs``)
minus the resident size before construction: it counts numpy, torch and Python allocations alike
(Linux only; ``-`` elsewhere). A warm-up run of the same optimizer at dimension 2 comes first,
so one-time library initialisation is counted in neither memory nor setup. With ``--device cuda``
the GPU column is the peak of ``torch.cuda.max_memory_allocated``.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import statistics
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from ..optimizers import NEVERGRAD_PREFIX, make_optimizer
from ..spaces import Binary, Box, Space
from .config import parse_int_list
from .tables import markdown_table

__all__ = ["Cell", "Measurement", "SPACES", "measure_cell", "run_benchmark", "format_table",
           "main"]

SPACES = {"binary": Binary, "continuous": lambda d: Box(-5.0, 5.0, dimension=d)}
DEFAULT_OPTIMIZERS = ("ovlr", "cmaes", "cem", "ng:CMA")
DEFAULT_DIMS = (32, 256, 1024, 4096)
REFERENCE = "ovlr"


@dataclass(frozen=True)
class Cell:
    """One (optimizer, space kind, dimension) combination of the grid."""

    optimizer: str
    space: str
    dimension: int


@dataclass
class Measurement:
    """What one run of one cell measured (times in seconds, memory in bytes)."""

    cell: Cell
    evaluations: int = 0
    batch: int = 0
    seconds: float = float("nan")
    setup_seconds: float = float("nan")
    peak_bytes: int | None = None
    gpu_peak_bytes: int | None = None
    capped: bool = False
    error: str | None = None

    @property
    def per_evaluation(self) -> float:
        """Ask + tell seconds per evaluation (NaN if nothing was timed)."""
        return self.seconds / self.evaluations if self.evaluations else float("nan")


@dataclass
class Settings:
    """How each cell is run (the command-line options)."""

    evaluations: int = 1000
    time_cap: float = 2.0
    timeout: float = 120.0
    device: str = "cpu"
    batch: int | None = None
    threads: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def batch_settings(optimizer: str, batch: int | None,
                   space: str = "binary") -> dict[str, Any]:
    """Constructor settings that make ``optimizer`` ask ``batch`` candidates at a time (on a
    continuous box OVLR's batches come from its generator engine)."""
    if batch is None:
        return {}
    if optimizer == "ovlr" and space == "continuous":
        return {"parts": ["mean_first", {"name": "generator", "popsize": batch}]}
    if optimizer == "ovlr":
        if batch % 2:
            raise ValueError(f"OVLR asks antithetic pairs: --batch must be even, got {batch}")
        return {"n_pairs": batch // 2}
    if optimizer in ("cmaes", "cem", "cem-seed", "reinforce") or optimizer.startswith(
            NEVERGRAD_PREFIX):
        return {"popsize": batch}
    raise ValueError(f"--batch is not supported for {optimizer!r}; leave it out")


def _status_kib(name: str) -> int | None:
    """A ``kB`` field of ``/proc/self/status`` (None where there is none)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> int | None:
    """Reset the peak resident size to the current one; return the current one in bytes."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return None
    rss = _status_kib("VmRSS")
    return None if rss is None else rss * 1024


def limit_threads(threads: int) -> None:
    """Limit torch, and BLAS/OpenMP through threadpoolctl when it is installed."""
    torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(threads)


def _ask_tell(optimizer) -> tuple[int, float]:
    """One ask + tell on ``X.sum(axis=1)``: (evaluations, seconds of ask + tell)."""
    start = time.perf_counter()
    X = optimizer.ask()
    asked = time.perf_counter()
    scores = X.sum(axis=1)
    resumed = time.perf_counter()
    optimizer.tell(X, scores)
    return len(X), (asked - start) + (time.perf_counter() - resumed)


def measure_cell(cell: Cell, settings: Settings) -> Measurement:
    """Measure ``cell`` in this process (see the module docstring)."""
    cuda = torch.device(settings.device).type == "cuda"
    device = {"device": settings.device} if cell.optimizer == REFERENCE else {}
    options = {**batch_settings(cell.optimizer, settings.batch, cell.space), **device,
               **settings.extra}
    space: Space = SPACES[cell.space](cell.dimension)
    warm_up = make_optimizer(cell.optimizer, SPACES[cell.space](2), seed=0, budget=10, **options)
    for _ in range(2):  # one-time initialisation (lazy imports, thread pools) is not counted
        _ask_tell(warm_up)
    del warm_up
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    baseline = _reset_peak_rss()
    start = time.perf_counter()
    optimizer = make_optimizer(cell.optimizer, space, seed=0, budget=settings.evaluations + 1,
                               **options)
    _ask_tell(optimizer)
    result = Measurement(cell, batch=optimizer.popsize, seconds=0.0,
                         setup_seconds=time.perf_counter() - start)
    while result.evaluations < settings.evaluations:
        if result.seconds >= settings.time_cap:
            result.capped = True
            break
        done, seconds = _ask_tell(optimizer)
        if cuda:
            torch.cuda.synchronize()
        result.evaluations += done
        result.seconds += seconds
    peak = _status_kib("VmHWM")
    if baseline is not None and peak is not None:
        result.peak_bytes = max(peak * 1024 - baseline, 0)
    if cuda:
        result.gpu_peak_bytes = int(torch.cuda.max_memory_allocated())
    return result


def _child(connection, cell: Cell, settings: Settings) -> None:
    warnings.simplefilter("ignore")
    try:
        limit_threads(settings.threads)
        connection.send(measure_cell(cell, settings))
    except Exception as error:  # reported in the table, the grid goes on
        connection.send(Measurement(cell, error=f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


def measure_isolated(cell: Cell, settings: Settings) -> Measurement:
    """Measure ``cell`` in a forked child, killed after ``settings.timeout`` seconds."""
    if "fork" not in multiprocessing.get_all_start_methods():
        limit_threads(settings.threads)
        return measure_cell(cell, settings)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, cell, settings), daemon=True)
    process.start()
    sender.close()
    try:
        if receiver.poll(settings.timeout):
            return receiver.recv()
        return Measurement(cell, error=f"timeout after {settings.timeout:g} s")
    except EOFError:
        return Measurement(cell, error=f"child process died (exit code {process.exitcode})")
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def preload() -> None:
    """Import, without computing anything, what the children would otherwise import each time:
    the baselines (pycma, nevergrad) and ``torch._dynamo``, which torch's optimizers import at
    their first step (about 800 modules, seconds)."""
    import torch._dynamo  # noqa: F401

    from .. import baselines  # noqa: F401


def run_benchmark(optimizers, dims, space_kinds, settings: Settings, repeats: int = 3,
                  progress=None) -> list[Measurement]:
    """Measure every cell ``repeats`` times in rotated orders; return one median row per cell
    (time: median; memory: the largest peak; capped if any run was)."""
    preload()
    cells = [Cell(name, kind, int(d)) for kind in space_kinds for d in dims for name in optimizers]
    runs: dict[Cell, list[Measurement]] = {cell: [] for cell in cells}
    gc.collect()
    gc.freeze()  # the children's collections then skip (and do not copy) the parent's objects
    try:
        for repeat in range(repeats):
            shift = repeat * len(cells) // max(repeats, 1)
            for cell in cells[shift:] + cells[:shift]:
                runs[cell].append(measure_isolated(cell, settings))
                if progress is not None:
                    progress(runs[cell][-1])
    finally:
        gc.unfreeze()
    return [_median(runs[cell]) for cell in cells]


def _median(runs: list[Measurement]) -> Measurement:
    good = [run for run in runs if run.error is None and run.evaluations]
    if not good:
        return runs[0] if runs[0].error else Measurement(runs[0].cell, error="nothing timed")
    row = sorted(good, key=lambda run: run.per_evaluation)[(len(good) - 1) // 2]
    row = Measurement(**{**row.__dict__})
    row.setup_seconds = statistics.median(run.setup_seconds for run in good)
    row.capped = any(run.capped for run in good)
    for name in ("peak_bytes", "gpu_peak_bytes"):
        values = [getattr(run, name) for run in good if getattr(run, name) is not None]
        setattr(row, name, max(values) if values else None)
    return row


def _kib(value: int | None) -> str:
    return "-" if value is None else f"{value / 1024:.0f}"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or reference is None or not reference > 0 or not np.isfinite(value):
        return "-"
    return f"{value / reference:.3g}"


def format_table(rows: list[Measurement], reference: str = REFERENCE) -> str:
    """A markdown table with ratios to ``reference`` in the same space and dimension
    (``* OVLR`` columns: the optimizer's cost divided by OVLR's; ``*`` marks capped cells)."""
    refs = {(row.cell.space, row.cell.dimension): row for row in rows
            if row.cell.optimizer == reference and row.error is None}
    gpu = any(row.gpu_peak_bytes is not None for row in rows)
    head = ["space", "d", "optimizer", "batch", "evals", "us/eval", "x OVLR", "peak KiB",
            "x OVLR", "setup s"] + (["GPU KiB"] if gpu else [])
    cells: list[list[str]] = []
    for row in rows:
        cell = row.cell
        start = [cell.space, str(cell.dimension), cell.optimizer]
        if row.error is not None:
            cells.append(start + [f"error: {row.error}"] + [""] * (len(head) - 4))
            continue
        ref = refs.get((cell.space, cell.dimension))
        values = start + [
            str(row.batch), f"{row.evaluations}{'*' if row.capped else ''}",
            f"{row.per_evaluation * 1e6:.1f}",
            _ratio(row.per_evaluation, ref.per_evaluation if ref else None),
            _kib(row.peak_bytes),
            _ratio(row.peak_bytes, ref.peak_bytes if ref else None), f"{row.setup_seconds:.3f}"]
        cells.append(values + ([_kib(row.gpu_peak_bytes)] if gpu else []))
    return markdown_table(head, cells)


def growth_lines(rows: list[Measurement]) -> list[str]:
    """Per-evaluation cost at the largest dimension over the cost at the second smallest (or
    the smallest), per optimizer and space: linear growth equals the dimension ratio."""
    lines = []
    for kind in dict.fromkeys(row.cell.space for row in rows):
        for name in dict.fromkeys(row.cell.optimizer for row in rows):
            good = sorted((row for row in rows if row.cell.space == kind and row.error is None
                           and row.cell.optimizer == name), key=lambda row: row.cell.dimension)
            if len(good) < 2:
                continue
            low, high = good[1 if len(good) > 2 else 0], good[-1]
            lines.append(f"{name} {kind}: cost x{high.per_evaluation / low.per_evaluation:.3g} "
                         f"from d={low.cell.dimension} to d={high.cell.dimension} "
                         f"(dimension x{high.cell.dimension / low.cell.dimension:g})"
                         + (" [capped]" if high.capped or low.capped else ""))
    return lines


def _int_list(text: str) -> list[int]:
    try:
        values = parse_int_list(text, "a list of integers")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The options of ``ovlr-bbo speed`` / ``python -m ovlr_bbo.bench.speed``."""
    parser = argparse.ArgumentParser(
        prog="ovlr-bbo speed", description="Optimizer overhead per evaluation (ask + tell on a "
        "trivial objective) and peak memory, with ratios to OVLR.")
    parser.add_argument("--optimizers", type=_names, default=list(DEFAULT_OPTIMIZERS),
                        help="comma-separated registry names (default: %(default)s)")
    parser.add_argument("--dims", type=_int_list, default=list(DEFAULT_DIMS),
                        help="comma-separated dimensions (default: %(default)s)")
    parser.add_argument("--spaces", type=_names, default=list(SPACES),
                        help=f"comma-separated space kinds from {list(SPACES)}")
    parser.add_argument("--evaluations", type=int, default=1000,
                        help="evaluations timed per cell (default: %(default)s)")
    parser.add_argument("--time-cap", type=float, default=2.0,
                        help="stop a cell after this many seconds of ask + tell (default: "
                        "%(default)s)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="kill a cell's process after this many seconds (default: "
                        "%(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per cell (median)")
    parser.add_argument("--device", default="cpu", help="device of OVLR's policy and estimator")
    parser.add_argument("--batch", type=int, help="candidates per ask for every optimizer "
                        "(default: each optimizer's own)")
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS threads per cell")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    unknown = [kind for kind in args.spaces if kind not in SPACES]
    if unknown:
        raise ValueError(f"unknown space kind(s) {unknown}; choose from {list(SPACES)}")
    if args.evaluations < 1 or args.repeats < 1 or args.threads < 1:
        raise ValueError("--evaluations, --repeats and --threads must be at least 1")
    if not (args.time_cap > 0 and args.timeout > 0):
        raise ValueError("--time-cap and --timeout must be positive")
    for name in args.optimizers:
        batch_settings(name, args.batch)
    return Settings(evaluations=args.evaluations, time_cap=args.time_cap, timeout=args.timeout,
                    device=args.device, batch=args.batch, threads=args.threads)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (the ``ovlr-bbo speed`` command)."""
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as error:
        print(f"ovlr-bbo speed: error: {error}", file=sys.stderr)
        return 2
    started = time.time()
    rows = run_benchmark(args.optimizers, args.dims, args.spaces, settings, args.repeats,
                         progress=lambda run: print(".", end="", file=sys.stderr, flush=True))
    print(file=sys.stderr)
    print(f"ovlr-bbo speed: {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
          f"{args.repeats} repeats, up to {settings.evaluations} evaluations or "
          f"{settings.time_cap:g} s per cell (* = capped), {settings.threads} thread(s), "
          f"device {settings.device}; wall {time.time() - started:.0f} s\n")
    print(format_table(rows))
    print("\n" + "\n".join(growth_lines(rows)))
    if args.json:
        import json

        with open(args.json, "w") as out:
            json.dump([{**asdict(row), "per_evaluation": row.per_evaluation} for row in rows],
                      out, indent=1)
    return 0 if all(row.error is None for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
