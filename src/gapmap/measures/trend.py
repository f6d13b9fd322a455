"""Coverage by year: every coverage indicator (teams, teams per 10,000 children aged 0-2, children aged 0-2 where no
known team serves) for each year from the earliest evidence to this year, at one level, counted by the
"teams known by" rule of ``--known-by`` (:meth:`gapmap.teams.store.Store.list_teams`).

A year's count is of the teams open that year and known from evidence dated by then: established by then (or
with no established year), not closed before it, and with an ``evidence_year`` no later. A team with no
established year counts from its evidence year; a team with neither is in no year's count. Both are counted so
every chart can say how many there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from gapmap.geo import areas, levels
from gapmap.measures import coverage
from gapmap.measures.indicators import INDICATORS, Indicator, IndicatorTable
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings, from_env

if TYPE_CHECKING:
    from gapmap.teams.store import Store

BASIS = "teams open that year and known from evidence dated by then"


@dataclass
class CoverageTrend:
    """One coverage indicator for every area of a level, year by year, and what the counts rest on."""

    indicator: Indicator
    level: str
    years: list[int]
    tables: list[IndicatorTable]  # one per year, in the order of ``years``
    no_established: int  # teams with no established year: each counts from its evidence year
    undated: int  # teams with neither an established nor an evidence year: in no year's count
    teams_total: int  # teams in the store, open or closed (removed ones are not counted)
    basis: str = BASIS
    published: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # the Parent-Infant Foundation's dated counts
    # The same years at other levels, for an area's parent line (an NHS area's above a local authority's).
    other_levels: dict[str, list[IndicatorTable]] = field(default_factory=dict)
    _index: dict[str, list[tuple[int, object, object, object]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _index_key: tuple[str, ...] | None = field(default=None, repr=False, compare=False)

    def _by_area(self) -> dict[str, list[tuple[int, object, object, object]]]:
        """Each area's (year, n, k, value) rows, from this level's tables or else the first other level that has
        it; an area listed twice in a year's table keeps its last row."""
        out: dict[str, list[tuple[int, object, object, object]]] = {}
        for tables in [self.tables, *self.other_levels.values()]:
            found: dict[str, dict[int, tuple[int, object, object, object]]] = {}
            for year, table in zip(self.years, tables, strict=True):
                f = table.frame
                for code, n, k, value in zip(f["area_code"], f["n"], f["k"], f["value"], strict=True):
                    found.setdefault(str(code), {})[year] = (year, n, k, value)
            for code, by_year in found.items():
                out.setdefault(code, list(by_year.values()))
        return out

    def series(self, area_code: str) -> pd.DataFrame:
        """One area's rows, a year each: period, n, k, value.

        >>> import tempfile, os
        >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
        >>> t = coverage_by_year("teams", s, "nation", last_year=2025)
        >>> t.series("N92000002").set_index("period").loc[[2011, 2012, 2019], "value"].tolist()
        [0.0, 1.0, 2.0]
        """
        key = tuple(self.other_levels)
        if self._index_key != key:  # built once (the atlas asks for every area), again if the levels change
            self._index = self._by_area()
            self._index_key = key
        rows = self._index.get(area_code, [])
        return pd.DataFrame(rows, columns=["period", "n", "k", "value"])


TREND_KINDS = ("team_count", "team_rate", "coverage")


def parent_of(code: str, boundaries_dir: object = None) -> str:
    """The nearest coarser area holding ``code`` ('' for a nation, whose parent is the UK).

    >>> parent_of("E06000023"), parent_of("E12000009"), parent_of("W92000004")
    ('E54000039', 'E92000001', '')
    """
    t = areas.table(boundaries_dir)  # type: ignore[arg-type]
    own = t.level_of(code)
    ids = list(levels.LEVELS)
    if own not in ids:
        return ""
    for lv in reversed(ids[: ids.index(own)]):
        up = t.ancestor(code, lv)
        if up and up != code:
            return up
    return ""


def trend_indicators() -> list[str]:
    """The indicators that have a value for every year: those counted from the teams store."""
    return [i for i, ind in INDICATORS.items() if ind.kind in TREND_KINDS]


def _check(indicator_id: str) -> Indicator:
    ind = INDICATORS.get(indicator_id)
    if ind is None or ind.kind not in TREND_KINDS:
        ids = ", ".join(trend_indicators())
        raise InputError(
            [
                Issue(
                    None,
                    "--indicator",
                    indicator_id,
                    f"Expected one of {ids} (the indicators counted from the teams store, which have a value "
                    f"for every year); found '{indicator_id}'. Fix: choose one of those.",
                )
            ]
        )
    return ind


def coverage_by_year(
    indicator_id: str,
    settings: Settings | None = None,
    level: str | None = None,
    store: Store | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    area_code: str | None = None,
) -> CoverageTrend:
    """The indicator for every area of ``level`` (and the UK) in each year from the earliest evidence year in the
    store (or ``first_year``) to this year (or ``last_year``); with ``area_code``, its parent's level too.

    >>> import tempfile, os
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> t = coverage_by_year("teams", s, "nation", last_year=2025)
    >>> t.years[0], t.years[-1], t.no_established, t.undated
    (1998, 2025, 24, 9)
    """
    from gapmap.teams import layer
    from gapmap.teams.store import Store

    settings = settings or from_env()
    ind = _check(indicator_id)
    lv = levels.get_level(level)
    store = store or Store(settings)
    everyone = store.list_teams(include_closed=True)
    evidence = everyone["evidence_year"].dropna()
    start = first_year if first_year is not None else (int(evidence.min()) if len(evidence) else None)
    end = last_year if last_year is not None else dt.date.today().year
    if start is None:
        start = end
    if start > end:
        raise InputError(
            [
                Issue(
                    None,
                    "years",
                    f"{start}-{end}",
                    f"Expected a first year no later than the last; found {start} to {end}. Fix: swap them.",
                )
            ]
        )
    served_all = dict(zip(everyone["id"].astype(int), layer.served_las(everyone, settings), strict=True))
    years = list(range(start, end + 1))
    parent = parent_of(area_code, settings.boundaries_dir) if area_code else ""
    extra = areas.table(settings.boundaries_dir).level_of(parent) if parent else ""
    extra = extra if extra and extra != lv.id else ""
    tables: list[IndicatorTable] = []
    others: list[IndicatorTable] = []
    for year in years:
        # The --known-by rule itself, one query a year: the chart and the map for that year agree by construction.
        ids = store.list_teams(known_by=year)["id"].astype(int)
        served = [served_all[i] for i in ids if i in served_all]
        tables.extend(coverage.tables_for([ind.id], settings, served, year, lv.id))
        if extra:
            others.extend(coverage.tables_for([ind.id], settings, served, year, extra))
    no_established = int(everyone["established"].isna().sum())
    undated = int((everyone["established"].isna() & everyone["evidence_year"].isna()).sum())
    return CoverageTrend(
        ind,
        lv.id,
        years,
        tables,
        no_established,
        undated,
        len(everyone),
        published=layer.published_counts(settings),
        other_levels={extra: others} if extra else {},
    )
