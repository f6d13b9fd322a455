"""One rule for exit codes: 0 success, 1 bad data or a refused output, 2 a usage error (argparse), 130 interrupted;
every user error is a plain message, never a traceback (a closed pipe ends quietly)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gapmap.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nonsense://x", "found 'nonsense://x' (Can't load plugin"),
        ("garbage", "found 'garbage' (Could not parse"),
        ("sqlite:///{tmp}/missing/dir/x.db", "(there is no folder {tmp}/missing)"),
        ("postgresql://u:secret@127.0.0.1:1/x", "found 'postgresql://u:***@127.0.0.1:1/x'"),
    ],
    ids=["unknown dialect", "not a URL", "no folder", "no server (password hidden)"],
)
def test_bad_database_url_exits_1_plainly(url: str, words: str, tmp_path: Path, capsys):
    url, words = url.format(tmp=tmp_path), words.format(tmp=tmp_path)
    code = main(["teams", "list", "--database", url])
    err = capsys.readouterr().err
    assert code == 1 and words in err and "Expected a teams database that can be opened" in err, err
    assert "Traceback" not in err and "unexpected error" not in err and "secret" not in err
    assert list(tmp_path.iterdir()) == []  # no folders made for a path with a typo in it


@pytest.mark.parametrize("option", ["--title", "--subtitle"])
def test_overlong_heading_exits_1_with_the_limit(option: str, tmp_path: Path, capsys):
    out = tmp_path / "m.png"
    code = main(
        ["render", "--indicator", "respondents", "--no-teams", "--out", str(out), option, "A" * 10_000]
    )
    err = capsys.readouterr().err
    assert code == 1 and f"Expected a {option} of at most" in err and "found 10,000" in err, err
    assert list(tmp_path.iterdir()) == []


def test_negative_top_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["coverage", "--top", "-1"])
    assert exc.value.code == 2
    assert "expected a whole number 0 or more; found '-1'" in capsys.readouterr().err


def _gapmap(*argv: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "gapmap.cli", *argv], stderr=subprocess.PIPE, env=env, text=True, **kw
    )


@pytest.fixture(scope="module")
def interpreter_start() -> float:
    """Seconds this machine's Python takes to start and find ``gapmap.cli.__main__`` before running any gapmap
    code (its site module and runpy: a Ctrl-C then is CPython's own to report), so each delay below is measured
    from where gapmap's code begins. The slowest of five starts, with half again as margin: a loaded machine
    (CI runs browsers beside this) starts Python more slowly than an idle one."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times = []
    for _ in range(5):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "import gapmap.cli"], check=True, env=env)
        times.append(time.monotonic() - started)
    return 1.5 * max(times)


@pytest.mark.parametrize("after", [0.0, 0.1, 0.3, 0.6, 1.5])
def test_ctrl_c_at_any_moment_exits_130_quietly(after: float, interpreter_start: float, tmp_path: Path):
    proc = _gapmap("indicators", "--out", str(tmp_path / "i.csv"), stdout=subprocess.DEVNULL)
    time.sleep(interpreter_start + after)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if proc.returncode != 0:  # a fast machine may have finished
        assert (
            proc.returncode == 130
            and err.strip().splitlines()[-1] == "interrupted; nothing half-written was kept."
        )
    assert [p.name for p in tmp_path.iterdir() if p.name != "i.csv"] == []


@pytest.mark.parametrize("argv", [["coverage"], ["areas", "--level", "la"]], ids=["coverage", "areas"])
def test_closed_pipe_ends_quietly(argv: list[str]):
    proc = _gapmap(*argv, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first line
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 141) and err == "", (proc.returncode, err)
