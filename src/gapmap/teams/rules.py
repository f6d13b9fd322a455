"""The rules every row of a teams file must follow: a registry of small functions, each returning its Issues.

Each rule reads whole columns of :class:`Rows` (the trimmed cells, and what :mod:`gapmap.teams.validate` read from them:
numbers, normalised postcodes, located points, regions, duplicate keys) and returns an Issue (row, column,
value, message with a fix) for every row that breaks it. ``RULES`` lists them in the order a row's problems
are reported; adding a rule is one function and one entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gapmap.geo.geocode import in_box, per_value
from gapmap.problems import Issue
from gapmap.safetext import norm


@dataclass(frozen=True)
class Rows:
    """The non-blank rows of a teams file, indexed by spreadsheet row (header = row 1).

    ``cells``: every known column's text, trimmed. ``found`` (same index): ``lat_num``/``lon_num`` (the
    coordinate cells as numbers, NaN where unreadable), ``postcode`` (normalised, '' if none),
    ``postcode_basis`` ('postcode', 'postcode district', or '' where no lookup knows it), ``area_codes`` and
    ``area_problem``, the years ``established``/``evidence_year``/``closed`` (NA where blank or unreadable),
    ``latitude``/``longitude`` (the located point), ``region_code``/``region_name``/``located_nation`` ('' where
    the point is in no UK region) and ``key`` (the duplicate key, '' without a name).
    """

    cells: pd.DataFrame
    found: pd.DataFrame
    existing: Collection[str]  # duplicate keys already in the database
    region_of: Callable[[str], str | None]  # the region (or nation) code a typed region name means


@dataclass(frozen=True)
class Rule:
    """One rule: the column its problems are reported in, and the function that finds them."""

    column: str
    find: Callable[[Rows], list[Issue]]


# -- reading cells (shared with gapmap.teams.validate, which builds the records) -------------------------------------
def number(text: str) -> float:
    """The cell as Python reads a number (so '1e1' and '٣' count), NaN if it is not one."""
    try:
        return float(text)
    except ValueError:
        return float("nan")


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def year(text: str) -> int | None:
    """A year from 1900 to this year ('2019' or '2019.0' as spreadsheets save it); None otherwise."""
    m = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*", text)
    if not m:
        return None
    value = int(m.group(1))
    return value if 1900 <= value <= dt.date.today().year else None


def urls(text: str) -> list[str]:
    """The web addresses of a source_url cell, separated by ';'."""
    return [u.strip() for u in text.split(";") if u.strip()]


def _first_bad_url(text: str) -> str:
    return next((u for u in urls(text) if not re.match(r"^https?://", u, re.I)), "")


def _issues(
    bad: pd.Series, column: str | pd.Series, value: str | pd.Series, message: str | pd.Series
) -> list[Issue]:
    """One Issue per row where ``bad`` holds; column, value and message are one text or a Series by row."""
    rows = bad.index[bad.to_numpy(dtype=bool)]

    def each(x: str | pd.Series) -> list[Any]:
        return x.loc[rows].tolist() if isinstance(x, pd.Series) else [x] * len(rows)

    return [
        Issue(int(r), c, v, m)
        for r, c, v, m in zip(rows, each(column), each(value), each(message), strict=True)
    ]


# -- the rules --------------------------------------------------------------------------------------------
def name_given(r: Rows) -> list[Issue]:
    return _issues(
        r.cells["name"] == "",
        "name",
        "",
        "Expected a team name; found an empty cell. Fix: add the team's name, or delete the row.",
    )


def coordinates(r: Rows) -> list[Issue]:
    """Both coordinates readable, in the UK box, and not swapped."""
    lat_raw, lon_raw = r.cells["latitude"], r.cells["longitude"]
    lat, lon = r.found["lat_num"], r.found["lon_num"]
    given = (lat_raw != "") | (lon_raw != "")
    readable = lat.notna() & lon.notna()
    unreadable = given & ~readable
    # The column named is the first that is not a number (a 'nan' latitude reads as one, so: longitude).
    column = lat_raw[unreadable].map(lambda v: "longitude" if is_number(v) else "latitude")
    unreadable_value = lat_raw[unreadable].where(column == "latitude", lon_raw[unreadable])
    outside = given & readable & ~in_box(lat, lon)
    swapped = outside & in_box(lon, lat)
    pair = lat_raw[outside] + ", " + lon_raw[outside]
    return sorted(
        _issues(
            unreadable,
            column,
            unreadable_value,
            "Expected latitude and longitude as decimal degrees (e.g. 54.597, -5.930); found latitude '"
            + lat_raw[unreadable]
            + "', longitude '"
            + lon_raw[unreadable]
            + "'. Fix: give both, or neither and a postcode.",
        )
        + _issues(
            swapped,
            "latitude",
            pair,
            "Expected a UK latitude (49.8 to 60.9) and longitude (-8.7 to 1.8); found latitude "
            + lat_raw[swapped]
            + " and longitude "
            + lon_raw[swapped]
            + ": did you swap latitude and longitude? Fix: swap the two cells.",
        )
        + _issues(
            outside & ~swapped,
            "latitude",
            pair,
            "Expected a point in the UK; found latitude "
            + lat_raw[outside]
            + ", longitude "
            + lon_raw[outside]
            + ", which is outside the UK. Fix: check the coordinates, or leave them blank and give a postcode.",
        ),
        key=lambda i: i.row or 0,
    )


def postcode(r: Rows) -> list[Issue]:
    """A postcode's shape, and its district (or the full postcode) in a lookup."""
    cell, pc = r.cells["postcode"], r.found["postcode"]
    malformed = (cell != "") & (pc == "")
    unknown = (pc != "") & (r.found["postcode_basis"] == "")
    outward = pc[unknown].str.split(" ", n=1).str[0]
    return sorted(
        _issues(
            malformed,
            "postcode",
            cell,
            "Expected a UK postcode like 'BT7 1NN' or a district like 'LS1'; found '"
            + cell[malformed]
            + "'. Fix: correct the postcode or leave it blank.",
        )
        + _issues(
            unknown,
            "postcode",
            cell,
            "Expected a known UK postcode district; '"
            + outward
            + "' is not in the bundled list of postcode districts. Fix: check the postcode, or give coordinates instead.",
        ),
        key=lambda i: i.row or 0,
    )


