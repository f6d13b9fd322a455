"""What a static hex map draws beyond its hexagons: the ring inside each area a known team serves, the region
or nation outlines over the hexagons, and their legend entries (:mod:`gapmap.render.static` lays them out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gapmap.present.mapspec import MapSpec
from gapmap.render.layout import Swatch

if TYPE_CHECKING:
    import geopandas as gpd


# The browser's hex map: zoom limits (Leaflet's simple CRS: at zoom z one unit, a hexagon's radius, is 2**z
# pixels) and the credit in the map's corner.
ZOOMS = {"minZoom": 0, "maxZoom": 7, "zoomSnap": 0.25}
ATTRIBUTION = "Hex layouts: Open Innovations (MIT)"


def swatches(spec: MapSpec, team_colour: str) -> list[Swatch]:
    """A hex map's own legend entries: the ring on areas a team serves, the outlines drawn over the hexagons."""
    if not spec.is_hex:
        return []
    out = []
    if "ringed" in spec.areas and spec.areas["ringed"].any():
        out.append(Swatch(HEX_RING_LABEL, "white", team_colour, marker="h"))
    if spec.outlines is not None and len(spec.outlines):
        out.append(Swatch(outline_label(spec), "none", "#111111", marker="_"))
    return out


HEX_RING_LABEL = "Ring: at least one known team serves the area"


def legend_svgs(spec: MapSpec, team_colour: str) -> list[tuple[str, str]]:
    """The same entries for the browser map's legend: (SVG swatch, label), fixed text only."""
    out = []
    for swatch in swatches(spec, team_colour):
        if swatch.marker == "h":
            svg = (
                '<svg class="sw" width="16" height="12"><polygon points="8,1 13,3.5 13,8.5 8,11 3,8.5 3,3.5" '
                f'fill="white" stroke="{team_colour}" stroke-width="1.5"/></svg>'
            )
        else:
            svg = (
                '<svg class="sw" width="16" height="12"><line x1="1" y1="6" x2="15" y2="6" stroke="#111" '
                'stroke-width="2.5"/></svg>'
            )
        out.append((svg, swatch.label))
    return out


def outline_label(spec: MapSpec) -> str:
    """What the thick lines over a hex map are: regions and nations under local authorities, else nations."""
    return "Thick lines: regions and nations" if spec.extra.get("level") == "la" else "Thick lines: nations"


def overlays(ax: Any, spec: MapSpec, tolerance: float, team_colour: str) -> None:
    """Over a hex map's hexagons: a ring inside each area a known team serves, and the region or nation outlines
    (white under black, so they show on the darkest and the palest fill)."""
    from gapmap.geo import hexes

    areas = spec.areas
    if "ringed" in areas:
        served = areas.loc[areas["ringed"].astype(bool)]
        if len(served):
            _lines(ax, hexes.rings(served.geometry), team_colour, 1.1, tolerance)
    if spec.outlines is not None and len(spec.outlines):
        _lines(ax, spec.outlines.geometry.boundary, "#ffffff", 2.6, tolerance)
        _lines(ax, spec.outlines.geometry.boundary, "#111111", 1.3, tolerance)


def _lines(ax: Any, lines: Any, colour: str, lw: float, tolerance: float) -> None:
    import shapely
    from matplotlib.collections import LineCollection

    parts = shapely.get_parts(shapely.simplify(lines.to_numpy(), tolerance))
    segs = [shapely.get_coordinates(p) for p in parts if not p.is_empty]
    ax.add_collection(
        LineCollection(segs, colors=colour, linewidths=lw, zorder=3, capstyle="round", joinstyle="round"),
        autolim=False,
    )


def outlines_geojson(outlines: gpd.GeoDataFrame) -> str:
    """The lines drawn over a hex map in the browser (regions or nations), as GeoJSON: geometry only, no text."""
    import shapely

    lines = shapely.transform(outlines.geometry.boundary.to_numpy(), lambda xy: xy.round(5))
    features = ",".join(
        f'{{"type":"Feature","properties":{{}},"geometry":{shapely.to_geojson(g)}}}' for g in lines
    )
    return '{"type":"FeatureCollection","features":[' + features + "]}"
