"""Print-quality static maps (PNG at 300 dpi, SVG with real text, PDF) drawn with matplotlib via geopandas."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapmap import output
from gapmap.classify import SUPPRESSED_COLOUR
from gapmap.mapspec import MapSpec

if TYPE_CHECKING:
    import geopandas as gpd

BNG = "EPSG:27700"  # British National Grid: the UK's own projection, so Shetland is not stretched
DPI = 300


def render(spec: MapSpec, path: str | Path, fmt: str) -> Path:
    """Draw the map to ``path`` (written atomically) and return it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    path = Path(path)
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # real <text> in SVG, so legends and attribution stay searchable
            "pdf.fonttype": 42,
            "font.family": "DejaVu Sans",
            "hatch.color": "#6e6e6e",
            # Text is data: a '$' in a file name, profession or team name must not reach the maths parser.
            "text.usetex": False,
            "text.parse_math": False,
        }
    ):
        fig = plt.figure(figsize=(8.27, 11.0))
        ax = fig.add_axes((0.03, 0.17, 0.62, 0.70))
        areas = spec.areas.to_crs(BNG)
        shown = areas.loc[~areas["suppressed"]]
        hidden = areas.loc[areas["suppressed"]]
        if len(shown):
            shown.plot(ax=ax, color=shown["colour"].tolist(), edgecolor="#404040", linewidth=0.5)
        if len(hidden):
            hidden.plot(ax=ax, color=SUPPRESSED_COLOUR, edgecolor="#404040", linewidth=0.5, hatch="///")
        _place_labels(fig, ax, areas)
        handles: list[Patch | Line2D] = [
            Patch(facecolor=colour, edgecolor="#404040", label="\n".join(textwrap.wrap(label, 34)))
            for label, colour in spec.legend
        ]
        if spec.suppressed_label:
            handles.append(
                Patch(
                    facecolor=SUPPRESSED_COLOUR,
                    edgecolor="#404040",
                    hatch="///",
                    label="\n".join(textwrap.wrap(spec.suppressed_label, 34)),
                )
            )
        if spec.teams is not None and len(spec.teams):
            teams = spec.teams.to_crs(BNG)
            exact = teams.loc[teams["exact"]]
            centre = teams.loc[~teams["exact"]]
            if len(centre):
                centre.plot(
                    ax=ax, marker="D", markersize=22, facecolor="white", edgecolor="#b2182b", linewidth=1.1
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="D",
                        linestyle="",
                        markerfacecolor="white",
                        markeredgecolor="#b2182b",
                        label="Team: centre of area served\nor postcode district",
                    )
                )
            if len(exact):
                exact.plot(
                    ax=ax, marker="o", markersize=26, color="#b2182b", edgecolor="white", linewidth=0.6
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        linestyle="",
                        markerfacecolor="#b2182b",
                        markeredgecolor="white",
                        label="Team: postcode or exact location",
                    )
                )
        ax.set_axis_off()
        ax.set_aspect("equal")
        title_lines = textwrap.wrap(spec.title, 62)
        fig.text(0.04, 0.965, "\n".join(title_lines), fontsize=15, weight="bold", va="top")
        top = 0.935 - 0.022 * (len(title_lines) - 1)
        sub_lines = textwrap.wrap(spec.subtitle, 105)
        fig.text(0.04, top, "\n".join(sub_lines), fontsize=8.5, va="top", color="#333333")
        if spec.synthetic:
            fig.text(
                0.04,
                top - 0.0135 * len(sub_lines) - 0.01,
                "SYNTHETIC SAMPLE: not real survey answers",
                fontsize=10,
                weight="bold",
                color="#b2182b",
                va="top",
            )
        legend = fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.66, 0.82),
            fontsize=8,
            title="Legend",
            title_fontsize=9,
            frameon=False,
        )
        legend.set_in_layout(False)
        side = [spec.uk_note, spec.base_note]
        if spec.teams_note:
            side.append(spec.teams_note)
        fig.text(
            0.67, 0.50, "\n\n".join("\n".join(textwrap.wrap(s, 38)) for s in side if s), fontsize=8, va="top"
        )
        fig.text(
            0.04,
            0.15,
            "\n".join(line for s in spec.footer for line in textwrap.wrap(s, 150)),
            fontsize=6.2,
            va="top",
            color="#333333",
        )
        try:
            output.write_with(
                path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_metadata(spec, fmt))
            )
        finally:
            plt.close(fig)
    return path


def _place_labels(fig: Any, ax: Any, areas: gpd.GeoDataFrame) -> None:
    """Label areas, largest first, only where the label fits: inside its own area when there are many small
    areas, and never over another label. A value left unlabelled is still in the table, CSV and alt text."""
    import shapely

    ax.set_aspect("equal")
    ax.autoscale_view()
    if not hasattr(fig.canvas, "get_renderer"):
        # A figure made in a thread without a GUI backend (Streamlit's) has a bare canvas: give it Agg's.
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()  # fixes the axes transform so label sizes can be measured
    renderer = fig.canvas.get_renderer()
    many = len(areas) > 20
    kept: list[Any] = []
    order = areas.assign(_a=areas.geometry.area).sort_values("_a", ascending=False)
    for _, row in order.iterrows():
        text = str(row["label"])
        if not text:
            continue
        geom = row.geometry.buffer(0)
        for pt in _candidates(geom, 4 if many else 12):
            label = ax.annotate(
                text,
                (pt.x, pt.y),
                ha="center",
                va="center",
                fontsize=5.5 if many else 6.5,
                color="#111111",
                annotation_clip=True,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            box = label.get_window_extent(renderer).expanded(1.05, 1.1)
            corners = ax.transData.inverted().transform([[box.x0, box.y0], [box.x1, box.y1]])
            rect = shapely.box(corners[0][0], corners[0][1], corners[1][0], corners[1][1])
            fits = geom.contains(rect) if many else geom.intersection(rect).area > 0.5 * rect.area
            if fits and not any(box.overlaps(other) for other in kept):
                kept.append(box)
                break
            label.remove()


def _candidates(geom: Any, limit: int) -> list[Any]:
    """Points inside an area to try a label at: its representative point, then a grid, nearest first."""
    import numpy as np
    import shapely

    first = geom.representative_point()
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 7)[1:-1], np.linspace(miny, maxy, 7)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    inside = [p for p in grid[shapely.contains(geom, grid)]]
    inside.sort(key=lambda p: p.distance(first))
    return [first, *inside][:limit]


def _metadata(spec: MapSpec, fmt: str) -> dict[str, str]:
    if fmt == "png":
        return {"Title": spec.title, "Description": spec.alt_text, "Source": " ".join(spec.footer)}
    if fmt == "svg":
        return {"Title": spec.title, "Description": spec.alt_text}
    return {"Title": spec.title, "Subject": spec.alt_text}
