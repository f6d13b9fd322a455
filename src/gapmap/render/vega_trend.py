"""The Vega-Lite specification (a plain dict) of the app's trend chart: an indicator year by year for an area, its
parent and the UK, with the published counts as a separate layer of numbered points. It lays out what a
:class:`gapmap.present.trendspec.TrendSpec` holds and computes nothing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from gapmap.measures.indicators import INDICATORS
from gapmap.present.trendspec import PUBLISHED_COLOUR

if TYPE_CHECKING:
    from gapmap.present.trendspec import TrendSpec


def trend_chart(spec: TrendSpec, marked_year: int | None = None) -> dict[str, Any]:
    """A line a year for each area of a trend spec (the area's, its parent's, the UK's) and, as a separate layer
    never joined to them, the published counts as numbered diamonds; the words and numbers are the spec's.
    ``marked_year`` (the app's "teams known by" choice) is drawn as a grey rule."""
    # One line alone is named for its source too ('UK: gapmap teams database'), as the static chart's legend.
    label = {line.label: line.label for line in spec.lines}
    if len(spec.lines) == 1:
        label[spec.lines[0].label] = f"{spec.lines[0].label}: {spec.lines_source}"
    rows = [
        {"year": y, "value": v, "line": label[line.label], "order": i}
        for i, line in enumerate(spec.lines)
        for y, v in zip(line.years, line.values, strict=True)
        if not math.isnan(v)
    ]
    ind = INDICATORS[spec.extra["indicator"]]
    fmt = ".0%" if ind.unit == "proportion" else (".2f" if ind.kind == "team_rate" else "d")
    names = [label[line.label] for line in spec.lines]
    # Every layer gets the same domains: a layer without one would stretch the shared scale to zero.
    x_scale = {"domain": list(spec.xlim), "nice": False, "zero": False}
    y_scale = {"domain": list(spec.ylim), "nice": False}
    lines = {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": None,
                "axis": {"format": "d", "tickMinStep": 1},
                "scale": x_scale,
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "axis": {"format": fmt},
                "scale": y_scale,
            },
            "color": {
                "field": "line",
                "type": "nominal",
                "title": None,
                "sort": names,
                "scale": {"domain": names, "range": [line.colour for line in spec.lines]},
                "legend": {"orient": "top", "symbolStrokeWidth": 0, "labelLimit": 500},
            },
            "strokeDash": {
                "field": "line",
                "type": "nominal",
                "sort": names,
                "legend": None,
                "scale": {"domain": names, "range": [_dash(line.dash) for line in spec.lines]},
            },
            "tooltip": [
                {"field": "line", "title": "Area"},
                {"field": "year", "title": "Year"},
                {"field": "value", "title": "Value", "format": fmt},
            ],
        },
    }
    layers: list[dict[str, Any]] = [lines]
    if marked_year is not None:
        layers.insert(
            0,
            {
                "data": {"values": [{"year": marked_year, "label": f"teams known by {marked_year}"}]},
                "mark": {"type": "rule", "color": "#969696", "strokeDash": [4, 3]},
                "encoding": {
                    "x": {"field": "year", "type": "quantitative", "scale": x_scale},
                    "tooltip": [{"field": "label"}],
                },
            },
        )
    if spec.points:
        points = [
            {"x": p.x, "value": p.value, "number": str(p.number), "text": p.text, "side": p.number % 2}
            for p in spec.points
        ]
        layers.append(
            {
                "data": {"values": points},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "size": 90,
                    "color": PUBLISHED_COLOUR,
                    "stroke": "#404040",
                },
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", "scale": x_scale},
                    "y": {"field": "value", "type": "quantitative", "scale": y_scale},
                    "tooltip": [{"field": "text", "title": "Published count"}],
                },
            }
        )
        for side, dy in (
            (1, -11),
            (0, 14),
        ):  # odd numbers above their point, even below: neighbours stay apart
            layers.append(
                {
                    "data": {"values": points},
                    "transform": [{"filter": f"datum.side == {side}"}],
                    "mark": {"type": "text", "dy": dy, "fontWeight": "bold", "color": PUBLISHED_COLOUR},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", "scale": x_scale},
                        "y": {"field": "value", "type": "quantitative", "scale": y_scale},
                        "text": {"field": "number"},
                    },
                }
            )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "height": 260,
        "layer": layers,
        "description": spec.alt_text,
    }


def _dash(dash: str) -> list[int]:
    return {"-": [1, 0], "--": [6, 3], ":": [2, 2]}.get(dash, [1, 0])
