"""An atlas page's "Over the years" section: the headline year by year for the area, its parent and the UK
(:func:`gapmap.present.trendspec.trend_spec`, the chart ``gapmap trend`` draws) as an inline SVG line chart, a
key, the notes that say what each year counts, and every year's values as a table (so the chart is never the only
carrier of a number, and the page needs no script).

Lines differ in dash as well as colour (Okabe-Ito), so they are told apart without colour.
"""

from __future__ import annotations

import math

from gapmap.measures.indicators import INDICATORS, format_value
from gapmap.present.trendspec import TrendLine, TrendSpec
from gapmap.render.atlas_svg import h

W, H = 600.0, 250.0
LEFT, RIGHT, TOP, BOTTOM = 52.0, 14.0, 12.0, 30.0
DASHES = {"-": "", "--": "9 5", ":": "2 4"}


def _x(spec: TrendSpec, year: float) -> float:
    lo, hi = spec.xlim
    return LEFT + (year - lo) / (hi - lo) * (W - LEFT - RIGHT)


def _y(spec: TrendSpec, value: float) -> float:
    lo, hi = spec.ylim
    return H - BOTTOM - (value - lo) / (hi - lo) * (H - TOP - BOTTOM)


def _segments(spec: TrendSpec, line: TrendLine) -> list[str]:
    """The line's points as polyline point lists, broken where a year has no value."""
    out: list[str] = []
    run: list[str] = []
    for year, value in zip(line.years, line.values, strict=True):
        if math.isnan(value):
            if run:
                out.append(" ".join(run))
            run = []
            continue
        run.append(f"{_x(spec, year):.1f},{_y(spec, value):.1f}")
    if run:
        out.append(" ".join(run))
    return out


def _stroke(line: TrendLine) -> str:
    dash = DASHES.get(line.dash, "")
    return f'stroke="{h(line.colour)}" stroke-width="{line.width:g}"' + (
        f' stroke-dasharray="{dash}"' if dash else ""
    )


def chart_svg(spec: TrendSpec, chart_id: str = "trend") -> str:
    """The line chart as SVG: gridlines at the y ticks, a year axis, the lines (the area's drawn last, on top)."""
    parts = [
        f'<svg class="trendchart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W:g} {H:g}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">'
        f'<title id="{chart_id}-t">{h(spec.title)}</title><desc id="{chart_id}-d">{h(spec.alt_text)}</desc>'
    ]
    for value, label in spec.yticks:
        y = _y(spec, value)
        parts.append(
            f'<line x1="{LEFT:g}" x2="{W - RIGHT:g}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9d9d9"/>'
            f'<text x="{LEFT - 6:g}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#333">{h(label)}</text>'
        )
    base = H - BOTTOM
    parts.append(f'<line x1="{LEFT:g}" x2="{W - RIGHT:g}" y1="{base:g}" y2="{base:g}" stroke="#555"/>')
    for year, label in spec.xticks:
        x = _x(spec, year)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base:g}" y2="{base + 4:g}" stroke="#555"/>'
            f'<text x="{x:.1f}" y="{base + 18:g}" text-anchor="middle" font-size="12" fill="#333">{h(label)}</text>'
        )
    for line in reversed(spec.lines):  # the area's line last, so it is on top
        for points in _segments(spec, line):
            parts.append(f'<polyline fill="none" {_stroke(line)} stroke-linejoin="round" points="{points}"/>')
    return "".join(parts) + "</svg>"


def _key(spec: TrendSpec) -> str:
    items = "".join(
        f'<li><svg class="lk" viewBox="0 0 36 10" aria-hidden="true" focusable="false"><line x1="0" x2="36" '
        f'y1="5" y2="5" {_stroke(line)}/></svg>{h(line.label)}</li>'
        for line in spec.lines
    )
    return f'<ul class="legend trendkey" aria-label="Key to the lines">{items}</ul>'


def _years_table(spec: TrendSpec, name: str) -> str:
    ind = INDICATORS[spec.extra["indicator"]]
    head = "".join(f'<th scope="col">{h(line.label)}</th>' for line in spec.lines)
    by_line = [dict(zip(line.years, line.values, strict=True)) for line in spec.lines]
    rows = []
    for year in reversed(spec.lines[0].years):  # newest first
        cells = "".join(
            f'<td class="num">{h(format_value(ind, v) if (v := m.get(year, math.nan)) == v else "no value")}</td>'
            for m in by_line
        )
        rows.append(f'<tr><th scope="row">{year}</th>{cells}</tr>')
    return (
        f'<details><summary>Every year as a table</summary><table class="years"><caption>{h(spec.title)}: '
        f'{h(name)}, newest year first.</caption><thead><tr><th scope="col">Year</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def trend_section(spec: TrendSpec, name: str, csv_href: str) -> str:
    """The section: heading, chart, key, text alternative, notes and the years as a table."""
    notes = "".join(f"<li>{h(text)}</li>" for text, _ in spec.notes)
    return (
        f'<section aria-labelledby="h-trend"><h2 id="h-trend">Over the years</h2>'
        f"<p>{h(spec.subtitle)}</p>"
        f'<figure class="trendfig">{chart_svg(spec)}<figcaption>{_key(spec)}'
        f'<p class="alt">{h(spec.alt_text)} <a href="{csv_href}">Every area, every year (CSV)</a>.</p>'
        f'</figcaption></figure><ul class="notes">{notes}</ul>{_years_table(spec, name)}</section>'
    )
