"""UK nation/region boundaries joined to indicator tables; the attribution every map prints."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gapmap import io
from gapmap.indicators import IndicatorTable

if TYPE_CHECKING:
    import geopandas as gpd

BOUNDARY_ATTRIBUTION = (
    "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2018."
)
SURVEY_SOURCE = (
    "Survey: Parent-Infant Foundation (2021), 'Where are the infants in children and young people's "
    "mental health?', 283 NHS practitioners."
)
SYNTHETIC_NOTE = (
    "SYNTHETIC SAMPLE: respondents are generated to match the report's UK figures; "
    "differences between areas are chance only."
)


@lru_cache(maxsize=8)
def _load(path: str, code_field: str, mtime: float) -> gpd.GeoDataFrame:
    return io.read_boundaries(path, code_field)


def load_boundaries(path: str | Path, code_field: str = "gss_cd") -> gpd.GeoDataFrame:
    """Boundaries read once per file version (cached on path, field and modification time).

    >>> from gapmap.settings import Settings
    >>> len(load_boundaries(Settings().boundaries_path))
    12
    """
    p = Path(path)
    mtime = p.stat().st_mtime if p.exists() else 0.0
    return _load(str(p), code_field, mtime).copy()


WEB_TOLERANCE_M = 2_000  # browser maps open at whole-UK zoom; 2 km is under a pixel there


@lru_cache(maxsize=4)
def _web(path: str, code_field: str, mtime: float) -> gpd.GeoDataFrame:
    import shapely

    gdf = _load(path, code_field, mtime).to_crs(27700)
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance=WEB_TOLERANCE_M)
    gdf = gdf.set_geometry(list(simplified), crs=27700).to_crs(4326)
    gdf["geometry"] = shapely.make_valid(shapely.set_precision(gdf.geometry.values, 0.001))
    return gdf


def web_boundaries(path: str | Path, code_field: str = "gss_cd") -> gpd.GeoDataFrame:
    """A lighter copy for the browser: coverage-simplified again (shared borders stay shared), 3 decimals."""
    p = Path(path)
    mtime = p.stat().st_mtime if p.exists() else 0.0
    return _web(str(p), code_field, mtime).copy()


def join(table: IndicatorTable, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every boundary polygon with its indicator row (areas without a row keep n = 0 and no value)."""
    frame = table.areas.drop(columns=["area_name"])
    merged = boundaries.merge(frame, on="area_code", how="left")
    merged["indicator"] = table.indicator.id
    merged["n"] = merged["n"].fillna(0).astype(int)
    merged["suppressed"] = merged["suppressed"].astype("boolean").fillna(True).astype(bool)
    merged["comparison"] = merged["comparison"].fillna("")
    return merged
