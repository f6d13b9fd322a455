"""`gapmap teams import`: a file without evidence_year still counts under "teams known by", --dry-run writes
nothing, and the bundled template imports cleanly with every accepted column."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.settings import Settings
from gapmap.teams.store import Store
from gapmap.teams.validate import COLUMNS, EXTRA
from tests.conftest import DATA, ROOT

TEMPLATE = ROOT / "data" / "teams_template.csv"
THIS_YEAR = dt.datetime.now(dt.UTC).year


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'teams.db'}"
    monkeypatch.setenv("GAPMAP_DATABASE_URL", url)
    return url


def _state(url: str) -> tuple[str, str]:
    """The history and every team, removed and closed included, as text (NaN compares unequal to itself)."""
    store = Store(Settings(database_url=url))
    return store.history().to_csv(), store.list_teams(include_removed=True, include_closed=True).to_csv()


def test_teams_without_evidence_year_are_known_by_this_year(db: str, tmp_path: Path, capsys):
    f = tmp_path / "new.csv"
    f.write_text(
        "name,latitude,longitude,established\nDated Team,53.48,-2.24,2019\nUndated Team,51.5,-0.12,\n",
        encoding="utf-8",
    )
    assert main(["teams", "import", str(f)]) == 0
    err = capsys.readouterr().err
    assert (
        f"note: 2 teams had no evidence_year: set to their established year (1) or this year, {THIS_YEAR} (1)."
        in err
    )
    known = Store(Settings(database_url=db)).list_teams(known_by=THIS_YEAR)
    years = dict(zip(known["name"], known["evidence_year"], strict=True))
    assert years["Dated Team"] == 2019 and years["Undated Team"] == THIS_YEAR


def test_a_blank_evidence_year_cell_is_filled_and_a_given_one_kept(db: str, tmp_path: Path):
    f = tmp_path / "new.csv"
    f.write_text(
        "name,latitude,longitude,evidence_year\nBlank Cell Team,53.48,-2.24,\nGiven Team,51.5,-0.12,2015\n",
        encoding="utf-8",
    )
    assert main(["teams", "import", str(f)]) == 0
    known = Store(Settings(database_url=db)).list_teams(known_by=THIS_YEAR)
    years = dict(zip(known["name"], known["evidence_year"], strict=True))
    assert years == {**years, "Blank Cell Team": THIS_YEAR, "Given Team": 2015}


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_dry_run_writes_nothing(db: str, tmp_path: Path, capsys, monkeypatch, skip_invalid: bool):
    monkeypatch.chdir(tmp_path)
    before = _state(db)
    rejects = tmp_path / "rejects.csv"
    argv = ["teams", "import", str(DATA / "messy_teams.csv"), "--dry-run", "--rejects", str(rejects)]
    code = main(argv + (["--skip-invalid"] if skip_invalid else []))
    out, err = capsys.readouterr()
    assert code == (0 if skip_invalid else 1)
    assert "did you swap latitude and longitude?" in err and "value '" in err  # problems with their values
    assert "would be added:" in out and "nothing was written" in out
    assert _state(db) == before
    assert not rejects.exists() and not list(tmp_path.glob("*rejects*"))


def test_dry_run_without_a_database_does_not_create_it(tmp_path: Path, monkeypatch, capsys):
    db = tmp_path / "none.db"
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{db}")
    assert main(["teams", "import", str(TEMPLATE), "--dry-run"]) == 0
    assert not db.exists()


def test_dry_run_shows_what_the_import_then_adds(db: str, tmp_path: Path, capsys):
    f = tmp_path / "new.csv"
    f.write_text("name,latitude,longitude\nPreview Team,53.48,-2.24\n", encoding="utf-8")
    assert main(["teams", "import", str(f), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "1 row would be added:" in out and "Preview Team" in out and "would add 1 team" in out
    assert "had no evidence_year" in err
    assert main(["teams", "import", str(f)]) == 0
    capsys.readouterr()
    # Now it is in the database: the preview says so, as the import would.
    assert main(["teams", "import", str(f), "--dry-run"]) == 1
    assert "already holds a team with this name and location" in capsys.readouterr().err


def test_template_has_every_accepted_column_and_imports_cleanly(db: str, capsys):
    with TEMPLATE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert set(rows[0]) == set(COLUMNS) | set(EXTRA) and len(rows[0]) == len(COLUMNS) + len(EXTRA)
    assert len(rows) == 2 and "(delete this row)" in rows[1][0]
    assert main(["teams", "import", str(TEMPLATE), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "problem" not in err and "would add 1 team; nothing was written" in out
