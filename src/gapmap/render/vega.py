"""Vega-Lite specifications (plain dicts) of the app's charts: areas ranked against the UK, and an area's spine chart
(an indicator year by year: :mod:`gapmap.render.vega_trend`).

Each is drawn by the Vega library Streamlit ships (no request leaves the machine); this module only lays out
numbers that gapmap.present.tables computed: it computes no statistic.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.measures import comparison
from gapmap.measures.indicators import INDICATORS, format_value
from gapmap.present.chartspec import short_name
from gapmap.present.ranking import gap_counts

if TYPE_CHECKING:
    from gapmap.present.profile import Profile
    from gapmap.present.tables import Ranked

ROW_PX = 19  # height of one area's row in a ranked chart
INTERVAL_COLOUR = "#333333"
UK_COLOUR = "#000000"
RANGE_COLOURS = (
    "#e3e3e3",
    "#a9a9a9",
)  # the level's range (min-max) and its middle half (25th-75th percentile)
# Ends of a spine: the better side is on the right; for indicators with no polarity, the higher side.
SPINE_LABELS = "datum.value == 0 ? '◀ worse (or lower)' : datum.value == 1 ? 'better (or higher) ▶' : 'UK'"


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _interval_text(ind: Any, lo: Any, hi: Any) -> str:
    if _num(lo) is None or _num(hi) is None:
        return ""
    return f"{format_value(ind, lo)}–{format_value(ind, hi)}"


def ranked_chart(
    ranked: Ranked,
    colours: dict[str, str] | None = None,
    legend: list[tuple[str, str]] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """A horizontal chart of the areas with a value, best first, interval bars, the benchmark (the UK, or the
    nation a one-nation layer covers) as a rule.

    With the map's ``legend`` (and ``colours``: area code -> colour), bars take the map's colours and legend,
    whichever the map is coloured by (value or comparison). Without it, bars are coloured by comparison with the
    UK, or where no area is compared (counts of services and children, which have no interval) by ``colours``.
    With ``limit``, only the first that many areas (in the ranked order); coverage ordered by largest gap draws
    the children aged 0-2 in the gap, with the share in the tooltip, and no benchmark line.
    """
    table = ranked.table
    ind = table.indicator
    bench = ranked.benchmark_label
    level = comparison.level_label(table.comparison_level)
    compared = bool((ranked.shown["comparison"] != "").any())
    by_map = legend is not None and colours is not None
    label_of = {colour: label for label, colour in reversed(legend or [])}
    counts = gap_counts(ranked)
    rows = []
    shown = ranked.shown if limit is None else ranked.shown.head(limit)
    for _, r in shown.iterrows():
        word = str(r["comparison"])
        gap = 0 if pd.isna(r["k"]) else int(r["k"])
        rows.append(
            {
                "area": short_name(str(r["area_name"])),
                "area_name": str(r["area_name"]),
                "value": float(gap) if counts else _num(r["value"]),
                "lo": _num(r["lo"]),
                "hi": _num(r["hi"]),
                "shown": f"{gap:,} children in the gap ({format_value(ind, r['value'])})"
                if counts
                else format_value(ind, r["value"]),
                "interval": _interval_text(ind, r["lo"], r["hi"]) or "none (not a sample)",
                "n": f"{int(r['n']):,} {ind.n_meaning}",
                "comparison": comparison.label(word, bench) if compared else "Not compared",
                "says": comparison.sentence(word, table.comparison_level, bench)
                if word
                else f"Not compared with {'the UK' if bench == 'UK' else bench}",
                "colour": (colours or {}).get(str(r["area_code"]), comparison.COLOURS[""]),
            }
        )
    no_value = ranked.no_value if limit is None or len(rows) < limit else ranked.no_value.head(0)
    for _, r in no_value.iterrows():  # no data or not confirmed: a named row with no bar, never 0
        rows.append(
            {
                "area": short_name(str(r["area_name"])),
                "area_name": str(r["area_name"]),
                "value": None,
                "lo": None,
                "hi": None,
                "shown": str(r["category"]),
                "interval": "none (not a sample)",
                "n": f"{int(r['n']):,} {ind.n_meaning}",
                "comparison": "Not compared",
                "says": str(r["category"]),
                "colour": (colours or {}).get(str(r["area_code"]), comparison.COLOURS[""]),
            }
        )
    percent = ind.unit == "proportion"
    x_axis: dict[str, Any] = {  # on top: with many areas the chart scrolls, and the scale stays in view
        "orient": "top",
        "title": "children aged 0-2 where no known team serves" if counts else _x_title(ranked),
        "format": ",.0f" if counts else ".0%" if percent else ",.2~f",
        "grid": True,
        "labelFlush": True,  # the last tick's label inside the chart, not cut at its edge
    }
    tooltip = [
        {"field": "area_name", "title": "Area"},
        {"field": "shown", "title": "Value"},
        {"field": "interval", "title": "95% interval"},
        {"field": "n", "title": "n"},
        {"field": "says", "title": f"Compared with {'the UK' if bench == 'UK' else bench}"},
    ]
    for bar in rows:
        bar["class"] = label_of.get(str(bar["colour"]), "")
    if by_map:  # the map's colours and legend entries, for the classes the bars show
        used = [(label, c) for label, c in legend or [] if any(b["class"] == label for b in rows)]
        colour: dict[str, Any] = {
            "field": "class",
            "type": "nominal",
            "title": "As on the map",
            "scale": {"domain": [lbl for lbl, _ in used], "range": [c for _, c in used]},
            # Categories carrying their counts ("No known team (268 areas, …)") are shown whole, a size smaller.
            "legend": _legend([lbl for lbl, _ in used])
            | ({"labelFontSize": 10, "labelLimit": 0} if any(len(lbl) > 40 for lbl, _ in used) else {}),
        }
    elif compared:
        words = [w for w in comparison.WORDS[ind.polarity] if (ranked.shown["comparison"] == w).any()]
        colour = {
            "field": "comparison",
            "type": "nominal",
            "title": f"Compared with the UK ({level} interval)",
            "scale": {
                "domain": [comparison.label(w, bench) for w in words],
                "range": [comparison.COLOURS[w] for w in words],
            },
            "legend": _legend([comparison.label(w, bench) for w in words]),
        }
    else:
        colour = {"field": "colour", "type": "nominal", "scale": None, "legend": None}
    bar_like = ind.unit in ("proportion", "count", "per 10,000")
    mark: dict[str, Any] = (
        {"type": "bar", "height": {"band": 0.72}, "stroke": "#555555", "strokeWidth": 0.4}
        if bar_like
        else {"type": "point", "filled": True, "size": 70, "stroke": "#333333", "strokeWidth": 0.6}
    )
    y = {
        "field": "area",
        "type": "nominal",
        "sort": [r["area"] for r in rows],
        "title": None,
        "axis": {"labelLimit": 190, "labelFontSize": 11, "labelOverlap": False, "labelFlush": False},
    }
    x = {"field": "value", "type": "quantitative", "axis": x_axis}
    layers: list[dict[str, Any]] = [
        {"mark": mark, "encoding": {"y": y, "x": x, "color": colour, "tooltip": tooltip}}
    ]
    if any(r["lo"] is not None for r in rows):
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.lo)"}],
                "mark": {"type": "rule", "color": INTERVAL_COLOUR, "strokeWidth": 1.3},
                "encoding": {
                    "y": y,
                    "x": {"field": "lo", "type": "quantitative"},
                    "x2": {"field": "hi"},
                    "tooltip": tooltip,
                },
            }
        )
    if len(ranked.no_value):  # a row with no bar says why in words at the axis, so it never reads as 0
        layers.append(
            {
                "transform": [{"filter": "!isValid(datum.value)"}],
                "mark": {"type": "text", "align": "left", "dx": 3, "color": "#444444", "fontStyle": "italic"},
                "encoding": {
                    "y": y,
                    "x": {"datum": 0, "type": "quantitative"},
                    "text": {"field": "shown"},
                    "tooltip": tooltip,
                },
            }
        )
    # A total is stated in the title, not drawn; children in the gap are on a scale no share belongs on.
    uk = None if ind.is_total or counts else _num(ranked.uk_value)
    if ind.is_total and not counts and _num(ranked.uk_value) is not None:
        x_axis["title"] += f" · {bench} total {format_value(ind, float(ranked.uk_value))}"
    if uk is not None:
        layers.append(
            {
                "data": {"values": [{"uk": uk, "label": f"{bench} {format_value(ind, uk)}"}]},
                "mark": {"type": "rule", "color": UK_COLOUR, "strokeDash": [4, 3], "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "uk", "type": "quantitative"},
                    "tooltip": [{"field": "label", "title": "Dashed line"}],
                },
            }
        )
        x_axis["title"] += f" · dashed line: {bench} {format_value(ind, uk)}"
    return {
        "data": {"values": rows},
        "height": {"step": ROW_PX},
        "layer": layers,
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 11}},
    }


# About how wide the chart's column is at 1366×768 (px), and a legend label's width per character at 11 px type.
NARROW_PX, CHAR_PX = 380, 6.2


def _legend(labels: list[str]) -> dict[str, Any]:
    """The colour legend above the bars: in a row when its entries fit the narrow column, else one per line, so no
    entry runs past the chart's right edge (long category names, e.g. Scottish boards' service status)."""
    row_px = sum(24 + CHAR_PX * len(label) for label in labels)
    across = row_px <= NARROW_PX
    return {
        "orient": "top",
        "direction": "horizontal" if across else "vertical",
        **({} if across else {"columns": 1}),
        "labelLimit": NARROW_PX - 30,
        "titleLimit": NARROW_PX,
    }


def _x_title(ranked: Ranked) -> str:
    ind = ranked.table.indicator
    order = {"higher_better": "higher is better", "lower_better": "lower is better"}.get(ind.polarity, "")
    return f"{ind.unit} ({order})" if order else ind.unit


def spine_position(value: float, uk: float, low: float, high: float, polarity: str) -> float:
    """Where a value sits on a spine, 0 to 1, with the UK at 0.5 and the better side on the right.

    The scale of each indicator runs as far each side of the UK as the farthest area (as Fingertips draws it).

    >>> spine_position(0.5, 0.5, 0.2, 0.6, "higher_better"), spine_position(0.2, 0.5, 0.2, 0.6, "higher_better")
    (0.5, 0.0)
    >>> spine_position(0.2, 0.5, 0.2, 0.6, "lower_better")
    1.0
    """
    reach = max(abs(uk - low), abs(high - uk), 1e-12)
    pos = 0.5 + (value - uk) / (2 * reach)
    return 1.0 - pos if polarity == "lower_better" else pos


def spine_chart(profile: Profile) -> dict[str, Any]:
    """Fingertips-style spine chart: per indicator, the level's range (min-max, 25th-75th percentile darker), the UK
    at the centre line and the area's value as a dot coloured by comparison with the UK."""
    rows, dots = [], []
    for _, r in profile.frame.iterrows():
        spread = [_num(r[c]) for c in ("area_min", "area_q25", "area_q75", "area_max", "uk_value")]
        if any(v is None for v in spread):
            continue  # no area of the level has a value for it
        low, q25, q75, high, uk = (float(v) for v in spread if v is not None)
        value = _num(r["value"])
        span = [low, high, uk] + ([value] if value is not None else [])
        lo_all, hi_all = min(span), max(span)
        polarity = str(r["polarity"])

        def pos(x: float, uk: float = uk, lo: float = lo_all, hi: float = hi_all, p: str = polarity) -> float:
            return round(spine_position(x, uk, lo, hi, p), 4)

        label = str(r["title"]) + (" (synthetic sample)" if bool(r["synthetic"]) else "")
        a, b = sorted((pos(low), pos(high)))
        c, d = sorted((pos(q25), pos(q75)))
        ind_like = INDICATORS[str(r["indicator"])]
        bench = str(r.get("benchmark", "UK"))  # a one-nation layer's centre is that nation's value
        uk_text = format_value(ind_like, uk) + ("" if bench == "UK" else f" ({bench})")
        rows.append(
            {
                "indicator": label,
                "a": a,
                "b": b,
                "c": c,
                "d": d,
                "range": f"{format_value(ind_like, low)}–{format_value(ind_like, high)}",
                "middle": f"{format_value(ind_like, q25)}–{format_value(ind_like, q75)}",
                "uk": uk_text,
            }
        )
        if value is not None:
            word = str(r["comparison"])
            dots.append(
                {
                    "indicator": label,
                    "x": pos(value),
                    "shown": format_value(ind_like, value),
                    "interval": _interval_text(ind_like, r["lo"], r["hi"]) or "none (not a sample)",
                    "n": f"{int(r['n']):,} {r['n_meaning']}",
                    "uk": uk_text,
                    "comparison": comparison.LABELS[word],
                    "says": comparison.sentence(word, profile.comparison_level) if word else "Not compared",
                }
            )
    order = [r["indicator"] for r in rows]
    y = {
        "field": "indicator",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 480, "labelOverlap": False, "labelFlush": False},
    }
    x = {
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"values": [0, 0.5, 1], "labelExpr": SPINE_LABELS, "title": None, "grid": False},
    }
    shown = {d["comparison"] for d in dots}
    words = [
        w for w in ("better", "similar", "worse", "higher", "lower", "") if comparison.LABELS[w] in shown
    ]
    return {
        "height": {"step": 24},
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "bar", "color": RANGE_COLOURS[0], "height": {"band": 0.7}},
                "encoding": {
                    "y": y,
                    "x": {"field": "a", **x},
                    "x2": {"field": "b"},
                    "tooltip": [
                        {"field": "indicator", "title": "Indicator"},
                        {"field": "range", "title": "Range of areas"},
                        {"field": "middle", "title": "Middle half of areas"},
                        {"field": "uk", "title": "UK"},
                    ],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "bar", "color": RANGE_COLOURS[1], "height": {"band": 0.7}},
                "encoding": {"y": y, "x": {"field": "c", **x}, "x2": {"field": "d"}},
            },
            {
                "data": {"values": [{"x": 0.5}]},
                "mark": {"type": "rule", "color": UK_COLOUR, "strokeWidth": 1.5},
                "encoding": {"x": {"field": "x", **x}},
            },
            {
                "data": {"values": dots},
                "mark": {
                    "type": "point",
                    "filled": True,
                    "size": 110,
                    "stroke": "#222222",
                    "strokeWidth": 0.8,
                },
                "encoding": {
                    "y": y,
                    "x": {"field": "x", **x},
                    "color": {
                        "field": "comparison",
                        "type": "nominal",
                        "title": f"Compared with the UK ({comparison.level_label(profile.comparison_level)} interval)",
                        "scale": {
                            "domain": [comparison.LABELS[w] for w in words],
                            "range": [comparison.COLOURS[w] for w in words],
                        },
                        "legend": {
                            "orient": "top",
                            "direction": "horizontal",
                            "labelLimit": 160,
                            "titleLimit": 320,
                        },
                    },
                    "tooltip": [
                        {"field": "indicator", "title": "Indicator"},
                        {"field": "shown", "title": "Value"},
                        {"field": "interval", "title": "95% interval"},
                        {"field": "n", "title": "n"},
                        {"field": "uk", "title": "UK"},
                        {"field": "says", "title": "Compared with the UK"},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11}},
    }
