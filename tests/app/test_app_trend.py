"""The trend charts in the app through AppTest: the map page's "Over the years" for the area found (else the UK)
with the "teams known by" year kept in the link and marked; the profile page's area against its parent and the UK;
a survey indicator says how waves are compared."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    monkeypatch.delenv("GAPMAP_EDITOR_PASSWORD", raising=False)


def run(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _charts(at: AppTest) -> list[dict]:
    """Every Vega-Lite chart's spec (AppTest has no element class for them: they come as unknown elements)."""
    return [json.loads(e.proto.spec) for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


def _trend(at: AppTest) -> dict:
    found = [c for c in _charts(at) if str(c.get("description", "")).startswith("Line chart of")]
    assert len(found) == 1
    return found[0]


def _captions(at: AppTest) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", c.value) for c in at.caption)


def test_map_page_charts_the_area_found_against_its_parent_and_the_uk_and_marks_the_known_by_year():
    at = run({"indicator": "children_0_2_no_team", "level": "la", "area": "Cardiff", "known_by": "2021"})
    assert not at.exception
    assert "Over the years" in [h.value for h in at.subheader]
    chart = _trend(at)
    lines = {row["line"] for row in chart["layer"][1]["data"]["values"]}
    assert lines == {"Cardiff", "Cardiff and Vale UHB", "UK"}
    assert (
        chart["layer"][0]["mark"]["type"] == "rule" and chart["layer"][0]["data"]["values"][0]["year"] == 2021
    )
    assert at.query_params["known_by"] == "2021"  # the control stays in the link
    assert "teams open that year and known from evidence dated by then" in _captions(at)


def test_map_page_draws_the_published_counts_as_points_never_joined_to_the_line():
    at = run({"indicator": "teams", "level": "nation"})
    assert not at.exception
    chart = _trend(at)
    marks = [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in chart["layer"]
    ]
    assert marks.count("line") == 1 and "point" in marks
    points = next(layer for layer in chart["layer"] if layer["mark"]["type"] == "point")["data"]["values"]
    assert [p["value"] for p in points] == [29, 27, 39, 45, 49, 51]
    assert "never joined to the database line" in _captions(at)


def test_profile_page_charts_the_area_over_the_years():
    at = run({"page": "profile", "area": "E12000002", "level": "region"})
    assert not at.exception
    assert "Over the years" in [h.value for h in at.subheader]
    lines = {row["line"] for row in _trend(at)["layer"][0]["data"]["values"]}
    assert lines == {"North West", "England", "UK"}


def test_a_survey_indicator_says_how_waves_are_compared():
    at = run({"indicator": "services_0_2_definitely"})
    assert not at.exception
    assert "gapmap change" in _captions(at)


def test_a_survey_indicator_compared_with_the_bundled_second_wave_shows_the_change_and_its_flag():
    at = run({"indicator": "sufficient_provision", "level": "nation"})
    assert not at.exception
    at.radio(key="second_wave").set_value("bundled").run()
    assert not at.exception
    assert any("Synthetic" in w.value and "at least one wave" in w.value for w in at.warning)
    shown = next(d.value for d in at.dataframe if "Change" in d.value.columns)
    uk = shown.loc[shown["Area"] == "United Kingdom"].iloc[0]
    assert (uk["Change"], uk["Flag"]) == ("+13.2 points", "better")
    assert "Download change (CSV)" in [b.label for b in at.get("download_button")]


def _change_map_style(at: AppTest) -> dict | None:
    """The "change since" map component's styling as the page sends it (None when the page draws no such map)."""
    for e in at.main:
        if getattr(e, "type", "") == "component_instance" and e.proto.id.endswith("-change_map"):
            return json.loads(json.loads(e.proto.json_args)["style"])
    return None


def test_the_change_map_colours_each_region_by_its_flag_and_hides_what_either_wave_hides():
    from gapmap.app.change import change_view
    from gapmap.app.state import View
    from gapmap.present.changemap import FLAG_COLOURS
    from gapmap.settings import Settings
    from gapmap.survey.validate import load_survey

    at = run({"indicator": "referrals_age_2_or_under"})
    at.radio(key="second_wave").set_value("bundled").run()
    assert not at.exception
    style = _change_map_style(at)
    assert style is not None
    table, _ = change_view(
        load_survey(),
        load_survey(ROOT / "data" / "sample_survey_wave2.csv"),
        ("2021", "2024 (synthetic)"),
        "referrals_age_2_or_under",
        View(indicator="referrals_age_2_or_under"),
        Settings(),
    )
    areas = table.frame.loc[table.frame["area_code"] != "K02000001"].set_index("area_code")
    assert set(style["areas"]) == set(areas.index)
    for code, (colour, hidden, tip, *_rest) in style["areas"].items():
        row = areas.loc[code]
        assert bool(hidden) == bool(row["suppressed"])
        if not hidden:
            assert colour == FLAG_COLOURS[row["change_flag"]] and row["change_flag"] in tip
    assert "No evidence of change" in style["legend"]
    labels = [b.label for b in at.get("download_button")]
    assert {"Download change map (PNG)", "Download change map (SVG)", "Download change map (PDF)"} <= set(
        labels
    )


def test_a_level_where_every_area_is_hidden_says_so_instead_of_an_all_grey_change_map():
    at = run({"indicator": "referrals_age_2_or_under", "level": "nhs"})
    at.radio(key="second_wave").set_value("bundled").run()
    assert not at.exception
    assert _change_map_style(at) is None
    assert any("No NHS area shows a change" in i.value for i in at.info)


def test_the_change_map_file_is_the_clis(tmp_path: Path):
    from gapmap.app.change import change_file, change_view
    from gapmap.app.state import View
    from gapmap.settings import Settings
    from gapmap.survey.validate import load_survey

    table, _ = change_view(
        load_survey(),
        load_survey(ROOT / "data" / "sample_survey_wave2.csv"),
        ("2021", "2024"),
        "sufficient_provision",
        View(),
        Settings(),
    )
    png = change_file(table, View(), Settings(), "png", "sufficient_provision.change.region.csv")
    assert png[:4] == b"\x89PNG"
    pdf = change_file(table, View(), Settings(), "pdf", "sufficient_provision.change.region.csv")
    assert pdf[:4] == b"%PDF"


def test_the_profile_gives_the_areas_change_in_every_survey_indicator():
    at = run({"page": "profile", "area": "E12000009", "level": "region"})
    assert not at.exception
    at.toggle(key="profile_wave2").set_value(True).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Flag" in d.value.columns)
    assert len(table) == 9  # every proportion and mean both waves ask
    shown = table.loc[table["Suppressed"] == ""]
    assert len(shown) and shown["Change"].str.match(r"^[+-]").all()
    assert (table.loc[table["Suppressed"] != "", ["Change", "Flag", "2021"]] == "").all().all()
    assert any("synthetic" in w.value for w in at.warning)


def test_the_second_wave_is_kept_in_the_link():
    at = run({"indicator": "referrals_age_2_or_under", "wave": "bundled"})
    assert not at.exception
    assert at.radio(key="second_wave").value == "bundled"
    assert _change_map_style(at) is not None  # the link opens the comparison without a click
    at.radio(key="second_wave").set_value("none").run()
    assert not at.exception and "wave" not in at.query_params and _change_map_style(at) is None
    at.radio(key="second_wave").set_value("bundled").run()
    assert at.query_params["wave"] in ("bundled", ["bundled"])


def test_the_profiles_change_flags_follow_the_comparison_level():
    flagged = {}
    for level in ("95", "99.8"):
        at = run({"page": "profile", "area": "E92000001", "level": "nation", "comparison": level})
        at.toggle(key="profile_wave2").set_value(True).run()
        assert not at.exception
        assert f"Flags at the {level}% comparison level" in _captions(at)
        table = next(d.value for d in at.dataframe if "Flag" in d.value.columns)
        flagged[level] = set(table.loc[table["Flag"].isin(["better", "worse"]), "Indicator"])
    # A wider interval flags no more: every flag at 99.8% is one at 95%, and England's planted rise stays flagged.
    assert flagged["99.8"] <= flagged["95"]
    assert any("referrals at age two" in t for t in flagged["99.8"])
