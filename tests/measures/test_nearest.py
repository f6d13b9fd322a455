"""Nearest team and neighbours, each checked against an independent computation from the bundled files."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gapmap.geo.neighbours import level_geometry
from gapmap.measures.nearest import haversine_km, local_view
from gapmap.settings import Settings
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('near') / 't.db'}")


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The textbook formula, in plain math, on the mean Earth radius."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def test_haversine_matches_known_distances():
    # London (Charing Cross) to Edinburgh (Waverley): about 534 km in a straight line.
    assert abs(float(haversine_km(51.5073, -0.1276, 55.9521, -3.1893)) - 534.0) < 2.0
    assert float(haversine_km(52.0, -1.0, 52.0, -1.0)) == 0.0


def test_nearest_team_of_every_local_authority_matches_an_independent_haversine(settings: Settings):
    teams = pd.read_csv(ROOT / "data" / "teams.csv", keep_default_na=False)
    # Open teams only: a closed one, and a commissioned one (not yet known to be operating), is never nearest.
    open_teams = teams.loc[(teams["status"] == "open") & (teams["latitude"].astype(str) != "")]
    assert (teams["status"] == "commissioned").sum() == 1
    points = [
        (float(a), float(b), n)
        for a, b, n in zip(open_teams["latitude"], open_teams["longitude"], open_teams["name"], strict=True)
    ]
    shapes = gpd.read_file(ROOT / "boundaries" / "levels" / "la.geojson")
    view = local_view(settings, "la").set_index("area_code")
    assert len(view) == len(shapes) == 361
    worst = 0.0
    for code, geom in zip(shapes["code"], shapes.geometry, strict=True):
        inside = shapely.point_on_surface(geom)
        expected = min(_haversine(inside.y, inside.x, lat, lon) for lat, lon, _ in points)
        worst = max(worst, abs(float(view.loc[code, "nearest_team_km"]) - expected))
    assert worst < 1.0
    assert not view["nearest_team"].str.startswith("Kent Parent Infant").any()
    assert set(view["distance_from"]) == {
        "from the local authority's representative point (no finer population grid is bundled)"
    }


@pytest.mark.parametrize("level", ["nation", "region", "nhs", "la"])
def test_neighbours_are_the_areas_sharing_a_stretch_of_border(level: str):
    shapes = gpd.read_file(ROOT / "boundaries" / "levels" / f"{level}.geojson").to_crs("EPSG:27700")
    found = level_geometry(level, Settings()).neighbours
    codes = shapes["code"].tolist()
    geoms = shapes.geometry.tolist()
    expected: dict[str, set[str]] = {c: set() for c in codes}
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            if geoms[i].intersects(geoms[j]) and geoms[i].intersection(geoms[j]).length > 0:
                expected[codes[i]].add(codes[j])
                expected[codes[j]].add(codes[i])
    assert {c: set(v) for c, v in found.items()} == expected
    # Every pair shapely calls touching is a neighbour, or meets at corner points only.
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            if geoms[i].touches(geoms[j]) and codes[j] not in found[codes[i]]:
                assert geoms[i].intersection(geoms[j]).geom_type in ("Point", "MultiPoint")


def test_islands_have_no_neighbours_and_wales_borders_three_english_regions():
    la = level_geometry("la", Settings()).neighbours
    assert la["E06000046"] == () and la["S12000023"] == ()  # Isle of Wight, Orkney Islands
    assert level_geometry("region", Settings()).neighbours["W92000004"] == (
        "E12000002",
        "E12000005",
        "E12000009",
    )


def test_neighbours_served_counts_areas_a_known_team_serves(settings: Settings):
    view = local_view(settings, "region").set_index("area_code")
    # No known team serves any of the West Midlands (data/teams.csv); the North West and South West have teams.
    assert view.loc["W92000004", ["neighbours", "neighbours_served", "neighbours_without_team"]].tolist() == [
        3,
        2,
        "West Midlands",
    ]
    assert (view["neighbours_served"] <= view["neighbours"]).all()


def test_an_empty_store_has_no_nearest_team(tmp_path: Path):
    from gapmap.teams.store import Store

    s = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    view = local_view(s, "nation", store=Store(s, seed=False))
    assert (view["nearest_team"] == "").all() and view["nearest_team_km"].isna().all()
    assert (view["neighbours_served"] == 0).all()
