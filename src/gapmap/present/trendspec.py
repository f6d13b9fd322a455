"""The plain description of a trend chart: an area's coverage indicator year by year (with its parent's and the
UK's lines), the Parent-Infant Foundation's dated counts as separate numbered points, the notes and the alt text;
every number formatted and placed on its scale, so :mod:`gapmap.render.trend` only draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pandas as pd

from gapmap import safetext
from gapmap.geo import areas, levels
from gapmap.geo.areas import UK_CODE
from gapmap.measures.indicators import format_value
from gapmap.measures.trend import CoverageTrend, parent_of
from gapmap.present.attribution import source_lines
from gapmap.present.chartspec import short_name

# Okabe-Ito colours: told apart with every common colour-vision deficiency; the lines also differ in dash.
AREA_COLOUR = "#0072B2"
PARENT_COLOUR = "#E69F00"
UK_COLOUR = "#111111"
PUBLISHED_COLOUR = "#D55E00"


@dataclass(frozen=True)
class TrendLine:
    """One area's values, a year each, drawn as a line with a marker at every year."""

    label: str
    colour: str
    years: list[int]
    values: list[float]
    dash: str = "-"
    width: float = 1.6


@dataclass(frozen=True)
class PublishedPoint:
    """One published count: a point at its date, numbered on the chart and described in the notes."""

    number: int
    x: float  # the date as a fractional year
    value: float
    text: str  # 'Jun 2019: 27 (UK): specialised parent-infant relationship teams … (parentinfantfoundation.org.uk)'
    short_text: str  # 'Jun 2019: 27 (UK)'


@dataclass
class TrendSpec:
    """A trend chart: lines (the area's first), published points, axes, legend, notes and sources."""

    title: str
    subtitle: str
    lines: list[TrendLine]
    points: list[PublishedPoint]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xticks: list[tuple[float, str]]
    yticks: list[tuple[float, str]]
    notes: list[tuple[str, bool]]  # (text, may be left out when space runs short)
    short_notes: list[tuple[str, bool]]  # the compact sizes' notes
    sources: list[str]
    short_sources: list[str]
    alt_text: str
    points_label: str = "Parent-Infant Foundation's published counts (numbered; not joined)"
    lines_source: str = "gapmap teams database"
    extra: dict[str, str] = field(default_factory=dict)
    banner: str = ""


def _year_fraction(when: pd.Timestamp, month_known: bool) -> float:
    if not month_known:
        return when.year + 0.5  # a bare year: drawn mid-year, and said to be a year only
    start = pd.Timestamp(year=when.year, month=1, day=1)
    return when.year + (when - start).days / 365.25


def _scope_matches(scope: str, area_name: str, area_code: str) -> bool:
    if area_code == UK_CODE:
        return scope == "UK" or scope.startswith("UK ")
    return scope == area_name


def published_points(trend: CoverageTrend, area_code: str, area_name: str) -> list[PublishedPoint]:
    """The Parent-Infant Foundation's counts for this area (UK counts for the UK, a nation's for it), only beside
    a count of teams: a rate or a share is not what they count."""
    if trend.indicator.kind != "team_count" or trend.published.empty:
        return []
    out: list[PublishedPoint] = []
    for r in trend.published.itertuples(index=False):
        scope = str(r.scope)
        if not _scope_matches(scope, area_name, area_code):
            continue
        when: pd.Timestamp = r.when  # type: ignore[assignment]
        month_known = bool(r.month_known)
        date = when.strftime("%b %Y") if month_known else f"{when.year} (year only)"
        host = urlparse(str(r.source_url)).netloc.removeprefix("www.")
        n = len(out) + 1
        shown = scope.replace(" (", ", ").replace(")", "")  # 'UK (implied; …)' -> 'UK, implied; …'
        short = f"{n}. {date}: {int(r.count)} ({shown})"  # type: ignore[call-overload]
        text = f"{short}: {safetext.visible(str(r.measure))} ({host})"
        out.append(PublishedPoint(n, _year_fraction(when, month_known), float(r.count), text, short))  # type: ignore[arg-type]
    return out


def _ticks(lo: float, hi: float, fmt: object, integer: bool = False) -> list[tuple[float, str]]:
    from matplotlib.ticker import MaxNLocator

    loc = MaxNLocator(6, steps=[1, 2, 5, 10], integer=integer)
    return [(float(v), fmt(v)) for v in loc.tick_values(lo, hi) if lo - 1e-9 <= v <= hi + 1e-9]  # type: ignore[operator]


def _values(series: pd.DataFrame) -> tuple[list[int], list[float]]:
    return [int(y) for y in series["period"]], [float(v) for v in series["value"]]


def _first_last(ind: object, name: str, years: list[int], values: list[float]) -> str:
    pairs = [(y, v) for y, v in zip(years, values, strict=True) if not math.isnan(v)]
    if not pairs:
        return f"{name}: no value in any year."
    (y0, v0), (y1, v1) = pairs[0], pairs[-1]
    return f"{name}: {format_value(ind, v0)} in {y0} and {format_value(ind, v1)} in {y1}."  # type: ignore[arg-type]


