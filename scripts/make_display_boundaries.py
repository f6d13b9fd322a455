"""Write boundaries/uk_regions_nations_display.geojson: a small display copy of the 12 UK nations and regions.

Run: python scripts/make_display_boundaries.py

shapely.coverage_simplify simplifies the areas as one coverage, so neighbours keep sharing the same border
(no gaps, no overlaps); coordinates are then rounded to 3 decimal places (about 100 m). Tiny islands that would
vanish keep their simplified shape, so Shetland, Orkney and Scilly stay visible.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "boundaries" / "uk_regions_nations_buc.geojson"
OUT = ROOT / "boundaries" / "uk_regions_nations_display.geojson"
TOLERANCE_M = 1000  # metres in British National Grid: twice the 500 m BUC generalisation
DECIMALS = 3  # about 100 m: below one pixel of a whole-UK map, even printed at 300 dpi


def main() -> None:
    gdf = gpd.read_file(SOURCE)[["gss_cd", "name", "nation", "geometry"]].to_crs(27700)
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance=TOLERANCE_M, simplify_boundary=True)
    gdf = gdf.set_geometry(gpd.GeoSeries(simplified, crs=27700)).to_crs(4326)
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10**-DECIMALS)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    text = gdf.to_json(drop_id=True, to_wgs84=True)
    OUT.write_text(json.dumps(json.loads(text), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT}: {OUT.stat().st_size:,} bytes (source {SOURCE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
