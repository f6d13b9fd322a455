"""Indicator tables from any source: the survey's responses, the teams store or a provision layer, one level at
a time, and every indicator at once (``gapmap indicators``, the area profile)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapmap.measures import indicators, survey_indicators
from gapmap.measures.indicators import INDICATORS, IndicatorTable
from gapmap.measures.survey_indicators import Unavailable
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import Responses, load_survey

if TYPE_CHECKING:
    from gapmap.teams.store import Store


def indicator_table(
    indicator_id: str,
    responses: Responses | None = None,
    settings: Settings | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> IndicatorTable:
    """One indicator for every area of a level (nations and regions by default), from the given responses
    (the bundled sample by default), the teams store or a provision layer.

    >>> len(indicator_table("respondents", level="nhs").areas)
    68
    """
    settings = settings or from_env()
    ind = indicators.get(indicator_id)
    if ind.from_teams:
        from gapmap.measures import coverage

        return coverage.compute(indicator_id, settings, known_by, store, level)
    if ind.from_provision:
        from gapmap.measures import provision

        return provision.compute(indicator_id, settings, level)
    return survey_indicators.compute(
        responses or load_survey(settings=settings), indicator_id, settings, age_group, profession, level
    )


@dataclass
class AllIndicators:
    tables: list[IndicatorTable]
    unavailable: list[str]


def all_indicators(
    responses: Responses,
    settings: Settings,
    ids: list[str] | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> AllIndicators:
    """Every indicator the file supports; those whose question is missing are listed as unavailable."""
    tables, missing = [], []
    wanted = ids or list(INDICATORS)
    teams_ids = [i for i in wanted if indicators.get(i).from_teams]
    teams_tables: dict[str, IndicatorTable] = {}
    if teams_ids:  # the store read and the teams placed once for all of them
        from gapmap.measures import coverage

        found = coverage.compute_many(teams_ids, settings or from_env(), known_by, store, level)
        teams_tables = dict(zip(teams_ids, found, strict=True))
    for ind_id in wanted:
        ind = indicators.get(ind_id)
        if ind_id in teams_tables:
            tables.append(teams_tables[ind_id])
            continue
        if not ind.from_survey:
            tables.append(indicator_table(ind_id, responses, settings, None, None, known_by, store, level))
            continue
        try:
            age = age_group if ind.per_age_group else None
            tables.append(survey_indicators.compute(responses, ind_id, settings, age, profession, level))
        except Unavailable as exc:
            missing.append(str(exc))
    return AllIndicators(tables, missing)


def has_values(table: IndicatorTable) -> bool:
    """Whether any area of the table (not its benchmark row) has a value that may be shown."""
    shown = table.areas.loc[~table.areas["suppressed"].astype(bool)]
    return bool(shown["value"].notna().any())


def working_level(
    indicator_id: str,
    responses: Responses | None,
    settings: Settings,
    age_group: str | None = None,
    profession: str | None = None,
    level: str | None = None,
) -> str | None:
    """The finest level coarser than ``level`` at which a survey indicator has a value to show (None if none).

    For a view that shows nothing: the bundled sample was answered by nation and region, so its local
    authorities are all empty, and the regions work.

    >>> working_level("sufficient_provision", None, from_env(), level="la")
    'region'
    """
    from gapmap.geo.levels import LEVELS, get_level

    order = list(LEVELS)  # coarsest first
    here = order.index(get_level(level).id)
    for lv in reversed(order[:here]):
        if has_values(indicator_table(indicator_id, responses, settings, age_group, profession, level=lv)):
            return lv
    return None
