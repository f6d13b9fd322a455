"""Plain-language description (alt text) of a map, from its indicator table: highest, lowest, suppressed."""

from __future__ import annotations

import math

import pandas as pd

from gapmap import comparison
from gapmap.indicators import IndicatorTable, format_value


def _interval(table: IndicatorTable, lo: float, hi: float) -> str:
    if any(isinstance(x, float) and math.isnan(x) for x in (lo, hi)):
        return ""
    return f" (95% interval {format_value(table.indicator, lo)} to {format_value(table.indicator, hi)})"


def alt_text(table: IndicatorTable, subtitle: str, teams_count: int | None = None) -> str:
    """Alt text for a map of this table.

    >>> from gapmap import pipeline
    >>> t = pipeline.indicator_table("services_0_2_definitely")
    >>> "fewer than 10 responses" in alt_text(t, "")
    True
    """
    ind = table.indicator
    shown = table.areas.loc[~table.areas["suppressed"]].dropna(subset=["value"]).sort_values("value")
    suppressed = table.areas.loc[table.areas["suppressed"], "area_name"].tolist()
    parts = []
    if table.synthetic:
        parts.append(
            "Synthetic sample: the answers are generated to match the report's UK figures, so "
            "differences between areas are chance only."
        )
    who = f" ({table.profession} respondents only)" if table.profession else ""
    from gapmap import geography

    level = geography.get_level(table.level)
    parts.append(f"Map of {level.plural} showing {table.title[0].lower() + table.title[1:]}{who}.")
    if table.unplaced_note:
        parts.append(table.unplaced_note)
    if subtitle:
        parts.append(f"Question: {subtitle}")
    uk = table.uk
    if ind.kind == "coverage":
        parts.append(
            f"UK: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) live "
            "where no known parent-infant team serves."
        )
    elif not ind.from_survey and pd.notna(uk["value"]):
        parts.append(f"UK: {format_value(ind, uk['value'])}.")
    elif not bool(uk["suppressed"]):
        unit = "respondents" if ind.kind == "count" else f"of {int(uk['n'])} respondents"
        if ind.kind == "count":
            parts.append(f"UK total: {int(uk['n'])} {unit}.")
        else:
            parts.append(
                f"UK value: {format_value(ind, uk['value'])} {unit}{_interval(table, uk['lo'], uk['hi'])}."
            )
    if len(shown):
        hi_row, lo_row = shown.iloc[-1], shown.iloc[0]
        for word, row in (("Highest", hi_row), ("Lowest", lo_row)):
            if not ind.from_survey:
                parts.append(f"{word}: {row['area_name']}, {format_value(ind, row['value'])}.")
            else:
                parts.append(
                    f"{word}: {row['area_name']}, {format_value(ind, row['value'])} (n={int(row['n'])})"
                    f"{_interval(table, row['lo'], row['hi'])}."
                )
        if ind.kind in ("proportion", "mean"):
            at = comparison.level_label(table.comparison_level)
            for word in ("better", "higher", "worse", "lower"):
                names = shown.loc[shown["comparison"] == word, "area_name"].tolist()
                if names:
                    parts.append(
                        f"{comparison.LABELS[word]} (the {at} interval excludes the UK value): "
                        f"{', '.join(names)}."
                    )
            if not (shown["comparison"].isin(["better", "worse", "higher", "lower"])).any():
                parts.append(f"No area differs from the UK value at the {at} level.")
    empty = table.areas.loc[table.areas["n"] == 0, "area_name"].tolist()
    hidden = [a for a in suppressed if a not in set(empty)]
    if hidden:
        names = hidden if len(hidden) <= 20 else [*hidden[:20], f"and {len(hidden) - 20} more"]
        parts.append(
            f"{len(hidden)} area(s) suppressed (fewer than {table.min_base} responses, or to stop a hidden "
            f"value being worked out by subtraction), shown grey: {', '.join(names)}."
        )
    elif ind.from_survey and ind.kind != "count":
        parts.append("No area with responses is suppressed.")
    if empty and ind.from_survey:
        parts.append(f"{len(empty)} area(s) have no responses, shown grey.")
    if teams_count is not None:
        parts.append(f"{teams_count} parent-infant team locations are marked.")
    return " ".join(parts)
