"""Plain-language descriptions (alt text) of maps and charts, from their tables: what is shown, the UK value in
words that fit the kind of indicator, highest and lowest, comparisons, what is suppressed and why."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.geo import levels
from gapmap.measures import comparison
from gapmap.measures.indicators import IndicatorTable, format_value
from gapmap.safetext import count

if TYPE_CHECKING:
    from gapmap.present.profile import Profile
    from gapmap.present.tables import Ranked

SYNTHETIC = (
    "Synthetic sample: the answers are generated to match the report's UK figures, so differences between "
    "areas are chance only."
)


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as attribute-access records (a frame's cells are typed loosely; these are read as what they hold)."""
    return list(frame.itertuples(index=False))


def _interval(table: IndicatorTable, lo: float, hi: float) -> str:
    if any(isinstance(x, float) and math.isnan(x) for x in (lo, hi)):
        return ""
    level = f"{100 * table.confidence:.0f}%"
    return f" ({level} interval {format_value(table.indicator, lo)} to {format_value(table.indicator, hi)})"


def uk_sentence(table: IndicatorTable) -> str:
    """The UK value in words that suit the indicator's kind ('' when the UK row is suppressed).

    >>> from gapmap.measures.compute import indicator_table
    >>> uk_sentence(indicator_table("understanding_mean"))
    'UK mean rating: 3.27 out of 5, from 283 respondents (95% interval 3.13 to 3.41).'
    """
    ind, uk = table.indicator, table.uk
    if bool(uk["suppressed"]) or pd.isna(uk["value"]):
        return ""
    v = format_value(ind, uk["value"])
    n = int(uk["n"])
    k = 0 if pd.isna(uk["k"]) else int(uk["k"])
    if ind.kind == "count":
        return f"UK total: {n} respondents."
    if ind.kind == "proportion":
        return f"UK: {v} of {n} respondents{_interval(table, uk['lo'], uk['hi'])}."
    if ind.kind == "mean":
        return f"UK mean rating: {v} out of 5, from {n} respondents{_interval(table, uk['lo'], uk['hi'])}."
    if ind.kind == "team_count":
        return f"UK: {k} teams serve at least one local authority."
    if ind.kind == "team_rate":
        return f"UK: {v} teams per 10,000 children aged 0-2 ({k} teams, {n:,} children)."
    if ind.kind == "coverage":
        return f"UK: {k:,} of {n:,} children aged 0-2 ({v}) live where no known parent-infant team serves."
    if ind.kind == "programme":
        return (
            f"England: {k:,} of {n:,} children aged 0-2 ({v}) live in a Family Hubs and Start for Life local "
            "authority (an England-only programme)."
        )
    return (
        f"Scotland: {k:,} of {n:,} children aged 0-2 ({v}) live in a health board with a sourced infant "
        "mental-health service."
    )


def _extremes(table: IndicatorTable, shown: pd.DataFrame) -> list[str]:
    """Highest and lowest, naming a tie by its count rather than one arbitrary area."""
    ind = table.indicator
    if shown.empty:
        return []
    if len(shown) == 1:
        row = shown.iloc[0]
        return [f"Only {row['area_name']} has a value: {format_value(ind, row['value'])}."]
    out = []
    for word, value in (("Highest", shown["value"].max()), ("Lowest", shown["value"].min())):
        at = shown.loc[shown["value"] == value]
        row = at.iloc[0]
        shown_value = format_value(ind, value)
        if len(at) > 1:
            names = ", ".join(at["area_name"].head(3).tolist())
            more = f" and {len(at) - 3} more" if len(at) > 3 else ""
            out.append(f"{word}: {shown_value}, in {len(at)} areas ({names}{more}).")
        elif ind.from_survey:
            out.append(
                f"{word}: {row['area_name']}, {shown_value} (n={int(row['n'])})"
                f"{_interval(table, row['lo'], row['hi'])}."
            )
        else:
            out.append(f"{word}: {row['area_name']}, {shown_value}.")
    return out


