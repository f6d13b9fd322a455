"""Offline locations for teams: postcode normalising and lookup, area-code centres, point-in-polygon regions.

Reads only bundled lookup tables (postcode-district centroids, LAD / NHS-area / region boundaries) or an
ONS Postcode Directory file the user names. No network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gapmap.problems import InputError, Issue
from gapmap.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?$")
# Generous UK box (lon, lat); a point must also lie within UK_TOLERANCE_M of a nation/region polygon.
UK_BOX = (-8.7, 49.8, 1.8, 60.9)
UK_TOLERANCE_M = (
    5_000  # the boundaries are generalised to 500 m and clipped to the coast: allow coastal bases
)


def normalise_postcode(raw: str) -> str | None:
    """'bt71nn' -> 'BT7 1NN'; an outward code alone ('ls1') -> 'LS1'; None if it is not a UK postcode shape.

    >>> normalise_postcode("bt71nn"), normalise_postcode(" sk14 1ng "), normalise_postcode("ls1"), normalise_postcode("12345")
    ('BT7 1NN', 'SK14 1NG', 'LS1', None)
    """
    compact = re.sub(r"\s+", "", raw).upper()
    m = POSTCODE_RE.match(compact)
    if not m:
        return None
    outward, inward = m.group(1), m.group(2)
    return f"{outward} {inward}" if inward else outward


@dataclass(frozen=True)
class Lookups:
    districts: dict[str, tuple[float, float]]  # outcode -> (latitude, longitude)
    postcodes: dict[str, tuple[float, float]] | None  # 'AB1 2CD' -> (latitude, longitude)
    areas: gpd.GeoDataFrame  # area_code, geometry (LAD24, NHS areas, regions/nations), WGS84
    regions: gpd.GeoDataFrame  # area_code, area_name, nation, geometry in British National Grid
    las: gpd.GeoDataFrame  # area_code, geometry of local authorities in British National Grid


@lru_cache(maxsize=4)
def _lookups(data_dir: str, boundaries_dir: str, postcode_file: str | None) -> Lookups:
    import geopandas as gpd

    d = pd.read_csv(Path(data_dir) / "uk_postcode_district_centroids.csv", dtype={"outcode": str})
    districts = {
        o: (float(a), float(b)) for o, a, b in zip(d["outcode"], d["latitude"], d["longitude"], strict=True)
    }
    from gapmap import areas as areas_mod

    b = Path(boundaries_dir)
    table = areas_mod.table(b)
    layers = {
        lv: gpd.read_file(b / "levels" / f"{lv}.geojson").rename(
            columns={"code": "area_code", "name": "area_name"}
        )
        for lv in table.level_order
    }
    every = pd.concat([layers[lv][["area_code", "geometry"]] for lv in reversed(table.level_order)])
    every = gpd.GeoDataFrame(every, geometry="geometry", crs="EPSG:4326").drop_duplicates("area_code")
    reg = layers["region"]
    nation_names = dict(zip(table.codes("nation"), table.level_frame("nation")["name"], strict=True))
    reg["nation"] = reg["area_code"].map(lambda c: nation_names.get(table.ancestor(c, "nation"), ""))
    return Lookups(
        districts=districts,
        postcodes=_read_postcode_file(Path(postcode_file)) if postcode_file else None,
        areas=every.set_index("area_code", drop=False),
        regions=reg.to_crs(27700),
        las=layers["la"][["area_code", "geometry"]].to_crs(27700),
    )


def lookups(settings: Settings, postcode_file: str | Path | None = None) -> Lookups:
    return _lookups(
        str(settings.data_dir), str(settings.boundaries_dir), str(postcode_file) if postcode_file else None
    )


def _read_postcode_file(path: Path) -> dict[str, tuple[float, float]]:
    """An ONS Postcode Directory (ONSPD/NSPL) CSV: postcode in pcds/pcd/pcd7/postcode, lat, long."""
    if not path.is_file():
        raise InputError([Issue(None, "--postcode-file", str(path), f"No postcode file at {path}.")])
    try:
        head = pd.read_csv(path, nrows=0)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:  # EmptyDataError is a ValueError
        raise _unreadable(path, exc) from None
    cols = {c.lower(): c for c in head.columns}
    pc = next((cols[c] for c in ("pcds", "pcd", "pcd7", "pcd8", "postcode") if c in cols), None)
    lat = next((cols[c] for c in ("lat", "latitude") if c in cols), None)
    lon = next((cols[c] for c in ("long", "lon", "longitude") if c in cols), None)
    if not (pc and lat and lon):
        raise InputError(
            [
                Issue(
                    1,
                    None,
                    ", ".join(head.columns),
                    "Expected ONS Postcode Directory columns pcds (or pcd), lat and long in the postcode file. "
                    "Fix: use the ONSPD or NSPL CSV as published.",
                )
            ]
        )
    try:
        df = pd.read_csv(path, usecols=[pc, lat, lon], dtype={pc: str})
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise _unreadable(path, exc) from None
    for col in (lat, lon):  # a cell that is not a number cannot place a postcode: leave that postcode out
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df = df.dropna(subset=[lat, lon])
    df["key"] = df[pc].map(lambda s: normalise_postcode(str(s)) or "")
    df = df.rename(columns={lat: "latitude", lon: "longitude"})
    # ONSPD marks postcodes without a grid reference with latitude 99.999999.
    df = df.loc[(df["key"] != "") & (df["latitude"] < 90)]
    df = df.drop_duplicates("key")
    return {
        k: (float(a), float(b)) for k, a, b in zip(df["key"], df["latitude"], df["longitude"], strict=True)
    }


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(
        [
            Issue(
                None,
                "--postcode-file",
                str(path),
                f"Expected the ONS Postcode Directory as a CSV file; {path.name} could not be read as one "
                f"({type(exc).__name__}: {str(exc)[:200]}). Fix: use the ONSPD or NSPL CSV as published.",
            )
        ]
    )


def area_point(lk: Lookups, codes: list[str]) -> tuple[float, float] | None:
    """A point inside the union of the areas served (lat, lon), or None if no code is known."""
    import shapely

    geoms = [lk.areas.at[c, "geometry"] for c in codes if c in lk.areas.index]
    if not geoms:
        return None
    pt = shapely.union_all(geoms).representative_point()
    return (round(pt.y, 5), round(pt.x, 5))


def in_box(lat: float, lon: float) -> bool:
    return UK_BOX[1] <= lat <= UK_BOX[3] and UK_BOX[0] <= lon <= UK_BOX[2]


def assign_regions(lk: Lookups, lats: list[float], lons: list[float]) -> pd.DataFrame:
    """Nation/region of each point, vectorised (geopandas sjoin_nearest within UK_TOLERANCE_M).

    Returns columns region_code, region_name, nation ('' where the point is not in the UK).
    """
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        {"i": range(len(lats))}, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326"
    ).to_crs(27700)
    joined = gpd.sjoin_nearest(pts, lk.regions, how="left", max_distance=UK_TOLERANCE_M, distance_col="dist")
    joined = joined.sort_values("dist").drop_duplicates("i").sort_values("i").set_index("i")
    out = pd.DataFrame(index=range(len(lats)))
    out["region_code"] = joined["area_code"].reindex(out.index).fillna("")
    out["region_name"] = joined["area_name"].reindex(out.index).fillna("")
    out["nation"] = joined["nation"].reindex(out.index).fillna("")
    return out


def local_authorities(settings: Settings, lats: list[float], lons: list[float]) -> list[str]:
    """The local authority each point lies in (nearest within UK_TOLERANCE_M for coastal points; '' if none)."""
    import geopandas as gpd

    lk = lookups(settings)
    pts = gpd.GeoDataFrame(
        {"i": range(len(lats))}, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326"
    ).to_crs(27700)
    joined = gpd.sjoin_nearest(pts, lk.las, how="left", max_distance=UK_TOLERANCE_M, distance_col="dist")
    joined = joined.sort_values("dist").drop_duplicates("i").set_index("i")
    return [
        str(joined["area_code"].get(i, "") or "") if pd.notna(joined["area_code"].get(i)) else ""
        for i in range(len(lats))
    ]
