"""Boundaries prepared once per process for drawing: in British National Grid, simplified to the resolution of the
output, and the land outline that label placement keeps off. Keyed by the geometry itself (a hash of its
coordinates), so any boundary file, bundled or the user's, is prepared once however often it is drawn."""

from __future__ import annotations

import hashlib
import itertools
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


def _array(geoms: gpd.GeoSeries) -> Any:
    """The geometries as a plain numpy object array: shapely's functions on a GeometryArray go through pandas'
    generic ufunc path, which costs more than the operation itself."""
    import numpy as np

    return np.asarray(geoms.values)


def fingerprint(geoms: gpd.GeoSeries) -> str:
    """A hash of the coordinates, part sizes and CRS: equal for the same boundaries however they were loaded."""
    import shapely

    values = _array(geoms)
    h = hashlib.blake2b(digest_size=16)
    h.update(shapely.get_coordinates(values).tobytes())
    h.update(shapely.get_num_coordinates(values).tobytes())
    h.update(str(geoms.crs).encode())
    return h.hexdigest()


def to_bng(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The geometries in British National Grid (reprojected once per process per boundary set); geometries in a
    plain plane (no CRS: the hexagons of a hex map) are drawn as they are."""
    key = ("bng", fingerprint(geoms))
    if geoms.crs is None:
        return geoms.reset_index(drop=True)
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

    def make() -> gpd.GeoSeries:
        values = _array(bng)
        # Plain Douglas-Peucker is several times faster than the topology-preserving kind; the few areas it
        # would empty or make invalid (tiny islands at social sizes) are simplified the careful way instead.
        out = shapely.simplify(values, tol, preserve_topology=False)
        bad = shapely.is_empty(out) | ~shapely.is_valid(out)
        out[bad] = shapely.simplify(values[bad], tol, preserve_topology=True)
        return gpd.GeoSeries(out, crs=bng.crs)

    result: gpd.GeoSeries = _memo(key, make)
    return result


def land(geoms: gpd.GeoSeries) -> Any:
    """The union of all areas in British National Grid, prepared for fast tests (labels prefer the sea)."""
    import shapely

    def make() -> Any:
        values = _array(to_bng(geoms))
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
    return list(_memo(("paths", fingerprint(geoms), tol), lambda: _paths(_array(simplified(geoms, tol)))))


def _paths(values: Any) -> list[Any]:
    """Paths for an array of (multi)polygons, built with whole-array operations: every ring's coordinates
    at once, a MOVETO at each ring's start and a CLOSEPOLY at its end, then split by area."""
    import numpy as np
    import shapely
    from matplotlib.path import Path

    polys, poly_area = shapely.get_parts(values, return_index=True)
    rings, ring_poly = shapely.get_rings(polys, return_index=True)
    xy, point_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
    starts = np.flatnonzero(np.r_[True, point_ring[1:] != point_ring[:-1]]) if len(xy) else np.zeros(0, int)
    codes[starts] = Path.MOVETO
    codes[np.r_[starts[1:] - 1, len(xy) - 1] if len(xy) else starts] = Path.CLOSEPOLY
    point_area = poly_area[ring_poly[point_ring]] if len(xy) else np.zeros(0, int)
    bounds = np.searchsorted(point_area, np.arange(len(values) + 1))
    return [
        Path(xy[a:b], codes[a:b]) if b > a else Path(np.zeros((0, 2))) for a, b in itertools.pairwise(bounds)
    ]


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
        out = list(_array(to_bng(geoms)))  # our own cached copies: preparing them in place is safe
        shapely.prepare([g for g in out if g is not None])
        return out

    return list(_memo(("prepared", fingerprint(geoms)), make))
