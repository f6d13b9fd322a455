"""Survey files: `gapmap indicators` end to end beside bare pandas doing the same core work on the same file;
reading and validating a file five times larger for peak memory; and the end-to-end time at three sizes, so
the growth shows (linear is the goal). Asserts nothing about time.

gapmap's path is the command as users run it (`gapmap indicators --survey FILE --out OUT.csv`): read the
CSV, validate every answer (row-numbered problems, area placement at every level), compute every indicator
at every level with primary and secondary suppression, the teams and provision layers, and write the CSV.
The bare baseline is ``pandas.read_csv`` of the same file and, for every question column, ``value_counts``
per answered region: no validation, no placement, no intervals, no suppression, nothing written.

Files are the bundled synthetic sample's 283 respondents resampled to N rows (its 32 columns, CRLF, quoted
cells), about 450 bytes a row. Each path runs in a fresh process (benchmarks/_common.py).

Run: python benchmarks/run.py --only survey   or   python benchmarks/bench_survey.py [--rows N] [--smoke]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Measure, Result, best_of, measure, table

# Imported before any measurement, as a user's `gapmap` process has them: the timings are the work, not imports.
import gapmap.cli.main
import gapmap.measures.provision
import gapmap.teams.layer
import gapmap.teams.store
from gapmap.survey.validate import load_survey

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_survey.csv"
AREA = "where_do_you_work"
ROWS = 200_000  # the main comparison; memory at 5x, scaling at 1/20, 1/2 and 5x (10k, 100k, 1M by default)
SMOKE_ROWS = 2_000
MEMORY_GOAL_MB = 1_536  # issue 9: a million responses validated in at most 1.5 GB


def make_survey(path: Path, rows: int, seed: int = 1) -> Path:
    """``rows`` respondents drawn (seeded) from the bundled sample's records, written as the sample is."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    header, body = lines[0], [line if line.endswith(b"\n") else line + b"\r\n" for line in lines[1:]]
    picks = np.random.default_rng(seed).integers(0, len(body), rows)
    with path.open("wb") as fh:
        fh.write(header)
        for start in range(0, rows, 100_000):
            fh.write(b"".join(body[i] for i in picks[start : start + 100_000]))
    return path


def cpu_seconds(fn: Callable[..., object]) -> Callable[..., float]:
    """``fn`` returning the CPU time it used (all threads): steadier than wall time on a busy machine."""

    @functools.wraps(fn)
    def timed(*args: object) -> float:
        start = time.process_time()
        fn(*args)
        return time.process_time() - start

    return timed


@cpu_seconds
def gapmap_indicators(path: Path, out: Path) -> None:
    """`gapmap indicators --survey FILE --out OUT` as the command line runs it; its exit code must be 0."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = gapmap.cli.main.main(["indicators", "--survey", str(path), "--out", str(out)])
    if code:
        raise RuntimeError(f"gapmap indicators exited {code}")


@cpu_seconds
def bare_counts(path: Path) -> None:
    """pandas alone: read the file, count every question's answers per region."""
    frame = pd.read_csv(path)
    for column in frame.columns:
        if column not in (AREA, "synthetic"):
            frame.groupby(AREA)[column].value_counts()


@cpu_seconds
def gapmap_validate(path: Path) -> None:
    """Read and validate the file as every command does (load_survey)."""
    load_survey(path)


@cpu_seconds
def bare_read(path: Path) -> None:
    pd.read_csv(path)


def cpu_note(ours: Measure, bare: Measure) -> str:
    return f"CPU {ours.value:.2f} s vs {bare.value:.2f} s ({ours.value / bare.value:.2f}×)"


@contextlib.contextmanager
def environment(tmp: Path, rows: int) -> Iterator[None]:
    """Limits raised for the benchmark's file sizes, and a teams database of its own (seeded before timing)."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "GAPMAP_MAX_ROWS": str(max(rows, 200_000)),
            "GAPMAP_MAX_FILE_MB": str(max(50, rows * 600 // 1_000_000 + 10)),
            "GAPMAP_DATABASE_URL": f"sqlite:///{tmp / 'teams.db'}",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _end_to_end(path: Path, out: Path, rows: int, repeats: int, label: str) -> Result:
    ours = best_of(repeats, gapmap_indicators, path, out)
    bare = best_of(repeats, bare_counts, path)
    size = path.stat().st_size / 1e6
    per_row = 1e6 * ours.seconds / rows
    return Result(
        f"`gapmap indicators`, {label}{rows:,} responses ({size:,.0f} MB CSV)",
        ours,
        bare,
        goal=2.0,
        note=f"{per_row:.1f} µs per response; {cpu_note(ours, bare)}; "
        "bare: read_csv + per-region value_counts of every question",
    )


def run(rows: int = ROWS, smoke: bool = False) -> list[Result]:
    """The survey paths at ``rows`` responses (memory at 5x; scaling at 1/20, 1/2 and 5x)."""
    repeats = 1 if smoke else 2
    big = rows * 5
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        with environment(tmp, big):
            out = tmp / "indicators.csv"
            files = {n: tmp / f"survey_{n}.csv" for n in sorted({rows // 20, rows // 2, rows, big})}
            for n, path in files.items():
                measure(make_survey, path, n)  # in a child, so this process stays small
            measure(gapmap_indicators, files[rows // 20], out)  # creates and seeds the teams database
            results.append(_end_to_end(files[rows], out, rows, repeats, ""))
            ours: Measure = measure(gapmap_validate, files[big])
            bare: Measure = measure(bare_read, files[big])
            met = "met" if ours.peak_mb <= MEMORY_GOAL_MB else "NOT met"
            results.append(
                Result(
                    f"read + validate {big:,} responses (peak memory)",
                    ours,
                    bare,
                    note=f"peak {ours.peak_mb:,.0f} MB; goal ≤ {MEMORY_GOAL_MB:,} MB {met}; {cpu_note(ours, bare)}; "
                    "bare: read_csv",
                )
            )
            scaling = [
                _end_to_end(files[n], out, n, 1 if n == big else repeats, "scaling: ")
                for n in (rows // 20, rows // 2, big)
            ]
    # Growth: the time each added response costs between the sizes (linear growth keeps it level).
    sizes = (rows // 20, rows // 2, big)
    steps = [
        (scaling[i + 1].gapmap.seconds - scaling[i].gapmap.seconds) / (sizes[i + 1] - sizes[i])
        for i in (0, 1)
    ]
    linear = steps[1] <= 1.5 * steps[0]
    judged = "" if smoke else "linear " + ("met" if linear else "NOT met")  # tiny files: start-up dominates
    growth = (
        f"each added response costs {1e6 * steps[0]:.1f} µs ({sizes[0]:,} to {sizes[1]:,}) and "
        f"{1e6 * steps[1]:.1f} µs ({sizes[1]:,} to {sizes[2]:,})"
    )
    for r in scaling:
        results.append(replace(r, goal=None, target=judged or "—", note=f"{r.note}; {growth}"))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_ROWS:,} rows, one run of each path")
    args = parser.parse_args()
    found = run(SMOKE_ROWS if args.smoke else args.rows, args.smoke)
    print(table(found))
    for r in found:
        print(f"{r.path}: {r.note}")