def area_codes(r: Rows) -> list[Issue]:
    problem = r.found["area_problem"]
    return _issues(problem != "", "area_codes", r.cells["area_codes"], problem)


def closed_after_established(r: Rows) -> list[Issue]:
    closed, established = r.cells["closed"], r.cells["established"]
    both = (closed != "") & (established != "")
    c, e = per_value(closed[both], number), per_value(established[both], number)
    before = pd.Series(False, index=closed.index)
    before[both] = (c < e).to_numpy()  # NaN (not a number) compares False: the year rules report those
    return _issues(
        before,
        "closed",
        closed,
        "Expected a closing year on or after the year established ("
        + established[before]
        + "); found '"
        + closed[before]
        + "'. Fix: correct one of the two years.",
    )


STATUSES = ("open", "commissioned", "closed")
STATUS_TEXT = {
    "open": "open",
    "commissioned": "commissioned, not yet known to be operating",
    "closed": "closed",
}


def statuses(status: pd.Series, closed: pd.Series) -> pd.Series:
    """Each row's status as stored: the cell in lower case, or for a blank cell 'closed' when a closing year is
    given and 'open' otherwise. A commissioned team (contract awarded, not shown operating) serves no one yet."""
    given = per_value(status, lambda v: v.strip().lower())
    implied = pd.Series("open", index=status.index, dtype=object).where(closed == "", "closed")
    return given.where(given != "", implied)


def status(r: Rows) -> list[Issue]:
    """A status is one of :data:`STATUSES`, and agrees with the ``closed`` year."""
    cell, closed = r.cells["status"], r.cells["closed"]
    value = per_value(cell, lambda v: v.strip().lower())
    unknown = (cell != "") & ~value.isin(STATUSES)
    closed_without_year = (value == "closed") & (closed == "")
    year_but_not_closed = value.isin(("open", "commissioned")) & (closed != "")
    return sorted(
        _issues(
            unknown,
            "status",
            cell,
            "Expected a status of open, commissioned (contract awarded, not yet known to be operating) or "
            "closed, or a blank cell (open, or closed when a closing year is given); found '"
            + cell[unknown]
            + "'. Fix: write one of the three.",
        )
        + _issues(
            closed_without_year,
            "status",
            cell,
            "Expected the year a closed team closed; the closed cell is blank. Fix: give the year in closed.",
        )
        + _issues(
            year_but_not_closed,
            "status",
            cell,
            "Expected a closing year only for a closed team; found status '"
            + cell[year_but_not_closed]
            + "' and closed "
            + closed[year_but_not_closed]
            + ". Fix: blank the closed cell, or write closed as the status.",
        ),
        key=lambda i: i.row or 0,
    )


def _year_rule(column: str) -> Callable[[Rows], list[Issue]]:
    def rule(r: Rows) -> list[Issue]:
        cell = r.cells[column]
        bad = (cell != "") & r.found[column].isna()
        return _issues(
            bad,
            column,
            cell,
            f"Expected a year from 1900 to {dt.date.today().year}; found '"
            + cell[bad]
            + "'. Fix: write the year, e.g. 2019.",
        )

    rule.__name__ = f"{column}_year"
    return rule


