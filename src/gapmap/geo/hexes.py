"""Equal-area hex maps: a level's hexagon layout (``boundaries/hex/``) as polygons keyed by our area codes, and the
outlines of the regions or nations that hold them, for drawing over the hexagons.

Every area is one hexagon of the same size (a region or nation: the union of its local authorities' hexagons),
so small, dense areas are as visible as large ones. The coordinates are a plain plane, not the Earth (``crs`` is
None): one unit is a hexagon's circumradius, ``x`` grows eastwards and ``y`` northwards. The polygons carry the
same ``area_code`` and ``area_name`` as the geographic boundaries, so every indicator joins to them unchanged.

>>> hexes = layout("la")
>>> len(hexes), hexes.crs is None, round(float(hexes.geometry.area.iloc[0]), 3)
(361, True, 2.598)
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gapmap.geo import areas
from gapmap.problems import InputError, Issue

if TYPE_CHECKING:
    import geopandas as gpd

SHAPES = ("map", "hex")  # the two ways to draw a level: its real boundaries, or equal hexagons
DEFAULT_SHAPE = "map"
# The file each level's hexagons come from; region and nation are unions of the local authorities' hexagons.
SOURCE = {"la": "la.hexjson", "nhs": "nhs.hexjson", "region": "la.hexjson", "nation": "la.hexjson"}
# The parent whose outline is drawn over a level's hexagons (column of areas.csv); none over nations.
OUTLINE_BY = {"la": "region_code", "nhs": "nation_code", "region": "nation_code"}
HALF_WIDTH = math.sqrt(3.0) / 2  # half a pointy-topped hexagon's width, circumradius 1


def check_shape(shape: str | None) -> str:
    """The shape asked for ('map' for None); InputError listing the valid ones otherwise.

    >>> check_shape("hex"), check_shape(None)
    ('hex', 'map')
    """
    if shape is None:
        return DEFAULT_SHAPE
    if shape not in SHAPES:
        raise InputError(
            [
                Issue(
                    None,
                    "shape",
                    shape,
                    f"Expected one of {', '.join(SHAPES)}; found '{shape}'. Fix: choose one of those shapes.",
                )
            ]
        )
    return shape


def centre(q: int, r: int) -> tuple[float, float]:
    """The centre of the hexagon in column ``q``, row ``r`` of an odd-r layout (odd rows shifted right by half a
    hexagon; rows count upwards), for pointy-topped hexagons of circumradius 1.

    >>> centre(0, 0), centre(0, 1)
    ((0.0, 0.0), (0.8660254037844386, 1.5))
    """
    return (2 * q + r % 2) * HALF_WIDTH, 1.5 * r


def hexagon(q: int, r: int) -> list[tuple[float, float]]:
    """The six corners, anticlockwise from the lower right. Each x is a whole number of half widths times the
    same float, so neighbours share corners exactly and their union has no slivers."""
    k, y = 2 * q + r % 2, 1.5 * r
    steps = ((1, -0.5), (1, 0.5), (0, 1.0), (-1, 0.5), (-1, -0.5), (0, -1.0))
    return [((k + dk) * HALF_WIDTH, y + dy) for dk, dy in steps]


def _read(path: Path) -> dict[str, tuple[int, int, str]]:
    """code -> (q, r, short name) from a HexJSON file; InputError if it is missing or not an odd-r layout."""
    if not path.exists():
        raise InputError([Issue(None, None, str(path), f"No hex layout at {path}. Fix: check the path.")])
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("layout") != "odd-r":
        raise InputError(
            [Issue(None, "layout", data.get("layout"), f"Expected an odd-r layout in {path.name}.")]
        )
    return {
        str(code): (int(h["q"]), int(h["r"]), str(h.get("short", ""))) for code, h in data["hexes"].items()
    }


@lru_cache(maxsize=16)
def _layout(level: str, folder: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    boundaries = Path(folder)
    cells = _read(boundaries / "hex" / SOURCE[level])
    t = areas.table(boundaries)
    if level in ("region", "nation"):
        la = t.level_frame("la").set_index("code")
        group = la[f"{level}_code"]
        frame = t.level_frame(level)
        shapes = []
        for code in frame["code"]:
            members = [
                shapely.Polygon(hexagon(*cells[c][:2])) for c in group.index[group == code] if c in cells
            ]
            shapes.append(shapely.coverage_union_all(members) if members else shapely.Polygon())
        return gpd.GeoDataFrame(
            {"area_code": frame["code"], "area_name": frame["name"], "short": ""}, geometry=shapes, crs=None
        )
    frame = t.level_frame(level)
    codes = [c for c in frame["code"] if c in cells]
    names = dict(zip(frame["code"], frame["name"], strict=True))
    return gpd.GeoDataFrame(
        {
            "area_code": codes,
            "area_name": [names[c] for c in codes],
            "short": [cells[c][2] for c in codes],
            "q": [cells[c][0] for c in codes],
            "r": [cells[c][1] for c in codes],
        },
        geometry=[shapely.Polygon(hexagon(*cells[c][:2])) for c in codes],
        crs=None,
    )


def _folder(boundaries_dir: str | Path | None) -> str:
    from gapmap.settings import ROOT

    return str(Path(boundaries_dir) if boundaries_dir else ROOT / "boundaries")


def layout(level: str, boundaries_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """A level's hexagons: area_code, area_name, short (a short name for labels, '' if none), geometry (one
    hexagon per area, or the union of its local authorities' hexagons for a region or nation); crs None.

    Areas of the level that the layout lacks are left out (the map then draws them as missing, and the tests
    check that no bundled level lacks any).

    >>> layout("nhs").set_index("area_code").loc["E54000027", "short"]
    'NWL'
    """
    from gapmap.geo.levels import get_level

    get_level(level)  # InputError for an unknown level
    return _layout(level, _folder(boundaries_dir)).copy()


@lru_cache(maxsize=16)
def _outlines(level: str, folder: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    column = OUTLINE_BY.get(level)
    if column is None:
        return gpd.GeoDataFrame({"code": [], "name": []}, geometry=[], crs=None)
    t = areas.table(folder)
    parent = t.level_frame(level).set_index("code")[column]
    hexes = _layout(level, folder).set_index("area_code")
    parent_level = "region" if column == "region_code" else "nation"
    names = dict(zip(t.level_frame(parent_level)["code"], t.level_frame(parent_level)["name"], strict=True))
    codes, shapes = [], []
    for code in dict.fromkeys(parent.dropna()):
        if not code:
            continue  # an area that straddles two parents has none
        members = [g for c, g in hexes.geometry.items() if parent.get(c) == code]
        codes.append(str(code))
        shapes.append(shapely.coverage_union_all(members))
    return gpd.GeoDataFrame(
        {"code": codes, "name": [names.get(c, c) for c in codes]}, geometry=shapes, crs=None
    )


def outlines(level: str, boundaries_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """The outlines to draw over a level's hexagons: its local authorities' regions and nations, or an NHS
    area's or region's nation (code, name, geometry; none for the nation level).

    >>> sorted(outlines("nhs")["name"])
    ['England', 'Northern Ireland', 'Scotland', 'Wales']
    """
    return _outlines(level, _folder(boundaries_dir)).copy()


# Levels whose areas are single hexagons: a ring inside one marks an area a known team serves. (Regions and
# nations are many hexagons each, and every one has a team: there the count is in the tooltip only.)
RINGED_LEVELS = ("nhs", "la")
RING_INSET = 0.2  # how far inside its hexagon's edge an area's team ring runs, in circumradii


def rings(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The ring drawn inside each hexagon (or union of hexagons) to mark an area a known team serves: its
    outline moved a fifth of a hexagon inwards, as a line.

    >>> round(float(rings(layout("nhs").geometry[:1]).length.iloc[0]), 2)
    4.61
    """
    return geoms.buffer(-RING_INSET, join_style="mitre").boundary
