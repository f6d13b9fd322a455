"""Read parent-infant team rows from a table column by column: locate them, check them against the rules of
:mod:`gapmap.teams.rules`, and return the records to store with every problem (row, column, value, fix)."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gapmap.files import io
from gapmap.files.io import Table
from gapmap.files.readers import row_ranges
from gapmap.geo import areas, geocode
from gapmap.problems import InputError, Issue
from gapmap.safetext import count, norm
from gapmap.settings import Settings
from gapmap.teams import rules as rules

COLUMNS = (
    "name",
    "provider",
    "area_served",
    "area_codes",
    "postcode",
    "latitude",
    "longitude",
    "nation",
    "region",
    "established",
    "closed",
    "source_url",
    "notes",
)
EXTRA = ("evidence_year", "confidence", "location_basis")
ALIASES = {
    "team_name": "name",
    "team": "name",
    "source_urls": "source_url",
    "url": "source_url",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "post_code": "postcode",
}
RECORD_FIELDS = (
    "name",
    "provider",
    "area_served",
    "area_codes",
    "postcode",
    "latitude",
    "longitude",
    "location_basis",
    "nation",
    "region_code",
    "region",
    "established",
    "closed",
    "evidence_year",
    "confidence",
    "source_url",
    "notes",
)
BASIS = ("coordinates", "postcode", "postcode district", "area served", "none")
EXACT_BASIS = frozenset({"coordinates", "postcode"})


def dedupe_key(name: str, lat: float | None, lon: float | None) -> str:
    """Same team = same name (ignoring case and punctuation) at the same place (to about 10 m)."""
    if lat is None or lon is None or (isinstance(lat, float) and math.isnan(lat)):
        return f"{norm(name)}|"
    return f"{norm(name)}|{lat:.4f},{lon:.4f}"


def dedupe_keys(names: pd.Series, lats: pd.Series, lons: pd.Series) -> pd.Series:
    """:func:`dedupe_key` of every row at once (each distinct name normalised once)."""
    names_ = geocode.per_value(names, _norm_name).tolist()
    keys = [
        f"{n}|" if a != a or b != b else f"{n}|{a:.4f},{b:.4f}"  # NaN (no point) is unequal to itself
        for n, a, b in zip(names_, lats.tolist(), lons.tolist(), strict=True)
    ]
    return pd.Series(keys, index=names.index, dtype=object)


# ASCII bytes that norm() keeps; every other one (punctuation, spaces, controls) becomes a space.
_KEEP = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyz")
_TO_SPACE = bytes(c if c in _KEEP else 32 for c in range(256))


def _norm_name(name: str) -> str:
    """:func:`gapmap.safetext.norm` of a name, four times as fast for plain ASCII names (most of them), where
    NFKC and curly quotes change nothing: lower case, '&' as 'and', apostrophes dropped, other runs as a space."""
    if not name.isascii():
        return norm(name)
    ascii_ = name.encode().lower().replace(b"&", b" and ").translate(_TO_SPACE, b"'`")
    return b" ".join(ascii_.split()).decode()


@dataclass
class Checked:
    """Rows that passed (as records ready to store) and every problem, by spreadsheet row."""

    records: pd.DataFrame
    issues: list[Issue]
    rejected: dict[int, list[str]] = field(default_factory=dict)
    raw: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    keys: pd.Series | None = None  # the dedupe key of each record (same order)

    @property
    def ok(self) -> bool:
        return not self.issues


def check(
    table: Table,
    settings: Settings,
    existing: Collection[str] | None = None,
    postcode_file: str | Path | None = None,
    trust_location_basis: bool = False,
    import_year: int | None = None,
) -> Checked:
    """Validate and locate every row, column by column. ``existing`` holds dedupe keys already in the database.

    With ``import_year`` (an import, not the bundled list's seed), a team with no ``evidence_year`` (no column, or
    a blank cell) gets its ``established`` year, else ``import_year``, so "teams known by" a year still finds it;
    a note says how many of each.

    Every rule of :data:`gapmap.teams.rules.RULES` runs over every row; a row with any problem is left out of
    ``records`` and listed in ``issues`` (by row, then in the order of the rules) and ``rejected``.

    >>> from gapmap.files import io
    >>> c = check(io.read_table(Settings().data_dir / "teams.csv"), Settings(), trust_location_basis=True)
    >>> len(c.records), c.ok
    (38, True)
    """
    given, cells, notes = _cells(table)
    lk = geocode.lookups(settings, postcode_file)
    area_table = areas.table(settings.boundaries_dir)

    def region_of(name: str) -> str | None:
        """The region (or nation, for the three nations) a typed region name means; None if none."""
        found = area_table.match(name).codes
        regions = [c for c in found if area_table.ancestor(c, "region") == c]
        return regions[0] if len(regions) == 1 else None

    found = _read(cells, lk, trust_location_basis)
    issues = rules.find_all(rules.Rows(cells, found, existing or set(), region_of))
    rejected: dict[int, list[str]] = {}
    for issue in issues:
        rejected.setdefault(int(issue.row or 0), []).append(issue.message)
    placed = found["region_code"] != ""
    records = pd.DataFrame(
        {
            "row": cells.index,
            "name": cells["name"],  # trimmed: the name is what duplicates are matched on
            "provider": given["provider"],
            "area_served": given["area_served"],
            "area_codes": found["area_codes"],
            "postcode": found["postcode"],
            "latitude": found["latitude"],
            "longitude": found["longitude"],
            "location_basis": found["basis"],
            "nation": cells["nation"].where(~placed, found["located_nation"]),
            "region_code": found["region_code"],
            "region": cells["region"].where(
                ~placed, geocode.per_value(found["region_code"], area_table.names.get)
            ),
            "established": found["established"],
            "evidence_year": found["evidence_year"],
            "closed": found["closed"],
            "confidence": given["confidence"],
            "source_url": geocode.per_value(cells["source_url"], lambda u: ";".join(rules.urls(u))),
            "notes": given["notes"],
        },
        index=cells.index,
    )[["row", *RECORD_FIELDS]]
    good = ~records.index.isin(list(rejected))
    if not good.all():
        records = records.loc[good]
    records = records.reset_index(drop=True)
    if import_year is not None:
        _default_evidence_year(records, import_year, notes)
    unlocated = int(records["latitude"].isna().sum())
    if unlocated:
        notes.append(
            f"{count(unlocated, 'team')} {'has' if unlocated == 1 else 'have'} no location: listed, not mapped."
        )
    return Checked(
        records=records,
        issues=issues,
        rejected=rejected,
        raw=table.frame.set_axis(np.asarray(table.row_numbers(), dtype=np.int64)),  # for the rejects file
        notes=notes,
        keys=found["key"][good].reset_index(drop=True),
    )


def _default_evidence_year(records: pd.DataFrame, import_year: int, notes: list[str]) -> None:
    """Fill a blank ``evidence_year`` with ``established``, else ``import_year``; note how many of each."""
    blank = records["evidence_year"].isna()
    if not blank.any():
        return
    from_established = blank & records["established"].notna()
    records.loc[blank, "evidence_year"] = records["established"][blank].fillna(import_year)
    k = int(from_established.sum())
    notes.append(
        f"{count(int(blank.sum()), 'team')} had no evidence_year: set to their established year ({k}) "
        f"or this year, {import_year} ({int(blank.sum()) - k})."
    )


def _heading(header: object) -> str:
    key = norm(header).replace(" ", "_")
    return ALIASES.get(key, key)


def _text(column: pd.Series) -> np.ndarray:
    """A column as Python strings (the readers give strings already; a table built by hand may not)."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
        values = np.array([str(v) for v in values], dtype=object)
    return values


