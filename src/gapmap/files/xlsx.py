"""Read the first sheet of an XLSX workbook as text, after checking from the zip that it is safe to read.

The uncompressed size and each sheet's declared dimension are checked before any row is parsed (a 1 MB
workbook can expand to millions of rows); formulas are read as the values Excel saved, and a formula with no
saved value is refused with its cell rather than read as blank.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from gapmap.files.readers import MAX_LISTED, MB, Grid, build_grid, column_letter, file_problem, short
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings

DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _letters_to_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def guard(data: bytes, name: str, settings: Settings) -> bool:
    """Check a workbook's uncompressed size and declared sheet size before reading it; True if it has formulas."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise file_problem(
            name,
            f"Expected an Excel workbook (.xlsx); {name} is not one ({exc}). Fix: open it in Excel and save it again.",
        ) from None
    total = sum(i.file_size for i in infos)
    if total > settings.max_xlsx_expanded_mb * MB:
        raise file_problem(
            name,
            f"Expected a workbook that expands to at most {settings.max_xlsx_expanded_mb} MB; {name} expands to "
            f"{total / MB:,.0f} MB. Fix: delete unused rows and sheets, or save the sheet as CSV.",
        )
    formulas = False
    with zf:
        for info in infos:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            with zf.open(info) as fh:
                head = fh.read(8192)
                m = DIMENSION.search(head)
                if m and m.group(4):
                    rows = int(m.group(4)) - 1
                    cols = _letters_to_index(m.group(3).decode())
                    if rows > settings.max_rows:
                        raise file_problem(
                            name,
                            f"Expected at most {settings.max_rows:,} rows; a sheet of {name} declares "
                            f"{rows:,} (range A1:{m.group(3).decode()}{m.group(4).decode()}). "
                            "Fix: delete the unused rows, or raise GAPMAP_MAX_ROWS.",
                        )
                    if cols > settings.max_cells_per_row:
                        raise file_problem(
                            name,
                            f"Expected at most {settings.max_cells_per_row:,} columns; a sheet of {name} declares "
                            f"{cols:,}. Fix: delete the unused columns, or raise GAPMAP_MAX_CELLS_PER_ROW.",
                        )
                chunk, tail = head, b""
                while chunk and not formulas:
                    formulas = b"<f>" in tail + chunk or b"<f " in tail + chunk
                    tail = chunk[-3:]
                    chunk = fh.read(1 << 20)
    return formulas


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return str(value)
    return str(value)


def parse(data: bytes, name: str, settings: Settings) -> Grid:
    """Header and rows of the first sheet (cached formula values); formulas without a saved value refused."""
    formulas = guard(data, name, settings)
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = values.worksheets[0]
        sheet.reset_dimensions()  # the declared size may lie; read what is there, bounded below
        rows: Iterable[Sequence[object]] = sheet.iter_rows(values_only=True)
        raw_rows: Iterable[Sequence[object]] | None = None
        if formulas:
            raw = load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
            raw.reset_dimensions()
            raw_rows = raw.iter_rows(values_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise file_problem(
            name, f"Could not read {name} as an Excel workbook ({exc}). Fix: save it again in Excel."
        ) from None

    uncached: list[tuple[int, int, str]] = []

    def gen() -> Iterator[tuple[int, list[str]]]:
        raw_iter = iter(raw_rows) if raw_rows is not None else None
        for number, rec in enumerate(rows, start=1):
            cells = [_text(v) for v in rec]
            if raw_iter is not None:
                raw_rec = next(raw_iter, ())
                for i, (v, f) in enumerate(zip(rec, raw_rec, strict=False)):
                    if v is None and isinstance(f, str) and f.startswith("="):
                        uncached.append((number, i, f))
            yield number, cells

    try:
        grid = build_grid(gen(), name, settings, "xlsx")
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet can fail half-way through
        raise file_problem(
            name, f"Could not read {name} as an Excel workbook ({exc}). Fix: save it again in Excel."
        ) from None
    finally:
        values.close()
        if formulas:
            raw.parent.close()
    if uncached:
        raise InputError(
            Issue(
                number,
                grid.header[i] if i < len(grid.header) else column_letter(i),
                short(f),
                f"Expected a saved value in cell {column_letter(i)}{number}; it holds the formula {short(f)} with "
                "no value saved, so it would read as blank. Fix: open the workbook in Excel and save it (Excel "
                "stores the values), or paste the values in place of the formulas.",
            )
            for number, i, f in uncached[:MAX_LISTED]
        )
    return grid
