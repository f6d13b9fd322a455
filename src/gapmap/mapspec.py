"""The plain description of one map (areas, colours, legend, texts, team points) that every renderer draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass
class MapSpec:
    """Everything a renderer needs; renderers compute nothing.

    ``areas`` columns: area_code, area_name, n, k, value, lo, hi, suppressed, comparison, colour, label,
    geometry (WGS84). ``label`` is the value and interval as shown ('' when suppressed).
    ``teams`` columns: name, provider, area_served, location_basis, evidence_year, source_url, exact, geometry.
    """

    title: str
    subtitle: str
    areas: gpd.GeoDataFrame
    legend: list[tuple[str, str]]
    suppressed_label: str
    base_note: str
    uk_note: str
    footer: list[str]
    alt_text: str
    synthetic: bool
    teams: gpd.GeoDataFrame | None = None
    teams_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
