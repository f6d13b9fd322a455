"""Shared benchmark plumbing: time a callable in a fresh process and report its peak memory beside a baseline.

Each benchmark module that `benchmarks/run.py` runs exposes ``run(rows: int, smoke: bool) -> list[Result]``: one
Result per user path, each measured against a bare-library baseline doing the same core work in the same run
(machines are noisy; the ratio is what holds). Nothing here asserts on time.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float
    value: Any = None


@dataclass(frozen=True)
class Result:
    """One user path against its baseline. ``goal`` is the ratio the issue asks for (None: reported only)."""

    path: str
    gapmap: Measure
    bare: Measure
    goal: float | None = None
    note: str = ""
    target: str = ""  # a goal that is not a ratio ("≤ 3 s met"), shown in the goal column instead

    @property
    def ratio(self) -> float:
        return self.gapmap.seconds / self.bare.seconds if self.bare.seconds else float("inf")

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.ratio <= self.goal


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    t0 = time.perf_counter()
    value = fn(*args)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        conn.send(Measure(seconds, peak, value))
    except Exception:  # an unpicklable value: the time and memory still count
        conn.send(Measure(seconds, peak, None))
    conn.close()


def measure(fn: Callable[..., Any], *args: Any) -> Measure:
    """Run ``fn(*args)`` in a fresh process (forked, so imports are shared and peak RSS is this path's own).

    The peak includes the interpreter and the already-imported libraries, which a baseline pays too.
    """
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args))
    proc.start()
    child.close()
    result: Measure = parent.recv()
    proc.join()
    if proc.exitcode:
        raise RuntimeError(f"benchmark process for {getattr(fn, '__name__', fn)} exited with {proc.exitcode}")
    return result


def best_of(repeats: int, fn: Callable[..., Any], *args: Any) -> Measure:
    """The fastest of ``repeats`` fresh-process runs (the least disturbed by other work on the machine)."""
    runs = [measure(fn, *args) for _ in range(max(1, repeats))]
    return min(runs, key=lambda m: m.seconds)


def table(results: list[Result]) -> str:
    """Markdown table of results, as the README quotes it."""
    lines = [
        "| path | gapmap | bare libraries | ratio | goal | peak memory (gapmap / bare) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        goal = r.target or ("—" if r.goal is None else f"≤ {r.goal:g}× {'met' if r.met else 'NOT met'}")
        if r.gapmap.seconds or r.bare.seconds:
            times = f"{r.gapmap.seconds:.2f} s | {r.bare.seconds:.2f} s | {r.ratio:.2f}×"
        else:  # a memory-only row
            times = "— | — | —"
        lines.append(
            f"| {r.path} | {times} | {goal} | {r.gapmap.peak_mb:,.0f} MB / {r.bare.peak_mb:,.0f} MB |"
        )
    return "\n".join(lines)
