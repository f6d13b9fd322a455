"""What a commissioner asks next about their own area: the nearest known team and how far, and which neighbouring
areas a known team serves.

Distances are straight lines (great-circle, in km) from the area's centre (:mod:`gapmap.geo.neighbours`: the
population-weighted centre of its local authorities, or a local authority's representative point) to the team's
map point, which for some teams stands for the centre of the area it serves or of a postcode district, not its
base (the teams list says which). A neighbour is *served* when at least one known team serves some of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gapmap.geo import areas
from gapmap.geo.neighbours import level_geometry
from gapmap.settings import Settings
from gapmap.teams import layer
from gapmap.teams.store import Store

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG), as most haversine tools use

COLUMNS = [
    "area_code",
    "nearest_team",
    "nearest_team_place",
    "nearest_team_km",
    "distance_from",
    "neighbours",
    "neighbours_served",
    "neighbours_without_team",
    "commissioned_teams",
]


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (arrays broadcast).

    >>> round(float(haversine_km(np.array(51.5074), np.array(-0.1278), np.array(53.4808), np.array(-2.2426))), 1)
    262.0
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def local_view(
    settings: Settings, level: str, known_by: int | None = None, store: Store | None = None
) -> pd.DataFrame:
    """Per area of ``level`` (:data:`COLUMNS`): the nearest open team with its place and distance, what the
    distance is measured from, and the neighbouring areas, how many a known team serves, and the names of
    those it does not; and the commissioned teams (not yet known to be operating) serving some of it, by name:
    they are never the nearest and never serve.

    >>> import tempfile, os
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> v = local_view(s, "region").set_index("area_code")
    >>> wales = v.loc["W92000004"]
    >>> int(wales["neighbours"]), int(wales["neighbours_served"]), wales["neighbours_without_team"]
    (3, 2, 'West Midlands')
    """
    store = store or Store(settings)
    geometry = level_geometry(level, settings)
    t = areas.table(settings.boundaries_dir)
    every = store.list_teams(known_by=known_by, include_commissioned=True)
    planned = every.loc[every["status"] == "commissioned"].reset_index(drop=True)
    planned_las = layer.served_las(planned, settings) if len(planned) else []
    teams = every.loc[every["status"] != "commissioned"].reset_index(drop=True)
    located = teams.loc[teams["latitude"].notna() & teams["longitude"].notna()].reset_index(drop=True)
    served_las: set[str] = set().union(*layer.served_las(teams, settings)) if len(teams) else set()
    codes = list(geometry.neighbours)
    served_area = {c: any(la in served_las for la in t.members(c, "la")) or c in served_las for c in codes}
    centres = geometry.centres.reindex(codes)
    rows = []
    if len(located):
        d = haversine_km(
            centres["lat"].to_numpy()[:, None],
            centres["lon"].to_numpy()[:, None],
            located["latitude"].astype(float).to_numpy()[None, :],
            located["longitude"].astype(float).to_numpy()[None, :],
        )
        best = np.nanargmin(np.where(np.isnan(d), np.inf, d), axis=1)
    for i, code in enumerate(codes):
        near = located.iloc[int(best[i])] if len(located) else None
        kin = geometry.neighbours[code]
        without = [t.names.get(k, k) for k in kin if not served_area[k]]
        members = set(t.members(code, "la")) | {code}
        named = [
            str(p["name"])
            for p, las in zip(planned.to_dict("records"), planned_las, strict=True)
            if las & members
        ]
        rows.append(
            {
                "area_code": code,
                "nearest_team": "" if near is None else str(near["name"]),
                "nearest_team_place": "" if near is None else _place(near),
                "nearest_team_km": np.nan if near is None else round(float(d[i, int(best[i])]), 1),
                "distance_from": geometry.centre_basis,
                "neighbours": len(kin),
                "neighbours_served": int(sum(served_area[k] for k in kin)),
                "neighbours_without_team": "; ".join(sorted(without)),
                "commissioned_teams": "; ".join(named),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _place(team: pd.Series) -> str:
    """Where a team is, in words: the area it serves (without the list's notes in brackets), else its region,
    else its nation."""
    for col in ("area_served", "region", "nation"):
        value = team.get(col)
        if isinstance(value, str) and value.strip():
            return value.split(" (")[0].strip() or value.strip()
    return ""
