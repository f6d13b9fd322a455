"""Which areas of a level share a border, and where each area's centre is for distances.

Neighbours come from the level's boundary file: two areas are neighbours when their shapes share a stretch of
border (a line, not just a corner point). An area's centre is its *population-weighted centre* where it is made
of several local authorities (the mean of their representative points, each weighted by its children aged 0-2,
from ``boundaries/areas.csv``), and its *representative point* (a point inside its shape) for a local authority,
for which no finer population grid is bundled. :data:`CENTRE_BASIS` says which, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gapmap.geo import areas, levels
from gapmap.settings import Settings

CENTRE_BASIS = {
    "la": "from the local authority's representative point (no finer population grid is bundled)",
    "coarser": "from the population-weighted centre of its local authorities (children aged 0-2)",
}


@dataclass(frozen=True)
class LevelGeometry:
    """Per area of one level: its neighbours (codes, sorted) and its centre (latitude, longitude)."""

    level: str
    neighbours: dict[str, tuple[str, ...]]
    centres: pd.DataFrame  # index area_code; columns lat, lon

    @property
    def centre_basis(self) -> str:
        return CENTRE_BASIS["la" if self.level == "la" else "coarser"]


def _shared_border(a: object, b: object) -> bool:
    import shapely

    return float(shapely.length(shapely.intersection(a, b))) > 0.0


@lru_cache(maxsize=8)
def _geometry(level: str, boundaries_dir: str) -> LevelGeometry:
    import geopandas as gpd
    import shapely

    settings = Settings(boundaries_dir=Path(boundaries_dir))
    shapes = levels.load_boundaries(settings.level_path(level))
    projected = shapes.to_crs("EPSG:27700")  # British National Grid: lengths in metres, robust intersections
    geoms = projected.geometry.to_numpy()
    codes = projected["area_code"].tolist()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    found: dict[str, set[str]] = {c: set() for c in codes}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and _shared_border(geoms[i], geoms[j]):
            found[codes[i]].add(codes[j])
            found[codes[j]].add(codes[i])
    neighbours = {c: tuple(sorted(v)) for c, v in found.items()}

    la_shapes = levels.load_boundaries(settings.level_path("la")).set_index("area_code")
    points = gpd.GeoSeries(shapely.point_on_surface(la_shapes.geometry.to_numpy()), index=la_shapes.index)
    t = areas.table(settings.boundaries_dir)
    if level == "la":
        centres = pd.DataFrame({"lat": points.y, "lon": points.x}).reindex(codes)
    else:
        la = t.level_frame("la").set_index("code")
        rows = []
        for code in codes:
            members = [m for m in t.members(code, "la") if m in points.index]
            weights = la.loc[members, "pop_age0to2"].astype(float).to_numpy()
            if not members or weights.sum() <= 0:
                rows.append((np.nan, np.nan))
                continue
            rows.append(
                (
                    float(np.average(points.loc[members].y.to_numpy(), weights=weights)),
                    float(np.average(points.loc[members].x.to_numpy(), weights=weights)),
                )
            )
        centres = pd.DataFrame(rows, columns=["lat", "lon"], index=pd.Index(codes, name="area_code"))
    centres.index.name = "area_code"
    return LevelGeometry(level, neighbours, centres)


def level_geometry(level: str, settings: Settings) -> LevelGeometry:
    """Neighbours and centres of every area of ``level`` (computed once per process and boundary folder).

    >>> g = level_geometry("region", Settings())
    >>> g.neighbours["W92000004"]  # Wales borders the North West, the West Midlands and the South West
    ('E12000002', 'E12000005', 'E12000009')
    """
    return _geometry(levels.get_level(level).id, str(settings.boundaries_dir))
