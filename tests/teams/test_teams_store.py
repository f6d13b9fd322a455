"""Teams: validation of a messy analyst CSV, the store on real SQLite and PostgreSQL, parallel and killed imports."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from gapmap.cli.main import main
from gapmap.geo import geocode
from gapmap.problems import InputError
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.conftest import DATA, ROOT, require

MESSY = DATA / "messy_teams.csv"
EXPECTED_PROBLEMS = [
    (4, "latitude", "did you swap latitude and longitude?"),
    (5, "latitude", "outside the UK"),
    (6, "postcode", "'ZZ9' is not in the bundled list of postcode districts"),
    (7, "name", "this row repeats row 3"),
    (8, "name", "Expected a team name; found an empty cell"),
    (12, "postcode", "Expected a UK postcode like 'BT7 1NN'"),
    (13, "region", "Expected the region the location lies in, Yorkshire and The Humber; found 'North West'"),
]


def _pg_url() -> str | None:
    return os.environ.get("GAPMAP_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'teams.db'}"
        return
    base = _pg_url()
    require(bool(base), "no PostgreSQL server (set GAPMAP_TEST_POSTGRES_URL; .ci/run starts one)")
    # A fresh database per test, so tests do not see each other's teams.
    name = f"gapmap_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from gapmap.teams.store import engine_for

    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bt71nn", "BT7 1NN"),
        ("BT7 1NN", "BT7 1NN"),
        (" sw1a2aa ", "SW1A 2AA"),
        ("ls1", "LS1"),
        ("12345", None),
        ("BT7 1N", None),
    ],
)
def test_postcode_normalising(raw, expected):
    assert geocode.normalise_postcode(raw) == expected


def test_bundled_list_is_seeded_with_provenance(tmp_path: Path):
    s = Store(Settings(database_url=f"sqlite:///{tmp_path / 't.db'}"))
    teams = s.list_teams(include_closed=True)
    assert len(teams) == 40  # and Kent's PIMHS, commissioned: listed only when asked for
    assert len(s.list_teams()) == 39  # NorPIP closed in June 2021
    every = s.list_teams(include_closed=True, include_commissioned=True)
    assert every["status"].value_counts().to_dict() == {"open": 39, "closed": 1, "commissioned": 1}
    kent = every.loc[every["status"] == "commissioned"].iloc[0]
    assert (
        kent["name"].startswith("Kent Parent Infant Mental Health Service") and kent["evidence_year"] == 2026
    )
    assert not s.list_teams(known_by=2026)["name"].str.startswith("Kent").any()
    assert s.list_teams(known_by=2021)["name"].str.startswith("NorPIP").any()
    assert teams["location_basis"].value_counts().to_dict() == {
        "area served": 37,
        "postcode district": 2,
        "none": 1,
    }
    epip = teams.loc[teams["name"].str.startswith("EPIP")].iloc[0]
    assert epip["latitude"] is None or epip["latitude"] != epip["latitude"]  # listed, not mapped
    assert set(teams.loc[teams["nation"] == "Wales", "name"]) == set()  # the evidence found no Welsh team
    assert s.history()["kind"].tolist() == ["seed"]
    assert len(s.list_teams(known_by=2021)) == 22  # "22 with dated evidence by 2021"


def test_strict_import_of_messy_csv_writes_nothing_and_lists_every_problem(db_url):
    s = Store(Settings(database_url=db_url))
    before = len(s.list_teams())
    with pytest.raises(InputError) as exc:
        s.import_file(MESSY, by="analyst")
    got = [(i.row, i.column) for i in exc.value.issues]
    assert got == [(r, c) for r, c, _ in EXPECTED_PROBLEMS]
    for issue, (_, _, text) in zip(exc.value.issues, EXPECTED_PROBLEMS, strict=True):
        assert text in issue.message
    assert len(s.list_teams()) == before and len(s.history()) == 1


def test_skip_invalid_adds_good_rows_and_writes_formula_safe_rejects(db_url, tmp_path: Path):
    s = Store(Settings(database_url=db_url))
    rejects = tmp_path / "rejects.csv"
    result = s.import_file(MESSY, by="analyst", skip_invalid=True, rejects=rejects)
    assert (result.added, result.rejected) == (5, 7)
    added = s.list_teams().query("batch_id == @result.batch_id").set_index("name")
    assert set(added.index) == {
        "Tîm Rhiant a Baban Caerdydd",
        "Belfast Infant Team",
        "<img src=x onerror=alert(1)>",
        '=HYPERLINK("http://evil.example","click")',
        "Swansea Bay Team",
    }
    assert added.loc["Belfast Infant Team", "postcode"] == "BT7 1NN"
    assert added.loc["Belfast Infant Team", "location_basis"] == "postcode district"
    assert added.loc["Swansea Bay Team", "location_basis"] == "area served"
    assert added.loc["Swansea Bay Team", "region_code"] == "W92000004"
    assert added.loc["<img src=x onerror=alert(1)>", "location_basis"] == "coordinates"
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [int(r["row"]) for r in rows] == [4, 5, 6, 7, 8, 12, 13]
    assert "did you swap" in rows[0]["problems"]
    batch = s.history().set_index("id").loc[result.batch_id]
    assert (batch["by"], batch["rows_added"], batch["file_name"], len(batch["file_sha256"])) == (
        "analyst",
        5,
        "messy_teams.csv",
        64,
    )
    # Importing the same file again: every good row is now a duplicate of the database.
    again = s.import_file(MESSY, skip_invalid=True)
    assert again.added == 0 and any("already holds" in i.message for i in again.issues)


def test_exports_are_formula_safe(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 't.db'}"
    assert main(["teams", "import", str(MESSY), "--database", url, "--skip-invalid"]) == 0
    out = tmp_path / "teams.csv"
    assert main(["teams", "list", "--database", url, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    gj = tmp_path / "teams.geojson"
    assert main(["teams", "list", "--database", url, "--format", "geojson", "--out", str(gj)]) == 0
    assert '"type": "FeatureCollection"' in gj.read_text()


def test_remove_history_undo(db_url):
    s = Store(Settings(database_url=db_url))
    r = s.import_file(MESSY, skip_invalid=True, by="a")
    ids = s.list_teams().query("batch_id == @r.batch_id")["id"].tolist()
    s.remove(ids[0], by="b")
    assert ids[0] not in s.list_teams()["id"].tolist()
    assert ids[0] in s.list_teams(include_removed=True)["id"].tolist()
    with pytest.raises(InputError, match="already removed"):
        s.remove(ids[0])
    assert s.undo(r.batch_id) == 4
    assert len(s.list_teams(include_closed=True)) == 40
    with pytest.raises(InputError, match="already undone"):
        s.undo(r.batch_id)
    assert s.history()["kind"].tolist() == ["seed", "import", "remove", "undo"]


def test_version_changes_with_the_open_teams_and_an_undo_brings_it_back(db_url):
    # The app's caches are keyed on it: an import, a removal and an undo each show at once, and an undone import
    # finds what was cached before it.
    s = Store(Settings(database_url=db_url))
    seeded = s.version()
    r = s.import_file(MESSY, skip_invalid=True, by="a")
    imported = s.version()
    assert imported != seeded
    s.undo(int(r.batch_id))
    assert s.version() == seeded
    r2 = s.import_file(MESSY, skip_invalid=True, by="a")
    assert s.version() not in (seeded, imported)
    s.remove(int(s.list_teams().query("batch_id == @r2.batch_id")["id"].iloc[0]), by="b")
    removed = s.version()
    assert removed not in (seeded, imported)
    s.undo(int(r2.batch_id))
    assert s.version() == seeded  # the same teams are open as before either import
    assert len(s.list_teams(include_closed=True)) == 40  # the bundled list (Kent, commissioned, aside)


def test_cli_teams_strict_exit_1(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 't.db'}"
    assert main(["teams", "import", str(MESSY), "--database", url]) == 1
    err = capsys.readouterr().err
    assert "7 problems found" in err and "did you swap latitude and longitude?" in err
    assert main(["teams", "history", "--database", url]) == 0
    assert main(["teams", "undo", "99", "--database", url]) == 1


def _write_teams(path: Path, prefix: str, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "latitude", "longitude"])
        for i in range(n):
            w.writerow([f"{prefix} team {i}", f"{52 + i * 0.001:.4f}", "-1.5"])


def test_two_parallel_imports_both_land_in_full(db_url, tmp_path: Path):
    Store(Settings(database_url=db_url))  # create and seed first, as the app would
    files = []
    for p in ("alpha", "beta"):
        f = tmp_path / f"{p}.csv"
        _write_teams(f, p, 300)
        files.append(f)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gapmap.cli", "teams", "import", str(f), "--database", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    s = Store(Settings(database_url=db_url))
    names = s.list_teams()["name"]
    assert names.str.startswith("alpha").sum() == 300 and names.str.startswith("beta").sum() == 300
    assert s.history()["kind"].tolist() == ["seed", "import", "import"]


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import sqlalchemy as sa
    from gapmap.settings import Settings
    from gapmap.teams.store import Store, engine_for
    url, path = sys.argv[1], sys.argv[2]
    store = Store(Settings(database_url=url))

    @sa.event.listens_for(engine_for(url), "after_execute")
    def die(conn, clause, *args):
        if "INSERT INTO teams" in str(clause):
            os.kill(os.getpid(), signal.SIGKILL)  # killed after inserting rows, before commit

    store.import_file(path, by="doomed")
    """
)


