"""Area labels on a static map, placed only where they fit: inside the area, else (few areas) beside it over the
sea with a leader line, never over another label or a team marker. Labels that fit nowhere are returned, so the
page can list their values (or point to the CSV), and nothing shown in the table is lost from the map's page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapmap.render.layout import FONT, LINESPACING, Page

if TYPE_CHECKING:
    import geopandas as gpd

LEADERS_UP_TO = 20  # areas on the map; above this (NHS areas, local authorities) labels go inside areas only
PAD = 0.15  # label box padding, in font sizes (matplotlib's boxstyle pad)


@dataclass(frozen=True)
class Rect:
    """A rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Rect) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Rect) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1


@dataclass(frozen=True)
class Placed:
    """What label placement did: the drawn labels and the (area name, label) pairs that fit nowhere."""

    drawn: int
    omitted: list[tuple[str, str]]


def _label_box(page: Page, text: str, pt: float) -> tuple[float, float]:
    """Width and height in pixels of a label with its padding."""
    lines = text.split("\n")
    width = max(page.line_width(line, pt) for line in lines) * page.fig.dpi
    height = len(lines) * pt * LINESPACING * page.fig.dpi / 72
    pad = 2 * PAD * pt * page.fig.dpi / 72
    return width + pad + 2, height + pad + 2


def place_labels(
    page: Page,
    ax: Any,
    areas: gpd.GeoDataFrame,
    pt: float,
    obstacles: list[Rect],
) -> Placed:
    """Label the areas (columns area_name, label, geometry in WGS84), largest area first."""
    import numpy as np
    import shapely

    from gapmap.render import prepared

    frame = ax.bbox  # display pixels; fixed, as the axes' position is set and nothing rescales it
    frame_rect = Rect(frame.x0, frame.y0, frame.x1, frame.y1)
    ends = ax.transData.transform([[0.0, 0.0], [1000.0, 0.0]])
    px_per_m = float(ends[1][0] - ends[0][0]) / 1000.0
    ox, oy = ends[0]

    def to_px(xy: Any) -> Any:  # the axes have one scale in x and y, so this is the whole transform
        xy = np.asarray(xy, dtype=float)
        return np.column_stack([ox + xy[:, 0] * px_per_m, oy + xy[:, 1] * px_per_m])

    many = len(areas) > LEADERS_UP_TO
    geoms = prepared.prepared_geoms(areas.geometry)
    points = prepared.label_points(areas.geometry, 8 if many else 12)
    land = prepared.land(areas.geometry) if not many else None
    kept: list[Rect] = []
    leaders: list[Any] = []  # leader lines drawn so far (data coordinates): no label or leader crosses one
    omitted: list[tuple[str, str]] = []
    drawn = 0
    sizes = [g.area if g is not None else 0.0 for g in geoms]
    names, texts = areas["area_name"].astype(str).tolist(), areas["label"].astype(str).tolist()
    for i in sorted(range(len(areas)), key=lambda j: -sizes[j]):
        name, text, geom = names[i], texts[i], geoms[i]
        if not text or geom is None or geom.is_empty:
            continue
        w, h = _label_box(page, text, pt)
        hw, hh = w / 2 / px_per_m, h / 2 / px_per_m
        spot: tuple[float, float, Rect, tuple[list[float], list[float]] | None] | None = None
        for (x, y), (cx, cy) in zip(points[i], to_px(points[i]), strict=True):
            r = Rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if (
                not r.inside(frame_rect)
                or any(r.overlaps(o) for o in kept)
                or any(r.overlaps(o) for o in obstacles)
            ):
                continue
            box = shapely.box(x - hw, y - hh, x + hw, y + hh)
            if any(box.intersects(line) for line in leaders):
                continue
            # Many small areas: the label lies (almost) wholly inside its own area; few: mostly inside.
            fits = geom.intersection(box).area > (0.9 if many else 0.5) * box.area
            if fits:
                spot = (x, y, r, None)
                break
        if spot is None and not many and len(points[i]):
            spot = _beside(points[i][0], w, h, px_per_m, to_px, frame_rect, kept, obstacles, land, leaders)
        if spot is None:
            omitted.append((str(name), text.replace("\n", " ")))
            continue
        x, y, rect, anchor = spot
        kept.append(rect)
        if anchor is not None:
            leaders.append(shapely.LineString(list(zip(*anchor, strict=True))))
        label = ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=pt,
            family=FONT,
            linespacing=LINESPACING,
            color="#111111",
            zorder=6,
            bbox={
                "boxstyle": f"round,pad={PAD}",
                "fc": "white",
                "ec": "#666666" if anchor else "none",
                "lw": 0.4,
                "alpha": 0.88,
            },
        )
        page.texts.append(label)
        if anchor is not None:
            ax.plot(*anchor, color="#333333", linewidth=0.6, zorder=5, solid_capstyle="round")
            ax.plot([anchor[0][1]], [anchor[1][1]], marker="o", markersize=1.8, color="#333333", zorder=5)
        drawn += 1
    return Placed(drawn, omitted)