def _cells(table: Table) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every known column as given and trimmed, indexed by spreadsheet row, leaving out rows blank in all of
    them; and notes on ignored columns and blank rows. A file without a name column is refused outright."""
    headings = [_heading(c) for c in table.frame.columns]
    if "name" not in headings:
        # A whole-file problem: no row can be imported, so even --skip-invalid refuses the file (exit 1).
        raise InputError(
            [
                Issue(
                    1,
                    "name",
                    None,
                    f"Expected a 'name' column; found {', '.join(table.frame.columns)}. Fix: add a column headed 'name'.",
                )
            ]
        )
    known = (*COLUMNS, *EXTRA)
    unknown = [c for c, h in zip(table.frame.columns, headings, strict=True) if h not in known]
    notes = (
        [f"Ignored {'column' if len(unknown) == 1 else 'columns'}: {', '.join(unknown)}."] if unknown else []
    )
    if table.blank_rows:
        notes.append(f"Skipped {count(len(table.blank_rows), 'blank row')}: {row_ranges(table.blank_rows)}.")
    position = {h: i for i, h in enumerate(headings) if h in known}  # a heading given twice: the last one
    index = pd.Index(np.asarray(table.row_numbers(), dtype=np.int64), name="row")
    blank = np.full(len(index), "", dtype=object)
    # A rejects file re-imported: the ' that kept formulas inert in a spreadsheet is not part of the team's text.
    text = {
        c: io.unguard_column(_text(table.frame.iloc[:, position[c]])) if c in position else blank
        for c in known
    }
    given = pd.DataFrame(text, index=index, dtype=object)
    trimmed = {
        c: np.array([v.strip() for v in text[c].tolist()], dtype=object) if c in position else blank
        for c in known
    }
    cells = pd.DataFrame(trimmed, index=index, dtype=object)
    keep = np.zeros(len(index), dtype=bool)
    for col in position:
        keep |= trimmed[col] != ""
    if not keep.any():
        # A whole-file problem, like a missing name column: an empty batch would record an import of nothing.
        blanks = (
            f" ({count(len(table.blank_rows) + len(index), 'blank row')})"
            if table.blank_rows or len(index)
            else ""
        )
        raise InputError(
            [
                Issue(
                    None,
                    None,
                    table.name,
                    f"Expected at least one team; {table.name} has a header but no teams{blanks}. "
                    "Fix: add a row for each team under the header.",
                )
            ]
        )
    if keep.all():
        return given, cells, notes
    return given.loc[keep], cells.loc[keep], notes


def _read(cells: pd.DataFrame, lk: geocode.Lookups, trust_location_basis: bool) -> pd.DataFrame:
    """What the cells say, column by column: numbers, postcodes, areas, years, the located point, its region
    and the duplicate key (see :class:`gapmap.teams.rules.Rows`). Each lookup is one pass over its column."""
    found = pd.DataFrame(index=cells.index)
    for col, out in (("latitude", "lat_num"), ("longitude", "lon_num")):
        found[out] = _numbers(cells[col])
    lat, lon = found["lat_num"], found["lon_num"]
    usable = lat.notna() & lon.notna() & geocode.in_box(lat, lon)
    found["latitude"], found["longitude"] = lat.where(usable), lon.where(usable)
    basis = np.array(["none", "coordinates"], dtype=object)[usable.to_numpy(dtype=np.int8)]
    found["basis"] = pd.Series(basis, index=cells.index, dtype=object)
    # Then, for rows still without a point: the postcode (full, else its district), then the areas served.
    found["postcode"] = geocode.normalise_postcodes(cells["postcode"])
    by_postcode = geocode.postcode_points(lk, found["postcode"])
    found["postcode_basis"] = by_postcode["basis"]
    _place(found, by_postcode, by_postcode["basis"])
    served_by = lru_cache(maxsize=None)(area_codes)  # each distinct cell matched once, read twice
    found["area_codes"] = geocode.per_value(cells["area_codes"], lambda t: ";".join(served_by(t)[0]))
    found["area_problem"] = geocode.per_value(cells["area_codes"], lambda t: served_by(t)[1])
    served = (found["area_codes"] != "") & (found["area_problem"] == "") & found["latitude"].isna()
    if served.any():
        points = geocode.area_points(lk, found["area_codes"][served])
        _place(found, points, pd.Series("area served", index=points.index, dtype=object))
    if trust_location_basis:
        trusted = cells["location_basis"].isin(BASIS) & found["latitude"].notna()
        found.loc[trusted, "basis"] = cells["location_basis"][trusted]
    for col in ("established", "evidence_year", "closed"):
        found[col] = geocode.per_value(cells[col], rules.year).astype("Int64")
    located = found["latitude"].notna()
    regions = geocode.assign_regions(lk, found["latitude"][located], found["longitude"][located])
    for col, src in (
        ("region_code", "region_code"),
        ("region_name", "region_name"),
        ("located_nation", "nation"),
    ):
        found[col] = pd.Series("", index=cells.index, dtype=object)
        found.loc[located, col] = regions[src].to_numpy()
    named = cells["name"] != ""
    found["key"] = pd.Series("", index=cells.index, dtype=object)
    found.loc[named, "key"] = dedupe_keys(
        cells["name"][named], found["latitude"][named], found["longitude"][named]
    )
    return found


def _numbers(cells: pd.Series) -> np.ndarray:
    """Each cell as Python's float() reads it (NaN where blank or not a number), in one cast when all are numbers."""
    out = np.full(len(cells), np.nan)
    values = cells.to_numpy(dtype=object)
    given = values != ""
    try:
        out[given] = values[given].astype(float)  # float() of each string, so exactly as the rules read them
    except ValueError:  # some cell is not a number: read them one by one
        out[given] = [rules.number(v) for v in values[given]]
    return out