def _categories(table: IndicatorTable) -> list[str]:
    """For a categorical map (a provision layer at its own level): how many areas fall in each category."""
    from gapmap.measures import provision

    if not provision.categorical(table):
        return []
    cats = table.areas["category"].astype(str)
    from gapmap.geo import levels

    counts = cats[cats != ""].value_counts()
    noun = levels.get_level(table.level).noun
    return ["; ".join(f"{name}: {count} of {len(cats)} {noun}" for name, count in counts.items()) + "."]


def _binary(table: IndicatorTable) -> list[str]:
    """For a map whose values can only be 0 or 1 (coverage by local authority): its two categories, counted."""
    from gapmap.present import classify

    if not classify.binary(table):
        return []
    entries = classify.binary_legend(table)
    return ["Two categories: " + "; ".join(label for label, _, _ in reversed(entries)) + "."]


def alt_text(
    table: IndicatorTable, subtitle: str, teams_count: int | None = None, commissioned: int = 0
) -> str:
    """Alt text for a map of this table.

    >>> from gapmap.measures.compute import indicator_table
    >>> t = indicator_table("services_0_2_definitely")
    >>> "fewer than 10 responses" in alt_text(t, "")
    True
    """
    from gapmap.geo import levels

    ind = table.indicator
    shown = table.areas.loc[~table.areas["suppressed"]].dropna(subset=["value"]).sort_values("value")
    suppressed = table.areas.loc[table.areas["suppressed"], "area_name"].tolist()
    parts = []
    if table.synthetic and ind.from_survey:
        parts.append(SYNTHETIC)
    who = f" ({table.profession} respondents only)" if table.profession else ""
    level = levels.get_level(table.level)
    parts.append(f"Map of {level.plural}: {table.title}{who}.")
    if table.unplaced_note:
        parts.append(table.unplaced_note)
    if subtitle:
        parts.append(f"{'Question asked' if ind.from_survey else 'What it shows'}: {subtitle}")
    uk = uk_sentence(table)
    if uk:
        parts.append(uk)
    categories = _categories(table) or _binary(table)
    parts += categories or _extremes(table, shown)
    if ind.kind in ("proportion", "mean") and len(shown):
        at = comparison.level_label(table.comparison_level)
        for word in ("better", "higher", "worse", "lower"):
            names = shown.loc[shown["comparison"] == word, "area_name"].tolist()
            if names:
                parts.append(
                    f"{comparison.LABELS[word]} (the {at} interval excludes the UK value): {', '.join(names)}."
                )
        if not (shown["comparison"].isin(["better", "worse", "higher", "lower"])).any():
            parts.append(f"No area differs from the UK value at the {at} level.")
    empty = table.areas.loc[table.areas["n"] == 0, "area_name"].tolist()
    hidden = [a for a in suppressed if a not in set(empty)]
    if hidden:
        names = hidden if len(hidden) <= 20 else [*hidden[:20], f"and {len(hidden) - 20} more"]
        parts.append(
            f"{count(len(hidden), 'area')} suppressed (fewer than {table.min_base} responses, or to stop a hidden "
            f"value being worked out by subtraction), shown grey: {', '.join(names)}."
        )
    elif ind.from_survey and ind.kind != "count":
        parts.append("No area with responses is suppressed.")
    if empty and ind.from_survey:
        parts.append(
            f"{count(len(empty), 'area')} {'has' if len(empty) == 1 else 'have'} no responses, shown grey."
        )
    if teams_count is not None:
        parts.append(f"{teams_count} parent-infant team locations are marked.")
        if commissioned:
            parts.append(
                f"{commissioned} commissioned {'team is' if commissioned == 1 else 'teams are'} marked apart "
                "with a hollow ring: not yet known to be operating, so not counted as serving."
            )
    return " ".join(parts)


