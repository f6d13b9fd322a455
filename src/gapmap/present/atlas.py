"""What every page of the atlas (``gapmap atlas build``) says, as plain data: one :class:`AreaPage` per area of
every level (the UK, its nations, regions, NHS areas and local authorities), the maps they show
(:mod:`gapmap.present.atlas_maps`), the search index and the sources. Nothing here draws or writes; the pages
are drawn by :mod:`gapmap.render.atlas`.

Every indicator is computed once per level (:func:`gapmap.measures.compute.all_indicators`), and each page
reads its own rows from those tables, so the 446 pages cost five sets of tables, not 446.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.geo import areas
from gapmap.geo.areas import UK_CODE
from gapmap.geo.levels import LEVELS
from gapmap.geo.neighbours import level_geometry
from gapmap.measures import comparison, coverage
from gapmap.measures.compute import all_indicators
from gapmap.measures.indicators import format_value
from gapmap.measures.trend import CoverageTrend, coverage_by_year
from gapmap.present import atlas_maps
from gapmap.present.atlas_maps import UK_LEVEL, AreaMap, MapKey, Ref
from gapmap.present.attribution import (
    AREAS_SOURCE,
    BOUNDARY_ATTRIBUTION,
    POPULATION_ATTRIBUTION,
    PROVISION_ATTRIBUTION,
    SURVEY_SOURCE,
    SYNTHETIC_NOTE,
    TEAMS_ATTRIBUTION,
)
from gapmap.present.profile import Indexed, Profile, profile_from
from gapmap.present.sentences import coverage_sentence
from gapmap.present.tables import tidy_frames, trend_frame
from gapmap.present.trendspec import TrendSpec, trend_spec

if TYPE_CHECKING:
    from gapmap.settings import Settings
    from gapmap.survey.validate import Responses
    from gapmap.teams.store import Store

HEADLINE = atlas_maps.HEADLINE


@dataclass(frozen=True)
class Row:
    """One indicator for one area, as the page's data table shows it (every text already in words)."""

    indicator: str
    title: str
    n: str
    value: str
    interval: str
    benchmark: str
    comparison: str
    suppressed: str
    synthetic: bool


@dataclass(frozen=True)
class Bar:
    """One area in a ranked chart: its value (0 to ``Chart.top``) and how it is written."""

    ref: Ref
    value: float
    text: str


@dataclass(frozen=True)
class Chart:
    """The areas of a map ranked by the headline indicator, the page's own area marked."""

    title: str
    bars: list[Bar]
    top: float
    benchmark: float
    benchmark_text: str
    here: str  # the code of the page's own area ('' on the UK page)


@dataclass(frozen=True)
class Local:
    """The nearest known team and the neighbouring areas (each with whether a known team serves it)."""

    nearest_team: str
    nearest_km: str
    nearest_place: str
    distance_from: str
    neighbours: list[tuple[Ref, bool]]


@dataclass
class AreaPage:
    """Everything one area's page says."""

    ref: Ref
    level_label: str
    trail: list[Ref]  # the UK down to the parent: links up
    children: list[Ref]  # links down
    children_label: str
    figures: list[tuple[str, str]]
    sentences: list[str]
    place: str
    map_key: MapKey
    chart: Chart
    rows: list[Row]
    profile: Profile | None
    local: Local | None
    tidy: pd.DataFrame
    synthetic: bool
    unavailable: list[str] = field(default_factory=list)
    trend: TrendSpec | None = None  # the headline year by year: the area against its parent and the UK

    @property
    def parent(self) -> Ref | None:
        return self.trail[-1] if self.trail else None


@dataclass
class Atlas:
    """The whole site as data: the pages, the maps they show, the search index and what the data are."""

    pages: list[AreaPage]
    maps: dict[MapKey, AreaMap]
    level_maps: list[MapKey]  # the UK at every level: the maps with an embed page of their own
    headline: str
    as_of: list[str]
    built: str
    sources: list[str]
    tidy: pd.DataFrame
    search: dict[str, Any]
    geo: dict[str, Any]  # level -> GeoDataFrame of its areas with the headline values (the GeoJSON download)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # every area's headline in every year (a CSV)


