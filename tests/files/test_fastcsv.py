"""The column reader (gapmap.files.fastcsv) against the cell-by-cell reference (gapmap.files.readers.parse_csv).

Wherever the column reader answers, its header, cells, row numbers and blank rows must equal the reference's;
wherever the reference would report a problem, the column reader must step aside so the reference reports it.
Checked on every CSV in tests/data, on seeded random files, and on survey files whose validated answers and
problems must be the same whichever reader read them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gapmap.files import fastcsv, io, readers
from gapmap.problems import InputError
from gapmap.settings import Settings
from gapmap.survey import validate
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
CSV_FILES = sorted(
    p for p in [*DATA.glob("*.csv"), *(DATA / "hostile").glob("*.csv"), *(DATA / "hostile").glob("*.txt")]
)


def reference(data: bytes, settings: Settings, wanted: Callable[[str], bool] | None = None) -> tuple:
    try:
        grid = readers.parse_csv(data, "f.csv", settings)
    except InputError:
        return ("refused",)
    keep = [i for i, h in enumerate(grid.header) if wanted is None or wanted(h)]
    return (
        grid.header,
        [[r[i] for i in keep] for r in grid.rows],
        grid.row_numbers,
        grid.blank_rows,
        grid.encoding,
    )


def columns(data: bytes, settings: Settings, wanted: Callable[[str], bool] | None = None) -> tuple | None:
    found = fastcsv.read(data, "f.csv", settings, wanted)
    if found is None:
        return None
    cells = [[str(v) for v in row] for row in found.frame.astype(object).itertuples(index=False)]
    if not len(found.frame.columns):
        cells = [[] for _ in range(len(found.frame))]
    return (found.header, cells, found.row_numbers.tolist(), found.blank_rows, found.encoding)


def same_or_aside(data: bytes, settings: Settings, wanted: Callable[[str], bool] | None = None) -> bool:
    """True if the column reader stepped aside or answered exactly as the reference; False if it answered
    a file the reference refuses, or answered differently."""
    fast = columns(data, settings, wanted)
    return fast is None or fast == reference(data, settings, wanted)


@pytest.mark.parametrize("path", CSV_FILES, ids=[p.name for p in CSV_FILES])
@pytest.mark.parametrize("wanted", [None, validate.is_question_column], ids=["all columns", "questions"])
def test_every_test_file_reads_as_the_reference_reads_it(path: Path, wanted):
    assert same_or_aside(path.read_bytes(), Settings(), wanted)


REGULAR = {
    "sample": (ROOT / "data" / "sample_survey.csv").read_bytes(),
    "crlf": b"where_do_you_work,understanding_rating\r\nWales,4\r\nScotland,5\r\n",
    "cr": b"where_do_you_work,understanding_rating\rWales,4\rScotland,5\r",
    "no final line end": b"where_do_you_work,understanding_rating\nWales,4\nScotland,5",
    "quoted newline": b'where_do_you_work,profession\nWales,"Nurse\r\nand midwife"\nScotland,"a ""quoted"" word"\n',
    "blank rows": b"where_do_you_work,understanding_rating\n\nWales,4\n,\n  ,  \n\nScotland,5\n\n",
    "blank rows before the header": b"\n,\nwhere_do_you_work,x\nWales,1\n",
    "excel sep line": b"sep=;\r\nwhere_do_you_work;understanding_rating\r\nWales;4\r\n",
    "utf-8 with bom": "\ufeffwhere_do_you_work,profession\nWales,Médecin\n".encode(),
    "windows-1252": "where_do_you_work,profession\nWales,Don’t know\n".encode("cp1252"),
    "utf-16": "where_do_you_work\tprofession\nWales\tNurse\n".encode("utf-16"),
    "empty headings": b"where_do_you_work,,x,\nWales,,1,\nScotland,2,,\n",
    "one column": b"where_do_you_work\nWales\n\nScotland\n",
}


@pytest.mark.parametrize("name", REGULAR)
def test_regular_files_are_read_by_columns_exactly(name: str):
    data = REGULAR[name]
    for wanted in (None, validate.is_question_column):
        found = columns(data, Settings(), wanted)
        assert found is not None, f"{name}: the column reader stepped aside"
        assert found == reference(data, Settings(), wanted)


IRREGULAR = {
    "text after a closing quote": b'where_do_you_work,profession\nWales,"Nurse"x\n',
    "quote inside an unquoted cell": b"where_do_you_work,profession\nWales,5'11\"\n",
    "unclosed quote": b'where_do_you_work,profession\nWales,"Nurse\n',
    "short row": b"where_do_you_work,profession\nWales\nScotland,Nurse\n",
    "cut-short last row": b"where_do_you_work,profession\nScotland,Nurse\nWales",
    "long row": b"where_do_you_work,profession\nWales,Nurse,,x\n",
    "long row, blank extra cells": b"where_do_you_work,profession\nWales,Nurse,,\n",
    "duplicate heading": b"where_do_you_work,profession,Profession\nWales,Nurse,GP\n",
    "undecodable": b"where_do_you_work\n\x81\x8d\n",
    "empty file": b"",
    "only line ends": b"\r\n\n\n",
}


@pytest.mark.parametrize("name", IRREGULAR)
def test_irregular_files_are_left_to_the_reference(name: str):
    assert fastcsv.read(IRREGULAR[name], "f.csv", Settings(), None) is None


def test_limits_send_the_file_to_the_reference_which_reports_the_row():
    data = b"where_do_you_work,profession\n" + b"Wales,Nurse\n" * 6
    assert fastcsv.read(data, "f.csv", Settings(max_rows=5), None) is None
    assert fastcsv.read(data, "f.csv", Settings(max_rows=6), None) is not None
    long_cell = b"where_do_you_work,profession\nWales," + b"x" * 101 + b"\n"
    assert fastcsv.read(long_cell, "f.csv", Settings(max_cell_chars=100), validate.is_question_column) is None
    assert (
        fastcsv.read(long_cell, "f.csv", Settings(max_cell_chars=101), validate.is_question_column)
        is not None
    )
    # The long cell is in a column the survey does not read: it is still measured, as the reference does.
    skipped = b"where_do_you_work,Timestamp\nWales," + b"x" * 101 + b"\n"
    assert fastcsv.read(skipped, "f.csv", Settings(max_cell_chars=100), validate.is_question_column) is None


def _random_file(rng: random.Random) -> bytes:
    def cell() -> str:
        text = "".join(
            rng.choice(["a", "b", " ", "é", ",", '"', "\n", "\r\n", ";", "\t"])
            for _ in range(rng.randint(0, 5))
        )
        r = rng.random()
        if r < 0.5:
            return '"' + text.replace('"', '""') + '"'
        if r < 0.95:
            return "".join(c for c in text if c not in '",\r\n')
        return text  # as typed: may break the quoting

    width = rng.randint(1, 4)
    header = ",".join(
        rng.choice(["h1", "h2", "", "x1", "Timestamp", "where_do_you_work"]) for _ in range(width)
    )
    rows = [
        ",".join(cell() for _ in range(width if rng.random() < 0.85 else rng.randint(0, width + 2)))
        for _ in range(rng.randint(0, 6))
    ]
    end = rng.choice(["\n", "\r\n", "\r"])
    text = (
        rng.choice(["", "\n", ",,\n", "sep=,\n"])
        + header
        + end
        + end.join(rows)
        + (end if rng.random() < 0.8 else "")
    )
    return text.encode(rng.choice(["utf-8", "utf-8-sig", "utf-16"]))


@pytest.mark.parametrize(
    "chunk", [fastcsv.CHUNK, 1, 3, 7], ids=["default chunk", "1 byte", "3 bytes", "7 bytes"]
)
def test_random_files_read_as_the_reference_reads_them(chunk: int, monkeypatch: pytest.MonkeyPatch):
    # Small chunks put every quote, "\r\n" and record on a chunk boundary somewhere: the scan must carry
    # its state across them exactly.
    monkeypatch.setattr(fastcsv, "CHUNK", chunk)
    rng = random.Random(20210509 + chunk)
    answered = 0
    tries = 1500 if chunk > 1024 else 600
    for _ in range(tries):
        data = _random_file(rng)
        settings = Settings(max_rows=rng.choice([3, 100]), max_cell_chars=rng.choice([4, 1000]))
        wanted = rng.choice([None, lambda h: not h.startswith("x")])
        assert same_or_aside(data, settings, wanted), data
        answered += columns(data, settings, wanted) is not None
    assert (
        answered > tries // 8
    )  # the column reader took a fair share of them (else this test proves nothing)


def _both_ways(path: Path, settings: Settings) -> tuple[io.Table, io.Table]:
    fast = io.read_table(path, settings=settings, columns=validate.is_question_column, categorical=True)
    grid = readers.parse_csv(path.read_bytes(), path.name, settings)
    return fast, io.table_from_grid(grid, path.name, validate.is_question_column)


def test_validated_answers_are_the_same_whichever_reader_read_the_file(tmp_path: Path):
    p = tmp_path / "survey.csv"
    sample = (ROOT / "data" / "sample_survey.csv").read_text(encoding="utf-8").splitlines()
    p.write_text(
        "\n".join([sample[0].replace("synthetic,", "Timestamp,"), *sample[1:], ""]), encoding="utf-8"
    )
    fast, ref = _both_ways(p, Settings())
    assert isinstance(fast.frame.iloc[:, 0].dtype, pd.CategoricalDtype)  # read by columns
    a, b = validate.validate(fast), validate.validate(ref)
    assert (
        a.frame.equals(b.frame) and a.notes == b.notes and a.items == b.items and a.synthetic == b.synthetic
    )
    assert any("Ignored 1 column that is not survey questions: Timestamp." in n for n in a.notes)


def test_problems_beyond_row_100000_carry_their_exact_row(tmp_path: Path):
    rows = ["Wales,4"] * 150_000
    rows[123_455] = "Atlantis,4"  # spreadsheet row 123,457 (header = row 1)
    rows[149_999] = "Wales,9"  # the last row: 150,001
    rows[100_000] = ""  # a blank row on the way: it is skipped, and rows after it keep their numbers
    p = tmp_path / "big.csv"
    p.write_text("where_do_you_work,understanding_rating\n" + "\n".join(rows) + "\n", encoding="utf-8")
    fast, ref = _both_ways(p, Settings())
    assert isinstance(fast.frame["where_do_you_work"].dtype, pd.CategoricalDtype)  # read by columns
    assert np.array_equal(fast.row_array(), ref.row_array()) and fast.blank_rows == ref.blank_rows == (
        100_002,
    )
    found = []
    for table in (fast, ref):
        with pytest.raises(InputError) as exc:
            validate.validate(table)
        found.append([(i.row, i.column, i.value) for i in exc.value.issues])
    assert (
        found[0]
        == found[1]
        == [(123_457, "where_do_you_work", "Atlantis"), (150_001, "understanding_rating", "9")]
    )
