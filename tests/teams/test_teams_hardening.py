"""Team imports: exit 1 (never 2) for input problems, --rejects checked before the batch, rejects re-import,
text stored as given."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import pytest

from gapmap.cli.main import main
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.conftest import DATA

HOSTILE = DATA / "hostile"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'teams.db'}"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["teams", "remove", "99999999999999999999"], "there is no id 99999999999999999999"),
        (["teams", "remove", "-5"], "there is no id -5"),
        (["teams", "remove", "abc"], "Expected a whole number for the id; found 'abc'"),
        (["teams", "undo", "99999999999999999999"], "there is no batch 99999999999999999999"),
        (["teams", "undo", "1.5"], "Expected a whole number for the batch; found '1.5'"),
        (["teams", "list", "--known-by", "99999999999999999999"], "Expected a year such as 2021"),
        (
            ["indicators", "--indicator", "teams", "--known-by", "99999999999999999999"],
            "Expected a year such as 2021",
        ),
    ],
)
def test_impossible_ids_exit_1(argv: list[str], words: str, url: str, capsys, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", url)
    code = main([*argv, "--database", url] if argv[0] == "teams" else argv)
    err = capsys.readouterr().err
    assert (code, words in err, "Traceback" in err) == (1, True, False), err


def test_lenient_import_without_name_column_exits_1_and_adds_nothing(url: str, capsys):
    code = main(
        [
            "teams",
            "import",
            str(HOSTILE / "teams_without_name_column.csv"),
            "--skip-invalid",
            "--database",
            url,
        ]
    )
    err = capsys.readouterr().err
    assert (code, "Expected a 'name' column" in err, len(Store(Settings(database_url=url)).history())) == (
        1,
        True,
        1,
    )


def test_rejects_to_a_folder_exits_1_before_the_batch_is_committed(url: str, tmp_path: Path, capsys):
    folder = tmp_path / "rejects"
    folder.mkdir()
    before = len(Store(Settings(database_url=url)).history())
    argv = [
        "teams",
        "import",
        str(HOSTILE / "teams_for_rejects.csv"),
        "--skip-invalid",
        "--rejects",
        str(folder),
    ]
    code = main([*argv, "--database", url])
    err = capsys.readouterr().err
    after = len(Store(Settings(database_url=url)).history())
    assert (code, f"{folder}; found a folder" in err, after - before) == (1, True, 0), err


def test_rejects_keep_numbers_and_reimport_once_fixed(url: str, tmp_path: Path):
    rejects = tmp_path / "rejects.csv"
    assert main(["teams", "import", str(HOSTILE / "teams_for_rejects.csv"), "--skip-invalid", "--rejects", str(rejects), "--database", url]) == 0  # fmt: skip
    text = rejects.read_text(encoding="utf-8")
    assert (",-2.2426," in text, "'-2.2426" in text, ",'=1+1," in text) == (True, False, True)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(text.replace("19x9", "2019"), encoding="utf-8")
    assert main(["teams", "import", str(fixed), "--database", url]) == 0
    teams = Store(Settings(database_url=url)).list_teams().set_index("name")
    row = teams.loc["Bad Year Team"]
    assert (row["longitude"], row["established"], row["notes"]) == (-2.2426, 2019, "=1+1")  # guard taken off


def test_text_is_stored_as_given_and_only_the_name_is_trimmed(url: str, tmp_path: Path):
    f = tmp_path / "t.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [
                ["name", "latitude", "longitude", "provider", "notes"],
                ["  Spaced Team  ", "53.48", "-2.24", "  NHS  ", " a  b "],
            ]
        )
    s = Store(Settings(database_url=url))
    s.import_file(f)
    row = s.list_teams().set_index("name").loc["Spaced Team"]
    assert (row["provider"], row["notes"]) == ("  NHS  ", " a  b ")


def test_failed_import_leaves_no_rejects_and_no_temporary(url: str, tmp_path: Path):
    rejects = tmp_path / "r.csv"
    code = main(["teams", "import", str(HOSTILE / "teams_without_name_column.csv"), "--skip-invalid", "--rejects", str(rejects), "--database", url])  # fmt: skip
    assert (code, sorted(os.listdir(tmp_path))) == (1, ["teams.db"])


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", 1),
        (b"\xbe\x00\xff binary", 1),
        (b"pcds,lat,long\nBT7 1NN,abc,def\n", 0),  # an unusable row is left out; the district still places it
    ],
    ids=["empty", "binary", "not-numbers"],
)
def test_a_broken_postcode_file_is_bad_input_not_a_crash(
    content: bytes, code: int, url: str, tmp_path: Path, capsys
):
    onspd = tmp_path / "onspd.csv"
    onspd.write_bytes(content)
    teams = tmp_path / "t.csv"
    teams.write_text("name,postcode\nPostcode Team,BT7 1NN\n", encoding="utf-8")
    got = main(["teams", "import", str(teams), "--postcode-file", str(onspd), "--database", url])
    err = capsys.readouterr().err
    assert (got, "unexpected error" in err) == (code, False), err


def test_rejects_reimport_takes_off_the_formula_guard(tmp_path: Path, url: str, capsys):
    """A rejects file guards =, +, -, @ with a leading '; re-imported after a fix, the team's text is as first
    given, and so is its duplicate key (the original row is then a duplicate of it)."""
    original = tmp_path / "teams.csv"
    original.write_text(
        'name,postcode,provider,notes\n=HYPERLINK("x"),ZZ9,+prov,@note\nGood,BT7 1NN,-x,\'tis\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    argv = ["--database", url]
    assert main(["teams", "import", str(original), "--skip-invalid", "--rejects", str(rejects), *argv]) == 0
    assert "'=HYPERLINK" in rejects.read_text(encoding="utf-8")
    rejects.write_text(rejects.read_text(encoding="utf-8").replace("ZZ9", "BT9 5AB"), encoding="utf-8")
    assert main(["teams", "import", str(rejects), *argv]) == 0
    teams = Store(Settings(database_url=url)).list_teams().set_index("name")
    assert teams.loc['=HYPERLINK("x")', ["provider", "notes"]].tolist() == ["+prov", "@note"]
    assert teams.loc["Good", ["provider", "notes"]].tolist() == ["-x", "'tis"]  # a ' the user typed stays
    fixed = tmp_path / "fixed.csv"
    fixed.write_text('name,postcode\n=HYPERLINK("x"),BT9 5AB\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["teams", "import", str(fixed), *argv]) == 1
    assert "already holds a team with this name and location" in capsys.readouterr().err


@pytest.mark.parametrize("skip", [False, True], ids=["strict", "skip-invalid"])
@pytest.mark.parametrize(
    "body", ["name,postcode\n", "name,postcode\n,\n\n"], ids=["header only", "blank rows"]
)
def test_teams_file_without_teams_is_refused(body: str, skip: bool, tmp_path: Path, url: str, capsys):
    path = tmp_path / "empty_teams.csv"
    path.write_text(body, encoding="utf-8")
    code = main(["teams", "import", str(path), "--database", url, *(["--skip-invalid"] if skip else [])])
    err = capsys.readouterr().err
    assert code == 1 and "Expected at least one team; empty_teams.csv has a header but no teams" in err, err
    assert set(Store(Settings(database_url=url)).history()["kind"]) == {"seed"}


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("parser", ["fastcsv", "readers"])
def test_cr_inside_a_quoted_name_is_part_of_it(eol: str, parser: str, tmp_path: Path, url: str, monkeypatch):
    if parser == "readers":  # the cell-by-cell reader, as for a file the column reader declines
        monkeypatch.setattr("gapmap.files.fastcsv.read", lambda *a, **k: None)
    path = tmp_path / "cr.csv"
    path.write_bytes(f'name,postcode{eol}"Team\rName",BT7 1NN{eol}Other,BT7 1NN{eol}'.encode())
    store = Store(Settings(database_url=url))
    before = len(store.list_teams())
    result = store.import_file(path)
    added = store.list_teams()["name"].tolist()[before:]
    assert (result.added, added) == (2, ["Team\rName", "Other"])


def _import_one(url: str, path: str, delay: float, start: Any, results: Any) -> None:
    import time

    from gapmap.teams import validate  # noqa: F401  (imported before the start, so all begin together)

    # Stagger what each first use reads after its "is it empty?", as a slow disk or a busy machine does: one
    # process's seed then commits between another's check and its read.
    snapshot = Store._snapshot

    def slow_snapshot(self: Store) -> tuple[int, set[str]]:
        time.sleep(delay)
        return snapshot(self)

    Store._snapshot = slow_snapshot  # type: ignore[method-assign]
    start.wait()
    try:
        results.put(Store(Settings(database_url=url)).import_file(path).summary())
    except Exception as exc:  # the test reports it
        results.put(f"{type(exc).__name__}: {exc}")


def test_parallel_first_imports_seed_once(tmp_path: Path):
    """Eight imports into a new database at once: each lands, and the bundled list is seeded once."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    start, results = ctx.Barrier(8), ctx.Queue()
    procs = []
    for i in range(8):
        f = tmp_path / f"t{i}.csv"
        f.write_text(f"name,postcode\nParallel team {i},BT7 1NN\n", encoding="utf-8")
        procs.append(ctx.Process(target=_import_one, args=(url, str(f), 0.5 * i, start, results)))
    for proc in procs:
        proc.start()
    summaries = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert all(s.startswith("added 1 team") for s in summaries), summaries
    store = Store(Settings(database_url=url))
    history = store.history()
    assert (history["kind"] == "seed").sum() == 1 and (history["kind"] == "import").sum() == 8
    teams = store.list_teams(include_closed=True)
    assert len(teams) == 38 + 8 and not teams["name"].duplicated().any()
