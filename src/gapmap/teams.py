"""Validate and locate parent-infant team rows from a CSV, collecting every problem with row, column and hint."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gapmap import geocode
from gapmap.io import Table
from gapmap.problems import InputError, Issue
from gapmap.questions import norm
from gapmap.readers import row_ranges
from gapmap.settings import Settings

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


@dataclass
class Checked:
    """Rows that passed (as records ready to store) and every problem, by spreadsheet row."""

    records: pd.DataFrame
    issues: list[Issue]
    rejected: dict[int, list[str]] = field(default_factory=dict)
    raw: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def _year(raw: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*", raw)
    if not m:
        raise ValueError
    year = int(m.group(1))
    if not 1900 <= year <= dt.date.today().year:
        raise ValueError
    return year


def check(
    table: Table,
    settings: Settings,
    existing: set[str] | None = None,
    postcode_file: str | Path | None = None,
    trust_location_basis: bool = False,
) -> Checked:
    """Validate and locate every row. ``existing`` holds dedupe keys already in the database."""
    frame = table.frame.rename(
        columns=lambda c: ALIASES.get(norm(c).replace(" ", "_"), norm(c).replace(" ", "_"))
    )
    if "name" not in frame.columns:
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
    numbers = table.row_numbers()
    unknown = [
        c
        for c in table.frame.columns
        if ALIASES.get(norm(c).replace(" ", "_"), norm(c).replace(" ", "_")) not in (*COLUMNS, *EXTRA)
    ]
    notes = [f"Ignored column(s): {', '.join(unknown)}."] if unknown else []
    if table.blank_rows:
        notes.append(f"Skipped {len(table.blank_rows)} blank row(s): {row_ranges(table.blank_rows)}.")
    for col in (*COLUMNS, *EXTRA):
        if col not in frame.columns:
            frame[col] = ""
    lk = geocode.lookups(settings, postcode_file)
    from gapmap import areas

    area_table = areas.table(settings.boundaries_dir)

    def region_of(name: str) -> str | None:
        """The region (or nation, for the three nations) a typed region name means; None if none."""
        found = area_table.match(name).codes
        regions = [c for c in found if area_table.ancestor(c, "region") == c]
        return regions[0] if len(regions) == 1 else None

    records: list[dict[str, object]] = []
    row_issues: dict[int, list[Issue]] = {}
    pending_points: list[tuple[int, float, float]] = []

    def problem(row: int, column: str, value: str, message: str) -> None:
        row_issues.setdefault(row, []).append(Issue(row, column, value, message))

    for row, raw_rec in zip(numbers, frame.to_dict("records"), strict=True):
        given = {k: str(raw_rec.get(k, "")) for k in (*COLUMNS, *EXTRA)}
        # Trimmed copies are for parsing and matching only; free text is stored exactly as given.
        cell = {k: v.strip() for k, v in given.items()}
        if not any(cell.values()):
            continue
        if not cell["name"]:
            problem(
                row,
                "name",
                "",
                "Expected a team name; found an empty cell. Fix: add the team's name, or delete the row.",
            )
        lat = lon = None
        basis = "none"
        lat_raw, lon_raw = cell["latitude"], cell["longitude"]
        if lat_raw or lon_raw:
            try:
                lat_f, lon_f = float(lat_raw), float(lon_raw)
                if math.isnan(lat_f) or math.isnan(lon_f):
                    raise ValueError
            except ValueError:
                col = "latitude" if not _is_number(lat_raw) else "longitude"
                problem(
                    row,
                    col,
                    cell[col],
                    "Expected latitude and longitude as decimal degrees (e.g. 54.597, -5.930); "
                    f"found latitude '{lat_raw}', longitude '{lon_raw}'. Fix: give both, or neither and a postcode.",
                )
            else:
                if geocode.in_box(lat_f, lon_f):
                    lat, lon, basis = lat_f, lon_f, "coordinates"
                elif geocode.in_box(lon_f, lat_f):
                    problem(
                        row,
                        "latitude",
                        f"{lat_raw}, {lon_raw}",
                        f"Expected a UK latitude (49.8 to 60.9) and longitude (-8.7 to 1.8); found latitude {lat_raw} "
                        f"and longitude {lon_raw}: did you swap latitude and longitude? Fix: swap the two cells.",
                    )
                else:
                    problem(
                        row,
                        "latitude",
                        f"{lat_raw}, {lon_raw}",
                        f"Expected a point in the UK; found latitude {lat_raw}, longitude {lon_raw}, which is outside "
                        "the UK. Fix: check the coordinates, or leave them blank and give a postcode.",
                    )
        postcode = ""
        if cell["postcode"]:
            pc = geocode.normalise_postcode(cell["postcode"])
            if pc is None:
                problem(
                    row,
                    "postcode",
                    cell["postcode"],
                    f"Expected a UK postcode like 'BT7 1NN' or a district like 'LS1'; found '{cell['postcode']}'. "
                    "Fix: correct the postcode or leave it blank.",
                )
            else:
                postcode = pc
                outward = pc.split(" ")[0]
                if lk.postcodes is not None and pc in lk.postcodes:
                    if lat is None:
                        lat, lon = lk.postcodes[pc]
                        basis = "postcode"
                elif outward in lk.districts:
                    if lat is None:
                        lat, lon = lk.districts[outward]
                        basis = "postcode district"
                else:
                    problem(
                        row,
                        "postcode",
                        cell["postcode"],
                        f"Expected a known UK postcode district; '{outward}' is not in the bundled list of "
                        "postcode districts. Fix: check the postcode, or give coordinates instead.",
                    )
        codes, code_problem = area_codes(cell["area_codes"])
        if code_problem:
            problem(row, "area_codes", cell["area_codes"], code_problem)
        elif codes and lat is None:
            point = geocode.area_point(lk, codes)
            if point:
                lat, lon = point
                basis = "area served"
        if trust_location_basis and cell["location_basis"] in BASIS and lat is not None:
            basis = cell["location_basis"]
        years: dict[str, int | None] = {}
        both = [cell["closed"], cell["established"]]
        if all(both) and all(map(_is_number, both)) and float(both[0]) < float(both[1]):
            problem(
                row,
                "closed",
                cell["closed"],
                f"Expected a closing year on or after the year established ({cell['established']}); found "
                f"'{cell['closed']}'. Fix: correct one of the two years.",
            )
        for col in ("established", "evidence_year", "closed"):
            if cell[col]:
                try:
                    years[col] = _year(cell[col])
                except ValueError:
                    problem(
                        row,
                        col,
                        cell[col],
                        f"Expected a year from 1900 to {dt.date.today().year}; found '{cell[col]}'. Fix: write the year, e.g. 2019.",
                    )
        urls = [u.strip() for u in cell["source_url"].split(";") if u.strip()]
        bad_urls = [u for u in urls if not re.match(r"^https?://", u, re.I)]
        if bad_urls:
            problem(
                row,
                "source_url",
                cell["source_url"],
                f"Expected web addresses starting http:// or https://; found '{bad_urls[0]}'. Fix: paste the full address.",
            )
        if lat is not None and lon is not None:
            pending_points.append((row, lat, lon))
        records.append(
            {
                "row": row,
                "name": cell["name"],  # trimmed: the name is what duplicates are matched on
                "provider": given["provider"],
                "area_served": given["area_served"],
                "area_codes": ";".join(codes),
                "postcode": postcode,
                "latitude": lat,
                "longitude": lon,
                "location_basis": basis,
                "nation": cell["nation"],
                "region_code": "",
                "region": cell["region"],
                "established": years.get("established"),
                "evidence_year": years.get("evidence_year"),
                "closed": years.get("closed"),
                "confidence": given["confidence"],
                "source_url": ";".join(urls),
                "notes": given["notes"],
            }
        )

    by_row = {r["row"]: r for r in records}
    if pending_points:
        rows, lats, lons = zip(*pending_points, strict=True)
        assigned = geocode.assign_regions(lk, list(lats), list(lons))
        for row, a in zip(rows, assigned.to_dict("records"), strict=True):
            rec = by_row[row]
            if not a["region_code"]:
                problem(
                    row,
                    "latitude",
                    f"{rec['latitude']}, {rec['longitude']}",
                    "Expected a point in the UK; the location is more than 5 km from every UK nation and region. "
                    "Fix: check the coordinates or postcode.",
                )
                continue
            given_region = str(rec["region"])
            if given_region and region_of(given_region) not in (a["region_code"], None):
                problem(
                    row,
                    "region",
                    given_region,
                    f"Expected the region the location lies in, {a['region_name']}; found '{given_region}'. "
                    "Fix: correct the region, or the location if the region is right.",
                )
            elif given_region and region_of(given_region) is None:
                problem(
                    row,
                    "region",
                    given_region,
                    f"Expected a UK region or nation name; found '{given_region}'. Fix: use e.g. 'North West'.",
                )
            nation = str(rec["nation"])
            if nation and norm(nation) != norm(a["nation"]):
                problem(
                    row,
                    "nation",
                    nation,
                    f"Expected the nation the location lies in, {a['nation']}; found '{nation}'. Fix: correct the nation or the location.",
                )
            rec["region_code"] = a["region_code"]
            rec["region"] = area_table.names[a["region_code"]]
            rec["nation"] = a["nation"]

    seen: dict[str, int] = {}
    existing = existing or set()
    for rec in records:
        if not rec["name"]:
            continue
        key = dedupe_key(str(rec["name"]), rec["latitude"], rec["longitude"])  # type: ignore[arg-type]
        row = int(rec["row"])  # type: ignore[call-overload]
        if key in seen:
            problem(
                row,
                "name",
                str(rec["name"]),
                f"Expected each team once; this row repeats row {seen[key]} (same name and location). Fix: delete one of them.",
            )
        elif key in existing:
            problem(
                row,
                "name",
                str(rec["name"]),
                "Expected a new team; the database already holds a team with this name and location. Fix: delete the row, or remove the old team first.",
            )
        else:
            seen[key] = row

    all_issues = [i for r in sorted(row_issues) for i in row_issues[r]]
    good = [r for r in records if int(r["row"]) not in row_issues]  # type: ignore[call-overload]
    out = pd.DataFrame(good, columns=["row", *RECORD_FIELDS])
    located = out["latitude"].notna().sum()
    unlocated = len(out) - located
    if unlocated:
        notes.append(f"{unlocated} team(s) have no location: listed, not mapped.")
    return Checked(
        records=out,
        issues=all_issues,
        rejected={r: [i.message for i in v] for r, v in row_issues.items()},
        raw=table.frame.set_axis(numbers),  # indexed by spreadsheet row, for the rejects file
        notes=notes,
    )


ACCEPTED_AREAS = (
    "local authority (2024), ICB (2023), Scottish or Welsh health board, NI HSC trust, region or nation, "
    "by GSS code or name"
)


def area_codes(text: str) -> tuple[list[str], str]:
    """Area codes a team serves, from codes or names separated by ';' (or ','); and a problem message, if any.

    >>> area_codes("E06000001; NHS Fife; Cardiff")
    (['E06000001', 'S08000029', 'W06000015'], '')
    """
    from gapmap import areas

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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
