"""Reading files (survey and team tables as CSV or XLSX, boundaries) and formula-safe CSV text.

Tables are parsed by :mod:`gapmap.files.fastcsv` (a well-formed CSV, column by column), else :mod:`gapmap.files.readers`
(any CSV, cell by cell, reporting every problem) and :mod:`gapmap.files.xlsx`; every file is written through
:mod:`gapmap.files.output`. Everything returned is plain data for the validating modules.
"""

from __future__ import annotations

import csv
import io as _io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gapmap.files import fastcsv, output, readers, xlsx
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings, from_env

if TYPE_CHECKING:
    import geopandas as gpd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """A file read as text cells: header as written, rows as strings ('' for blank), and how it was decoded.

    ``rows`` holds each frame row's spreadsheet row number (header = row 1; blank rows are skipped, so they are
    not simply index + 2); ``blank_rows`` the skipped blank rows. ``header`` is every heading in the file, in
    order, when only some columns were read into ``frame`` (empty: the frame's columns are all of them).
    Tables built by hand may leave these out.
    """

    frame: pd.DataFrame
    name: str
    encoding: str
    rows: tuple[int, ...] | np.ndarray | None = None
    blank_rows: tuple[int, ...] = ()
    header: tuple[str, ...] = ()

    def row_numbers(self) -> list[int]:
        """Spreadsheet row number of every frame row."""
        return self.row_array().tolist()

    def row_array(self) -> np.ndarray:
        """Spreadsheet row number of every frame row, as an integer array."""
        if self.rows is not None:
            return np.asarray(self.rows, dtype=np.int64)
        return np.arange(2, len(self.frame) + 2, dtype=np.int64)

    def headings(self) -> list[str]:
        """Every heading in the file, read or not, in file order."""
        return list(self.header) if self.header else [str(c) for c in self.frame.columns]


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of CSV bytes (see :func:`gapmap.files.readers.decode`)."""
    return readers.decode(data, name)


def read_table(
    path: str | Path,
    data: bytes | None = None,
    settings: Settings | None = None,
    *,
    columns: Callable[[str], bool] | None = None,
    categorical: bool = False,
) -> Table:
    """Read a CSV or XLSX file as text cells. ``data`` lets the app pass an upload's bytes.

    Limits (file size, rows, cells per row, cell length, XLSX expansion) come from ``settings``.
    ``columns`` picks the columns read by heading (the rest are skipped, and still listed in ``header``);
    with ``categorical`` a column may come back as a pandas Categorical of its distinct texts, so a
    million rows hold each answer once.

    >>> t = read_table(Settings().survey_path)
    >>> len(t.frame), t.row_numbers()[:2]
    (283, [2, 3])
    """
    settings = settings or from_env()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ""):
        raise InputError(
            [
                Issue(
                    None,
                    None,
                    path.name,
                    f"Expected a .csv or .xlsx file; found '{suffix or 'no extension'}'. "
                    "Fix: save the survey export as CSV or Excel workbook.",
                )
            ]
        )
    if data is None:
        if not path.is_file():
            raise InputError([Issue(None, None, str(path), f"No file at {path}. Fix: check the path.")])
        readers.check_size(path.stat().st_size, path.name, settings)  # before reading a huge file
        data = path.read_bytes()
    readers.check_size(len(data), path.name, settings)
    if suffix in (".xlsx", ".xlsm"):
        grid = xlsx.parse(data, path.name, settings)
    else:
        fast = fastcsv.read(data, path.name, settings, columns)
        if fast is not None:
            frame = fast.frame
            if not categorical:
                frame = pd.DataFrame(
                    {h: pd.Series(np.asarray(frame[h], dtype=object), dtype=object) for h in frame.columns},
                    index=frame.index,
                )
            return Table(
                frame=frame,
                name=path.name,
                encoding=fast.encoding,
                rows=fast.row_numbers,
                blank_rows=tuple(fast.blank_rows),
                header=tuple(fast.header),
            )
        grid = readers.parse_csv(data, path.name, settings)
    del data  # a large file is not held while its rows are turned into a frame
    return table_from_grid(grid, path.name, columns)


def table_from_grid(grid: readers.Grid, name: str, columns: Callable[[str], bool] | None = None) -> Table:
    """A Table of a Grid read cell by cell (:mod:`gapmap.files.readers`, :mod:`gapmap.files.xlsx`), with only the columns
    ``columns`` picks (all by default)."""
    index = [i for i, h in enumerate(grid.header) if columns is None or columns(h)]
    wanted = [grid.header[i] for i in index]
    if grid.rows:
        rows = grid.rows if len(index) == len(grid.header) else [[r[i] for i in index] for r in grid.rows]
        frame = pd.DataFrame(rows, columns=wanted, dtype=object)
    else:
        frame = pd.DataFrame({h: pd.Series([], dtype=object) for h in wanted})
    return Table(
        frame=frame,
        name=name,
        encoding=grid.encoding,
        rows=tuple(grid.row_numbers),
        blank_rows=tuple(grid.blank_rows),
        header=tuple(grid.header),
    )


def read_lookup(path: str | Path) -> pd.DataFrame:
    """A bundled lookup table (areas, aliases, provision lists): text columns keep '' for blank, never NaN."""
    return pd.read_csv(path, keep_default_na=False)


def read_boundaries(path: str | Path, code_field: str, name_field: str | None = None) -> gpd.GeoDataFrame:
    """Boundary polygons (GeoJSON, GeoPackage, shapefile) as area_code, area_name, geometry in WGS84."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError([Issue(None, None, str(path), f"No boundary file at {path}. Fix: check the path.")])
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises DataSourceError and others for unreadable files
        raise InputError(
            [Issue(None, None, path.name, f"Could not read {path.name} as boundaries ({exc}).")]
        ) from None
    if code_field not in gdf.columns:
        raise InputError(
            [
                Issue(
                    None,
                    code_field,
                    None,
                    f"Expected a code field '{code_field}' in {path.name}; it has "
                    f"{', '.join(c for c in gdf.columns if c != 'geometry')}. Fix: pass --code-field with one of them.",
                )
            ]
        )
    if name_field is None:
        name_field = next((c for c in ("name", "area_name", "NAME") if c in gdf.columns), code_field)
    out = gpd.GeoDataFrame(
        {"area_code": gdf[code_field].astype(str), "area_name": gdf[name_field].astype(str)},
        geometry=gdf.geometry,
        crs=gdf.crs or "EPSG:4326",
    )
    return out.to_crs("EPSG:4326")


NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A cell that a spreadsheet will not run as a formula: text starting =, +, -, @, tab or CR gets a leading '.

    A number, even written as text ("-2.2426"), is left alone: it is not a formula, and quoting it would stop
    a rejects file from re-importing.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-2.2426"), safe_cell("-1+cmd|x"), safe_cell(-3)
    ("'=HYPERLINK(1)", '-2.2426', "'-1+cmd|x", -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def unguard_cell(value: str) -> str:
    """A cell read back from a CSV gapmap wrote: the leading ' that :func:`safe_cell` added is taken off, exactly
    where it adds one (a ' before =, +, -, @, tab or CR, not before a number); any other ' is the user's.

    >>> unguard_cell("'=HYPERLINK(1)"), unguard_cell("'+prov"), unguard_cell("'-2.5"), unguard_cell("'tis")
    ('=HYPERLINK(1)', '+prov', "'-2.5", "'tis")
    """
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) and safe_cell(value[1:]) == value:
        return value[1:]
    return value


def unguard_column(values: np.ndarray) -> np.ndarray:
    """:func:`unguard_cell` over a column of strings (only the cells starting with ' are looked at)."""
    marked = [i for i, v in enumerate(values.tolist()) if v.startswith("'")]
    if not marked:
        return values
    out = values.copy()
    for i in marked:
        out[i] = unguard_cell(out[i])
    return out


def write_csv(
    rows: Iterable[Sequence[Any]] | pd.DataFrame, path: str | Path, header: Sequence[str] | None = None
) -> Path:
    """Write a formula-safe UTF-8 CSV through :mod:`gapmap.files.output` (atomic, umask mode, symlinks followed)."""
    return output.write_text(path, csv_rows_text(rows, header))


def csv_rows_text(rows: Iterable[Sequence[Any]] | pd.DataFrame, header: Sequence[str] | None = None) -> str:
    """Formula-safe CSV text of rows (or a frame, whose columns are the header)."""
    if isinstance(rows, pd.DataFrame):
        header = list(rows.columns)
        rows = rows.astype(object).where(rows.notna(), "").itertuples(index=False, name=None)
    buf = _io.StringIO()
    writer = csv.writer(buf)
    if header is not None:
        writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def csv_text(frame: pd.DataFrame) -> str:
    """The formula-safe CSV of a frame as text (for downloads)."""
    return csv_rows_text(frame)


def write_text(path: str | Path, text: str) -> Path:
    """Write a text file through :mod:`gapmap.files.output` (atomic, umask mode, symlinks followed)."""
    return output.write_text(path, text)
