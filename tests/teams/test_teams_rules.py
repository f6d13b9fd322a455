"""The teams rules, one row each: a good/bad table with the exact messages, the registry's order, the columnar
pieces (name normalising, nearest region for coastal points) and the store's bulk insert."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from gapmap.files.io import Table
from gapmap.geo import geocode
from gapmap.problems import InputError
from gapmap.safetext import norm
from gapmap.settings import Settings
from gapmap.teams import rules, validate
from gapmap.teams.store import Store

THIS_YEAR = dt.date.today().year


def _check(rows: list[dict[str, str]], existing: set[str] | None = None) -> validate.Checked:
    frame = pd.DataFrame(rows, dtype=object).fillna("")
    return validate.check(Table(frame, "t.csv", "utf-8"), Settings(), existing)


def _found(checked: validate.Checked) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(i.row, i.column, i.value, i.message) for i in checked.issues]


GOOD = {"name": "Leeds Team", "latitude": "53.8", "longitude": "-1.55"}

# One bad cell per case, beside an otherwise good row (row 2), and the exact problem it gives.
CASES = [
    (
        {"name": " "},
        [
            (
                "name",
                "",
                "Expected a team name; found an empty cell. Fix: add the team's name, or delete the row.",
            )
        ],
    ),
    (
        {"latitude": "53.8x"},
        [
            (
                "latitude",
                "53.8x",
                "Expected latitude and longitude as decimal degrees (e.g. 54.597, -5.930); found latitude '53.8x', "
                "longitude '-1.55'. Fix: give both, or neither and a postcode.",
            )
        ],
    ),
    (
        {"longitude": ""},
        [
            (
                "longitude",
                "",
                "Expected latitude and longitude as decimal degrees (e.g. 54.597, -5.930); found latitude '53.8', "
                "longitude ''. Fix: give both, or neither and a postcode.",
            )
        ],
    ),
    (
        {"latitude": "-1.55", "longitude": "53.8"},
        [
            (
                "latitude",
                "-1.55, 53.8",
                "Expected a UK latitude (49.8 to 60.9) and longitude (-8.7 to 1.8); found latitude -1.55 and "
                "longitude 53.8: did you swap latitude and longitude? Fix: swap the two cells.",
            )
        ],
    ),
    (
        {"latitude": "48.8566", "longitude": "2.3522"},
        [
            (
                "latitude",
                "48.8566, 2.3522",
                "Expected a point in the UK; found latitude 48.8566, longitude 2.3522, which is outside the UK. "
                "Fix: check the coordinates, or leave them blank and give a postcode.",
            )
        ],
    ),
    (
        {
            "latitude": "50.30",
            "longitude": "-1",
        },  # 35 km out in the Channel: in the box, not within 5 km of land
        [
            (
                "latitude",
                "50.3, -1.0",  # the point as read
                "Expected a point in the UK; the location is more than 5 km from every UK nation and region. "
                "Fix: check the coordinates or postcode.",
            )
        ],
    ),
    (
        {"postcode": "12345"},
        [
            (
                "postcode",
                "12345",
                "Expected a UK postcode like 'BT7 1NN' or a district like 'LS1'; found '12345'. Fix: correct the "
                "postcode or leave it blank.",
            )
        ],
    ),
    (
        {"postcode": "zz9 9zz"},
        [
            (
                "postcode",
                "zz9 9zz",
                "Expected a known UK postcode district; 'ZZ9' is not in the bundled list of postcode districts. "
                "Fix: check the postcode, or give coordinates instead.",
            )
        ],
    ),
    (
        {"area_codes": "Atlantis"},
        [
            (
                "area_codes",
                "Atlantis",
                "Expected areas a team serves: local authority (2024), ICB (2023), Scottish or Welsh health board, "
                "NI HSC trust, region or nation, by GSS code or name; not recognised: 'Atlantis'. Fix: use the "
                "codes or names of the areas served, separated by ';'.",
            )
        ],
    ),
    (
        {"established": "2015", "closed": "2010"},
        [
            (
                "closed",
                "2010",
                "Expected a closing year on or after the year established (2015); found '2010'. Fix: correct one "
                "of the two years.",
            )
        ],
    ),
    *[
        (
            {col: "19x9"},
            [
                (
                    col,
                    "19x9",
                    f"Expected a year from 1900 to {THIS_YEAR}; found '19x9'. Fix: write the year, e.g. 2019.",
                )
            ],
        )
        for col in ("established", "evidence_year", "closed")
    ],
    (
        {"status": "planned"},
        [
            (
                "status",
                "planned",
                "Expected a status of open, commissioned (contract awarded, not yet known to be operating) or "
                "closed, or a blank cell (open, or closed when a closing year is given); found 'planned'. Fix: "
                "write one of the three.",
            )
        ],
    ),
    (
        {"status": "closed"},
        [
            (
                "status",
                "closed",
                "Expected the year a closed team closed; the closed cell is blank. Fix: give the year in closed.",
            )
        ],
    ),
    (
        {"status": "Commissioned", "closed": "2021"},
        [
            (
                "status",
                "Commissioned",
                "Expected a closing year only for a closed team; found status 'Commissioned' and closed 2021. "
                "Fix: blank the closed cell, or write closed as the status.",
            )
        ],
    ),
    (
        {"source_url": "https://a.example; www.b.example"},
        [
            (
                "source_url",
                "https://a.example; www.b.example",
                "Expected web addresses starting http:// or https://; found 'www.b.example'. Fix: paste the full "
                "address.",
            )
        ],
    ),
    (
        {"region": "North West"},
        [
            (
                "region",
                "North West",
                "Expected the region the location lies in, Yorkshire and The Humber; found 'North West'. Fix: "
                "correct the region, or the location if the region is right.",
            )
        ],
    ),
    (
        {"region": "Narnia"},
        [
            (
                "region",
                "Narnia",
                "Expected a UK region or nation name; found 'Narnia'. Fix: use e.g. 'North West'.",
            )
        ],
    ),
    (
        {"nation": "Wales"},
        [
            (
                "nation",
                "Wales",
                "Expected the nation the location lies in, England; found 'Wales'. Fix: correct the nation or the "
                "location.",
            )
        ],
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES, ids=[str(c) for c, _ in CASES])
def test_each_rule_reports_its_cell_exactly(change: dict[str, str], expected: list[tuple[str, str, str]]):
    checked = _check([GOOD | change])
    assert _found(checked) == [(2, c, v, m) for c, v, m in expected]
    assert checked.records.empty and checked.rejected == {2: [m for *_, m in expected]}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"region": "Yorkshire and the Humber", "nation": "england"},
        {"latitude": " 53.8 ", "established": "2019.0", "closed": "2021", "evidence_year": "2020"},
        {"latitude": "", "longitude": "", "postcode": "ls14ap"},
        {"latitude": "", "longitude": "", "area_codes": "NHS Fife"},
        {
            "latitude": "52.47",
            "longitude": "1.78",
        },  # 1.6 km off Lowestoft: a coastal base, placed in its region
    ],
    ids=str,
)
def test_good_rows_pass_every_rule(change: dict[str, str]):
    checked = _check([GOOD | change])
    assert (checked.issues, len(checked.records)) == ([], 1)


@pytest.mark.parametrize(
    ("change", "stored"),
    [
        ({}, "open"),
        ({"status": " Open "}, "open"),
        ({"status": "COMMISSIONED"}, "commissioned"),
        ({"closed": "2021"}, "closed"),
        ({"status": "closed", "closed": "2021"}, "closed"),
    ],
    ids=str,
)
def test_status_is_stored_in_lower_case_and_implied_by_a_closing_year(change: dict[str, str], stored: str):
    checked = _check([GOOD | change])
    assert checked.issues == [] and checked.records["status"].tolist() == [stored]


def test_duplicates_in_the_file_and_the_database():
    rows = [
        GOOD,
        {"name": "Other", "postcode": "LS1"},
        GOOD | {"name": "leeds TEAM!", "latitude": "53.80001"},  # same name and place to 4 decimals
        {"name": "Other", "postcode": "ls1 9zz"},  # same district centre
        {"name": "Known", "postcode": "M1"},
        {"name": "Known", "postcode": "M1"},
    ]
    known = validate.dedupe_key("Known", *geocode.lookups(Settings()).districts["M1"])
    checked = _check(rows, existing={known})
    repeat = (
        "Expected each team once; this row repeats row {} (same name and location). Fix: delete one of them."
    )
    in_db = (
        "Expected a new team; the database already holds a team with this name and location. Fix: delete the "
        "row, or remove the old team first."
    )
    assert _found(checked) == [
        (4, "name", "leeds TEAM!", repeat.format(2)),
        (5, "name", "Other", repeat.format(3)),
        (6, "name", "Known", in_db),
        (7, "name", "Known", in_db),
    ]
    assert checked.records["row"].tolist() == [2, 3]


def test_problems_of_one_row_follow_the_order_of_the_rules():
    checked = _check(
        [{"name": "", "latitude": "x", "postcode": "12345", "established": "19x9", "notes": "n"}]
    )
    assert [i.column for i in checked.issues] == ["name", "latitude", "postcode", "established"]
    order = [r.column for r in rules.RULES]
    assert (
        order.index("name") < order.index("latitude") < order.index("postcode") < order.index("established")
    )


def test_every_rule_names_a_known_column():
    assert {r.column for r in rules.RULES} <= {*validate.COLUMNS, *validate.EXTRA}


def test_name_normalising_matches_norm_for_every_ascii_text():
    rng = random.Random(1)
    alphabet = [chr(i) for i in range(128)]
    texts = ["", "A&B", "St. Mary's", "  a\tb\x1c c  ", "`x`", *alphabet]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    texts += ["Tîm Caerdydd", "Don’t", "ﬀ team", "İstanbul"]  # not ASCII: norm itself
    assert [validate._norm_name(t) for t in texts] == [norm(t) for t in texts]


def _write(path: Path, names: list[str]) -> Path:
    path.write_text(
        "name,latitude,longitude\n" + "".join(f"{n},{52 + i / 1000:.4f},-1.5\n" for i, n in enumerate(names)),
        encoding="utf-8",
    )
    return path


def test_teams_are_stored_in_file_order_in_one_batch(tmp_path: Path):
    store = Store(Settings(database_url=f"sqlite:///{tmp_path / 't.db'}"))
    names = [f"Team {c}" for c in "qwertyuiopasdfghjklzxcvbnm"]
    result = store.import_file(_write(tmp_path / "t.csv", names))
    added = store.list_teams().loc[lambda t: t["batch_id"] == result.batch_id]
    assert added.sort_values("id")["name"].tolist() == names
    with store.engine.connect() as conn:  # the staging table is gone with the transaction
        assert "import_rows" not in sa.inspect(conn).get_table_names()


class StaleStore(Store):
    """A store whose validation saw the database before another import committed (as a parallel import can)."""

    snapshot: tuple[int, set[str]] = (0, set())

    def _snapshot(self) -> tuple[int, set[str]]:
        return self.snapshot


def test_duplicates_committed_after_validation_are_caught_in_the_transaction(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    first = Store(Settings(database_url=url))
    seeded = len(first.list_teams(include_closed=True))
    before = first._snapshot()
    f = _write(tmp_path / "t.csv", ["Alpha", "Beta"])
    first.import_file(f)  # commits after the other import's validation
    late = StaleStore(Settings(database_url=url))
    late.snapshot = before
    with pytest.raises(InputError) as exc:
        late.import_file(f)
    assert [(i.row, i.column) for i in exc.value.issues] == [(2, "name"), (3, "name")]
    result = late.import_file(f, skip_invalid=True)
    assert (result.added, result.rejected, len(first.list_teams(include_closed=True))) == (0, 2, seeded + 2)
