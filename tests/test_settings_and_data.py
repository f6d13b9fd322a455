import itertools
import json

import geopandas as gpd
import pytest
import shapely

from gapmap import settings as settings_mod
from gapmap.geography import BOUNDARY_ATTRIBUTION
from gapmap.problems import InputError
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, env, _default, help_ in settings_mod.settings_help():
        assert f"`{env}`" in readme, name
        assert help_ in readme, name


def test_settings_from_environment():
    s = settings_mod.from_env({"GAPMAP_MIN_BASE": "7", "GAPMAP_CONFIDENCE": "0.9"})
    assert (s.min_base, s.confidence) == (7, 0.9)
    with pytest.raises(InputError, match="Expected a number"):
        settings_mod.from_env({"GAPMAP_MIN_BASE": "ten"})


def test_display_boundaries_are_a_clean_small_coverage():
    full = ROOT / "boundaries" / "uk_regions_nations_buc.geojson"
    disp = ROOT / "boundaries" / "uk_regions_nations_display.geojson"
    g = gpd.read_file(disp).to_crs(27700)
    assert sorted(g["gss_cd"]) == sorted(gpd.read_file(full)["gss_cd"])
    assert g.is_valid.all()
    for a, b in itertools.combinations(g.geometry, 2):
        assert a.intersection(b).area < 1.0  # no overlaps (m²)
    hull_gap = shapely.union_all(g.geometry.values).area - g.area.sum()
    assert abs(hull_gap) < 1.0
    assert disp.stat().st_size < full.stat().st_size / 3
    coords = json.loads(disp.read_text())["features"][0]["geometry"]["coordinates"]
    flat = json.dumps(coords)
    assert all(
        len(x.split(".")[1]) <= 4
        for x in flat.replace("[", " ").replace("]", " ").replace(",", " ").split()
        if "." in x
    )


def test_attribution_is_the_one_in_sources():
    sources = (ROOT / "boundaries" / "SOURCES.md").read_text(encoding="utf-8")
    assert BOUNDARY_ATTRIBUTION.removeprefix("Boundaries: ") in sources
