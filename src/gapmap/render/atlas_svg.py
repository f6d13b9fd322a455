"""The atlas's maps as inline SVG: each map (:class:`gapmap.present.atlas_maps.AreaMap`) drawn once, one
``<path>`` per area, and each page's own area highlighted by moving its path last (so its outline is on top) with
a class, which costs a string join, not a redraw.

Shapes come from the prepared British National Grid copies (:mod:`gapmap.render.prepared`, the same the static
maps use), simplified to half a pixel of the map's width. The map is an image (``role="img"``) with a title and a
description; its values are in words beside it and in the data table (the SVG has nothing to focus).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapmap import safetext
from gapmap.render import prepared

if TYPE_CHECKING:
    from gapmap.present.atlas_maps import AreaMap

WIDTH = 600.0  # the viewBox width; the page scales it to its column
HATCH = "hatch"


def h(text: object) -> str:
    """Text from data, escaped for HTML and with bidi overrides made visible."""
    return html.escape(safetext.visible(text), quote=True)


@dataclass(frozen=True)
class DrawnMap:
    """One map drawn: the SVG before and after the areas, and each area's ``<path>`` by code."""

    head: str
    paths: dict[str, str]
    tail: str

    @property
    def aspect(self) -> str:
        """The map's width to height, from its viewBox ('600 / 812'), for a box that fits it."""
        w, h_ = self.head.split('viewBox="0 0 ', 1)[1].split('"', 1)[0].split()
        return f"{w} / {h_}"

    def svg(self, here: str = "") -> str:
        """The map with ``here`` (an area code, or '' for none) outlined and drawn last."""
        if here in self.paths:
            others = "".join(p for c, p in self.paths.items() if c != here)
            mine = self.paths[here].replace('class="a"', 'class="a here"', 1)
            return self.head + others + mine + self.tail
        return self.head + "".join(self.paths.values()) + self.tail


def _rings_d(geom: object, minx: float, maxy: float, scale: float) -> str:
    import numpy as np
    import shapely

    parts = []
    for poly in shapely.get_parts(np.asarray([geom], dtype=object)):
        for ring in shapely.get_rings(np.asarray([poly], dtype=object)):
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            px = np.round((xy[:, 0] - minx) * scale, 1)
            py = np.round((maxy - xy[:, 1]) * scale, 1)
            pts = " ".join(f"{x:g},{y:g}" for x, y in zip(px.tolist(), py.tolist(), strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


def draw(m: AreaMap, map_id: str) -> DrawnMap:
    """Draw one map's areas (their colours from the map's spec, suppressed areas hatched grey)."""
    import numpy as np

    return _drawn(
        m, map_id, np.asarray(prepared.to_bng(m.areas.geometry).values, dtype=object), simplify=True
    )


def _drawn(m: AreaMap, map_id: str, values: Any, simplify: bool) -> DrawnMap:
    """The SVG of ``values`` (one geometry per row of ``m.areas``, x east and y north) fitted to the width."""
    import shapely

    minx, miny, maxx, maxy = shapely.total_bounds(values)
    pad = 0.01 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    scale = WIDTH / (maxx - minx)
    height = (maxy - miny) * scale
    tol = 0.5 / scale  # half a pixel of the map's width, in the map's units
    simple = shapely.simplify(values, tol, preserve_topology=True) if simplify else values
    paths = {}
    for code, colour, tip, sup, geom in zip(
        m.areas["area_code"],
        m.areas["colour"],
        m.areas["tooltip"],
        m.areas["suppressed"],
        simple,
        strict=True,
    ):
        fill = f"url(#{map_id}-{HATCH})" if sup else h(colour)
        paths[str(code)] = (
            f'<path class="a" data-code="{h(code)}" fill="{fill}" d="{_rings_d(geom, minx, maxy, scale)}">'
            f"<title>{h(tip)}</title></path>"
        )
    head = (
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:.0f}" '
        f'role="img" aria-labelledby="{map_id}-t {map_id}-d" focusable="false">'
        f'<title id="{map_id}-t">{h(m.title)}</title><desc id="{map_id}-d">{h(m.alt_text)}</desc>'
        f'<defs><pattern id="{map_id}-{HATCH}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#bdbdbd"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#525252" stroke-width="2"/></pattern></defs><g>'
    )
    return DrawnMap(head, paths, "</g></svg>")


_HEX_DRAWN: dict[tuple[object, str], DrawnMap | None] = {}


def hex_map(m: AreaMap, map_id: str) -> DrawnMap | None:
    """The same map as equal hexagons, one per area (small areas as visible as large ones), from the bundled hex
    layouts (:mod:`gapmap.geo.hexes`); drawn once per map. None where the layout lacks any of the map's areas, or
    the map has one area (a hexagon alone says nothing a page's figures do not)."""
    key = (m.key, map_id)
    if key not in _HEX_DRAWN:
        import numpy as np

        from gapmap.geo import hexes

        shapes = hexes.layout(m.key.level).set_index("area_code").geometry
        codes = [str(c) for c in m.areas["area_code"]]
        if len(codes) < 2 or not set(codes) <= set(shapes.index):
            _HEX_DRAWN[key] = None
        else:
            values = np.asarray([shapes[c] for c in codes], dtype=object)
            from dataclasses import replace

            titled = replace(m, title=f"{m.title} (hex map: one equal hexagon per area)")
            _HEX_DRAWN[key] = _drawn(titled, map_id, values, simplify=False)
    return _HEX_DRAWN[key]
