import geopandas as gpd
import pytest
import shapely

from gapmap import settings as settings_mod
from gapmap.present.attribution import BOUNDARY_ATTRIBUTION
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


@pytest.mark.parametrize("level", ["nation", "region", "nhs", "la"])
def test_level_boundaries_are_clean_coverages_with_the_registry_codes(level):
    from gapmap.geo import areas

    codes = set(areas.table().codes(level))
    for name, max_overlap in ((f"{level}.geojson", 1.0), (f"{level}.web.geojson", 1.0)):
        g = gpd.read_file(ROOT / "boundaries" / "levels" / name).to_crs(27700)
        assert set(g["code"]) == codes, name
        assert g.is_valid.all(), name
        tree = shapely.STRtree(g.geometry.values)
        left, right = tree.query(g.geometry.values, predicate="intersects")
        overlap = sum(
            g.geometry.iloc[i].intersection(g.geometry.iloc[j]).area
            for i, j in zip(left, right, strict=True)
            if i < j
        )
        assert overlap / len(g) < 5_000 * max_overlap, (
            name,
            overlap,
        )  # slivers from rounding only (m² per area)
    web = (ROOT / "boundaries" / "levels" / f"{level}.web.geojson").stat().st_size
    assert web < (ROOT / "boundaries" / "levels" / f"{level}.geojson").stat().st_size / 2


def test_levels_nest_and_population_adds_up():
    from gapmap.geo import areas

    t = areas.table()
    f = t.frame
    la = t.level_frame("la")
    total = int(la["pop_age0to2"].sum())
    assert total == 2_252_744  # ONS mid-2019, children aged 0-2, UK
    for level in ("nation", "region", "nhs"):
        lv = t.level_frame(level).set_index("code")
        by_parent = la.groupby(f"{level}_code")["pop_age0to2"].sum()
        assert (lv["pop_age0to2"] == by_parent.reindex(lv.index)).all(), level
    assert len(f.loc[f["level"] == "nhs"]) == 68


def test_attribution_is_the_one_in_sources():
    sources = (ROOT / "boundaries" / "SOURCES.md").read_text(encoding="utf-8")
    assert BOUNDARY_ATTRIBUTION.removeprefix("Boundaries: ") in sources
