from pathlib import Path

import pandas as pd
import pytest

from gapmap.files import io
from gapmap.problems import InputError
from gapmap.survey import validate
from tests.conftest import DATA


def table(rows: list[dict[str, str]], name: str = "t.csv") -> io.Table:
    return io.Table(pd.DataFrame(rows).fillna(""), name, "utf-8")


def test_bundled_sample_is_labelled_synthetic_and_matches_table_1(sample):
    assert sample.synthetic
    counts = sample.frame["area_code"].value_counts()
    # Report Table 1 (London reconstructed as 41), plus one English respondent without region.
    assert counts.to_dict() == {
        "E12000009": 54,
        "E12000002": 52,
        "E12000007": 41,
        "E12000005": 30,
        "E12000003": 23,
        "E12000008": 22,
        "S92000003": 15,
        "N92000002": 14,
        "E12000001": 9,
        "W92000004": 8,
        "E12000006": 7,
        "E12000004": 5,
        "MULTI": 2,
        "E92000001": 1,
    }


def test_google_forms_export_saved_by_excel():
    t = io.read_table(DATA / "google_forms_excel_cp1252.csv")
    assert t.encoding == "windows-1252"
    r = validate.validate(t)
    assert not r.synthetic
    assert len(r.frame) == 19
    assert any("Timestamp, Email address, Anything else?" in note for note in r.notes)
    assert r.frame.loc[r.frame["row"] == 4, "services_effective_by_age[0-2]"].item() == "Don't know"


def test_utf8_with_bom_reads_the_same(tmp_path: Path):
    raw = (DATA / "google_forms_excel_cp1252.csv").read_bytes().decode("cp1252")
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    t = io.read_table(p)
    assert t.encoding == "utf-8" and t.frame.columns[0] == "Timestamp"
    assert len(validate.validate(t).frame) == 19


def test_xlsx_like_microsoft_forms(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "ID",
            "Start time",
            "Where do you work?",
            "How would you rate your understanding of Infant Mental Health?",
        ]
    )
    ws.append([1, "2021-05-01", "Scotland", 4])
    ws.append([2, "2021-05-01", "Wales", 5])
    p = tmp_path / "forms.xlsx"
    wb.save(p)
    r = validate.validate(io.read_table(p))
    assert r.frame["understanding_rating"].tolist() == [4.0, 5.0]
    assert r.frame["area_code"].tolist() == ["S92000003", "W92000004"]


BAD = [
    (
        {"where_do_you_work": "Nottingam"},
        "row 2, column 'where_do_you_work': Expected a UK nation, English region, NHS area (ICB, health board, "
        "HSC trust) or local authority, by name or GSS code, or 'Across more than one nation'; found 'Nottingam'. "
        "Fix: did you mean 'Nottingham' or 'Wokingham'?",
    ),
    (
        {"where_do_you_work": "Atlantis"},
        "row 2, column 'where_do_you_work': Expected a UK nation, English region, NHS area (ICB, health board, "
        "HSC trust) or local authority, by name or GSS code, or 'Across more than one nation'; found 'Atlantis'. "
        "Fix: use the area's name as ONS lists it (e.g. 'North West', 'Cardiff', 'NHS Fife') or its GSS code.",
    ),
    (
        {"where_do_you_work": "Wales", "lowest_referral_age": "45"},
        "row 2, column 'lowest_referral_age': Expected 'Pregnancy', an age in whole years from 0 to 25, or "
        "'Don't know'; found '45'. Fix: correct the age (services take referrals from pregnancy up to 25 at most).",
    ),
    (
        {"where_do_you_work": "Wales", "lowest_referral_age": "-1"},
        "row 2, column 'lowest_referral_age': Expected 'Pregnancy', an age in whole years from 0 to 25, or "
        "'Don't know'; found '-1'. Fix: correct the age (services take referrals from pregnancy up to 25 at most).",
    ),
    (
        {"where_do_you_work": "Wales", "understanding_rating": "7"},
        "row 2, column 'understanding_rating': Expected a whole number from 1 to 5; found '7'. "
        "Fix: use the score the respondent chose, 1 to 5.",
    ),
    (
        {"where_do_you_work": "Wales", "specialist_team_in_cypmhs": "=1+1"},
        "row 2, column 'specialist_team_in_cypmhs': Expected one of 'Yes', 'Partly', 'No', 'Don't know'; "
        "found '=1+1'. Fix: use one of the options, or leave the cell blank if the question was not answered.",
    ),
    (
        {"where_do_you_work": "<script>alert(1)</script>"},
        "row 2, column 'where_do_you_work': Expected a UK nation, English region, NHS area (ICB, health board, "
        "HSC trust) or local authority, by name or GSS code, or 'Across more than one nation'; found '<script>alert(1)</script>'. "
        "Fix: use the area's name as ONS lists it (e.g. 'North West', 'Cardiff', 'NHS Fife') or its GSS code.",
    ),
    (
        {"Region name": "Wales"},
        "row 1: Expected a column for 'Where do you work?' (id where_do_you_work); found none. Columns present: "
        "Region name. Fix: rename the nation/region column.",
    ),
]


