"""Offline locations for teams: postcode normalising and lookup, area-code centres, point-in-polygon regions.

Reads only bundled lookup tables (postcode-district centroids, LAD / NHS-area / region boundaries) or an
ONS Postcode Directory file the user names. No network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
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


class Lookups:
    """The lookup tables of one data folder, boundaries folder and postcode file; each read when first used.

    An import of postcodes and coordinates needs only the district centres and the regions; area centres and
    local authorities are read when a row or a map asks for them.
    """

    def __init__(self, data_dir: str, boundaries_dir: str, postcode_file: str | None) -> None:
        self._data_dir, self._boundaries_dir, self._postcode_file = (
            Path(data_dir),
            Path(boundaries_dir),
            postcode_file,
        )

    @cached_property
    def district_points(self) -> pd.DataFrame:
        """latitude, longitude of each postcode district's centre, indexed by outcode ('LS1')."""
        d = pd.read_csv(self._data_dir / "uk_postcode_district_centroids.csv", dtype={"outcode": str})
        return d.set_index("outcode")[["latitude", "longitude"]].astype(float)

    @cached_property
    def districts(self) -> dict[str, tuple[float, float]]:
        """outcode -> (latitude, longitude)."""
        d = self.district_points
        return dict(zip(d.index, zip(d["latitude"], d["longitude"], strict=True), strict=True))

    @cached_property
    def postcodes(self) -> pd.DataFrame | None:
        """latitude, longitude of each full postcode ('AB1 2CD') of the user's postcode file, or None."""
        return _read_postcode_file(Path(self._postcode_file)) if self._postcode_file else None

    def _layer(self, level: str) -> gpd.GeoDataFrame:
        import geopandas as gpd

        path = self._boundaries_dir / "levels" / f"{level}.geojson"
        return gpd.read_file(path).rename(columns={"code": "area_code", "name": "area_name"})

    @cached_property
    def areas(self) -> gpd.GeoDataFrame:
        """area_code, geometry of every area of every level (WGS84), indexed by area_code."""
        import geopandas as gpd

        from gapmap.geo import areas as areas_mod

        order = areas_mod.table(self._boundaries_dir).level_order
        every = pd.concat([self._layer(lv)[["area_code", "geometry"]] for lv in reversed(order)])
        every = gpd.GeoDataFrame(every, geometry="geometry", crs="EPSG:4326").drop_duplicates("area_code")
        return every.set_index("area_code", drop=False)

    @cached_property
    def regions_lonlat(self) -> gpd.GeoDataFrame:
        """area_code, area_name, nation and geometry of regions (and the three nations), WGS84 as bundled."""
        from gapmap.geo import areas as areas_mod

        table = areas_mod.table(self._boundaries_dir)
        reg = self._layer("region")
        nation_names = dict(zip(table.codes("nation"), table.level_frame("nation")["name"], strict=True))
        reg["nation"] = reg["area_code"].map(lambda c: nation_names.get(table.ancestor(c, "nation"), ""))
        return reg

    @cached_property
    def regions(self) -> gpd.GeoDataFrame:
        """:attr:`regions_lonlat` in British National Grid (metres), for distances."""
        return self.regions_lonlat.to_crs(27700)

    @cached_property
    def las_lonlat(self) -> gpd.GeoDataFrame:
        """area_code, geometry of local authorities, WGS84 as bundled."""
        return self._layer("la")[["area_code", "geometry"]]

    @cached_property
    def las(self) -> gpd.GeoDataFrame:
        """:attr:`las_lonlat` in British National Grid (metres), for distances."""
        return self.las_lonlat.to_crs(27700)


@lru_cache(maxsize=4)
def _lookups(data_dir: str, boundaries_dir: str, postcode_file: str | None) -> Lookups:
    return Lookups(data_dir, boundaries_dir, postcode_file)


def lookups(settings: Settings, postcode_file: str | Path | None = None) -> Lookups:
    lk = _lookups(
        str(settings.data_dir), str(settings.boundaries_dir), str(postcode_file) if postcode_file else None
    )
    _ = lk.postcodes  # read now: a broken postcode file is bad input before any row is read
    return lk


def _read_postcode_file(path: Path) -> pd.DataFrame:
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
    return df.drop_duplicates("key").set_index("key")[["latitude", "longitude"]].astype(float)


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


def in_box(lat: Any, lon: Any) -> Any:
    """Whether a point (or each of arrays of points) lies in the generous UK box; NaN is outside."""
    return (lat >= UK_BOX[1]) & (lat <= UK_BOX[3]) & (lon >= UK_BOX[0]) & (lon <= UK_BOX[2])