def trend_spec(
    trend: CoverageTrend,
    area_code: str = UK_CODE,
    csv_name: str = "",
    title: str | None = None,
    subtitle: str | None = None,
    boundaries_dir: object = None,
) -> TrendSpec:
    """The trend chart of one area (the UK by default) against its parent and the UK.

    >>> import tempfile, os
    >>> from gapmap.settings import Settings
    >>> from gapmap.measures.trend import coverage_by_year
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> spec = trend_spec(coverage_by_year("teams", s, "nation", last_year=2025), "E92000001")
    >>> [line.label for line in spec.lines], [p.short_text for p in spec.points]
    (['England', 'UK'], ['1. Jun 2024: 38 (England)'])
    """
    ind = trend.indicator
    t = areas.table(boundaries_dir)  # type: ignore[arg-type]
    chain = [area_code]
    parent = parent_of(area_code, boundaries_dir) if area_code != UK_CODE else ""
    if parent:
        chain.append(parent)
    if area_code != UK_CODE:
        chain.append(UK_CODE)
    # The parent's stroke is the widest, so where the area's line lies on it the parent still shows either side.
    styles = [(AREA_COLOUR, "-", 1.6), (PARENT_COLOUR, "--", 3.2), (UK_COLOUR, ":", 1.5)]
    if len(chain) == 2:
        styles = [styles[0], styles[2]]
    if chain == [UK_CODE]:
        styles = [(UK_COLOUR, "-", 2.0)]
    lines = []
    for code, (colour, dash, width) in zip(chain, styles, strict=True):
        name = "UK" if code == UK_CODE else short_name(t.names.get(code, code))
        years, values = _values(trend.series(code))
        lines.append(TrendLine(name, colour, years, values, dash, width))
    area_name = t.names.get(area_code, "United Kingdom") if area_code != UK_CODE else "United Kingdom"
    points = published_points(trend, area_code, area_name)
    first, last = trend.years[0], trend.years[-1]
    all_values = [v for line in lines for v in line.values if not math.isnan(v)] + [p.value for p in points]
    top = max(all_values, default=1.0)
    if ind.unit == "proportion":
        top = min(1.0, top * 1.1) if top > 0 else 1.0
    else:
        top = top * 1.12 if top > 0 else 1.0
    xlim = (first - 0.6, max([last + 0.6, *[p.x + 0.4 for p in points]]))
    ylim = (0.0, top)
    integer = ind.kind == "team_count"
    yticks = _ticks(0.0, top, lambda v: format_value(ind, v), integer)
    xticks = _ticks(first, last, lambda v: f"{int(v)}", True)
    basis_note = f"Each year counts {trend.basis}."
    dates = (
        f" {trend.no_established} of the {trend.teams_total} teams have no established year: each counts from "
        f"its evidence year."
    )
    if trend.undated:
        dates += (
            f" {trend.undated} have no evidence year either and are in no year's count (a map of the teams open "
            "now includes them)."
        )
    notes: list[tuple[str, bool]] = [(basis_note + dates, False)]
    notes.append((f"Measure: {ind.subtitle()}", True))
    # A count or rate of teams rises as teams are known and open; the share of children in the gap falls.
    moves = "A fall" if ind.kind == "coverage" else "A rise"
    notes.append(
        (
            f"Not a sample: no intervals. {moves} means more teams known and open, as recorded in the gapmap "
            "teams database; it is not tested for significance.",
            False,
        )
    )
    short_notes: list[tuple[str, bool]] = [(basis_note + dates, False)]
    if points:
        what = (
            "Numbered points: the Parent-Infant Foundation's published counts, each under its own definition "
            "and date, never joined to the database line and never tested against it or each other"
        )
        notes.append((what + ":\n" + "\n".join(p.text for p in points), False))
        short_notes.append((what + ": " + "; ".join(p.short_text for p in points) + ".", False))
    same = [
        f"{a.label} and {b.label}"
        for i, a in enumerate(lines)
        for b in lines[i + 1 :]
        if len(a.values) == len(b.values)
        and all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.values, b.values, strict=True))
    ]
    if same:
        coincide = f"{'; '.join(same)}: the same value every year, so their lines lie on each other."
        notes.insert(1, (coincide, False))
        short_notes.append((coincide, False))
    if csv_name:
        notes.append((f"Full data and notes: {csv_name}", False))
        short_notes.append((f"Full data: {csv_name}", False))
    full, short = source_lines([ind], False)
    names = [line.label for line in lines]
    others = [n if n != "UK" else "the UK" for n in names[1:]]
    against = f", against {' and '.join(others)}" if others else ""
    default_sub = f"{names[0]}{against}, {first}–{last}: {trend.basis}."
    alt = [f"Line chart of {ind.title_for()}, {first} to {last}, counting {trend.basis}."]
    alt += [_first_last(ind, line.label, line.years, line.values) for line in lines]
    alt.append(dates.strip())
    if points:
        alt.append(
            "The Parent-Infant Foundation's published counts are separate points, not joined to the line: "
            + "; ".join(p.short_text.split(". ", 1)[1] for p in points)
            + "."
        )
    level = levels.get_level(trend.level)
    return TrendSpec(
        title=f"{ind.title_for()}, {first}–{last}" if title is None else safetext.visible(title),
        subtitle=default_sub if subtitle is None else safetext.visible(subtitle),
        lines=lines,
        points=points,
        xlim=xlim,
        ylim=ylim,
        xticks=xticks,
        yticks=yticks,
        notes=notes,
        short_notes=short_notes,
        sources=full,
        short_sources=short,
        alt_text=" ".join(alt),
        extra={"indicator": ind.id, "level": level.id, "area": area_code},
    )
