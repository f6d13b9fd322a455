"""The team layer for maps, and the per-area team indicators (teams, teams per 10,000 children aged 0-2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gapmap.indicators import INDICATORS, IndicatorTable
from gapmap.questions import AREAS, UK_CODE
from gapmap.settings import Settings
from gapmap.teams import EXACT_BASIS

if TYPE_CHECKING:
    import geopandas as gpd

    from gapmap.store import Store

TEAMS_STATEMENT = "38 teams found in public sources; the report counts 39 areas with a team in 2021; import the full list via CSV."
BASIS_TEXT = {
    "coordinates": "exact coordinates",
    "postcode": "postcode centre",
    "postcode district": "centre of the postcode district (not the team's base)",
    "area served": "centre of the area served (not the team's base)",
    "none": "no location: listed, not mapped",
}


def team_points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Mappable teams as points with the fields popups show (raw text: renderers escape it)."""
    import geopandas as gpd

    located = frame.loc[frame["latitude"].notna() & frame["longitude"].notna()].copy()
    located["exact"] = located["location_basis"].isin(EXACT_BASIS)
    located["basis_text"] = located["location_basis"].map(BASIS_TEXT).fillna("")
    located["source_url"] = located["source_url"].fillna("").map(lambda s: s.split(";")[0])
    cols = [
        "id",
        "name",
        "provider",
        "area_served",
        "location_basis",
        "basis_text",
        "evidence_year",
        "source_url",
        "exact",
        "region",
    ]
    return gpd.GeoDataFrame(
        located[cols].fillna({"provider": "", "area_served": "", "region": ""}),
        geometry=gpd.points_from_xy(located["longitude"], located["latitude"]),
        crs="EPSG:4326",
    )


def for_map(
    settings: Settings, known_by: int | None = None, store: Store | None = None
) -> tuple[gpd.GeoDataFrame, str]:
    """Team points and the note every map carries about them."""
    from gapmap.store import Store

    store = store or Store(settings)
    frame = store.list_teams(known_by=known_by)
    points = team_points(frame)
    unlocated = len(frame) - len(points)
    note = TEAMS_STATEMENT
    if known_by is not None:
        undated = int(store.list_teams()["evidence_year"].isna().sum())
        note += f" Showing teams with evidence by {known_by}"
        note += f" ({undated} undated team(s) left out)." if undated else "."
    centre = int((~points["exact"]).sum())
    if centre:
        note += (
            f" {centre} of {len(points)} points stand for the centre of the area served or postcode district."
        )
    if unlocated:
        note += f" {unlocated} team(s) without a location are listed, not mapped."
    return points, note


def population(settings: Settings) -> pd.Series:
    """Children aged 0-2 per nation/region (ONS mid-2019), indexed by GSS code, with the UK total."""
    df = pd.read_csv(settings.data_dir / "population_age0to2_mid2019_regions_nations.csv")
    s = df.set_index("gss_cd")["pop_age0to2"].astype(int)
    s[UK_CODE] = int(s.sum())
    return s


def compute(
    indicator_id: str, settings: Settings, known_by: int | None = None, store: Store | None = None
) -> IndicatorTable:
    """'teams' (count per area) or 'teams_per_10k_age_0_2' (k = teams, n = children aged 0-2)."""
    from gapmap.store import Store

    ind = INDICATORS[indicator_id]
    store = store or Store(settings)
    frame = store.list_teams(known_by=known_by)
    counts = frame["region_code"].value_counts()
    codes = [a.code for a in AREAS]
    pop = population(settings)
    rows = []
    for code in [*codes, UK_CODE]:
        k = int(counts.get(code, 0)) if code != UK_CODE else int(frame["region_code"].fillna("").ne("").sum())
        if ind.kind == "team_count":
            rows.append((code, k, k, float(k)))
        else:
            n = int(pop[code])
            rows.append((code, n, k, 10_000 * k / n))
    out = pd.DataFrame(rows, columns=["area_code", "n", "k", "value"])
    out.insert(0, "indicator", ind.id)
    names = {a.code: a.name for a in AREAS} | {UK_CODE: "United Kingdom"}
    out.insert(2, "area_name", out["area_code"].map(names))
    out["lo"] = np.nan
    out["hi"] = np.nan
    out["suppressed"] = False  # counts of services, not survey answers: nothing to protect
    out["comparison"] = ""
    out["k"] = out["k"].astype("Int64")
    source = "teams database" + (f", evidence by {known_by}" if known_by else "")
    return IndicatorTable(
        ind, out[list(out.columns)], None, None, settings.min_base, settings.confidence, False, source
    )
