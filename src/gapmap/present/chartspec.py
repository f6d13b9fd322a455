"""The plain descriptions of the two charts (areas ranked against the UK; one area's profile as a spine chart):
every number already formatted and placed on its scale, so the renderer (:mod:`gapmap.render.charts`) only draws.

This module is long because the ranked chart's bars, scale, legend and notes are one reading of a ranked table
(share or children in the gap, compared or coloured as the map) and are best read together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gapmap import safetext
from gapmap.geo import levels
from gapmap.measures import comparison, provision
from gapmap.measures.indicators import INDICATORS, IndicatorTable, format_value
from gapmap.present import classify
from gapmap.present.attribution import BANNER, source_lines
from gapmap.present.profile import Profile
from gapmap.present.ranking import Ranked, gap_counts, sort_words


@dataclass(frozen=True)
class Bar:
    """One ranked area: its value and interval on the chart's scale, colour, and the texts beside it."""

    name: str
    value: float
    lo: float
    hi: float
    colour: str
    value_text: str
    n_text: str
    hatch: str = ""  # an area with no value (value NaN): drawn as a hatched band, never as a bar of 0


@dataclass
class RankedSpec:
    """A ranked chart: bars best first (or dots, for mean ratings), the UK line, legend, notes and sources."""

    title: str
    subtitle: str
    banner: str
    bars: list[Bar]
    style: str  # 'bar' from zero, or 'dot' (mean ratings on their 1-5 scale)
    xlim: tuple[float, float]
    ticks: list[tuple[float, str]]
    uk_value: float
    uk_label: str
    value_header: str
    n_header: str
    legend: list[tuple[str, str]]
    notes: list[tuple[str, bool]]  # (text, may be left out when space runs short)
    sources: list[str]
    short_sources: list[str]
    alt_text: str
    hidden_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    hatched: list[str] = field(default_factory=list)  # legend labels drawn hatched: areas with no value
    benchmark: str = "UK"  # who the reference line is: 'UK', or 'Scotland' for a Scotland-only layer


@dataclass(frozen=True)
class SpineRow:
    """One indicator of a profile, on a scale centred on the UK value with better (or higher) to the right."""

    title: str
    value_text: str
    n_text: str
    uk_text: str
    range_text: str
    x: float | None  # the area's value on the scale (-1..1); None when suppressed or missing
    spread: tuple[float, float, float, float] | None  # min, lower quartile, upper quartile, max on the scale
    colour: str
    short: str = (
        ""  # the indicator's short name, for a row too narrow for the whole title (never cut mid-word)
    )