def test_killed_import_leaves_database_as_before(db_url, tmp_path: Path):
    before = Store(Settings(database_url=db_url))
    n_before, h_before = len(before.list_teams()), len(before.history())
    f = tmp_path / "big.csv"
    _write_teams(f, "doomed", 500)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, db_url, str(f)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == -9, proc.stderr
    after = Store(Settings(database_url=db_url))
    assert len(after.list_teams()) == n_before and len(after.history()) == h_before
    assert after.import_file(f).added == 500  # and the database still takes writes


def test_postgres_runs_on_ci():
    if os.environ.get("CI") == "true":
        assert _pg_url(), "CI must provide GAPMAP_TEST_POSTGRES_URL"
    else:
        require(bool(_pg_url()), "no PostgreSQL server")


def test_teams_indicators_and_map_layer(tmp_path: Path):
    from gapmap.measures.compute import indicator_table
    from gapmap.present.mapspec import map_spec
    from gapmap.render import render_map
    from gapmap.teams.layer import for_map

    settings = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}")
    t = indicator_table("teams", settings=settings)
    by = t.frame.set_index("area_code")
    assert by.loc["E12000002", "k"] == 10 and by.loc["S92000003", "k"] == 9 and by.loc["W92000004", "k"] == 0
    assert by.loc["K02000001", "k"] == 38  # 39 open teams; EPIP has no area and no location
    assert by.loc["E12000008", "k"] == 4  # the South East's four open teams: Kent's, commissioned, is not one
    rate = indicator_table("teams_per_10k_age_0_2", settings=settings).frame.set_index("area_code")
    assert rate.loc["S92000003", "n"] == 157772 and rate.loc["S92000003", "value"] == pytest.approx(
        9 / 157772 * 10000
    )
    early = indicator_table("teams", settings=settings, known_by=2021).frame.set_index("area_code")
    assert (
        early.loc["K02000001", "k"] == 21
    )  # 22 by 2021 (NorPIP still open that year), EPIP without location
    points, note = for_map(settings)
    assert len(points) == 39 and "centre of the area served" in note  # 38 open and Kent's, commissioned
    assert (
        int(points["commissioned"].sum()) == 1
        and "1 commissioned team, not yet known to be operating, is drawn apart" in note
    )
    assert (
        "41 found in public sources; 1 closed and 1 commissioned but not yet known to be operating, not counted"
        in note
        and "Parent-Infant Foundation counted 51 in December 2025" in note
    )
    spec = map_spec(indicator_table("services_0_2_definitely"), settings, teams=points, teams_note=note)
    out, _ = render_map(spec, tmp_path / "m.svg")
    svg = out.read_text(encoding="utf-8")
    assert "Team: centre of area served" in svg and "41 found in public sources" in svg
    assert "Team commissioned, not yet known to" in svg  # the legend entry (wrapped after "to")