def _beside(
    anchor: Any,
    w: float,
    h: float,
    px_per_m: float,
    to_px: Any,
    frame: Rect,
    kept: list[Rect],
    obstacles: list[Rect],
    land: Any,
    leaders: list[Any],
) -> tuple[float, float, Rect, tuple[list[float], list[float]]] | None:
    """A spot beside a small area for its label, joined to ``anchor`` (a point inside it) by a short leader
    line: off the land where it can be, near where it cannot, never over another label, marker or leader."""
    import numpy as np
    import shapely

    axp, ayp = to_px([anchor])[0]
    diag = math.hypot(w, h)
    reach = max(frame.x1 - frame.x0, frame.y1 - frame.y0)  # a leader longer than a tenth of the map is costly
    ox, oy = to_px([[0.0, 0.0]])[0]
    hw, hh = w / 2 / px_per_m, h / 2 / px_per_m
    # Every candidate spot (6 distances x 16 directions) that is on the map and clear of labels and markers.
    spots = []
    for mult in (0.9, 1.3, 1.8, 2.5, 3.4, 4.5):
        for step in range(16):
            angle = 2 * math.pi * step / 16
            cx, cy = axp + mult * diag * math.cos(angle), ayp + mult * diag * math.sin(angle)
            r = Rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if (
                r.inside(frame)
                and not any(r.overlaps(o) for o in kept)
                and not any(r.overlaps(o) for o in obstacles)
            ):
                spots.append((mult, r, (cx - ox) / px_per_m, (cy - oy) / px_per_m))
    if not spots:
        return None
    boxes = shapely.box(
        [b[2] - hw for b in spots],
        [b[3] - hh for b in spots],
        [b[2] + hw for b in spots],
        [b[3] + hh for b in spots],
    )
    on_land = (
        shapely.area(shapely.intersection(land, boxes)) / shapely.area(boxes)
        if land is not None
        else np.zeros(len(spots))
    )
    scores = 1.5 * on_land + np.array([m for m, *_ in spots]) * diag / (0.1 * reach)
    point = shapely.Point(anchor)
    others = [shapely.box(*_to_data(o, ox, oy, px_per_m)) for o in kept]
    for i in np.argsort(scores, kind="stable"):  # best first; the first whose leader is clear wins
        _mult, r, bx, by = spots[i]
        box = boxes[i]
        if box.contains(point):
            continue
        seg = shapely.LineString([tuple(anchor), (bx, by)]).difference(box)
        if seg.is_empty or any(o.intersects(seg) for o in others):
            continue
        if any(line.intersects(seg) or line.intersects(box) for line in leaders):
            continue
        line = seg if seg.geom_type == "LineString" else seg.geoms[0]
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        return bx, by, r, ([x1, x0], [y1, y0])
    return None


def _to_data(r: Rect, ox: float, oy: float, px_per_m: float) -> tuple[float, float, float, float]:
    """A pixel rectangle back in data coordinates (the axes have one scale in x and y)."""
    return ((r.x0 - ox) / px_per_m, (r.y0 - oy) / px_per_m, (r.x1 - ox) / px_per_m, (r.y1 - oy) / px_per_m)
