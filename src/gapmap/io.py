"""Reading and writing files: survey tables (CSV in UTF-8 or Windows-1252, XLSX), boundaries, formula-safe CSV.

The only module with open(); everything it returns is plain data for the validating modules.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap import output
from gapmap.problems import InputError, Issue

if TYPE_CHECKING:
    import geopandas as gpd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """A file read as text cells: header as written, rows as strings ('' for blank), and how it was decoded."""

    frame: pd.DataFrame
    name: str
    encoding: str


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of CSV bytes: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Issue(
                    None,
                    None,
                    None,
                    f"Expected a CSV file saved as UTF-8 or Windows-1252; {name} has a byte "
                    f"(0x{data[exc.start]:02x} at position {exc.start}) that is neither. "
                    "Fix: in Excel use 'Save as' > 'CSV UTF-8 (Comma delimited)'.",
                )
            ]
        ) from None


def read_table(path: str | Path, data: bytes | None = None) -> Table:
    """Read a CSV or XLSX file as text cells. ``data`` lets the app pass an upload's bytes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if data is None:
        if not path.is_file():
            raise InputError([Issue(None, None, str(path), f"No file at {path}. Fix: check the path.")])
        data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(_io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise InputError(
                [Issue(None, None, path.name, f"Could not read {path.name} as an Excel workbook ({exc}).")]
            ) from None
        frame = frame.fillna("")
        encoding = "xlsx"
    elif suffix in (".csv", ".txt", ""):
        text, encoding = decode(data, path.name)
        try:
            frame = pd.read_csv(
                _io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                sep=None,
                engine="python",
            )
        except (pd.errors.ParserError, csv.Error) as exc:
            raise InputError(
                [Issue(None, None, path.name, f"Expected comma-separated rows of equal length; {exc}.")]
            ) from None
        except pd.errors.EmptyDataError:
            raise InputError(
                [Issue(None, None, path.name, "The file is empty. Fix: export it again.")]
            ) from None
    else:
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
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).map(lambda v: "" if v is None else str(v))
    return Table(frame=frame, name=path.name, encoding=encoding)


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


def safe_cell(value: Any) -> Any:
    """A cell that a spreadsheet will not run as a formula: text starting =, +, -, @ gets a leading '.

    Numbers are left alone (a negative number is not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(
    rows: Iterable[Sequence[Any]] | pd.DataFrame, path: str | Path, header: Sequence[str] | None = None
) -> Path:
    """Write a formula-safe UTF-8 CSV through :mod:`gapmap.output` (atomic, umask mode, symlinks followed)."""
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
    """Write a text file through :mod:`gapmap.output` (atomic, umask mode, symlinks followed)."""
    return output.write_text(path, text)