def test_team_names_are_escaped_in_svg(tmp_path: Path):
    # matplotlib writes text through an XML escaper; a team name never becomes markup.
    from gapmap.measures.compute import indicator_table
    from gapmap.present.mapspec import map_spec
    from gapmap.render import render_map

    settings = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}")
    spec = map_spec(indicator_table("teams", settings=settings), settings)
    spec.title = "<img src=x onerror=alert(1)>"
    out, _ = render_map(spec, tmp_path / "x.svg")
    svg = out.read_text(encoding="utf-8")
    assert "<img" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg


def test_bundled_teams_csv_matches_its_source_count():
    rows = list(csv.DictReader((ROOT / "data" / "teams.csv").open(encoding="utf-8")))
    later = list(
        csv.DictReader((ROOT / "data" / "provision" / "teams_evidence_2026-12.csv").open(encoding="utf-8"))
    )
    # The 38 rows of the evidence search (data/teams.md) and every team found in December 2026, as found.
    by_name = {r["name"]: r for r in rows}
    for team in later:
        kept = by_name[team["name"]]
        assert (kept["status"], kept["source_url"], kept["area_codes"]) == (
            team["status"],
            team["source_url"],
            team["area_codes"],
        )
    assert {r["status"] for r in rows} == {"open", "closed", "commissioned"}
    assert len(rows) == 38 + len(later) and {r["location_basis"] for r in rows} == {
        "area served",
        "postcode district",
        "none",
    }


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("E06000001", ["E06000001"]),
        ("NHS Fife", ["S08000029"]),
        ("Cardiff and Vale UHB; Powys Teaching Health Board", ["W11000029", "W11000024"]),
        ("BHSCT", ["BHSCT"]),
        ("E54000008", ["E54000008"]),
        ("Bristol, City of", ["E06000023"]),
        ("E06000001,E06000002", ["E06000001", "E06000002"]),
        ("Wales", ["W92000004"]),
    ],
)
def test_area_codes_at_every_level_by_code_or_name(cell, codes):
    from gapmap.teams.validate import area_codes

    assert area_codes(cell) == (codes, "")


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("E38000101", "Sub-ICB location codes (E38) are not accepted"),
        ("Atlantis", "not recognised: 'Atlantis'"),
    ],
)
def test_unknown_area_codes_say_which_are_accepted(cell, fragment):
    from gapmap.teams.validate import area_codes

    _, problem = area_codes(cell)
    assert fragment in problem and "local authority (2024), ICB (2023)" in problem