SOURCES = [
    TEAMS_ATTRIBUTION,
    POPULATION_ATTRIBUTION,
    SURVEY_SOURCE,
    SYNTHETIC_NOTE,
    PROVISION_ATTRIBUTION,
    BOUNDARY_ATTRIBUTION,
    AREAS_SOURCE[0],
]


def _parent(t: areas.AreaTable, level: str, code: str) -> Ref:
    """The nearest coarser area holding this one that is not the same area (Wales the region sits in the UK)."""
    order = list(LEVELS)
    for up in reversed(order[: order.index(level)]):
        p = t.ancestor(code, up)
        if p and p != code:
            return Ref(up, p, t.names.get(p, p))
    return Ref(UK_LEVEL, UK_CODE, t.names[UK_CODE])


def _children(t: areas.AreaTable, level: str, code: str) -> tuple[str, list[str]]:
    """The areas one level down (skipping a level where the area is its own only member: Wales's regions)."""
    order = list(LEVELS)
    start = 0 if level == UK_LEVEL else order.index(level) + 1
    for down in order[start:]:
        members = [m for m in t.members(code, down) if m != code]
        if members:
            return down, sorted(members, key=lambda c: t.names.get(c, c))
    return "", []


def _trail(t: areas.AreaTable, level: str, code: str) -> list[Ref]:
    if level == UK_LEVEL:
        return []
    parent = _parent(t, level, code)
    return [*_trail(t, parent.level, parent.code), parent]


def _rows(tables: list[Indexed], code: str) -> list[Row]:
    out = []
    for ix in tables:
        table = ix.table
        ind = table.indicator
        r = ix.rows.get(code)
        if r is None:
            continue
        applies = table.population.covers(code) or code == table.population.code
        suppressed = ""
        if bool(r["suppressed"]):
            suppressed = (
                "Hidden to stop a suppressed value being worked out by subtraction"
                if r["suppressed_reason"] == "secondary"
                else f"Fewer than {table.min_base} responses"
            )
        if not applies:
            value = f"Not applicable: outside {table.population.name}"
        elif suppressed:
            value = "Suppressed"
        else:
            value = format_value(ind, r["value"]) or str(r["category"]) or "No data"
        interval = ""
        if ind.from_survey and not suppressed and pd.notna(r["lo"]) and pd.notna(r["hi"]):
            interval = f"{format_value(ind, r['lo'])}–{format_value(ind, r['hi'])}"
        word = str(r["comparison"]) if applies and code != table.population.code else ""
        out.append(
            Row(
                ind.id,
                table.title,
                f"{int(r['n']):,} {ind.n_meaning}",
                value,
                interval,
                f"{table.population.label}: {format_value(ind, ix.benchmark_value)}",
                comparison.sentence(word, table.comparison_level, table.population.label)
                if word
                else ("Benchmark" if code == table.population.code else "Not compared"),
                suppressed,
                bool(table.synthetic and ind.from_survey),
            )
        )
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _place(name: str, bars: list[Bar], here: str, parent_name: str, noun: str) -> str:
    """Where an area stands among the areas of its parent, ties said as ties."""
    mine = next((b for b in bars if b.ref.code == here), None)
    if mine is None or len(bars) < 2:
        return ""
    higher = sum(b.value > mine.value for b in bars)
    same = sum(b.value == mine.value for b in bars) - 1
    where = f"of the {len(bars)} {noun} in {parent_name}"
    rank = f"joint {_ordinal(higher + 1)}" if same else _ordinal(higher + 1)
    tie = f", with {same} other{'s' if same > 1 else ''} at the same share" if same else ""
    return (
        f"{name} ranks {rank} {where} by the share of its children aged 0-2 living where no known "
        f"parent-infant team serves ({mine.text}; 1st is the largest gap){tie}."
    )