def ranked_alt_text(r: Ranked) -> str:
    """Alt text for a ranked bar chart.

    >>> from gapmap.measures.compute import indicator_table
    >>> from gapmap.present.tables import ranked
    >>> ranked_alt_text(ranked(indicator_table("children_0_2_no_team", level="nation"), "best"))[:60]
    'Bar chart of the 4 UK nations, best first: Children aged 0-2'
    """
    from gapmap.geo import levels
    from gapmap.present.ranking import gap_counts, sort_words

    table = r.table
    ind = table.indicator
    level = levels.get_level(table.level)
    in_gap = gap_counts(r)
    parts = [SYNTHETIC] if table.synthetic and ind.from_survey else []
    parts.append(f"Bar chart of {level.plural}, {sort_words(table, r.sort)}: {table.title}.")
    uk = uk_sentence(table)
    if uk:
        parts.append(uk + ("" if in_gap else " It is drawn as a vertical line."))
    if in_gap:
        parts.append("Each bar is the number of children aged 0-2 in the gap, with the share in brackets.")

    def shown(row: Any) -> str:
        value = format_value(ind, row.value)
        return f"{row.area_name} {int(row.k):,} ({value})" if in_gap else f"{row.area_name} {value}"

    if len(r.shown):
        listed = [shown(row) for row in _records(r.shown.head(5))]
        parts.append(f"Top of the chart: {', '.join(listed)}.")
        if len(r.shown) > 5:
            parts.append(f"Bottom: {shown(_records(r.shown)[-1])}.")
        words = r.shown["comparison"].astype(str)
        if (words != "").any():
            at = comparison.level_label(table.comparison_level)
            counts = words[words != ""].value_counts()
            parts.append(
                f"Compared with the UK at the {at} level: "
                + ", ".join(f"{count} {comparison.LABELS[str(w)].lower()}" for w, count in counts.items())
                + "."
            )
    else:
        parts.append("No area has a value to chart.")
    if len(r.no_value):
        groups = r.no_value.groupby("category", sort=False)["area_name"]
        parts.append(
            "Listed with no bar, having no value: "
            + "; ".join(f"{cat}: {', '.join(names)}" for cat, names in groups)
            + "."
        )
    if len(r.hidden):
        reasons = r.hidden["reason"].value_counts()
        parts.append(
            "Not charted: "
            + "; ".join(f"{count(n, 'area')}, {reason}" for reason, n in reasons.items())
            + "."
        )
    return " ".join(parts)


def profile_alt_text(profile: Profile) -> str:
    """Alt text for an area's spine chart: each indicator's value beside the UK's, and how it compares."""
    from gapmap.measures.indicators import INDICATORS

    parts = [
        f"Spine chart of {profile.area_name}: {len(profile.frame)} indicators against the UK value (or the "
        "nation's, for a layer covering one nation)."
    ]
    if profile.synthetic:
        parts.append("Survey indicators are from the synthetic sample: differences are chance only.")
    for rec in _records(profile.frame):
        ind = INDICATORS[str(rec.indicator)]
        if int(rec.n) == 0 and ind.from_survey:
            parts.append(f"{rec.title}: no responses at this level.")
            continue
        if bool(rec.suppressed):
            parts.append(f"{rec.title}: suppressed (small base or to protect a neighbour).")
            continue
        bench = f"{rec.benchmark} {format_value(ind, rec.uk_value)}"
        if pd.isna(rec.value):
            parts.append(f"{rec.title}: {str(rec.category) or 'no data'} ({bench}).")
            continue
        word = (
            comparison.label(str(rec.comparison), str(rec.benchmark)).lower()
            if rec.comparison
            else "not compared"
        )
        parts.append(f"{rec.title}: {format_value(ind, rec.value)} ({bench}; {word}).")
    if profile.sentence:
        parts.append(profile.sentence)
    return " ".join(parts)


def empty_view(table: IndicatorTable, working: str | None) -> str:
    """The one sentence a view with no value to show opens with, naming the level that works (or that none does).

    >>> from gapmap.measures.compute import indicator_table
    >>> empty_view(indicator_table("sufficient_provision", level="la"), "region")[:80]
    'No local authority has a value to show for sufficient local provision for babies'
    """
    lv = levels.get_level(table.level)
    what = table.title[0].lower() + table.title[1:]
    why = (
        f"every one has fewer than {table.min_base} responses, or is hidden to stop a hidden value being worked "
        "out by subtraction"
    )
    if working is None:
        return f"No {lv.word} has a value to show for {what}: {why}, and no coarser level has one either."
    return (
        f"No {lv.word} has a value to show for {what}: {why}. "
        f"Choose {levels.get_level(working).noun} to see these answers."
    )
