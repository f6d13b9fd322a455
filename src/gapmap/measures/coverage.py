"""Coverage indicators from the teams store at every geography level (teams, teams per 10,000 children aged 0-2,
children aged 0-2 where no known team serves) and the coverage headline (``gapmap coverage``).

A team *serves* the local authorities in its ``area_codes`` (an NHS-area, region or nation code stands for all
the local authorities in it) or, with no area codes, the local authority its map point lies in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gapmap.geo import areas, levels
from gapmap.geo.areas import UK_CODE
from gapmap.measures import nearest
from gapmap.measures.indicators import INDICATORS, IndicatorTable
from gapmap.settings import Settings, from_env
from gapmap.teams import layer
from gapmap.teams.store import Store


def _la_frame(settings: Settings, served: list[set[str]]) -> pd.DataFrame:
    """Per local authority: children aged 0-2 and the number of teams serving it."""
    t = areas.table(settings.boundaries_dir)
    la = t.level_frame("la").set_index("code")
    position = {code: i for i, code in enumerate(la.index)}
    counts = np.zeros(len(la), dtype="int64")
    for las in served:
        for code in las:
            if code in position:
                counts[position[code]] += 1
    return pd.DataFrame({"pop": la["pop_age0to2"].astype(int), "teams": counts}, index=la.index)


def compute(
    indicator_id: str,
    settings: Settings,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> IndicatorTable:
    """'teams', 'teams_per_10k_age_0_2' or 'children_0_2_no_team' for every area of a level, and the UK.

    >>> import tempfile, os
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> t = compute("children_0_2_no_team", s, level="nation")
    >>> int(t.uk["n"])
    2252744
    """
    return compute_many([indicator_id], settings, known_by, store, level)[0]


def compute_many(
    indicator_ids: list[str],
    settings: Settings,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> list[IndicatorTable]:
    """:func:`compute` for several indicators, reading the store and placing the teams once."""
    from gapmap.teams.store import Store

    store = store or Store(settings)
    frame = store.list_teams(known_by=known_by)
    return tables_for(indicator_ids, settings, layer.served_las(frame, settings), known_by, level)


def tables_for(
    indicator_ids: list[str],
    settings: Settings,
    served: list[set[str]],
    known_by: int | None = None,
    level: str | None = None,
) -> list[IndicatorTable]:
    """:func:`compute_many` for teams already placed: the local authorities each team serves (``gapmap trend``
    places every team once and counts each year's teams from it)."""
    la = _la_frame(settings, served)
    return [_table(i, settings, known_by, level, served, la) for i in indicator_ids]


def _table(
    indicator_id: str,
    settings: Settings,
    known_by: int | None,
    level: str | None,
    served: list[set[str]],
    la: pd.DataFrame,
) -> IndicatorTable:
    ind = INDICATORS[indicator_id]
    lv = levels.get_level(level)
    t = areas.table(settings.boundaries_dir)
    # Whole-array sums: children per local authority, and which local authorities each team serves.
    position = {code: i for i, code in enumerate(la.index)}
    pop = la["pop"].to_numpy(dtype="int64")
    unserved_pop = np.where(la["teams"].to_numpy() == 0, pop, 0)
    serves = np.zeros((len(served), len(position)), dtype=bool)
    for row, las in enumerate(served):
        serves[row, [position[c] for c in las if c in position]] = True
    rows = []
    for code in [*t.codes(lv.id), UK_CODE]:
        idx = [position[c] for c in t.members(code, "la") if c in position]
        n_children = int(pop[idx].sum())
        if ind.kind == "coverage":
            unserved = int(unserved_pop[idx].sum())
            rows.append((code, n_children, unserved, unserved / n_children if n_children else np.nan))
            continue
        k = int(serves[:, idx].any(axis=1).sum())
        if ind.kind == "team_count":
            rows.append((code, k, k, float(k)))
        else:
            rows.append((code, n_children, k, 10_000 * k / n_children if n_children else np.nan))
    out = pd.DataFrame(rows, columns=["area_code", "n", "k", "value"])
    out.insert(0, "indicator", ind.id)
    out.insert(2, "area_name", out["area_code"].map(t.names))
    out["lo"] = np.nan
    out["hi"] = np.nan
    out["suppressed"] = False  # counts of services and children, not survey answers: nothing to protect
    out["suppressed_reason"] = ""
    out["comparison"] = ""
    out["category"] = ""
    out["k"] = out["k"].astype("Int64")
    year = known_by or dt.date.today().year
    source = f"teams database, teams open in {year}" + (f" with evidence by {known_by}" if known_by else "")
    return IndicatorTable(
        ind, out, None, None, settings.min_base, settings.confidence, False, source, level=lv.id
    )


def teams_per_area(
    settings: Settings, level: str, known_by: int | None = None, store: Store | None = None
) -> dict[str, int]:
    """Known teams serving each area of a level (a team serving any of its local authorities counts once): what
    a hex map shows instead of team points.

    >>> import tempfile, os
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> counts = teams_per_area(s, "nation")
    >>> sorted(counts) == ["E92000001", "N92000002", "S92000003", "W92000004"], counts["E92000001"] > 0
    (True, True)
    """
    frame = compute("teams", settings, known_by, store, level).areas
    return {str(c): int(k) for c, k in zip(frame["area_code"], frame["k"], strict=True)}


def coverage_frame(
    settings: Settings, level: str, known_by: int | None = None, store: Store | None = None
) -> pd.DataFrame:
    """Every area of a level with the teams serving it and its children aged 0-2 in unserved local
    authorities; areas no known team serves first, most children first (for `gapmap coverage`)."""
    table = compute("children_0_2_no_team", settings, known_by, store, level)
    counts = compute("teams", settings, known_by, store, level).frame.set_index("area_code")["k"]
    f = table.frame.copy()
    f["teams_serving"] = f["area_code"].map(counts).astype(int)
    f["_uk"] = f["area_code"] == UK_CODE
    f = f.sort_values(["_uk", "teams_serving", "n"], ascending=[False, True, False]).drop(columns="_uk")
    return f


@dataclass
class Coverage:
    """The coverage headline: one sentence, the level's areas with no known team, and the full table."""

    headline: str
    frame: pd.DataFrame
    gaps: pd.DataFrame
    areas_total: int
    level_plural: str


def coverage(
    settings: Settings | None = None,
    level: str = "nhs",
    known_by: int | None = None,
    store: Store | None = None,
) -> Coverage:
    """Children aged 0-2 where no known team serves, for the UK and every area of a level.

    >>> import tempfile, os
    >>> s = from_env(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> coverage(s, "nation").headline.startswith("Of the UK's 2,252,744 children aged 0-2")
    True
    """
    settings = settings or from_env()
    store = store or Store(settings)
    frame = coverage_frame(settings, level, known_by, store)
    uk = frame.loc[frame["area_code"] == UK_CODE].iloc[0]
    areas_only = frame.loc[frame["area_code"] != UK_CODE]
    gaps = areas_only.loc[areas_only["teams_serving"] == 0]
    lv = levels.get_level(level)
    when = f" (teams open in {known_by} with evidence by then)" if known_by else ""
    headline = (
        f"Of the UK's {int(uk['n']):,} children aged 0-2, {int(uk['k']):,} ({100 * float(uk['value']):.0f}%) live "
        f"in a local authority that no known parent-infant team serves{when}. "
        + layer.teams_statement(store, settings)
    )
    out = frame.assign(level=lv.id).rename(
        columns={"n": "children_0_2", "k": "children_0_2_no_team", "value": "share_no_team"}
    )
    out = out[
        [
            "level",
            "area_code",
            "area_name",
            "children_0_2",
            "children_0_2_no_team",
            "share_no_team",
            "teams_serving",
        ]
    ]
    out["share_no_team"] = out["share_no_team"].round(4)
    # What a commissioner asks next: the nearest known team and the neighbours (blank on the UK row).
    local = nearest.local_view(settings, lv.id, known_by, store)
    out = out.merge(local, on="area_code", how="left")
    out[["neighbours", "neighbours_served"]] = out[["neighbours", "neighbours_served"]].astype("Int64")
    gaps = gaps.merge(local, on="area_code", how="left")
    return Coverage(headline, out, gaps, len(areas_only), lv.noun)
