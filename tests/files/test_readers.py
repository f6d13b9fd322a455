"""Readers at full size: the limits hold with their default settings, quickly and with a row in the message."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from gapmap.files import io as gio
from gapmap.files import readers
from gapmap.problems import InputError
from gapmap.settings import Settings, from_env
from gapmap.survey import validate

HEAD = "where_do_you_work,profession,understanding_rating\n"


def problems(path: Path, settings: Settings | None = None) -> list[str]:
    with pytest.raises(InputError) as exc:
        gio.read_table(path, settings=settings or Settings())
    return [i.format() for i in exc.value.issues]


def test_a_10_mb_cell_is_refused_with_its_row(tmp_path: Path):
    p = tmp_path / "big_cell.csv"
    p.write_text(HEAD + "Wales,Nurse,4\nWales," + "x" * 10_000_000 + ",3\n", encoding="utf-8")
    assert problems(p) == [
        "row 3: Expected cells of at most 32,767 characters; a cell in this row is longer. "
        "Fix: shorten it, or raise GAPMAP_MAX_CELL_CHARS."
    ]


def test_a_row_with_a_million_fields_is_refused_with_its_row(tmp_path: Path):
    p = tmp_path / "wide.csv"
    p.write_text(HEAD + "Wales,Nurse,4\n" + "," * 1_000_000 + "\n", encoding="utf-8")
    assert problems(p) == [
        "row 3: Expected at most 1,000 cells in a row; found 1,000,001. "
        "Fix: check the separator and quotes in this row, or raise GAPMAP_MAX_CELLS_PER_ROW."
    ]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path):
    p = tmp_path / "big.csv"
    p.write_bytes(HEAD.encode() + b"Wales,Nurse,4\n" * 100_000)  # 1.4 MB (1,000,000 bytes each)
    (msg,) = problems(p, from_env({"GAPMAP_MAX_FILE_MB": "1"}))
    assert msg.startswith("Expected a file of at most 1 MB; big.csv is 1.4 MB.")


def _sheet_bomb(rows: int, dimension: bool) -> bytes:
    """A workbook whose one sheet holds ``rows`` rows, written straight to the zip (a few MB compressed)."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
                continue
            with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
                fh.write(f'<worksheet xmlns="{ns}">'.encode())
                if dimension:
                    fh.write(f'<dimension ref="A1:A{rows}"/>'.encode())
                fh.write(
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>where_do_you_work</t></is></c></row>'
                )
                chunk = []
                for r in range(2, rows + 1):
                    chunk.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Wales</t></is></c></row>')
                    if len(chunk) == 10_000:
                        fh.write("".join(chunk).encode())
                        chunk = []
                fh.write("".join(chunk).encode() + b"</sheetData></worksheet>")
    return out.getvalue()


def test_an_xlsx_expanding_to_six_million_rows_is_refused_before_reading(tmp_path: Path):
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(_sheet_bomb(6_000_000, dimension=False))
    start = time.perf_counter()
    (msg,) = problems(p)
    assert (
        msg.startswith("Expected a workbook that expands to at most 200 MB"),
        time.perf_counter() - start < 10,
    ) == (True, True)


def test_an_xlsx_without_dimension_stops_at_the_row_limit(tmp_path: Path):
    p = tmp_path / "rows.xlsx"
    p.write_bytes(_sheet_bomb(300, dimension=False))
    (msg,) = problems(p, from_env({"GAPMAP_MAX_ROWS": "100"}))
    assert msg.startswith("row 102: Expected at most 100 data rows")


def test_row_numbers_skip_blank_rows_in_problems(tmp_path: Path):
    p = tmp_path / "s.csv"
    p.write_text(HEAD + "\n\nWales,Nurse,4\n\nAtlantis,Nurse,4\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        validate.validate(gio.read_table(p))
    assert [(i.row, i.value) for i in exc.value.issues] == [(6, "Atlantis")]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b\n1,2\n", ","),
        ("a;b\n1;2\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a;b,c\n1;2,3\n", ","),  # commas split every row alike: comma wins
        ("a;b\n1;2,5\n", ";"),  # a decimal comma in a semicolon file
        ("only\n1\n", ","),
    ],
)
def test_delimiter_only_when_unambiguous(text: str, delimiter: str):
    assert readers.sniff(text, "t.csv") == delimiter


def test_utf16_and_cp1252_and_utf8_decode():
    assert [
        readers.decode(b, "t")[1] for b in ("é".encode("utf-16"), "é".encode("cp1252"), "é".encode())
    ] == [
        "utf-16",
        "windows-1252",
        "utf-8",
    ]


def test_blank_rows_count_towards_the_row_limit(tmp_path: Path):
    p = tmp_path / "blanks.csv"
    p.write_text(HEAD + ",,\n" * 300, encoding="utf-8")
    (msg,) = problems(p, from_env({"GAPMAP_MAX_ROWS": "100"}))
    assert msg.startswith("row 102: Expected at most 100 data rows; the file has more (100 of them blank).")


def test_a_file_mixing_utf8_and_windows_1252_names_the_windows_1252_line(tmp_path: Path):
    """Rows 2-3 are UTF-8 ("Café"), row 4 was pasted in from a Windows-1252 export: row 4 is named, and only it."""
    p = tmp_path / "mixed.csv"
    p.write_bytes(
        HEAD.encode()
        + "Wales,Café nurse,4\n".encode()
        + "Wales,Crèche worker,3\n".encode()
        + "Wales,Caf\xe9 manager,2\n".encode("cp1252")
    )
    (msg,) = problems(p)
    assert msg.startswith("row 4: Expected UTF-8 text like the rest of mixed.csv (2 other lines")
    assert "byte 0xe9 ('é') at position 10" in msg


def test_a_windows_1252_file_alone_is_still_read(tmp_path: Path):
    p = tmp_path / "cp.csv"
    p.write_bytes((HEAD + "Wales,Caf\xe9 manager,2\n").encode("cp1252"))
    t = gio.read_table(p, settings=Settings())
    assert (t.encoding, t.frame.iloc[0, 1]) == ("windows-1252", "Café manager")
