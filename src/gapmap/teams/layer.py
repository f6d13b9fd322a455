"""The team layer for maps, and the coverage indicators from the teams store at every geography level.

A team *serves* the local authorities in its ``area_codes`` (an NHS-area, region or nation code stands for all
the local authorities in it) or, with no area codes, the local authority its map point lies in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from gapmap.files import io
from gapmap.geo import areas
from gapmap.safetext import count
from gapmap.settings import Settings
from gapmap.teams.validate import EXACT_BASIS

if TYPE_CHECKING:
    import geopandas as gpd

    from gapmap.teams.store import Store

BASIS_TEXT = {
    "coordinates": "exact coordinates",
    "postcode": "postcode centre",
    "postcode district": "centre of the postcode district (not the team's base)",
    "area served": "centre of the area served (not the team's base)",
    "none": "no location: listed, not mapped",
}


def published_counts(settings: Settings) -> pd.DataFrame:
    """Every dated count of teams the Parent-Infant Foundation published (``data/provision/pif_team_counts.csv``),
    oldest first, with ``when`` (the date; a bare year reads as 1 January) and ``month_known`` (False for a bare
    year); an empty frame when the file is not there.

    >>> first = published_counts(Settings()).iloc[0]
    >>> first["date"], int(first["count"]), first["scope"], bool(first["month_known"])
    ('2019', 29, 'UK', False)
    """
    path = settings.data_dir / "provision" / "pif_team_counts.csv"
    columns = ["date", "count", "scope", "quote", "source_url", "measure", "when", "month_known"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    counts = io.read_lookup(path)
    counts["when"] = pd.to_datetime(counts["date"].astype(str), format="mixed", errors="coerce")
    counts["month_known"] = counts["date"].astype(str).str.len() > 4
    counts = counts.dropna(subset=["when"]).sort_values(["when", "scope"], kind="stable")
    return counts.reset_index(drop=True)[columns]


def published_count(settings: Settings) -> tuple[int, str] | None:
    """The Parent-Infant Foundation's latest UK count of teams and its month ('December 2025')."""
    counts = published_counts(settings)
    uk = counts.loc[counts["scope"] == "UK"]
    if uk.empty:
        return None
    last = uk.iloc[-1]
    return int(last["count"]), last["when"].strftime("%B %Y")


def teams_statement(store: Store, settings: Settings) -> str:
    """'38 teams in the gapmap teams database (38 found in public sources); the Parent-Infant Foundation
    counted 51 in December 2025.' Every number comes from the store and the dated counts."""
    frame = store.list_teams(include_closed=True)
    history = store.history()
    seed_batches = set(history.loc[history["kind"] == "seed", "id"].astype(int))
    seeded = int(frame["batch_id"].isin(seed_batches).sum())
    closed = int(frame["closed"].notna().sum()) if "closed" in frame else 0
    text = f"{len(frame) - closed} open teams in the gapmap teams database"
    parts = [f"{seeded} found in public sources"] if seeded else []
    if len(frame) - seeded:
        parts.append(f"{len(frame) - seeded} imported")
    if closed:
        parts.append(f"{closed} closed, not counted")
    if parts:
        text += f" ({', '.join(parts)})"
    pub = published_count(settings)
    if pub:
        text += f"; the Parent-Infant Foundation counted {pub[0]} in {pub[1]}"
    return text + "."


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
    from gapmap.teams.store import Store

    store = store or Store(settings)
    frame = store.list_teams(known_by=known_by)
    points = team_points(frame)
    unlocated = len(frame) - len(points)
    note = teams_statement(store, settings)
    if known_by is not None:
        undated = int(store.list_teams()["evidence_year"].isna().sum())
        note += f" Showing teams with evidence by {known_by} and open that year"
        note += f" ({count(undated, 'undated team')} left out)." if undated else "."
    centre = int((~points["exact"]).sum())
    if centre:
        note += (
            f" {centre} of {len(points)} points stand for the centre of the area served or postcode district."
        )
    if unlocated:
        note += f" {count(unlocated, 'team')} without a location {'is' if unlocated == 1 else 'are'} listed, not mapped."
    return points, note


def served_las(frame: pd.DataFrame, settings: Settings) -> list[set[str]]:
    """The local authorities each team serves (by area codes, else by the point's local authority)."""
    t = areas.table(settings.boundaries_dir)
    out: list[set[str]] = []
    need_point: list[int] = []
    for i, codes in enumerate(frame["area_codes"].fillna("").astype(str)):
        las = {la for c in areas.split_codes(codes) for la in t.members(c, "la")}
        out.append(las)
        if not las:
            need_point.append(i)
    pts = frame.iloc[need_point]
    pts = pts.loc[pts["latitude"].notna() & pts["longitude"].notna()]
    if len(pts):
        from gapmap.geo import geocode

        found = geocode.local_authorities(
            settings, pts["latitude"].astype(float).tolist(), pts["longitude"].astype(float).tolist()
        )
        for pos, la in zip(pts.index, found, strict=True):
            if la:
                out[frame.index.get_loc(pos)].add(la)  # type: ignore[union-attr]
    return out
