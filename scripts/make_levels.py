"""Write the geography levels gapmap maps: boundaries/areas.csv and boundaries/levels/<level>[.web].geojson.

Run: python scripts/make_levels.py [FOLDER]   (default: boundaries/, where its four input files are bundled)

The building block is the local authority (ONS LAD May 2024 BSC, 361 areas). Every other level is a best-fit
union of local authorities, as ONS best-fit lookups are: an NHS area is the local authorities whose main NHS area
it is (`is_main` in lad24_to_nhs_area_lookup.csv, by share of the local authority's area), a region or nation the
local authorities coded to it (RGNCTRYCD). So every level nests exactly in the coarser ones, and population aged
0-2 per area is the sum over its local authorities (ONS mid-2019, population_age0to2_mid2019_lad24.csv).

Each level gets a print copy and a lighter web copy, both simplified as one coverage (shapely.coverage_simplify:
neighbours keep sharing one border, no gaps, no overlaps), then rounded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "boundaries"
NATIONS = {
    "E": ("E92000001", "England"),
    "W": ("W92000004", "Wales"),
    "S": ("S92000003", "Scotland"),
    "N": ("N92000002", "Northern Ireland"),
}
# (print tolerance, web tolerance) in metres of British National Grid, and decimals kept (4 = about 10 m).
TOLERANCE = {"nation": (500, 3000), "region": (500, 3000), "nhs": (250, 800), "la": (150, 1300)}
DECIMALS = {"print": 4, "web": 3}


def _write(gdf: gpd.GeoDataFrame, path: Path, decimals: int) -> None:
    out = gdf.to_crs(4326)
    out["geometry"] = shapely.make_valid(shapely.set_precision(out.geometry.values, 10**-decimals))
    text = out.to_json(drop_id=True, to_wgs84=True)
    path.write_text(json.dumps(json.loads(text), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(out)} areas, {path.stat().st_size:,} bytes")


def main(geo: Path) -> None:
    lad = gpd.read_file(geo / "uk_lad_2024_bsc.geojson")[["LAD24CD", "LAD24NM", "RGNCTRYCD", "geometry"]]
    lad = lad.to_crs(27700)
    lad["geometry"] = shapely.make_valid(lad.geometry.values)
    lookup = pd.read_csv(geo / "lad24_to_nhs_area_lookup.csv")
    main_nhs = lookup.loc[lookup["is_main"].astype(bool)].set_index("LAD24CD")
    pop = pd.read_csv(geo / "population_age0to2_mid2019_lad24.csv").set_index("LAD24CD")["pop_age0to2"]
    regions = pd.read_csv(geo / "uk_regions_nations_lookup.csv").set_index("gss_cd")["name"]

    la = pd.DataFrame(
        {
            "level": "la",
            "code": lad["LAD24CD"],
            "name": lad["LAD24NM"].str.strip(),
            "area_type": "local authority",
            "nation_code": lad["LAD24CD"].str[0].map(lambda c: NATIONS[c][0]),
            "region_code": lad["RGNCTRYCD"],
            "nhs_code": lad["LAD24CD"].map(main_nhs["nhs_area_code"]),
            "la_count": 1,
            "pop_age0to2": lad["LAD24CD"].map(pop).astype(int),
        }
    )
    missing = la.loc[la["nhs_code"].isna(), "code"].tolist()
    if missing:
        raise SystemExit(f"local authorities without a main NHS area: {missing}")

    def parent_if_one(codes: pd.Series) -> str:
        values = codes.unique()
        return str(values[0]) if len(values) == 1 else ""

    nhs_names = main_nhs.drop_duplicates("nhs_area_code").set_index("nhs_area_code")
    groups = {
        "nation": la.groupby("nation_code").agg(
            la_count=("code", "size"), pop_age0to2=("pop_age0to2", "sum")
        ),
        "region": la.groupby("region_code").agg(
            nation_code=("nation_code", parent_if_one),
            la_count=("code", "size"),
            pop_age0to2=("pop_age0to2", "sum"),
        ),
        "nhs": la.groupby("nhs_code").agg(
            nation_code=("nation_code", parent_if_one),
            region_code=("region_code", parent_if_one),
            la_count=("code", "size"),
            pop_age0to2=("pop_age0to2", "sum"),
        ),
    }
    nation_names = dict(NATIONS.values())
    rows = []
    for code, r in groups["nation"].iterrows():
        rows.append({"level": "nation", "code": code, "name": nation_names[code], "area_type": "nation", **r})
    for code, r in groups["region"].iterrows():
        kind = "region" if str(code).startswith("E12") else "nation"
        rows.append({"level": "region", "code": code, "name": regions[code], "area_type": kind, **r})
    for code, r in groups["nhs"].iterrows():
        info = nhs_names.loc[code]
        rows.append(
            {
                "level": "nhs",
                "code": code,
                "name": info["nhs_area_name"],
                "area_type": info["nhs_area_type"],
                **r,
            }
        )
    areas = pd.concat([pd.DataFrame(rows), la], ignore_index=True)
    cols = ["level", "code", "name", "area_type", "nation_code", "region_code", "nhs_code", "la_count"]
    areas = areas[[*cols, "pop_age0to2"]].fillna({"nation_code": "", "region_code": "", "nhs_code": ""})
    areas["la_count"] = areas["la_count"].astype(int)
    areas["pop_age0to2"] = areas["pop_age0to2"].astype(int)
    for level in ("nation", "region", "nhs"):
        total = int(areas.loc[areas["level"] == level, "pop_age0to2"].sum())
        if total != int(la["pop_age0to2"].sum()):
            raise SystemExit(f"{level}: population {total} does not add up to the local authorities'")
    areas.to_csv(OUT / "areas.csv", index=False)
    print(f"wrote boundaries/areas.csv: {areas['level'].value_counts().to_dict()}")

    (OUT / "levels").mkdir(exist_ok=True)
    la_geo = lad[["LAD24CD", "geometry"]].rename(columns={"LAD24CD": "code"})
    for level, key in (
        ("nation", "nation_code"),
        ("region", "region_code"),
        ("nhs", "nhs_code"),
        ("la", "code"),
    ):
        member = la.set_index("code", drop=False)[key]
        g = la_geo.assign(group=la_geo["code"].map(member))
        dissolved = g.groupby("group")["geometry"].agg(lambda s: shapely.union_all(s.values))
        dissolved = gpd.GeoDataFrame(
            {"code": dissolved.index}, geometry=list(dissolved.values), crs=27700
        ).reset_index(drop=True)
        names = areas.loc[areas["level"] == level].set_index("code")["name"]
        dissolved.insert(1, "name", dissolved["code"].map(names))
        for copy, tol in zip(("print", "web"), TOLERANCE[level], strict=True):
            simple = shapely.coverage_simplify(dissolved.geometry.values, tolerance=tol)
            out = dissolved.set_geometry(list(simple), crs=27700)
            suffix = ".geojson" if copy == "print" else ".web.geojson"
            _write(out, OUT / "levels" / f"{level}{suffix}", DECIMALS[copy])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "boundaries")  # its inputs are bundled there
