"""The ``ovlr-bbo`` command: ``bench``, ``report``, ``list``, ``speed`` and ``train-demo``.

    ovlr-bbo bench paper-pbo --workers 2
    ovlr-bbo bench my.toml --optimizers ovlr,cmaes --seeds 0-4 --out runs/mine --resume
    ovlr-bbo report runs/paper-pbo
    ovlr-bbo list
    ovlr-bbo speed --dims 32,256                # optimizer overhead per evaluation
    ovlr-bbo train-demo sine                    # OVLR training on a non-differentiable loss
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]

_BENCH_EXAMPLES = """\
examples:
  ovlr-bbo bench paper-pbo --workers 2
  ovlr-bbo bench paper-pbo --optimizers ovlr,ea,ng:NGOpt --seeds 0-4 --budget 256
  ovlr-bbo bench my.toml --out runs/mine --resume          # complete an interrupted bench
  ovlr-bbo bench bbob --executor ray                        # a running Ray cluster, or a new one
  ovlr-bbo bench bbob --executor ray --address ray://head:10001
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _presets_help() -> str:
    from .bench.config import load_config, preset_names

    lines = ["presets:"]
    for name in preset_names():
        lines.append(f"  {name:18s} {load_config(name).description}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ovlr-bbo``."""
    parser = argparse.ArgumentParser(prog="ovlr-bbo", description="Benchmark black-box "
                                     "optimizers on IOH problems and bin packing.")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser(
        "bench", help="run a preset or a TOML configuration",
        description="Run every (optimizer, problem, seed) of a preset or a TOML configuration "
                    "into an output folder: IOH data, results.csv and report/summary.md.",
        epilog=f"{_presets_help()}\n\n{_BENCH_EXAMPLES}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_argument("config", metavar="PRESET_OR_CONFIG",
                       help="a preset name (see `ovlr-bbo list`) or a path to a .toml file")
    bench.add_argument("--optimizers", help="comma-separated optimizer labels to run")
    bench.add_argument("--seeds", help="seeds, e.g. 0-14 or 0,3,7")
    bench.add_argument("--budget", type=_positive_int,
                       help="evaluations per run (overrides the config)")
    bench.add_argument("--out", help="output folder (default: runs/<preset or file name>)")
    bench.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1,
                       help="parallel runs (default: number of CPUs)")
    bench.add_argument("--executor", choices=("local", "ray"), default="local")
    bench.add_argument("--address", help="Ray cluster address, host:port or ray://host:10001 "
                       "(default: a cluster running on this machine, else a new local one)")
    bench.add_argument("--resume", action="store_true",
                       help="keep the runs already in --out and run only the missing ones")
    bench.add_argument("--retry-failed", action="store_true",
                       help="with --resume, also rerun runs recorded as failed")
    bench.add_argument("--no-progress", action="store_true", help="no progress bar")
    report = commands.add_parser("report", help="rebuild table and report of a run folder")
    report.add_argument("folder", help="a folder written by `ovlr-bbo bench`")
    commands.add_parser("list", help="show presets, problem forms and optimizers")
    commands.add_parser("speed", help="overhead per evaluation and peak memory of the "
                        "optimizers (ovlr-bbo speed --help)")
    commands.add_parser("train-demo", help="training on non-differentiable losses: sine, digits "
                        "or cost (ovlr-bbo train-demo --help)")
    return parser


def _delegated(command: str, argv: list[str]) -> int:
    """``speed`` and ``train-demo`` have parsers of their own; hand them the rest of argv."""
    if command == "speed":
        from .bench.speed import main as speed_main

        speed_main(argv)
        return 0
    from .training.demos import main as demo_main

    demo_main(argv)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from .bench import load_config, run_bench
    from .bench.config import parse_int_list
    from .bench.report import headline_table, overall_table, run_times

    config = load_config(args.config)
    if args.optimizers:
        config = config.select_optimizers([s.strip() for s in args.optimizers.split(",") if s])
    if args.seeds:
        config.seeds = parse_int_list(args.seeds, "--seeds")
    if args.budget is not None:
        config = config.with_budget(args.budget)
    out = Path(args.out or Path("runs") / config.name)
    result = run_bench(config, out, workers=args.workers, executor=args.executor,
                       address=args.address, resume=args.resume,
                       retry_failed=args.retry_failed, progress=not args.no_progress)
    times = run_times(result.out, result.records)
    print(f"\n{headline_table(result.records)}\n\n{overall_table(result.records, times)}\n")
    print(f"{result.executed} runs executed, {result.skipped} already done, "
          f"{len(result.failed)} failed.")
    print(f"IOH data:  {result.out / 'ioh'}  (IOHanalyzer / iohinspector)")
    print(f"table:     {result.table}")
    print(f"report:    {result.report / 'summary.md' if result.report else '(none)'}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .bench.runner import rebuild

    result = rebuild(args.folder)
    report = result.report / "summary.md" if result.report else "(none)"
    print(f"{len(result.records)} runs; table: {result.table}; report: {report}")
    return 0


def _list() -> int:
    from .bench.config import SUITES
    from .optimizers import NEVERGRAD_PREFIX, optimizer_names

    print(_presets_help())
    print(f"problem suites (config 'suite'): {', '.join(SUITES)}")
    try:
        from .problems import PROBLEM_FORMS

        print("problem names:\n  " + "\n  ".join(PROBLEM_FORMS))
    except ImportError:
        pass
    print(f"optimizers: {', '.join(optimizer_names())}, "
          f"{NEVERGRAD_PREFIX}<any name in nevergrad's ng.optimizers.registry>")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ovlr-bbo`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("speed", "train-demo"):
        return _delegated(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "bench":
            return _bench(args)
        if args.command == "report":
            return _report(args)
        return _list()
    except (ValueError, TypeError) as error:
        print(f"ovlr-bbo: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\novlr-bbo: interrupted; finished runs are kept, continue with --resume",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
