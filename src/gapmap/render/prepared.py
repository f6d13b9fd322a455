"""Boundaries prepared once per process for drawing: in British National Grid, simplified to the resolution of the
output, and the land outline that label placement keeps off. Keyed by the geometry itself (a hash of its
coordinates), so any boundary file, bundled or the user's, is prepared once however often it is drawn."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

BNG = "EPSG:27700"  # British National Grid: the UK's own projection, so Shetland is not stretched
_MAX_ENTRIES = 32
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def _memo(key: tuple[Any, ...], make: Any) -> Any:
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    value = make()
    _cache[key] = value
    if len(_cache) > _MAX_ENTRIES:
        _cache.popitem(last=False)
    return value


def fingerprint(geoms: gpd.GeoSeries) -> str:
    """A hash of the coordinates, part sizes and CRS: equal for the same boundaries however they were loaded."""
    import shapely

    values = geoms.values
    h = hashlib.blake2b(digest_size=16)
    h.update(shapely.get_coordinates(values).tobytes())
    h.update(shapely.get_num_coordinates(values).tobytes())
    h.update(str(geoms.crs).encode())
    return h.hexdigest()


def to_bng(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The geometries in British National Grid (reprojected once per process per boundary set)."""
    key = ("bng", fingerprint(geoms))
    out: gpd.GeoSeries = _memo(key, lambda: geoms.to_crs(BNG).reset_index(drop=True))
    return out


def simplified(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """British National Grid geometries simplified to ``tolerance_m`` (half a pixel of the output: invisible).

    Each area is simplified on its own; at half a pixel any sliver between neighbours is below what is drawn.
    """
    import geopandas as gpd
    import shapely

    bng = to_bng(geoms)
    tol = float(f"{tolerance_m:.2g}")  # a few tolerances per size, so the cache is reused across renders
    key = ("simple", fingerprint(geoms), tol)
    out: gpd.GeoSeries = _memo(key, lambda: gpd.GeoSeries(shapely.simplify(bng.values, tol), crs=bng.crs))
    return out


def land(geoms: gpd.GeoSeries) -> Any:
    """The union of all areas in British National Grid, prepared for fast tests (labels prefer the sea)."""
    import shapely

    def make() -> Any:
        values = to_bng(geoms).values
        try:  # boundary sets are coverages (no gaps, no overlaps): their union is a fast edge walk
            union = shapely.coverage_union_all(values)
        except shapely.errors.GEOSException:  # a user's boundary file that is not a clean coverage
            union = shapely.union_all(shapely.simplify(values, 500.0)).buffer(0)
        shapely.prepare(union)
        return union

    return _memo(("land", fingerprint(geoms)), make)


def paths(geoms: gpd.GeoSeries, tolerance_m: float) -> list[Any]:
    """One matplotlib Path per area (holes and islands included), from the simplified copy; made once."""
    tol = float(f"{tolerance_m:.2g}")
    return list(_memo(("paths", fingerprint(geoms), tol), lambda: [_path(g) for g in simplified(geoms, tol)]))


def _path(geom: Any) -> Any:
    import numpy as np
    import shapely
    from matplotlib.path import Path

    if geom is None or geom.is_empty:
        return Path(np.zeros((0, 2)))
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    verts, codes = [], []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(verts), np.concatenate(codes))


def label_points(geoms: gpd.GeoSeries, limit: int) -> list[Any]:
    """Per area, up to ``limit`` points inside it to try a label at (British National Grid, as an (k, 2)
    array): its representative point first, then a 5×5 grid of its bounding box, nearest first."""
    return list(
        _memo(("points", fingerprint(geoms), limit), lambda: [_points(g, limit) for g in to_bng(geoms)])
    )


def _points(geom: Any, limit: int) -> Any:
    import numpy as np
    import shapely

    if geom is None or geom.is_empty:
        return np.zeros((0, 2))
    first = geom.representative_point()
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 7)[1:-1], np.linspace(miny, maxy, 7)[1:-1])
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    inside = grid[shapely.contains_xy(geom, grid[:, 0], grid[:, 1])]
    inside = inside[np.argsort(np.hypot(inside[:, 0] - first.x, inside[:, 1] - first.y), kind="stable")]
    return np.vstack([[first.x, first.y], inside])[:limit]


def prepared_geoms(geoms: gpd.GeoSeries) -> list[Any]:
    """The areas in British National Grid, prepared for fast containment tests."""
    import shapely

    def make() -> list[Any]:
        out = list(to_bng(geoms).values)  # our own cached copies: preparing them in place is safe
        shapely.prepare([g for g in out if g is not None])
        return out

    return list(_memo(("prepared", fingerprint(geoms)), make))
