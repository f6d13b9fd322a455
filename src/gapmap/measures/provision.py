"""Provision layers from public sources: Start for Life local authorities, Scottish boards' infant mental-health
status. At the level the source describes, each area gets a category; at coarser levels, the share of children
aged 0-2 living in areas of a category."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gapmap.files import io
from gapmap.geo import areas, levels
from gapmap.measures.indicators import COLUMNS, ENGLAND, INDICATORS, SCOTLAND, IndicatorTable, Population
from gapmap.settings import Settings

# Categories in legend order with colours from ColorBrewer's colour-blind-safe qualitative/sequential sets.
CATEGORIES: dict[str, dict[str, str]] = {
    "start_for_life": {
        "Trailblazer": "#08519c",
        "In the programme": "#6baed6",
        "Not in the programme": "#f7f7f7",
        "Not applicable: outside England (England-only programme)": "#e0e0e0",
    },
    "scotland_infant_mh": {
        "Service in place": "#1b7837",
        "Service in part of the board, or mostly consultative": "#7fbf7b",
        "Referenced; current status not confirmed": "#d9f0d3",
        "No data (no source found; not 'no service')": "#ffffff",
        "Not applicable: outside Scotland": "#e0e0e0",
    },
}
# The level each categorical source describes; coarser levels show shares, finer ones inherit the category.
NATIVE_LEVEL = {"start_for_life": "la", "scotland_infant_mh": "nhs"}
# The nation each source covers: its children are the population of every share and its row the benchmark; areas
# outside it are "not applicable", not "not in" or "none".
POPULATION: dict[str, Population] = {"start_for_life": ENGLAND, "scotland_infant_mh": SCOTLAND}
# Categories that carry no value, never drawn or written as 0: the source says nothing of the board, or names a
# service without saying whether it runs now.
NO_VALUE = {
    "scotland_infant_mh": (
        "No data (no source found; not 'no service')",
        "Referenced; current status not confirmed",
    )
}
# How a chart's value column says each of them, in a word or two.
NO_VALUE_WORDS = {
    "No data (no source found; not 'no service')": "no data",
    "Referenced; current status not confirmed": "not confirmed",
}
POSITIVE = {
    "start_for_life": ("Trailblazer", "In the programme"),
    "scotland_infant_mh": ("Service in place", "Service in part of the board, or mostly consultative"),
}


def _start_for_life(settings: Settings) -> dict[str, str]:
    """Local authority (LAD 2024) -> category; county councils stand for all their districts."""
    f = io.read_lookup(settings.data_dir / "provision" / "start_for_life_las.csv")
    out: dict[str, str] = {}
    for codes, trail in zip(f["lad24_codes"].astype(str), f["trailblazer"].astype(str), strict=True):
        for code in areas.split_codes(codes):
            out[code] = "Trailblazer" if trail.strip().lower() == "yes" else "In the programme"
    return out


def _scotland_status(settings: Settings) -> dict[str, str]:
    """Scottish health board -> category (boards missing from the source: no data)."""
    f = io.read_lookup(settings.data_dir / "provision" / "scotland_infant_mh_status.csv")
    out = {}
    for code, status in zip(f["hb_code"], f["status"].astype(str), strict=True):
        s = status.lower()
        if s.startswith("service in place") and ("only" in s or "mostly consultative" in s or "future" in s):
            out[code] = "Service in part of the board, or mostly consultative"
        elif s.startswith("service in place"):
            out[code] = "Service in place"
        else:
            out[code] = "Referenced; current status not confirmed"
    return out


def la_categories(indicator_id: str, settings: Settings) -> pd.Series:
    """Category of every local authority for a provision indicator."""
    t = areas.table(settings.boundaries_dir)
    la = t.level_frame("la")
    cats = list(CATEGORIES[indicator_id])
    if indicator_id == "start_for_life":
        known = _start_for_life(settings)
        return pd.Series(
            [known.get(c, cats[-2]) if c.startswith("E") else cats[-1] for c in la["code"]], index=la["code"]
        )
    status = _scotland_status(settings)
    no_data, outside = cats[-2], cats[-1]
    return pd.Series(
        [
            status.get(h, no_data) if c.startswith("S") else outside
            for c, h in zip(la["code"], la["nhs_code"], strict=True)
        ],
        index=la["code"],
    )


def compute(indicator_id: str, settings: Settings, level: str | None = None) -> IndicatorTable:
    """Categories at (or below) the source's level; share of children aged 0-2 in served areas above it. The
    benchmark row is the covered nation's (its children are the base of every share); areas outside it and areas
    the source says nothing of have no value.

    >>> t = compute("start_for_life", Settings(), "nation")
    >>> t.frame.set_index("area_code").loc["W92000004", "category"]
    'Not applicable: outside England (England-only programme)'
    >>> t.benchmark["area_name"], t.population.label
    ('England', 'England')
    """
    ind = INDICATORS[indicator_id]
    lv = levels.get_level(level)
    t = areas.table(settings.boundaries_dir)
    la_cat = la_categories(indicator_id, settings).to_dict()
    pop = t.level_frame("la").set_index("code")["pop_age0to2"].astype(int).to_dict()
    outside = list(CATEGORIES[indicator_id])[-1]
    no_value = NO_VALUE.get(indicator_id, ())
    population = POPULATION[indicator_id]
    positive = POSITIVE[indicator_id]
    native = t.rank[NATIVE_LEVEL[indicator_id]]
    codes = t.codes(lv.id)
    benchmark_is_area = population.code in set(codes)
    rows: list[tuple[str, int, object, float, str]] = []
    for code in codes if benchmark_is_area else [*codes, population.code]:
        members = t.members(code, "la")
        n = sum(pop[m] for m in members)
        member_cats = {la_cat[m] for m in members}
        k = sum(pop[m] for m in members if la_cat[m] in positive)
        category = ""
        if code != population.code and (t.rank[lv.id] >= native or len(member_cats) == 1):
            category = member_cats.pop() if len(member_cats) == 1 else ""
        inside = [m for m in members if population.covers(m)]
        if not inside:
            rows.append((code, n, pd.NA, np.nan, outside))
            continue
        n = sum(pop[m] for m in inside)  # the share is of the children in the nation the source covers
        if category in no_value:  # nothing sourced, or nothing confirmed: no value, not 0%
            rows.append((code, n, pd.NA, np.nan, category))
            continue
        rows.append((code, n, k, k / n if n else np.nan, category))
    out = pd.DataFrame(rows, columns=["area_code", "n", "k", "value", "category"])
    out.insert(0, "indicator", ind.id)
    out.insert(2, "area_name", out["area_code"].map(t.names))
    out["lo"] = np.nan
    out["hi"] = np.nan
    out["suppressed"] = False  # public lists of areas and population counts: nothing to protect
    out["suppressed_reason"] = ""
    out["comparison"] = ""
    out["k"] = out["k"].astype("Int64")
    return IndicatorTable(
        ind,
        out[COLUMNS],
        None,
        None,
        settings.min_base,
        settings.confidence,
        False,
        "data/provision ("
        + ("start_for_life_las.csv" if indicator_id == "start_for_life" else "scotland_infant_mh_status.csv")
        + ")",
        level=lv.id,
        population=population,
        benchmark_is_area=benchmark_is_area,
    )


def categorical(table: IndicatorTable) -> bool:
    """Whether a table is drawn by category (its areas carry one each) rather than by value."""
    return table.indicator.id in CATEGORIES and bool((table.areas["category"] != "").all())
