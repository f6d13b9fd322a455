"""Area sentences a commissioner can quote, written from templates with the numbers filled in: the children in
the gap, the nearest known team, the neighbours; and an indicator's value for one area, which says "too few
responses" instead of a suppressed value, never the value itself.

The coverage sentence reads one row of ``gapmap coverage``'s table (:func:`gapmap.measures.coverage.coverage`):
``area_name``, ``children_0_2``, ``children_0_2_no_team``, ``teams_serving`` and the nearest-team and neighbour
columns of :mod:`gapmap.measures.nearest`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from gapmap.measures.indicators import IndicatorTable, format_value


def _count(n: int, one: str, many: str) -> str:
    """'1 team', '2 teams', 'no teams'."""
    return f"no {many}" if n == 0 else f"1 {one}" if n == 1 else f"{n:,} {many}"


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def coverage_sentence(row: Mapping[str, Any]) -> str:
    """What a commissioner can quote about one area's gap, its nearest team and its neighbours.

    >>> row = {"area_name": "Bristol, City of", "children_0_2": 16972, "children_0_2_no_team": 16972,
    ...        "teams_serving": 0, "nearest_team": "DorPIP", "nearest_team_km": 75.7,
    ...        "nearest_team_place": "Dorset", "neighbours": 3, "neighbours_served": 0}
    >>> print(coverage_sentence(row))
    In Bristol, City of, none of its 16,972 children aged 0-2 live where a known parent-infant team serves. The nearest known team is DorPIP, 76 km away in Dorset. All 3 of its neighbouring areas have no known team either.
    """
    name = str(row["area_name"])
    n, gap = _int(row["children_0_2"]), _int(row["children_0_2_no_team"])
    served_here = _int(row.get("teams_serving"))
    if n == 0:
        first = f"{name} has no children aged 0-2 in the population estimates."
    elif gap == n:
        first = (
            f"In {name}, none of its {n:,} children aged 0-2 live where a known parent-infant team serves."
        )
    elif gap == 0:
        first = (
            f"In {name}, all {n:,} children aged 0-2 live where a known parent-infant team serves "
            f"({_count(served_here, 'team serves', 'teams serve')} some of it)."
            if served_here
            else f"In {name}, all {n:,} children aged 0-2 live where a known parent-infant team serves."
        )
    else:
        first = (
            f"In {name}, {gap:,} of its {n:,} children aged 0-2 ({100 * gap / n:.0f}%) live where no known "
            "parent-infant team serves."
        )
    parts = [first]
    team = str(row.get("nearest_team") or "")
    if gap and team:
        km = float(row["nearest_team_km"])
        where = f" in {row['nearest_team_place']}" if row.get("nearest_team_place") else ""
        distance = "less than 1 km away" if km < 1 else f"{km:,.0f} km away"
        parts.append(f"The nearest known team is {team}, {distance}{where}.")
    elif gap and not team:
        parts.append("No known team has a location to measure from.")
    parts.append(_neighbours(_int(row.get("neighbours")), _int(row.get("neighbours_served")), gap > 0))
    planned = _names(row.get("commissioned_teams"))
    if planned:
        verb = "is" if len(planned) == 1 else "are"
        parts.append(f"{_and(planned)} {verb} commissioned here but not yet known to be operating.")
    return " ".join(p for p in parts if p)


def _names(value: Any) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()] if not _blank(value) else []


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _and(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def local_lines(row: Mapping[str, Any]) -> list[str]:
    """What a map popup says about an area's nearest known team and its neighbours, one line each (plain text).

    >>> local_lines({"nearest_team": "DorPIP", "nearest_team_km": 75.7, "nearest_team_place": "Dorset",
    ...     "distance_from": "from the local authority's representative point (no finer population grid is bundled)",
    ...     "neighbours": 3, "neighbours_served": 1, "commissioned_teams": ""})
    ["Nearest known team: DorPIP, 76 km away in Dorset (a straight line from the local authority's representative point)", 'Neighbouring areas with a known team: 1 of 3']
    """
    lines = []
    team = "" if _blank(row.get("nearest_team")) else str(row.get("nearest_team") or "")
    if team:
        km = float(row["nearest_team_km"])
        distance = "less than 1 km away" if km < 1 else f"{km:,.0f} km away"
        place = row.get("nearest_team_place")
        where = f" in {place}" if isinstance(place, str) and place else ""
        basis = str(row.get("distance_from") or "").split(" (")[0]
        lines.append(
            f"Nearest known team: {team}, {distance}{where}"
            + (f" (a straight line {basis})" if basis else "")
        )
    total = _int(row.get("neighbours"))
    if total:
        lines.append(f"Neighbouring areas with a known team: {_int(row.get('neighbours_served'))} of {total}")
    elif not _blank(row.get("neighbours")):
        lines.append("No neighbouring area at this level (it shares no border)")
    planned = _names(row.get("commissioned_teams"))
    if planned:
        lines.append(f"Commissioned, not yet known to be operating: {'; '.join(planned)}")
    return lines


def _neighbours(total: int, served: int, in_gap: bool) -> str:
    without = total - served
    either = " either" if in_gap else ""
    if total == 0:
        return "It shares no border with another area of this level."
    if total == 1:
        return f"Its one neighbouring area {'has no known team' + either if without else 'has a known team'}."
    if without == 0:
        both = "Both its neighbouring areas" if total == 2 else f"All {total} of its neighbouring areas"
        return f"{both} have a known team."
    if without == total:
        both = "Both its neighbouring areas" if total == 2 else f"All {total} of its neighbouring areas"
        return f"{both} have no known team{either}."
    verb = "has" if without == 1 else "have"
    return f"{without} of its {total} neighbouring areas {verb} no known team{either}."


def value_sentence(table: IndicatorTable, area_code: str) -> str:
    """One area's value of an indicator in words, with n and its interval; a suppressed value is never written.

    >>> from gapmap.measures.compute import indicator_table
    >>> t = indicator_table("services_0_2_definitely")
    >>> value_sentence(t, "E12000009"), value_sentence(t, "W92000004")
    ('South West: 44% (95% interval 32%–58%), n = 54.', 'Wales: too few responses to show a value (fewer than 10); n = 8.')
    """
    rows = table.frame.loc[table.frame["area_code"] == area_code]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    ind = table.indicator
    n = int(row["n"])
    if bool(row["suppressed"]):
        why = (
            "hidden to protect a neighbouring value"
            if row.get("suppressed_reason") == "secondary"
            else f"too few responses to show a value (fewer than {table.min_base})"
        )
        return f"{row['area_name']}: {why}; n = {n:,}."
    if pd.isna(row["value"]):
        return f"{row['area_name']}: no data."
    text = f"{row['area_name']}: {format_value(ind, float(row['value']))}"
    if not pd.isna(row.get("lo")) and not pd.isna(row.get("hi")) and ind.from_survey:
        level = round(100 * table.confidence)
        text += f" ({level}% interval {format_value(ind, float(row['lo']))}–{format_value(ind, float(row['hi']))})"
    return text + f", n = {n:,}."