@dataclass
class SpineSpec:
    """A spine chart of one area: one row per indicator, the UK value as the centre line."""

    title: str
    subtitle: str
    banner: str
    rows: list[SpineRow]
    legend: list[tuple[str, str]]
    notes: list[tuple[str, bool]]
    sources: list[str]
    short_sources: list[str]
    alt_text: str
    left_label: str = "← worse (or lower)"
    right_label: str = "better (or higher) →"
    sentence: str = ""  # the area's coverage sentence: above the notes on a page, in the alt text always


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as attribute-access records (a frame's cells are typed loosely; these are read as what they hold)."""
    return list(frame.itertuples(index=False))


# The NHS's own short forms, so long names fit a chart's name column (the CSV keeps the full names).
SHORT_FORMS = (
    ("Integrated Care Board", "ICB"),
    ("University Health Board", "UHB"),
    ("Health and Social Care Trust", "HSC Trust"),
)


def short_name(name: str) -> str:
    """'NHS Frimley Integrated Care Board' -> 'NHS Frimley ICB'.

    >>> short_name("Aneurin Bevan University Health Board")
    'Aneurin Bevan UHB'
    """
    for long, short in SHORT_FORMS:
        name = name.replace(long, short)
    return name


def _fmt(table: IndicatorTable, v: object) -> str:
    return format_value(table.indicator, v)  # type: ignore[arg-type]


def _with_interval(table: IndicatorTable, value: float, lo: float, hi: float) -> str:
    text = _fmt(table, value)
    if table.indicator.from_survey and table.indicator.kind != "count" and not pd.isna(lo):
        text += f" ({_fmt(table, lo)}–{_fmt(table, hi)})"
    return text


def _n_text(n: object) -> str:
    return f"{int(n):,}" if not pd.isna(n) else ""  # type: ignore[call-overload]


def _ticks(lo: float, hi: float, fmt: object) -> list[tuple[float, str]]:
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(5, steps=[1, 2, 5, 10]).tick_values(lo, hi)  # 0, 20, 40%…; ratings 1, 2, 3…
    values = [float(v) for v in ticks if lo - 1e-9 <= v <= hi + 1e-9]
    return [(v, fmt(v)) for v in values if not np.isnan(v)]  # type: ignore[operator]


def _hidden_note(r: Ranked, csv_name: str) -> str:
    if r.hidden.empty:
        return ""
    groups = []
    for reason, names in r.hidden.groupby("reason", sort=False)["area_name"]:
        listed = list(names)
        if len(listed) <= 12:
            groups.append(f"{reason}: {', '.join(listed)}")
        else:
            groups.append(f"{reason}: {len(listed)} areas (listed in {csv_name or 'the data'})")
    return "Not charted — " + "; ".join(groups) + "."


def _value_colours(r: Ranked, palette: str | None) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Where no area is compared with the UK (coverage, counts, provision): each charted area's colour on the map
    of the same table, by area code, and the map's legend entries for the colours charted."""
    from gapmap.present import classify

    colours, legend = classify.value_colours(r.table, r.table.areas, palette)
    by_code = dict(zip(r.table.areas["area_code"].astype(str), colours, strict=True))
    charted = {code: by_code[code] for code in r.shown["area_code"].astype(str)}
    used = set(charted.values())
    return charted, [(label, colour) for label, colour in legend if colour in used]


def ranked_spec(
    r: Ranked,
    csv_name: str = "",
    title: str | None = None,
    subtitle: str | None = None,
    palette: str | None = None,
    colour_by: str | None = None,
) -> RankedSpec:
    """The ranked chart of a table's areas, coloured as the map beside it when ``colour_by`` (the map's, as in
    ``map_spec``) is given: 'value' in the map's classes (``palette``, the map's; YlGnBu when not given), or
    'comparison' with the benchmark ("Not compared" where nothing is). Without it, bars are coloured by
    comparison where areas are compared and by value where none is. The reference line is the table's population's
    ('UK 36%', 'Scotland 69%').

    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.tables import ranked
    >>> s = ranked_spec(ranked(indicator_table("services_0_2_definitely")))
    >>> s.bars[0].name, s.uk_label, s.style
    ('Yorkshire and The Humber', 'UK 36%', 'bar')
    """
    from gapmap.present import describe

    table = r.table
    ind = table.indicator
    level = levels.get_level(table.level)
    survey_interval = ind.from_survey and ind.kind != "count"
    style = "dot" if ind.kind == "mean" else "bar"
    words = [str(w) for w in r.shown["comparison"]]
    # The map's choice when given (the app's chart beside its map); otherwise by comparison where areas are compared.
    by_value = colour_by == "value" if colour_by is not None else not any(words)
    value_colours, value_legend = _value_colours(r, palette) if by_value else ({}, [])
    bench = r.benchmark_label
    the_bench = "the UK" if bench == "UK" else bench
    counts = gap_counts(
        r
    )  # coverage, largest gap first: bars are the children in the gap, the share beside them
    bars = []
    for row in _records(r.shown):
        word = str(row.comparison)
        gap = 0 if pd.isna(row.k) else int(row.k)
        bars.append(
            Bar(
                short_name(str(row.area_name)),
                float(gap) if counts else float(row.value),
                float(row.lo) if survey_interval else math.nan,
                float(row.hi) if survey_interval else math.nan,
                value_colours.get(str(row.area_code)) or comparison.COLOURS[word],
                f"{gap:,} ({_fmt(table, row.value)})"
                if counts
                else _with_interval(table, row.value, row.lo, row.hi),
                _n_text(row.n),
            )
        )
    empty_legend: dict[str, str] = {}
    for row in _records(r.no_value):  # no data or not confirmed: a row of its own, after the values
        category = str(row.category)
        colour = classify.empty_colour(category)
        empty_legend[category] = colour
        bars.append(
            Bar(
                short_name(str(row.area_name)),
                math.nan,
                math.nan,
                math.nan,
                colour,
                provision.NO_VALUE_WORDS.get(category, "no value"),
                _n_text(row.n),
                classify.NO_DATA_HATCH,
            )
        )
    # A total (the UK's 36 teams) is stated, not drawn: on the axis it would squeeze every bar to a sliver.
    line_value = math.nan if ind.is_total else r.uk_value
    values = [b.value for b in bars] + [b.hi for b in bars if not math.isnan(b.hi)] + [line_value]
    finite = [v for v in values if not math.isnan(v)]
    if style == "dot":
        xlim = (1.0, 5.0)
    else:
        top = max(finite) if finite else 1.0
        if ind.unit == "proportion":
            top = min(1.0, top * 1.05) if top > 0 else 1.0
        xlim = (0.0, top * 1.05 if ind.unit != "proportion" else top)
        xlim = (0.0, xlim[1] or 1.0)
    if counts:
        top = max([b.value for b in bars if not math.isnan(b.value)] or [1.0]) or 1.0
        xlim = (0.0, top * 1.05)
        ticks = _ticks(xlim[0], xlim[1], lambda v: f"{v:,.0f}")
    else:
        ticks = _ticks(xlim[0], xlim[1], lambda v: format_value(ind, v))
    at = comparison.level_label(table.comparison_level)
    legend = [
        (comparison.label(w, bench), comparison.COLOURS[w]) for w in comparison.COLOURS if w in set(words)
    ]
    if by_value:
        legend = value_legend
    legend = [e for e in legend if e[0] not in empty_legend] + list(empty_legend.items())
    in_colours = ", in the map's colours" if by_value else ""
    uk = table.benchmark
    notes: list[tuple[str, bool]] = []
    what = ind.subtitle(table.age_group)
    notes.append((f"{'Question' if ind.from_survey else 'Measure'}: {what}", True))
    if not pd.isna(r.uk_value):
        uk_text = _with_interval(table, r.uk_value, r.uk_lo, r.uk_hi)
        if ind.is_total:
            notes.append(
                (
                    f"{bench} total: {uk_text} (the sum of the areas, so not drawn as a line on the scale).",
                    False,
                )
            )
        else:
            notes.append((f"{bench}: {uk_text}, n = {_n_text(uk['n'])} {ind.n_meaning}.", False))
    if any(words) and by_value:
        notes.append(
            (
                f"Bars are in the map's colours (by value); the comparison of each area's {at} interval with "
                f"{the_bench} is in the data.",
                False,
            )
        )
    elif any(words):
        direction = comparison.POLARITIES[ind.polarity]
        notes.append(
            (
                f"Colours compare each area's {at} interval with the {bench} value: wholly above or below it, or "
                f"overlapping it (similar). {direction}.",
                False,
            )
        )
    elif ind.from_survey:
        notes.append(
            (
                f"Areas are not compared with {the_bench} for a count of respondents"
                + (": bars are in the map's colours." if by_value else "."),
                True,
            )
        )
    else:
        notes.append(
            (
                f"Not a sample, so no interval and no test against {the_bench}"
                + ("; bars in the map's colours." if counts and by_value else "." if counts else ": bars ")
                + ("" if counts else f"show the values{in_colours}."),
                True,
            )
        )
    if counts:
        notes.append(
            (
                "Bars: children aged 0-2 living where no known parent-infant team serves; the share of the "
                f"area's children is in brackets. {bench}: {int(uk['k']):,} children.",
                False,
            )
        )
    if survey_interval:
        notes.append((f"Lines across the bars: {100 * table.confidence:.0f}% intervals.", False))
    if table.unplaced_note:
        notes.append((table.unplaced_note, False))
    if table.profession:
        notes.append((f"Respondents: {safetext.visible(table.profession)} only.", False))
    hidden = _hidden_note(r, csv_name)
    if hidden:
        notes.append((hidden, False))
    if csv_name:
        notes.append((f"Full data and notes: {csv_name}", False))
    full, short = source_lines([ind], table.synthetic, table.source, table.supplied_by)
    order = sort_words(table, r.sort)
    with_bench = (
        ""
        if counts
        else f" ({bench} total {_fmt(table, r.uk_value)})"
        if ind.is_total
        else f", with the {bench} value"
    )
    default_sub = f"{level.noun[0].upper() + level.noun[1:]}, {order}{with_bench}."
    return RankedSpec(
        title=table.title if title is None else safetext.visible(title),
        subtitle=default_sub if subtitle is None else safetext.visible(subtitle),
        banner=BANNER if table.synthetic and ind.from_survey else "",
        bars=bars,
        style=style,
        xlim=xlim,
        ticks=ticks,
        uk_value=math.nan if counts else line_value,  # a share: no line on a scale of children
        uk_label="" if counts else f"{bench} {_fmt(table, r.uk_value)}",
        value_header=f"Value ({at} interval)" if survey_interval else "In the gap" if counts else "Value",
        n_header=f"n ({ind.n_meaning})",
        legend=legend,
        notes=notes,
        sources=full,
        short_sources=short,
        alt_text=describe.ranked_alt_text(r),
        hidden_note=hidden,
        extra={"indicator": ind.id, "level": level.id, "sort": r.sort},
        hatched=list(empty_legend),
        benchmark=bench,
    )


def _scale(v: float, uk: float, d: float, flip: bool) -> float:
    x = (v - uk) / d
    return -x if flip else x


def spine_spec(
    profile: Profile, csv_name: str = "", title: str | None = None, subtitle: str | None = None
) -> SpineSpec:
    """The spine chart of one area's profile.

    >>> from gapmap.present.profile import area_profile
    >>> from gapmap.settings import Settings
    >>> s = spine_spec(area_profile(Settings(), "W92000004"))
    >>> s.title, all(r.x is None or -1 <= r.x <= 1 for r in s.rows)
    ('Wales: infant mental health profile', True)
    """
    from gapmap.present import describe

    level = levels.get_level(profile.level)
    rows = []
    words: set[str] = set()
    synthetic = False
    for rec in _records(profile.frame):
        ind = INDICATORS[str(rec.indicator)]
        flip = ind.polarity == "lower_better"
        uk = float(rec.uk_value)
        spread_vals = [float(v) for v in (rec.area_min, rec.area_q25, rec.area_q75, rec.area_max)]
        value = float(rec.value) if not pd.isna(rec.value) else math.nan
        candidates = [abs(v - uk) for v in [*spread_vals, value] if not math.isnan(v)]
        d = max(candidates) if candidates and max(candidates) > 0 else 1.0
        spread = None
        if not any(math.isnan(v) for v in spread_vals):
            a, b, c, e = (_scale(v, uk, d, flip) for v in spread_vals)
            spread = (min(a, e), min(b, c), max(b, c), max(a, e))
        x = None if math.isnan(value) else _scale(value, uk, d, flip)
        uk_text = format_value(ind, uk)
        if ind.unit == "count":  # an area's count is not comparable with the UK total: text only, no spine
            x, spread, uk_text = None, None, f"{uk_text} (total)"
        elif str(rec.benchmark) != "UK":  # the benchmark of an England- or Scotland-only layer
            uk_text = f"{uk_text} ({rec.benchmark})"
        word = str(rec.comparison)
        words.add(word)
        mark = " †" if bool(rec.synthetic) else ""
        synthetic = synthetic or bool(rec.synthetic)
        if int(rec.n) == 0 and ind.from_survey:
            value_text = "no responses at this level"
        elif pd.isna(rec.value) and not bool(rec.suppressed):
            value_text = str(rec.category).split(" (")[0].lower() if str(rec.category) else "no data"
        elif bool(rec.suppressed):
            reason = (
                "hidden (protects a neighbour)"
                if rec.suppressed_reason == "secondary"
                else "suppressed (small base)"
            )
            value_text = reason
        else:
            value_text = format_value(ind, value)
            if ind.from_survey and ind.kind != "count" and not pd.isna(rec.lo):
                value_text += f" ({format_value(ind, rec.lo)}–{format_value(ind, rec.hi)})"
        range_text = (
            f"{format_value(ind, spread_vals[0])}–{format_value(ind, spread_vals[3])}"
            if not any(math.isnan(v) for v in spread_vals)
            else ""
        )
        rows.append(
            SpineRow(
                title=str(rec.title) + mark,
                value_text=value_text,
                n_text=_n_text(rec.n),
                uk_text=uk_text,
                range_text=range_text,
                x=x,
                spread=spread,
                colour=comparison.COLOURS[word],
                short=(ind.short + mark) if ind.short else "",
            )
        )
    at = comparison.level_label(profile.comparison_level)
    legend = [(comparison.LABELS[w], comparison.COLOURS[w]) for w in comparison.COLOURS if w in words]
    others = sorted({str(b) for b in profile.frame["benchmark"]} - {"UK"})
    centre = "the UK value" + (f" ({', '.join(others)} for a layer covering only it)" if others else "")
    notes: list[tuple[str, bool]] = [
        (
            f"Each row is centred on {centre} (the line). Grey: the range of the {level.noun} with a value; "
            "darker grey: their middle half. Rows with a direction put better to the right; the others, higher.",
            False,
        ),
        (f"Marker colours compare the area's {at} interval with the UK value.", False),
    ]
    if synthetic:
        notes.append(("† Survey indicator: the bundled synthetic sample, not real answers.", False))
    if profile.unavailable:
        notes.append((f"Not available from this survey file: {'; '.join(profile.unavailable)}.", True))
    if csv_name:
        notes.append((f"Full data and notes: {csv_name}", False))
    full, short = source_lines(
        [INDICATORS[str(i)] for i in profile.frame["indicator"]],
        synthetic,
        profile.survey_file if profile.supplied_by else "",
        profile.supplied_by,
    )
    default_sub = (
        f"{level.label} {profile.area_code}: every indicator against the UK value and the range of "
        f"{level.plural}."
    )
    return SpineSpec(
        title=f"{profile.area_name}: infant mental health profile"
        if title is None
        else safetext.visible(title),
        subtitle=default_sub if subtitle is None else safetext.visible(subtitle),
        banner=BANNER if synthetic else "",
        rows=rows,
        legend=legend,
        notes=notes,
        sources=full,
        short_sources=short,
        alt_text=describe.profile_alt_text(profile),
        sentence=profile.sentence,
    )
