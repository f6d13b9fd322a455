"""Run every benchmark and print one table: each user path's gapmap time beside a bare-library baseline doing
the same core work in the same run, the ratio, the goal, and peak memory, with the machine it ran on.

Run: python benchmarks/run.py [--rows N] [--smoke] [--only NAME]...

Each benchmark is a module here exposing ``run(rows: int, smoke: bool) -> list[Result]`` (benchmarks/_common.py)
and one entry in BENCHMARKS; a registered module whose file is absent is skipped with a line saying so.
``--rows`` scales the survey and teams sizes (each module's own default otherwise, its ROWS); ``--smoke``
runs each at a tiny size (its SMOKE_ROWS, else 1,000) once, for a quick check. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench_app imports benchmarks._common
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Result, table

HERE = Path(__file__).resolve().parent

BENCHMARKS: dict[str, tuple[str, str]] = {
    "survey": (
        "bench_survey",
        "survey read, validation and indicators (`gapmap indicators`), memory, scaling",
    ),
    "teams": ("bench_teams", "teams import (`gapmap teams import`)"),
    "render": ("bench_render", "static map render (PNG)"),
    "app": ("bench_app", "browser: first visit to the app"),
    "load": ("bench_load", "browser: many sessions at once, with imports running"),
    "atlas": ("bench_atlas", "the static atlas (`gapmap atlas build`): time and size"),
}
SMOKE_ROWS = 1_000
DEFAULT_ROWS = 100_000  # for a module that names no size of its own


def machine() -> list[str]:
    """What the figures were measured on: CPU, cores, memory, Python, OS, and how busy the machine was."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:  # not Linux: platform's answers stand
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"CPU: {cpu}",
        f"cores: {os.cpu_count()}",
        f"memory: {memory or 'unknown'}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"OS: {platform.platform()}",
        f"load average at start (1, 5, 15 min): {load}",
    ]


def rows_for(module: object, rows: int | None, smoke: bool) -> int:
    """The size a module runs at: --rows if given, else its SMOKE_ROWS (smoke) or its default."""
    if rows:
        return rows
    if smoke:
        return int(getattr(module, "SMOKE_ROWS", SMOKE_ROWS))
    default = inspect.signature(module.run).parameters.get("rows")  # type: ignore[attr-defined]
    if default is not None and isinstance(default.default, int):
        return default.default
    return int(getattr(module, "ROWS", DEFAULT_ROWS))


def _module_run(module_name: str, rows: int | None, smoke: bool, conn: Any) -> None:
    """In a freshly started Python: import one benchmark module, run it, and send back (size, results) or the
    traceback as text."""
    sys.path[:0] = [str(HERE), str(HERE.parent)]  # modules import _common directly or as benchmarks._common
    try:
        module = importlib.import_module(module_name)
        size = rows_for(module, rows, smoke)
        conn.send(("size", size))
        conn.send(("done", module.run(size, smoke)))
    except Exception:
        conn.send(("failed", traceback.format_exc()))
    finally:
        conn.close()


def run_all(
    names: Sequence[str], rows: int | None, smoke: bool, registry: dict[str, tuple[str, str]] = BENCHMARKS
) -> tuple[list[Result], list[str]]:
    """Run the named benchmarks in order, each in its own freshly started Python process (so one benchmark's
    imports and data do not weigh on the next one's fresh-process runs); (results, names of those that failed)."""
    import multiprocessing as mp

    results: list[Result] = []
    failed: list[str] = []
    ctx = mp.get_context("spawn")
    for name in names:
        module_name, what = registry[name]
        if not (HERE / f"{module_name}.py").exists():
            print(f"{name}: skipped ({module_name}.py is not in benchmarks/ yet)", flush=True)
            continue
        t0 = time.perf_counter()
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_module_run, args=(module_name, rows, smoke, child))
        proc.start()
        child.close()
        outcome: tuple[str, Any] = ("failed", f"the benchmark process for {name} ended without a result")
        try:
            while True:
                kind, value = parent.recv()
                if kind == "size":
                    print(f"{name}: {what}, size {value:,}{' (smoke)' if smoke else ''} …", flush=True)
                    continue
                outcome = (kind, value)
                break
        except Exception:  # the process died, or sent what this process cannot read: that benchmark failed
            outcome = ("failed", traceback.format_exc())
        proc.join()
        if outcome[0] == "done":
            print(f"{name}: done in {time.perf_counter() - t0:.0f} s", flush=True)
            results.extend(outcome[1])
        else:
            print(f"{name}: FAILED", flush=True)
            print(outcome[1], file=sys.stderr, flush=True)
            failed.append(name)
    return results, failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, help="survey responses / team rows (default: each benchmark's own)"
    )
    parser.add_argument("--smoke", action="store_true", help="a tiny size, once: checks that every path runs")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only this benchmark (one of {', '.join(BENCHMARKS)})",
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.only or [] if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; expected one of {', '.join(BENCHMARKS)}")
    if args.rows is not None and args.rows < 20:
        parser.error(f"--rows must be at least 20; got {args.rows}")
    names = list(dict.fromkeys(args.only)) if args.only else list(BENCHMARKS)
    started = time.perf_counter()
    header = machine()
    results, failed = run_all(names, args.rows, args.smoke)
    print()
    print(table(results))
    print()
    for r in results:
        if r.note:
            print(f"- {r.path}: {r.note}")
    print()
    for line in header:
        print(f"- {line}")
    print(f"- total: {time.perf_counter() - started:.0f} s")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