def _chart(ix: Indexed, key: MapKey, codes: list[str], here: str, refs: dict[str, Ref]) -> Chart:
    ind = ix.table.indicator
    values = {c: float(ix.rows[c]["value"]) for c in codes}
    bars = [Bar(refs[c], v, format_value(ind, v)) for c, v in values.items()]
    bars.sort(key=lambda b: (-b.value, b.ref.name))
    uk = ix.benchmark_value
    title = f"{ix.table.title}: {key.describe()}"
    return Chart(title, bars, 1.0, uk, f"UK {format_value(ind, uk)}", here)


def _the(name: str) -> str:
    """'the United Kingdom'; other names as they are."""
    return f"the {name}" if name == "United Kingdom" else name


def _local(
    row: dict[str, Any], level: str, code: str, t: areas.AreaTable, settings: Settings, served: set[str]
) -> Local:
    kin = level_geometry(level, settings).neighbours.get(code, ())
    km = row.get("nearest_team_km")
    return Local(
        str(row.get("nearest_team") or ""),
        "" if km is None or pd.isna(km) else ("less than 1 km" if float(km) < 1 else f"{float(km):,.0f} km"),
        str(row.get("nearest_team_place") or ""),
        str(row.get("distance_from") or ""),
        [
            (Ref(level, k, t.names.get(k, k)), k in served)
            for k in sorted(kin, key=lambda c: t.names.get(c, c))
        ],
    )


def _figures(cov: dict[str, Any], teams_rate: str) -> list[tuple[str, str]]:
    n, gap = int(cov["children_0_2"]), int(cov["children_0_2_no_team"])
    share = f" ({100 * gap / n:.0f}%)" if n else ""
    return [
        ("Children aged 0-2", f"{n:,}"),
        ("Living where no known parent-infant team serves", f"{gap:,}{share}"),
        ("Known teams serving some of it", f"{int(cov['teams_serving']):,}"),
        ("Teams per 10,000 children aged 0-2", teams_rate or "none"),
    ]