def _place(found: pd.DataFrame, points: pd.DataFrame, basis: pd.Series) -> None:
    """Give the rows that have no point yet the point in ``points`` (indexed by row; NaN where none)."""
    known = points.index[points["latitude"].notna().to_numpy()]
    rows = known[found.loc[known, "latitude"].isna().to_numpy()]
    found.loc[rows, "latitude"] = points.loc[rows, "latitude"]
    found.loc[rows, "longitude"] = points.loc[rows, "longitude"]
    found.loc[rows, "basis"] = basis.loc[rows]


ACCEPTED_AREAS = (
    "local authority (2024), ICB (2023), Scottish or Welsh health board, NI HSC trust, region or nation, "
    "by GSS code or name"
)


def area_codes(text: str) -> tuple[list[str], str]:
    """Area codes a team serves, from codes or names separated by ';' (or ','); and a problem message, if any.

    >>> area_codes("E06000001; NHS Fife; Cardiff")
    (['E06000001', 'S08000029', 'W06000015'], '')
    """
    t = areas.table()
    pieces = [p.strip() for p in text.split(";") if p.strip()]
    codes: list[str] = []
    bad: list[str] = []
    for piece in pieces:
        found = [c for c in t.match(piece).codes if c != areas.MULTI_NATION]
        if len(found) == 1:
            codes.append(found[0])
            continue
        parts = [x.strip() for x in piece.split(",") if x.strip()]
        sub = [[c for c in t.match(x).codes if c != areas.MULTI_NATION] for x in parts]
        if len(parts) > 1 and all(len(m) == 1 for m in sub):
            codes.extend(m[0] for m in sub)
        elif len(found) > 1:
            bad.append(f"'{piece}' names {' and '.join(t.describe(c) for c in found)}")
        else:
            bad.append(f"'{piece}'")
    if not bad:
        return list(dict.fromkeys(codes)), ""
    sub_icb = [b for b in bad if b.strip("'").upper().startswith("E38")]
    why = (
        " Sub-ICB location codes (E38) are not accepted: no bundled lookup maps them to local authorities."
        if sub_icb
        else ""
    )
    return codes, (
        f"Expected areas a team serves: {ACCEPTED_AREAS}; not recognised: {', '.join(bad)}.{why} "
        "Fix: use the codes or names of the areas served, separated by ';'."
    )


def rejects_text(checked: Checked, rejected: dict[int, list[str]]) -> str:
    """Each rejected row as it was given, with its row number and reasons (formula-safe CSV text).

    Fix the cells, delete the 'row' and 'problems' columns (or leave them: they are ignored) and import it again.
    """
    raw = checked.raw if checked.raw is not None else pd.DataFrame()
    rows = sorted(rejected)
    given = raw.reindex(rows).fillna("").to_numpy(dtype=object).tolist()  # one lookup for every rejected row
    out = [[row, *cells, " | ".join(rejected[row])] for row, cells in zip(rows, given, strict=True)]
    return io.csv_rows_text(out, header=["row", *raw.columns, "problems"])
