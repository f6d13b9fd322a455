"""The "change since WAVE" map: each area coloured by its change between two survey waves (better / no evidence of
change / worse, by the indicator's polarity; higher / lower where it has none), from a
:class:`gapmap.measures.waves.ChangeTable`. A :class:`MapSpec` like any other, so every renderer draws it.

An area is shown only where both waves show it (the change table's own rule): an area either wave suppresses is
hatched, with no value from either wave in its label, tooltip or file, so the map gives nothing the change table
does not.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from gapmap import safetext
from gapmap.geo import levels
from gapmap.measures import comparison, waves
from gapmap.measures.indicators import format_value
from gapmap.present import classify
from gapmap.present.attribution import survey_source
from gapmap.present.mapspec import HEX_ALT, MapSpec, map_spec
from gapmap.safetext import count
from gapmap.settings import Settings, from_env

if TYPE_CHECKING:
    import geopandas as gpd

# A flag's colour: the comparison map's colours, amber for "no evidence of change" as for "similar".
FLAG_COLOURS = {
    "better": comparison.COLOURS["better"],
    "worse": comparison.COLOURS["worse"],
    "higher": comparison.COLOURS["higher"],
    "lower": comparison.COLOURS["lower"],
    waves.NO_EVIDENCE: comparison.COLOURS["similar"],
}


def points(kind: str, v: float, unit: bool = True) -> str:
    """A change as shown: percentage points for a proportion, the mean's own units otherwise.

    >>> points("proportion", 0.1771), points("proportion", -0.02, unit=False), points("mean", 0.213)
    ('+17.7 points', '-2.0', '+0.21')
    """
    if kind == "proportion":
        return f"{100 * v:+.1f}" + (" points" if unit else "")
    return f"{v:+.2f}"


def flag_words(polarity: str) -> list[str]:
    """The flags a change map of this polarity can show, best (or highest) first."""
    if polarity in ("higher_better", "lower_better"):
        return ["better", waves.NO_EVIDENCE, "worse"]
    return ["higher", waves.NO_EVIDENCE, "lower"]


def legend_label(word: str, level: str) -> str:
    """A legend row: the flag and what decides it.

    >>> legend_label("worse", "95%"), legend_label("no evidence of change", "99.8%")
    ('Worse (95% interval excludes zero)', 'No evidence of change (99.8% interval includes zero)')
    """
    if word == waves.NO_EVIDENCE:
        return f"No evidence of change ({level} interval includes zero)"
    return f"{word.capitalize()} ({level} interval excludes zero)"


def change_map_spec(
    change: waves.ChangeTable,
    settings: Settings | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    shape: str = "map",
) -> MapSpec:
    """The map of ``change``: areas coloured by their change flag, labelled with the change and its 95% interval,
    or, at another comparison level, the interval at that level in square brackets (the one that decides the colour).

    >>> w = waves.load_waves(["2021=data/sample_survey.csv", "2024=data/sample_survey_wave2.csv"], Settings())
    >>> spec = change_map_spec(waves.change_table(w, "referrals_age_2_or_under", Settings(), "nation"))
    >>> spec.title
    'Local CYPMHS takes referrals at age two or under: change from 2021 to 2024'
    >>> [label for label, _ in spec.legend][0]
    'Better (95% interval excludes zero)'
    """
    settings = settings or from_env()
    ind = change.indicator
    base = map_spec(change.after, settings, boundaries, colour_by="comparison", shape=shape)
    geo = base.areas
    cf = change.frame.set_index("area_code")
    known = geo["area_code"].isin(cf.index)
    hidden = [not k or bool(cf.loc[c, "suppressed"]) for c, k in zip(geo["area_code"], known, strict=True)]
    geo["suppressed"] = hidden
    reasons = []
    for code, hide, k in zip(geo["area_code"], hidden, known, strict=True):
        reasons.append(str(cf.loc[code, "suppressed_reason"]) if hide and k else "" if not hide else "no row")
    geo["suppressed_reason"] = reasons
    geo["comparison"] = ""  # the flag is the comparison here; the UK comparison of one wave would mislead
    geo["category"] = ""
    geo["no_value"] = ""
    geo["binary"] = ""
    geo["sentence"] = ""
    wide = change.level not in ("nhs", "la")
    labels, lines, colours, flags = [], [], [], []
    level = f"{100 * settings.comparison_level:g}%"
    deciding = settings.comparison_level != settings.confidence  # labels show the flag's own interval
    for code, hide in zip(geo["area_code"], hidden, strict=True):
        if hide:
            labels.append("")
            lines.append("")
            colours.append(classify.SUPPRESSED_COLOUR)
            flags.append("")
            continue
        r = cf.loc[code]
        d, lo, hi = float(r["change"]), float(r["change_lower"]), float(r["change_upper"])
        interval = f"{points(ind.kind, lo, False)} to {points(ind.kind, hi, False)}"
        if deciding:  # the label's interval is the one that decides the colour, in square brackets
            clo, chi = float(r["comparison_lower"]), float(r["comparison_upper"])
            said = f"[{points(ind.kind, clo, False)} to {points(ind.kind, chi, False)}]"
        else:
            said = f"({interval})"
        labels.append(f"{points(ind.kind, d, False)}\n{said}" if wide else points(ind.kind, d, False))
        lines.append(
            f"{change.wave_from}: {format_value(ind, r['value_from'])} (n = {int(r['n_from']):,}); "
            f"{change.wave_to}: {format_value(ind, r['value_to'])} (n = {int(r['n_to']):,})\n"
            f"Change (95% interval): {points(ind.kind, d)} ({interval}); {r['change_flag']} at {level}"
            + _deciding(ind.kind, r, level, settings)
        )
        colours.append(FLAG_COLOURS[str(r["change_flag"])])
        flags.append(str(r["change_flag"]))
    geo["label"], geo["local"], geo["colour"], geo["change_flag"] = labels, lines, colours, flags
    if "hex_label" in geo:
        geo["hex_label"] = [
            str(short) or str(label) for short, label in zip(geo["short"], geo["label"], strict=True)
        ]
    legend = [(legend_label(w, level), FLAG_COLOURS[w]) for w in flag_words(ind.polarity)]
    uk = change.uk
    unit = "percentage points" if ind.kind == "proportion" else "the mean's units"
    lv = levels.get_level(change.level)
    subtitle = (
        f"The change in each {lv.word} from wave {change.wave_from} to wave "
        f"{change.wave_to}, in {unit}. An area is coloured better or worse (by whether a higher value is better) "
        f"only where the {level} interval of its change excludes zero; otherwise: no evidence of change."
    )
    if not ind.polarity:
        subtitle = subtitle.replace(
            "better or worse (by whether a higher value is better)", "higher or lower"
        )
    if bool(uk["suppressed"]) or pd.isna(uk["change"]):
        uk_note = f"UK: no change shown ({uk['suppressed_reason'] or 'suppressed'})."
    else:
        uk_note = (
            f"UK: {format_value(ind, uk['value_from'])} in {change.wave_from} (n = {int(uk['n_from']):,}) to "
            f"{format_value(ind, uk['value_to'])} in {change.wave_to} (n = {int(uk['n_to']):,}), "
            f"{points(ind.kind, float(uk['change']))} (95% interval {points(ind.kind, float(uk['change_lower']), False)}"
            f" to {points(ind.kind, float(uk['change_upper']), False)}): {uk['change_flag']} at {level}"
            + _deciding(ind.kind, uk, level, settings)
            + "."
        )
    method = "Newcombe's hybrid score method" if ind.kind == "proportion" else "Welch's method"
    base_note = (
        f"Base: respondents who answered in each wave, 'Don't know' included. An area is shown only where both "
        f"waves show it: fewer than {change.after.min_base} responses in either wave, or protecting a neighbour, "
        f"hides it. Intervals of the change: {method}."
    )
    footer = [survey_source(change.before.source, change.before.supplied_by)[0], *base.footer]
    footer = list(dict.fromkeys(footer))  # one line per source
    shown = [f for f in flags if f]
    counts = ", ".join(
        f"{sum(f == w for f in shown):,} {w}" for w in flag_words(ind.polarity) if any(f == w for f in shown)
    )
    n_hidden = sum(hidden)
    alt = (
        f"Map of the change from {change.wave_from} to {change.wave_to} in: {change.after.title}, by {lv.word}. "
        f"{uk_note} Of {count(len(geo), lv.word, lv.noun)}, {counts or 'none shown'}"
        + (f"; {n_hidden:,} not shown (suppressed in either wave)." if n_hidden else ".")
    )
    if change.frame["synthetic"].any():
        alt += " At least one wave is a synthetic sample, not real answers."
    if shape == "hex":
        alt = f"{HEX_ALT} {alt}"
    return MapSpec(
        title=f"{change.after.title}: change from {change.wave_from} to {change.wave_to}",
        subtitle=subtitle,
        areas=geo,
        legend=legend,
        suppressed_label=(
            f"Not shown: suppressed in either wave (fewer than {change.after.min_base} responses, or to protect "
            "a neighbour)"
        ),
        base_note=base_note,
        uk_note=uk_note,
        footer=footer,
        alt_text=safetext.visible(alt),
        synthetic=bool(change.frame["synthetic"].any()),
        teams=base.teams,
        teams_note=base.teams_note,
        extra=base.extra
        | {
            "colour_by": "change",
            # The browser's tooltip heads the label with this (a label in round brackets gets "(95% interval)").
            "value_head": f"Change since {change.wave_from}"
            + (f" [{level} interval]" if deciding and wide else ""),
            "label_interval": level if deciding and wide else "",  # the interval the labels give, if not 95%
            "wave_from": change.wave_from,
            "wave_to": change.wave_to,
        },
        shape=shape,
        outlines=base.outlines,
    )


def _deciding(kind: str, row: pd.Series, level: str, settings: Settings) -> str:
    """The interval that decided the flag, where the comparison level is not the 95% shown ('' otherwise)."""
    if settings.comparison_level == settings.confidence:
        return ""
    lo, hi = float(row["comparison_lower"]), float(row["comparison_upper"])
    return f" ({level} interval {points(kind, lo, False)} to {points(kind, hi, False)})"


def rows(change: waves.ChangeTable, spec: MapSpec) -> pd.DataFrame:
    """The change table's rows of the areas the map draws and the UK (the map's data file)."""
    drawn = set(spec.areas["area_code"]) | {change.before.population.code}
    f = change.frame
    return f.loc[f["area_code"].isin(drawn)].reset_index(drop=True)


def uk_change_text(change: waves.ChangeTable) -> str:
    """The UK's change in one line ('' when suppressed)."""
    uk = change.uk
    if bool(uk["suppressed"]) or math.isnan(float(uk["change"])):
        return ""
    return f"{points(change.indicator.kind, float(uk['change']))}: {uk['change_flag']}"