def test_team_serving_an_icb_serves_all_its_local_authorities(tmp_path: Path):
    from gapmap.measures.compute import indicator_table

    f = tmp_path / "icb.csv"
    f.write_text(
        "name,area_codes,closed,established\nNew ICB team,NHS Birmingham and Solihull ICB,,2020\n", "utf-8"
    )
    settings = Settings(database_url=f"sqlite:///{tmp_path / 't.db'}")
    store = Store(settings)
    before = indicator_table("children_0_2_no_team", settings=settings, level="la", store=store)
    assert store.import_file(f).added == 1
    after = indicator_table("children_0_2_no_team", settings=settings, level="la", store=store)
    b, a = before.frame.set_index("area_code"), after.frame.set_index("area_code")
    for la in ("E08000025", "E08000029"):  # Birmingham, Solihull
        assert b.loc[la, "k"] == b.loc[la, "n"] and a.loc[la, "k"] == 0
    assert a.loc["K02000001", "k"] < b.loc["K02000001", "k"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,established,closed\nOld team,2015,2010\n", "utf-8")
    checked = store.import_file(bad, skip_invalid=True)
    assert checked.added == 0 and "closing year on or after the year established" in checked.issues[0].message


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["teams", "undo", "99999999999"], "Expected an import batch to undo"),
        (["teams", "remove", "2147483648"], "Expected the id of a current team"),
        (["teams", "undo", "2147483647"], "no such batch"),
    ],
)
def test_ids_beyond_the_id_column_exit_1_on_every_database(argv: list[str], words: str, db_url: str, capsys):
    """PostgreSQL's integer ids are 32-bit: a larger one is refused plainly, never sent as SQL."""
    code = main([*argv, "--database", db_url])
    err = capsys.readouterr().err
    assert (code, words in err, "out of range" in err, "Traceback" in err) == (1, True, False, False), err
