"""Write data/teams.csv from the team evidence tables (shared data work), with a location for each team.

Run: python scripts/make_teams.py [PATH/TO/teams_evidence.csv [LATER.csv ...]]   (defaults:
data/sources/teams_evidence.csv, the gapmap evidence search's table as bundled, see data/sources/README.md; and
data/provision/teams_evidence_2026-12.csv)

The first file is the evidence search (``team_name, provider, area_served, area_codes, town, nation, region,
postcode, established, evidence_year, confidence, source_urls``); each further file adds teams found later
(``name, provider, area_served, area_codes, status, evidence_date, quote, source_url, judgement``: the year of
``evidence_date`` is the evidence year, an undated page gives none; ``judgement`` becomes the notes; confidence is
``evidence``, as no Parent-Infant Foundation list naming them was seen).

Location: the postcode centre where a postcode is given (here the postcode-district centroid, as no full postcode
table is bundled), otherwise a point inside the area served (from area_codes), with location_basis saying which.
A team with neither (EPIP) keeps no location: it is listed, not mapped. A team already in data/teams.csv keeps its
published point and basis, so a later rebuild of the boundary files (which moves a representative point by metres)
does not move it; delete data/teams.csv to place every team afresh. ``status`` is ``open``, ``closed`` (a closing
year is given) or ``commissioned`` (contract awarded, not yet known to be operating). Nothing is invented: every
other field is copied as found.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from gapmap.files import io
from gapmap.settings import Settings
from gapmap.teams import validate

ROOT = Path(__file__).resolve().parents[1]


def _from_search(r: dict[str, str]) -> dict[str, str]:
    """A row of the evidence search as a teams row."""
    return {
        "name": r["team_name"],
        "provider": r["provider"],
        "area_served": r["area_served"],
        "area_codes": r["area_codes"],
        "postcode": r["postcode"],
        "nation": r["nation"],
        "region": r["region"],
        "established": r["established"].removesuffix(".0"),
        # The evidence names a closure in the team's name ("- closed June 2021"): keep its year.
        "closed": (m.group(1) if (m := re.search(r"closed \w+ (\d{4})", r["team_name"])) else ""),
        "status": "",
        "evidence_year": r["evidence_year"].removesuffix(".0"),
        "confidence": r["confidence"],
        "source_url": r["source_urls"],
        "notes": f"Base: {r['town']}." if r["town"] else "",
    }


def _from_later(r: dict[str, str]) -> dict[str, str]:
    """A row of a later evidence file (teams_evidence_2026-12.csv) as a teams row."""
    dated = re.match(r"(\d{4})", r["evidence_date"])
    return {
        "name": r["name"],
        "provider": r["provider"],
        "area_served": r["area_served"],
        "area_codes": r["area_codes"],
        "postcode": "",
        "nation": "",
        "region": "",
        "established": "",
        "closed": "",
        "status": r["status"],
        "evidence_year": dated.group(1) if dated else "",
        "confidence": "evidence",
        "source_url": r["source_url"],
        "notes": r["judgement"],
    }


def _read(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main(source: str, *later: str) -> None:
    settings = Settings()
    table_rows = [_from_search(r) for r in _read(source)]
    table_rows += [_from_later(r) for path in later for r in _read(path)]
    target = ROOT / "data" / "teams.csv"
    published = {r["name"]: r for r in _read(str(target)) if r["latitude"]} if target.exists() else {}
    for row in table_rows:
        kept = published.get(row["name"])
        row["latitude"] = kept["latitude"] if kept else ""
        row["longitude"] = kept["longitude"] if kept else ""
        row["location_basis"] = kept["location_basis"] if kept else ""
    import pandas as pd

    checked = validate.check(
        io.Table(pd.DataFrame(table_rows).fillna(""), "teams_evidence.csv", "utf-8"),
        settings,
        trust_location_basis=True,
    )
    if checked.issues:
        for issue in checked.issues:
            print(issue.format(), file=sys.stderr)
        raise SystemExit(1)
    out = checked.records.drop(columns=["row", "region_code"])
    out["established"] = out["established"].astype("Int64")
    out["evidence_year"] = out["evidence_year"].astype("Int64")
    out["closed"] = out["closed"].astype("Int64")
    io.write_csv(out, target)
    print(
        f"wrote data/teams.csv: {len(out)} teams, located by {out['location_basis'].value_counts().to_dict()}"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write data/teams.csv from the team evidence tables.")
    parser.add_argument(
        "evidence",
        nargs="?",
        default=str(ROOT / "data" / "sources" / "teams_evidence.csv"),
        help="the evidence table (default: data/sources/teams_evidence.csv)",
    )
    parser.add_argument(
        "later",
        nargs="*",
        default=[str(ROOT / "data" / "provision" / "teams_evidence_2026-12.csv")],
        help="teams found later (default: data/provision/teams_evidence_2026-12.csv)",
    )
    args = parser.parse_args()
    main(args.evidence, *args.later)
