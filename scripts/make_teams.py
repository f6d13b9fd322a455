"""Write data/teams.csv from the team evidence table (shared data work), with a location for each team.

Run: python scripts/make_teams.py [PATH/TO/teams_evidence.csv]   (default: data/sources/teams_evidence.csv, the
gapmap evidence search's table as bundled; see data/sources/README.md)

Location: the postcode centre where a postcode is given (here the postcode-district centroid, as no full postcode
table is bundled), otherwise a point inside the area served (from area_codes), with location_basis saying which.
A team with neither (EPIP) keeps no location: it is listed, not mapped. Nothing is invented: every other field is
copied as found.
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


def main(source: str) -> None:
    settings = Settings()
    with open(source, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    table_rows = []
    for r in rows:
        notes = f"Base: {r['town']}." if r["town"] else ""
        table_rows.append(
            {
                "name": r["team_name"],
                "provider": r["provider"],
                "area_served": r["area_served"],
                "area_codes": r["area_codes"],
                "postcode": r["postcode"],
                "latitude": "",
                "longitude": "",
                "nation": r["nation"],
                "region": r["region"],
                "established": r["established"].removesuffix(".0"),
                # The evidence names a closure in the team's name ("- closed June 2021"): keep its year.
                "closed": (m.group(1) if (m := re.search(r"closed \w+ (\d{4})", r["team_name"])) else ""),
                "evidence_year": r["evidence_year"].removesuffix(".0"),
                "confidence": r["confidence"],
                "source_url": r["source_urls"],
                "notes": notes,
            }
        )
    import pandas as pd

    checked = validate.check(
        io.Table(pd.DataFrame(table_rows).fillna(""), "teams_evidence.csv", "utf-8"), settings
    )
    if checked.issues:
        for issue in checked.issues:
            print(issue.format(), file=sys.stderr)
        raise SystemExit(1)
    out = checked.records.drop(columns=["row", "region_code"])
    out["established"] = out["established"].astype("Int64")
    out["evidence_year"] = out["evidence_year"].astype("Int64")
    out["closed"] = out["closed"].astype("Int64")
    io.write_csv(out, ROOT / "data" / "teams.csv")
    print(
        f"wrote data/teams.csv: {len(out)} teams, located by {out['location_basis'].value_counts().to_dict()}"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write data/teams.csv from the team evidence table.")
    parser.add_argument(
        "evidence",
        nargs="?",
        default=str(ROOT / "data" / "sources" / "teams_evidence.csv"),
        help="the evidence table (default: data/sources/teams_evidence.csv)",
    )
    main(parser.parse_args().evidence)