def source_url(r: Rows) -> list[Issue]:
    cell = r.cells["source_url"]
    first_bad = per_value(cell, _first_bad_url)
    bad = first_bad != ""
    return _issues(
        bad,
        "source_url",
        cell,
        "Expected web addresses starting http:// or https://; found '"
        + first_bad[bad]
        + "'. Fix: paste the full address.",
    )


def in_uk(r: Rows) -> list[Issue]:
    """A located point within 5 km of a UK nation or region (the UK box alone takes in sea and Ireland)."""
    f = r.found
    bad = f["latitude"].notna() & (f["region_code"] == "")
    pair = pd.Series(
        [f"{a}, {b}" for a, b in zip(f["latitude"][bad], f["longitude"][bad], strict=True)],
        index=f.index[bad],
    )
    return _issues(
        bad,
        "latitude",
        pair,
        "Expected a point in the UK; the location is more than 5 km from every UK nation and region. "
        "Fix: check the coordinates or postcode.",
    )


def region(r: Rows) -> list[Issue]:
    """A region given beside a located point names the region the point lies in."""
    given, placed = r.cells["region"], r.found["region_code"]
    check = (given != "") & (placed != "")
    meant = per_value(given[check], r.region_of)
    unknown = meant.isna()
    wrong = ~unknown & (meant != placed[check])
    return sorted(
        _issues(
            wrong,
            "region",
            given,
            "Expected the region the location lies in, "
            + r.found["region_name"][check][wrong]
            + "; found '"
            + given[check][wrong]
            + "'. Fix: correct the region, or the location if the region is right.",
        )
        + _issues(
            unknown,
            "region",
            given,
            "Expected a UK region or nation name; found '"
            + given[check][unknown]
            + "'. Fix: use e.g. 'North West'.",
        ),
        key=lambda i: i.row or 0,
    )


def nation(r: Rows) -> list[Issue]:
    """A nation given beside a located point names the nation the point lies in."""
    given, placed = r.cells["nation"], r.found["located_nation"]
    check = (given != "") & (r.found["region_code"] != "")
    bad = check.copy()
    bad[check] = (per_value(given[check], norm) != per_value(placed[check], norm)).to_numpy()
    return _issues(
        bad,
        "nation",
        given,
        "Expected the nation the location lies in, "
        + placed[bad]
        + "; found '"
        + given[bad]
        + "'. Fix: correct the nation or the location.",
    )


def _named(r: Rows) -> tuple[pd.Series, pd.Series]:
    """Rows with a name, and whether their key is already in the database."""
    named = r.cells["name"] != ""
    return named, named & r.found["key"].isin(r.existing)


def unique_in_file(r: Rows) -> list[Issue]:
    """Each team (same name and location) once in the file; rows already in the database are reported as such."""
    named, in_db = _named(r)
    keys = r.found["key"][named & ~in_db]
    keys = keys[keys.duplicated(keep=False).to_numpy()]  # hashed once; only repeated keys are looked at again
    rows = pd.Series(keys.index, index=keys.index)
    first = rows.groupby(keys.to_numpy()).transform("first")
    repeat = pd.Series(False, index=named.index)
    repeat[keys.index] = keys.duplicated(keep="first").to_numpy()
    return _issues(
        repeat,
        "name",
        r.cells["name"],
        "Expected each team once; this row repeats row "
        + first[repeat[keys.index]].astype(str)
        + " (same name and location). Fix: delete one of them.",
    )


def new_to_database(r: Rows) -> list[Issue]:
    _, in_db = _named(r)
    return _issues(
        in_db,
        "name",
        r.cells["name"],
        "Expected a new team; the database already holds a team with this name and location. "
        "Fix: delete the row, or remove the old team first.",
    )


RULES: tuple[Rule, ...] = (
    Rule("name", name_given),
    Rule("latitude", coordinates),
    Rule("postcode", postcode),
    Rule("area_codes", area_codes),
    Rule("closed", closed_after_established),
    Rule("status", status),
    *(Rule(col, _year_rule(col)) for col in ("established", "evidence_year", "closed")),
    Rule("source_url", source_url),
    Rule("latitude", in_uk),
    Rule("region", region),
    Rule("nation", nation),
    Rule("name", unique_in_file),
    Rule("name", new_to_database),
)


def find_all(rows: Rows) -> list[Issue]:
    """Every rule's Issues, by row, and within a row in the order of ``RULES``."""
    found = [(i.row or 0, n, k, i) for n, rule in enumerate(RULES) for k, i in enumerate(rule.find(rows))]
    return [i for *_, i in sorted(found, key=lambda t: t[:3])]
