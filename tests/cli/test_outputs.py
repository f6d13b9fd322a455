"""One rule for every output path: no output (nor a file written beside it) may replace an input of the same
command, whether named directly, through a symlink or through a hard link; ``--out -`` is standard output for text
and refused for images."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gapmap.cli.main import main
from tests.conftest import DATA

SURVEY = DATA / "google_forms_excel_cp1252.csv"
TEAMS = DATA / "messy_teams.csv"


@dataclass(frozen=True)
class Case:
    id: str
    input_name: str  # the input file, made in tmp_path
    source: Path | None  # its content (None: a few bytes, refused before it is read)
    argv: Callable[[str, str], list[str]]  # (input path, output stem) -> arguments
    out_suffix: str  # the output named is <stem><out_suffix>; it, or a file beside it, is the input


def db(p: str) -> str:
    return f"sqlite:///{p}"


CASES = [
    Case(
        "indicators --out",
        "s.csv",
        SURVEY,
        lambda i, o: ["indicators", "--survey", i, "--out", o + ".csv"],
        ".csv",
    ),
    Case(
        "render --out (data CSV beside)",
        "s.csv",
        SURVEY,
        lambda i, o: [
            "render",
            "--survey",
            i,
            "--indicator",
            "respondents",
            "--no-teams",
            "--out",
            o + ".png",
        ],
        ".csv",
    ),
    Case(
        "render --out html (data CSV beside)",
        "s.csv",
        SURVEY,
        lambda i, o: [
            "render",
            "--survey",
            i,
            "--indicator",
            "respondents",
            "--no-teams",
            "--out",
            o + ".html",
        ],
        ".csv",
    ),
    Case(
        "render --out (alt text beside)",
        "s.png.alt.txt",
        None,
        lambda i, o: [
            "render",
            "--boundaries",
            i,
            "--indicator",
            "respondents",
            "--no-teams",
            "--out",
            o + ".png",
        ],
        ".png.alt.txt",
    ),
    Case(
        "chart --out (data CSV beside)",
        "s.csv",
        SURVEY,
        lambda i, o: ["chart", "--indicator", "respondents", "--survey", i, "--out", o + ".svg"],
        ".csv",
    ),
    Case(
        "profile --out (data CSV beside)",
        "s.csv",
        SURVEY,
        lambda i, o: ["profile", "--area", "Cardiff", "--survey", i, "--out", o + ".svg"],
        ".csv",
    ),
    Case("coverage --out", "t.db", None, lambda i, o: ["coverage", "--out", o + ".db"], ".db"),
    Case(
        "teams import --rejects",
        "t.csv",
        TEAMS,
        lambda i, o: ["teams", "import", i, "--skip-invalid", "--rejects", o + ".csv"],
        ".csv",
    ),
    Case(
        "teams import --rejects over --postcode-file",
        "pc.csv",
        None,
        lambda i, o: [
            "teams",
            "import",
            str(TEAMS),
            "--postcode-file",
            i,
            "--skip-invalid",
            "--rejects",
            o + ".csv",
        ],
        ".csv",
    ),
    Case(
        "teams list --out",
        "t.db",
        None,
        lambda i, o: ["teams", "list", "--database", db(i), "--out", o + ".db"],
        ".db",
    ),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stem(case: Case, name: str) -> str:
    return name.removesuffix(case.out_suffix)


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_output_never_replaces_an_input(
    case: Case, how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    inp = tmp_path / "in" / case.input_name
    inp.parent.mkdir()
    if case.source:
        shutil.copyfile(case.source, inp)
    else:
        inp.write_bytes(b"precious bytes\n")
    if case.input_name.endswith(".db"):
        monkeypatch.setenv("GAPMAP_DATABASE_URL", db(str(inp)))
    before = digest(inp)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if how == "same path":
        named = inp
    else:
        named = out_dir / case.input_name
        (os.symlink if how == "symlink" else os.link)(inp, named)
    stem = str(named.parent / _stem(case, named.name))
    code = main(case.argv(str(inp), stem))
    err = capsys.readouterr().err
    assert code == 1, err
    assert "would replace" in err and str(inp) in err and "Traceback" not in err
    assert digest(inp) == before
    assert sorted(p.name for p in out_dir.iterdir()) == ([] if how == "same path" else [case.input_name])


def test_render_all_never_replaces_an_input(tmp_path: Path, capsys):
    survey = tmp_path / "respondents.region.csv"  # the data CSV beside respondents.region.png
    shutil.copyfile(SURVEY, survey)
    before = digest(survey)
    code = main(["render", "--all", "--survey", str(survey), "--out-dir", str(tmp_path), "--no-teams"])
    assert code == 1 and "would replace the survey file" in capsys.readouterr().err
    assert digest(survey) == before and sorted(p.name for p in tmp_path.iterdir()) == [survey.name]


@pytest.mark.parametrize(
    "argv",
    [
        ["indicators", "--indicator", "respondents", "--out", "-"],
        ["areas", "--level", "nation", "--out", "-"],
    ],
    ids=["indicators", "areas"],
)
def test_out_dash_writes_csv_to_standard_output(argv: list[str], tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].count(",") > 3 and "wrote" not in out
    assert not (tmp_path / "-").exists()


def test_coverage_out_dash_keeps_csv_alone_on_standard_output(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["coverage", "--level", "nation", "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("level,area_code,") and "no known team" in captured.err
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "--indicator", "respondents", "--no-teams", "--out", "-"],
        ["render", "--indicator", "respondents", "--no-teams", "--format", "html", "--out", "-"],
        ["chart", "--indicator", "respondents", "--out", "-"],
        ["profile", "--area", "Cardiff", "--out", "-"],
        ["teams", "import", str(TEAMS), "--skip-invalid", "--rejects", "-"],
        ["render", "--all", "--no-teams", "--out-dir", "-"],
    ],
    ids=["render png", "render html", "chart", "profile", "rejects", "render all"],
)
def test_out_dash_refused_where_the_output_is_not_text(argv: list[str], tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "'-' (standard output)" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_full_disk_names_the_path(tmp_path: Path, monkeypatch, capsys):
    out = tmp_path / "i.csv"
    out.write_text("old")

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["indicators", "--indicator", "respondents", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"Could not write {out}: the disk is full" in err and "Traceback" not in err
    assert out.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["i.csv"]


def test_html_map_writes_its_data_csv(tmp_path: Path, capsys):
    out = tmp_path / "m.html"
    assert main(["render", "--indicator", "respondents", "--no-teams", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "m.html", "m.html.alt.txt"]
    assert (tmp_path / "m.csv").read_text().startswith("indicator,")