def normalise_postcodes(cells: pd.Series) -> pd.Series:
    """:func:`normalise_postcode` of each cell ('' where a cell is blank or not a postcode), once per spelling."""
    return per_value(cells, lambda c: (normalise_postcode(c) or "") if c else "")


def postcode_points(lk: Lookups, postcodes: pd.Series) -> pd.DataFrame:
    """Where each normalised postcode is: columns latitude, longitude, basis ('postcode' from the postcode file,
    'postcode district' from the district's centre, '' if neither knows it), in one merge each."""
    out = pd.DataFrame({"latitude": np.nan, "longitude": np.nan}, index=postcodes.index)
    out["basis"] = pd.Series("", index=postcodes.index, dtype=object)
    full = lk.postcodes
    if full is not None:
        hit = full.reindex(postcodes.to_numpy())
        found = hit["latitude"].notna().to_numpy()
        out.loc[found, ["latitude", "longitude"]] = hit.to_numpy()[found]
        out.loc[found, "basis"] = "postcode"
    rest = (out["basis"] == "").to_numpy() & (postcodes != "").to_numpy()
    outward = per_value(postcodes[rest], lambda p: p.split(" ", 1)[0])
    hit = lk.district_points.reindex(outward.to_numpy())
    found = hit["latitude"].notna().to_numpy()
    where = outward.index[found]
    out.loc[where, ["latitude", "longitude"]] = hit.to_numpy()[found]
    out.loc[where, "basis"] = "postcode district"
    return out


def area_points(lk: Lookups, codes: pd.Series) -> pd.DataFrame:
    """latitude, longitude of a point inside the areas each cell of ';'-joined codes names (NaN if none known);
    one union per distinct set of codes."""
    points = {c: area_point(lk, c.split(";")) if c else None for c in codes.unique()}
    pairs = codes.map(lambda c: points[c] or (np.nan, np.nan))
    return pd.DataFrame(pairs.tolist(), index=codes.index, columns=["latitude", "longitude"], dtype=float)


def per_value(cells: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``fn`` of each cell, computed once per distinct value (100,000 rows hold far fewer spellings)."""
    codes, values = pd.factorize(cells.to_numpy(dtype=object))
    results = np.fromiter(map(fn, values), dtype=object, count=len(values))
    return pd.Series(results[codes], index=cells.index, dtype=object)


def _containing(
    lats: Any, lons: Any, polygons: gpd.GeoDataFrame, metric: Callable[[], gpd.GeoDataFrame]
) -> np.ndarray:
    """Position in ``polygons`` (WGS84) of the polygon each point lies in, else of the nearest within
    UK_TOLERANCE_M in ``metric()`` (the same polygons in metres: coastal bases, points on a border); -1 where
    there is none. One sjoin over every point ('within' tests against prepared polygons), and a nearest search,
    far slower per point, only for the few left."""
    import geopandas as gpd

    lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    out = np.full(len(points), -1, dtype=np.int64)
    hit = gpd.sjoin(points, polygons[["geometry"]].reset_index(drop=True), how="inner", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    out[hit.index.to_numpy()] = hit["index_right"].to_numpy()
    rest = np.flatnonzero(out < 0)
    if len(rest):
        near = gpd.sjoin_nearest(
            points.iloc[rest].to_crs(27700),
            metric()[["geometry"]].reset_index(drop=True),
            how="inner",
            max_distance=UK_TOLERANCE_M,
            distance_col="dist",
        )
        near = near.sort_values("dist", kind="stable")
        near = near[~near.index.duplicated(keep="first")]
        out[near.index.to_numpy()] = near["index_right"].to_numpy()
    return out


def assign_regions(lk: Lookups, lats: Any, lons: Any) -> pd.DataFrame:
    """Nation/region of each point: the region it lies in, or the nearest within UK_TOLERANCE_M.

    Returns columns region_code, region_name, nation ('' where the point is not in the UK), one row per point.
    """
    reg = lk.regions_lonlat
    found = _containing(lats, lons, reg, lambda: lk.regions)
    columns = {"region_code": "area_code", "region_name": "area_name", "nation": "nation"}
    # -1 (no region) picks the '' appended last.
    return pd.DataFrame(
        {col: np.append(reg[src].to_numpy(dtype=object), "")[found] for col, src in columns.items()},
        dtype=object,
    )


def local_authorities(settings: Settings, lats: list[float], lons: list[float]) -> list[str]:
    """The local authority each point lies in (nearest within UK_TOLERANCE_M for coastal points; '' if none)."""
    lk = lookups(settings)
    found = _containing(lats, lons, lk.las_lonlat, lambda: lk.las)
    codes = np.append(lk.las_lonlat["area_code"].to_numpy(dtype=object), "")
    return [str(c) for c in codes[found]]