def build(settings: Settings, responses: Responses, store: Store) -> Atlas:
    """The atlas of the bundled (or given) data: every page, map, table and index, as data (about a minute for
    the bundled data; ``tests/present/test_atlas.py`` checks it)."""
    t = areas.table(settings.boundaries_dir)
    built = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    per_level = {lv: all_indicators(responses, settings, store=store, level=lv) for lv in LEVELS}
    covs = {lv: coverage.coverage(settings, lv, store=store) for lv in LEVELS}
    uk_headline = covs["nation"].headline
    served = {lv: set(covs[lv].frame.loc[covs[lv].frame["teams_serving"] > 0, "area_code"]) for lv in LEVELS}
    headline = {lv: next(x for x in per_level[lv].tables if x.indicator.id == HEADLINE) for lv in LEVELS}
    rate = {
        lv: next(x for x in per_level[lv].tables if x.indicator.id == "teams_per_10k_age_0_2")
        for lv in LEVELS
    }
    tidy = {lv: tidy_frames(per_level[lv].tables, built) for lv in LEVELS}
    indexed = {lv: [Indexed.of(x) for x in per_level[lv].tables] for lv in LEVELS}
    cov_rows = {
        lv: {
            str(r["area_code"]): {str(k): v for k, v in r.items()} for r in covs[lv].frame.to_dict("records")
        }
        for lv in LEVELS
    }
    rates = {
        lv: dict(zip(rate[lv].frame["area_code"], rate[lv].frame["value"], strict=True)) for lv in LEVELS
    }
    tidy_rows = {lv: tidy[lv].groupby("area_code", sort=False).indices for lv in LEVELS}
    head_ix = {lv: Indexed.of(headline[lv]) for lv in LEVELS}
    maps = atlas_maps.Maps(settings, headline)
    trends = _trends(settings, store)
    refs = {(lv, c): Ref(lv, c, t.names.get(c, c)) for lv in LEVELS for c in t.codes(lv)}
    uk_ref = Ref(UK_LEVEL, UK_CODE, t.names[UK_CODE])
    pages = []
    for level, code in [(UK_LEVEL, UK_CODE)] + [(lv, c) for lv in LEVELS for c in t.codes(lv)]:
        ref = uk_ref if level == UK_LEVEL else refs[(level, code)]
        data_level = "nation" if level == UK_LEVEL else level
        trail = _trail(t, level, code)
        down, kids = _children(t, level, code)
        if level == UK_LEVEL:
            key, here = MapKey("la", UK_CODE), ""
            chart_key = MapKey("nation", UK_CODE)
        else:
            parent = trail[-1]
            key = chart_key = MapKey(level, parent.code, _the(parent.name))
            here = code
        level_refs = {c: refs[(chart_key.level, c)] for c in t.codes(chart_key.level)}
        members = maps.members(chart_key)
        chart = _chart(head_ix[chart_key.level], chart_key, members, here, level_refs)
        cov = cov_rows[data_level][code]
        sentences = (
            [uk_headline] if level == UK_LEVEL else [coverage_sentence({**cov, "area_name": ref.name})]
        )
        tables = indexed[data_level]
        profile = None
        if level != UK_LEVEL:
            profile = profile_from(
                code,
                ref.name,
                level,
                tables,
                per_level[level].unavailable,
                settings.comparison_level,
                responses.source,
            )
        picks = tidy_rows[data_level]
        take = sorted({*picks.get(code, []), *picks.get(UK_CODE, [])})
        frame = tidy[data_level].iloc[take]
        rows = _rows(tables, code)
        pages.append(
            AreaPage(
                ref,
                "United Kingdom" if level == UK_LEVEL else LEVELS[level].label,
                trail,
                [refs[(down, c)] for c in kids],
                LEVELS[down].noun if down else "",
                _figures(cov, format_value(rate[data_level].indicator, rates[data_level][code])),
                sentences,
                _place(ref.name, chart.bars, here, trail[-1].name, LEVELS[level].noun) if trail else "",
                key,
                chart,
                rows,
                profile,
                None if level == UK_LEVEL else _local(cov, level, code, t, settings, served[level]),
                frame.reset_index(drop=True),
                any(r.synthetic for r in rows),
                per_level[data_level].unavailable,
                trend_spec(trends[data_level], code, boundaries_dir=settings.boundaries_dir),
            )
        )
        maps.want(key)
    level_maps = [MapKey(lv, UK_CODE) for lv in LEVELS]
    for k in level_maps:
        maps.want(k)
    return Atlas(
        pages,
        maps.made,
        level_maps,
        uk_headline,
        _as_of(store),
        built,
        SOURCES,
        pd.concat(list(tidy.values()), ignore_index=True),
        atlas_maps.search_index(settings, [(p.ref, p.level_label) for p in pages]),
        maps.geo(),
        pd.concat([trend_frame(x) for x in trends.values()], ignore_index=True).drop_duplicates(
            ["period", "area_code"], ignore_index=True
        ),
    )


def _trends(settings: Settings, store: Store) -> dict[str, CoverageTrend]:
    """The headline year by year at every level (``gapmap trend``'s counting), each level able to give an area's
    parent line from the others."""
    out = {lv: coverage_by_year(HEADLINE, settings, lv, store=store) for lv in LEVELS}
    for lv, trend in out.items():
        trend.other_levels = {other: out[other].tables for other in LEVELS if other != lv}
    return out


def _as_of(store: Store) -> list[str]:
    """What the figures are as of, source by source."""
    history = store.history()
    last = ""
    if len(history):
        stamp = pd.to_datetime(history["created_at"], utc=True, errors="coerce").max()
        last = "" if pd.isna(stamp) else f"{stamp.day} {stamp:%B %Y}"
    return [
        f"Teams: the gapmap teams database{f', last changed {last}' if last else ''}.",
        "Children aged 0-2: ONS mid-2019 population estimates (with NRS and NISRA).",
        "Survey: Parent-Infant Foundation (2021); the answers shown are a synthetic sample.",
    ]
