"""The newer commands (atlas, change, trend) attacked as a hostile or careless user would: an atlas folder that
holds an input, Ctrl-C during a rebuild, an SQLite database named in URI form, control characters in a wave's
label, an empty file name, years out of range. Each case failed before its fix."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.files import output
from tests.conftest import ROOT

SURVEY = ROOT / "data" / "sample_survey.csv"
WAVE2 = ROOT / "data" / "sample_survey_wave2.csv"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_atlas_build_refuses_a_folder_that_holds_its_survey(tmp_path: Path, capsys):
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    survey = site / "data" / "gapmap-atlas-tidy.csv"  # the very file the build writes
    shutil.copy(SURVEY, survey)
    before = _digest(survey)
    assert main(["atlas", "build", "--survey", str(survey), str(site)]) == 1
    err = capsys.readouterr().err
    assert "argument OUT" in err and str(survey) in err and "choose a new folder" in err
    assert _digest(survey) == before and sorted(p.name for p in site.rglob("*")) == ["data", survey.name]


def test_atlas_build_refuses_a_folder_that_would_hold_its_teams_database(tmp_path: Path, monkeypatch, capsys):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setenv(
        "GAPMAP_DATABASE_URL", f"sqlite:///{site / 'LICENCE.txt'}"
    )  # not made yet: it would be
    assert main(["atlas", "build", str(site)]) == 1
    assert "teams database" in capsys.readouterr().err
    assert list(site.iterdir()) == []


def test_an_sqlite_database_in_uri_form_is_an_input_too(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "t.db"
    assert main(["trend", "--indicator", "teams", "--database", f"sqlite:///{db}", "--out", "x.svg"]) == 0
    before = _digest(db)
    url = "sqlite:///file:t.db?uri=true"
    assert main(["trend", "--indicator", "teams", "--database", url, "--out", "t.db", "--format", "svg"]) == 1
    assert "would replace the teams database" in capsys.readouterr().err
    assert _digest(db) == before


def test_whole_folder_leaves_the_old_folder_as_it_was_on_an_error_and_keeps_unchanged_files(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "same.txt").write_text("same")
    (site / "old.txt").write_text("old")
    (site / "mine.txt").write_text("a file the build does not write")
    inode = (site / "same.txt").stat().st_ino
    with pytest.raises(RuntimeError), output.whole_folder(site) as (stage, _):
        (stage / "old.txt").write_text("new")
        raise RuntimeError("stopped half way")
    assert _tree(site) == {
        "mine.txt": _digest(site / "mine.txt"),
        "old.txt": _digest(site / "old.txt"),
        "same.txt": _digest(site / "same.txt"),
    }
    assert (site / "old.txt").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["site"]
    with output.whole_folder(site) as (stage, final):
        assert output.keep_unchanged(final / "same.txt", stage / "same.txt", b"same")
        assert not output.keep_unchanged(final / "old.txt", stage / "old.txt", b"new")
        (stage / "old.txt").write_text("new")
    assert (site / "old.txt").read_text() == "new" and (site / "same.txt").stat().st_ino == inode
    assert (site / "mine.txt").read_text() == "a file the build does not write"  # carried over
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_ctrl_c_during_an_atlas_rebuild_leaves_the_old_site_whole(atlas_site: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(atlas_site, site)
    before = _tree(site)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gapmap.cli", "atlas", "build", "--survey", str(WAVE2), str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:  # until the new pages are half written
        staging = [p for p in tmp_path.iterdir() if p.name.endswith(".building")]
        if staging and sum(1 for _ in staging[0].rglob("*.html")) > 100:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert _tree(site) == before  # every page as it was: none from the second wave
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_a_wave_label_with_control_characters_is_drawn_visibly(tmp_path: Path, capsys):
    out = tmp_path / "m.svg"
    label = "\x1b[31mRED\u202e"
    argv = ["change", "--survey", f"2021={SURVEY}", "--survey", f"{label}={WAVE2}"]
    assert main([*argv, "--indicator", "referrals_age_2_or_under", "--map", str(out)]) == 0
    captured = capsys.readouterr()
    for text in (out.read_text(), (tmp_path / "m.csv").read_text(), captured.out + captured.err):
        assert "\x1b" not in text and "\u202e" not in text
    assert "[U+001B][31mRED[U+202E]" in out.read_text()


@pytest.mark.parametrize(
    "argv",
    [
        ["change", "--survey", "2021=", "--survey", f"2024={WAVE2}"],
        ["indicators", "--survey", ""],
        ["render", "--indicator", "referrals_age_2_or_under", "--survey", " "],
    ],
    ids=["wave-without-file", "indicators", "render"],
)
def test_an_empty_file_name_is_refused_not_read_as_the_bundled_sample(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "found none" in err or "found an empty one" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("years", "option", "said"),
    [
        (["--from", "2030"], "--from", "Expected a year from 1900"),
        (["--from", "-5"], "--from", "found -5"),
        (["--to", "-2020"], "--to", "found -2020"),
        (["--from", "2020", "--to", "2010"], "--from", "no later than --to 2010"),
    ],
)
def test_trend_years_out_of_range_name_the_option_given(years, option, said, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["trend", "--indicator", "teams", *years]) == 1
    err = capsys.readouterr().err
    assert f"option {option}:" in err and said in err and "--known-by" not in err
    assert list(tmp_path.iterdir()) == []
