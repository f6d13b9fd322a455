"""One area's profile: every indicator for it beside the benchmark (the UK's, or one nation's for a one-nation
layer) and the spread of its level's areas, for the profile page, `gapmap profile` and the atlas's spine charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gapmap.geo import areas
from gapmap.measures.indicators import IndicatorTable

if TYPE_CHECKING:
    from gapmap.settings import Settings
    from gapmap.survey.validate import Responses
    from gapmap.teams.store import Store

PROFILE_COLUMNS = [
    "indicator",
    "title",
    "unit",
    "value",
    "lo",
    "hi",
    "n",
    "n_meaning",
    "uk_value",
    "benchmark",
    "comparison",
    "polarity",
    "suppressed",
    "suppressed_reason",
    "synthetic",
    "area_min",
    "area_q25",
    "area_q75",
    "area_max",
    "areas_shown",
    "category",
]


@dataclass(frozen=True)
class Profile:
    """Every indicator for one area against the UK, with the spread of the level's areas for a spine chart."""

    area_code: str
    area_name: str
    level: str
    frame: pd.DataFrame  # PROFILE_COLUMNS, one row per indicator available
    comparison_level: float
    unavailable: list[str]
    survey_file: str = ""  # the survey file's name, and who gave it ('' for the bundled sample)
    supplied_by: str = ""

    @property
    def synthetic(self) -> bool:
        return bool(self.frame["synthetic"].any())


def area_profile(
    settings: Settings,
    area_code: str,
    responses: Responses | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
) -> Profile:
    """Every indicator for one area (at the area's own level) beside the UK value and the level's spread.

    >>> from gapmap.settings import Settings
    >>> p = area_profile(Settings(), "E12000007")  # London
    >>> p.area_name, p.level, "children_0_2_no_team" in set(p.frame["indicator"])
    ('London', 'region', True)
    """
    from gapmap.measures.compute import all_indicators
    from gapmap.survey.validate import load_survey

    t = areas.table(settings.boundaries_dir)
    level = t.level_of(area_code)
    if not level:
        raise KeyError(f"no area with code {area_code!r}")
    responses = responses if responses is not None else load_survey(settings=settings)
    every = all_indicators(
        responses,
        settings,
        age_group=age_group,
        profession=profession,
        known_by=known_by,
        store=store,
        level=level,
    )
    name = t.names.get(area_code, area_code)
    return profile_from(
        area_code,
        name,
        level,
        every.tables,
        every.unavailable,
        settings.comparison_level,
        responses.source,
        responses.supplied_by,
    )


@dataclass(frozen=True)
class Indexed:
    """One indicator table read once for many areas: its rows by area code, the benchmark value and the spread
    of the level's shown values (the atlas asks it for 446 areas; a frame lookup per area costs seconds)."""

    table: IndicatorTable
    rows: dict[str, dict[str, Any]]
    benchmark_value: float
    quartiles: list[float]
    shown: int
    empty: bool

    @classmethod
    def of(cls, table: IndicatorTable) -> Indexed:
        a = table.areas
        shown = a.loc[~a["suppressed"], "value"].dropna().astype(float)
        q = shown.quantile([0.0, 0.25, 0.75, 1.0]).tolist() if len(shown) else [np.nan] * 4
        rows = {
            str(r["area_code"]): {str(k): v for k, v in r.items()} for r in table.frame.to_dict("records")
        }
        empty = bool(table.frame["value"].isna().all())
        return cls(table, rows, float(table.benchmark["value"]), q, len(shown), empty)


def profile_from(
    area_code: str,
    area_name: str,
    level: str,
    tables: list[IndicatorTable] | list[Indexed],
    unavailable: list[str],
    comparison_level: float,
    survey_file: str = "",
    supplied_by: str = "",
) -> Profile:
    """One area's :class:`Profile` from its level's indicator tables (or the same tables :class:`Indexed` once
    for every area of the level, as the atlas does)."""
    rows = []
    for given in tables:
        ix = given if isinstance(given, Indexed) else Indexed.of(given)
        table = ix.table
        ind = table.indicator
        if ind.kind == "count" or ix.empty:
            continue  # respondents per area is a base, not an indicator to compare
        if not table.population.covers(area_code):
            continue  # does not apply here (a Scottish layer for London)
        row = ix.rows.get(area_code)
        if row is None or (area_code == table.population.code and not table.benchmark_is_area):
            continue
        q = ix.quartiles
        rows.append(
            {
                "indicator": ind.id,
                "title": table.title,
                "unit": ind.unit,
                "value": row["value"],
                "lo": row["lo"],
                "hi": row["hi"],
                "n": int(row["n"]),
                "n_meaning": ind.n_meaning,
                "uk_value": ix.benchmark_value,
                "benchmark": table.population.label,
                "comparison": row["comparison"],
                "polarity": ind.polarity,
                "suppressed": bool(row["suppressed"]),
                "suppressed_reason": row["suppressed_reason"],
                "synthetic": table.synthetic,
                "area_min": q[0],
                "area_q25": q[1],
                "area_q75": q[2],
                "area_max": q[3],
                "areas_shown": ix.shown,
                "category": str(row["category"]),
            }
        )
    return Profile(
        area_code,
        area_name,
        level,
        pd.DataFrame(rows, columns=PROFILE_COLUMNS),
        comparison_level,
        unavailable,
        survey_file,
        supplied_by,
    )