@pytest.mark.parametrize(("row", "message"), BAD)
def test_bad_rows_give_exact_messages(row, message):
    with pytest.raises(InputError) as exc:
        validate.validate(table([row]))
    assert [i.format() for i in exc.value.issues] == [message]


GOOD = [
    (
        {"where_do_you_work": "Yorkshire and Humber", "lowest_referral_age": "0 years"},
        "lowest_referral_age",
        "0",
    ),
    ({"where_do_you_work": "East", "lowest_referral_age": "Antenatal"}, "lowest_referral_age", "Pregnancy"),
    ({"where_do_you_work": "East", "lowest_referral_age": "DON’T KNOW"}, "lowest_referral_age", "Don't know"),
    ({"where_do_you_work": "East", "understanding_rating": "4/5"}, "understanding_rating", 4.0),
    ({"where_do_you_work": "East", "understanding_rating": "3.0"}, "understanding_rating", 3.0),
    (
        {"where_do_you_work": "East", "specialist_team_in_cypmhs": " partly "},
        "specialist_team_in_cypmhs",
        "Partly",
    ),
    ({"where_do_you_work": "East", "specialist_team_in_cypmhs": ""}, "specialist_team_in_cypmhs", None),
]


@pytest.mark.parametrize(("row", "column", "expected"), GOOD)
def test_good_answers_are_understood(row, column, expected):
    assert validate.validate(table([row])).frame[column].item() == expected


def test_every_problem_is_listed_at_once_with_spreadsheet_rows():
    with pytest.raises(InputError) as exc:
        validate.validate(io.read_table(DATA / "bad_rows.csv"))
    got = [(i.row, i.column, i.value) for i in exc.value.issues]
    assert got == [
        (3, "where_do_you_work", "Atlantis"),
        (5, "lowest_referral_age", "45"),
        (6, "understanding_rating", "7"),
    ]


def test_duplicate_question_columns_and_empty_rows():
    with pytest.raises(InputError) as exc:
        validate.validate(table([{"where_do_you_work": "Wales", "Where do you work?": "Wales"}]))
    assert "found it twice" in exc.value.issues[0].message
    r = validate.validate(table([{"where_do_you_work": "Wales"}, {"where_do_you_work": ""}]))
    assert len(r.frame) == 1 and any("Skipped 1 empty row: 3" in n for n in r.notes)


def test_undecodable_and_unknown_files(tmp_path: Path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"where_do_you_work\n\x81\x8d\n")
    with pytest.raises(InputError, match="neither"):
        io.read_table(p)
    q = tmp_path / "x.json"
    q.write_text("{}")
    with pytest.raises(InputError, match=r"Expected a \.csv or \.xlsx file"):
        io.read_table(q)
