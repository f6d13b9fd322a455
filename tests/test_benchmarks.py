"""The benchmark runner works: a smoke run of the survey benchmark prints its table with a ratio, and the
runner names the valid benchmarks when given another. Time is never asserted (benchmarks/ prints it)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"


def test_smoke_run_of_the_survey_benchmark_prints_ratios():
    done = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--only", "survey"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| `gapmap indicators`")]
    assert rows, done.stdout
    # | path | gapmap | bare | ratio | goal | peak memory |: two times, then the ratio of the two.
    for row in rows:
        assert re.search(r"\| [\d.,]+ s \| [\d.,]+ s \| [\d.,]+× \|", row), row
    assert "read + validate" in done.stdout and "cores: " in done.stdout and "Python: " in done.stdout


def test_unknown_benchmark_names_the_valid_ones():
    done = subprocess.run(
        [sys.executable, str(RUN), "--only", "nonesuch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown benchmark nonesuch; expected one of survey, teams, render, app, load" in done.stderr


def test_a_registered_benchmark_without_its_file_is_skipped_with_a_line(capsys):
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    assert spec and spec.loader
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    results, failed = runner.run_all(
        ["ghost"], 100, True, {"ghost": ("bench_ghost", "a benchmark not written yet")}
    )
    assert (results, failed) == ([], [])
    assert "ghost: skipped (bench_ghost.py is not in benchmarks/ yet)" in capsys.readouterr().out
