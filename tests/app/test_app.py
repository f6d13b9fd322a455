"""The Streamlit app through AppTest: default view, controls, query-string round trip, bad upload, editor gate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    monkeypatch.delenv("GAPMAP_EDITOR_PASSWORD", raising=False)


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def test_opens_on_the_coverage_gap_by_nhs_area():
    at = run()
    assert not at.exception
    assert at.selectbox(key="indicator").value == "children_0_2_no_team"
    assert at.selectbox(key="level").value == "nhs"
    text = " ".join(m.value for m in at.markdown)
    assert "children aged 0-2" in text and "no known parent-infant team serves" in text
    assert "Parent-Infant Foundation counted 51 in December 2025" in text
    assert not any("Synthetic sample" in w.value for w in at.warning)  # real data: no synthetic banner


def test_la_level_and_find_my_area():
    at = run({"level": "la", "area": "KY1"})
    assert not at.exception
    assert at.selectbox(key="level").value == "la"
    assert any("postcode district KY1" in s.value and "Fife" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert len(table) == 362  # 361 local authorities and the UK


def test_survey_indicator_keeps_its_synthetic_label_and_explains_unplaced_answers():
    at = run({"indicator": "services_0_2_definitely", "level": "nhs"})
    assert not at.exception
    assert any("Synthetic sample" in w.value for w in at.warning)
    assert any(
        "could not be placed in an NHS area" in i.value and "choose nations and regions" in i.value
        for i in at.info
    )


def test_an_empty_view_says_so_first_with_a_link_to_the_level_that_works():
    at = run({"indicator": "sufficient_provision", "level": "la"})
    assert not at.exception
    first = at.info[0].value
    assert first.startswith("No local authority has a value to show for sufficient local provision"), first
    assert "Show nations and regions](?" in first and "level=region" in first
    assert "indicator=sufficient_provision" in first  # the link keeps the rest of the view
    at = run({"indicator": "sufficient_provision"})  # regions: values to show, no such sentence
    assert not any("has a value to show" in i.value for i in at.info)


def test_opens_on_bundled_data_with_synthetic_banner():
    at = run({"indicator": "services_0_2_definitely"})
    assert not at.exception
    assert any("Synthetic sample" in w.value for w in at.warning)
    labels = [b.label for b in at.get("download_button")]
    assert {"Download map (PNG)", "Download map (SVG)", "Download map (PDF)", "Download table (CSV)"} <= set(
        labels
    )
    alt = at.text_area[0].value
    assert "Synthetic sample" in alt and "suppressed" in alt


def test_query_string_round_trip():
    at = run({"indicator": "understanding_mean", "min_base": "12", "profession": "Psychiatrist"})
    assert not at.exception
    assert at.selectbox(key="indicator").value == "understanding_mean"
    assert at.number_input(key="min_base").value == 12
    assert at.selectbox(key="profession").value == "Psychiatrist"
    at.selectbox(key="indicator").set_value("specialist_team_any").run()
    assert (
        at.query_params["indicator"] == ["specialist_team_any"]
        or at.query_params["indicator"] == "specialist_team_any"
    )
    assert "12" in str(at.query_params["min_base"])


def test_bad_query_values_fall_back_to_defaults():
    at = run({"indicator": "<script>", "min_base": "2", "age": "nope", "level": "parish"})
    assert not at.exception
    assert at.selectbox(key="indicator").value == "children_0_2_no_team"
    assert at.selectbox(key="level").value == "nhs"
    assert at.number_input(key="min_base").value == 5  # raised to the floor, never below 5


def test_changing_age_group_and_profession():
    at = run({"indicator": "services_0_2_definitely"})
    at.selectbox(key="age").set_value("12-16").run()
    assert not at.exception and "age" in at.query_params
    at.selectbox(key="profession").set_value("Mental health practitioner").run()
    assert not at.exception


def test_bad_upload_lists_problems_like_the_cli():
    at = run({"source": "upload"})
    at.file_uploader(key="survey_upload").upload(
        "bad_rows.csv", (DATA / "bad_rows.csv").read_bytes(), "text/csv"
    )
    at.run()
    assert not at.exception
    text = " ".join(c.value for c in at.code)
    assert "row 3, column 'where_do_you_work'" in text and "'Atlantis'" in text
    assert "row 5, column 'lowest_referral_age'" in text


def test_good_upload_replaces_the_sample():
    at = run({"source": "upload"})
    at.file_uploader(key="survey_upload").upload(
        "forms.csv", (DATA / "google_forms_excel_cp1252.csv").read_bytes(), "text/csv"
    )
    at.run()
    assert not at.exception
    assert not any("Synthetic sample" in w.value for w in at.warning)


def test_editor_gate(monkeypatch):
    from gapmap.app import state

    assert not state.is_editor("x", "")
    assert not state.is_editor("", "secret")
    assert not state.is_editor("wrong", "secret")
    assert state.is_editor("secret", "secret")


@pytest.mark.parametrize("password", [None, "open sesame"])
def test_teams_page_shows_write_controls_only_to_editors(password, monkeypatch):
    if password:
        monkeypatch.setenv("GAPMAP_EDITOR_PASSWORD", password)
    at = run({"page": "teams"})
    assert not at.exception
    if password is None:
        assert any("Read-only" in i.value for i in at.info)
        assert not at.get("file_uploader") and not at.text_input
        return
    assert not at.get("file_uploader")
    at.text_input(key="passphrase").input("wrong").run()
    assert any("not right" in e.value for e in at.error) and not at.get("file_uploader")
    at.text_input(key="passphrase").input(password).run()
    assert at.get("file_uploader")
    at.file_uploader(key="teams_upload").upload(
        "messy.csv", (DATA / "messy_teams.csv").read_bytes(), "text/csv"
    )
    at.run()
    assert any("did you swap latitude and longitude?" in c.value for c in at.code)
    at.button(key="confirm_import").click().run()
    assert any("added 5 teams" in s.value for s in at.success)


def test_teams_known_by_and_tiles_controls():
    at = run({"indicator": "teams", "known_by": "2021"})
    assert not at.exception
    assert at.selectbox(key="known_by").value == 2021
    table = at.table[0].value
    assert len(table) == 22  # teams with dated evidence by 2021 in the bundled list
    # Captions are escaped Markdown (gapmap.safetext); compare the text they display.
    assert any("undated team" in re.sub(r"\\(.)", r"\1", c.value) for c in at.caption)
    at.toggle(key="tiles").set_value(True).run()
    assert not at.exception and "tiles" in at.query_params


def test_headline_and_table_follow_an_import_and_undo(tmp_path: Path):
    # Cached views are keyed on the teams store's version: an import or an undo changes what the page says.
    import os

    from gapmap.settings import Settings
    from gapmap.teams.store import Store

    at = run()
    before = " ".join(m.value for m in at.markdown)
    store = Store(Settings(database_url=os.environ["GAPMAP_DATABASE_URL"]))
    f = tmp_path / "b.csv"
    f.write_text("name,area_codes\nBirmingham team,NHS Birmingham and Solihull ICB\n", encoding="utf-8")
    batch = store.import_file(f).batch_id
    at.run()
    after = " ".join(m.value for m in at.markdown)
    assert "38 open teams" in after and "37 open teams" in before and after != before
    store.undo(int(batch))
    at.run()
    assert "37 open teams" in " ".join(m.value for m in at.markdown)


def test_undo_preselects_nothing_and_asks_to_confirm(monkeypatch):
    monkeypatch.setenv("GAPMAP_EDITOR_PASSWORD", "open sesame")
    at = run({"page": "teams"})
    at.text_input(key="passphrase").input("open sesame").run()
    undo = at.selectbox(key="undo_batch")
    assert undo.value is None  # the seed batch (every bundled team) is never one click away
    undo.set_value(1).run()
    assert at.button(key="undo").disabled
    assert "38 teams of batch 1: seed of 38 teams" in at.checkbox(key="undo_sure").label
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo").click().run()
    assert any("Undid batch 1: 38 teams" in s.value for s in at.success)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {
            "indicator": "services_0_2_definitely",
            "level": "la",
            "colour_by": "comparison",
            "comparison": "99.8",
        },
        {
            "indicator": "understanding_mean",
            "age": "3-4",
            "min_base": "500",
            "known_by": "2021",
            "tiles": "1",
        },
        {"area": "Cardiff", "source": "upload"},
        {"level": "la", "shape": "hex"},
    ],
)
def test_first_run_draws_the_map_with_the_choices_the_controls_then_show(query):
    """A session's first run draws the map from the link before the sidebar exists (pages/map.py); the controls
    made afterwards must hold the same choices, or the map would have shown something else."""
    from gapmap.app import state
    from gapmap.app.pages import map as map_page

    at = run(query)
    assert not at.exception
    expected = map_page.from_view(state.View.from_query(query))
    shown = {
        "indicator": at.selectbox(key="indicator").value,
        "colour_by": at.radio(key="colour_by").value,
        "comparison": at.radio(key="comparison").value,
        "level": at.selectbox(key="level").value,
        "shape": at.radio(key="shape").value,
        "area": at.text_input(key="area").value,
        "age": at.selectbox(key="age").value,
        "source": at.radio(key="source").value,
        "upload": None,
        "min_base": at.number_input(key="min_base").value,
        "known_by": at.selectbox(key="known_by").value,
        "tiles": at.toggle(key="tiles").value,
    }
    assert shown == expected


def test_map_page_holds_back_the_chart_only_on_a_sessions_first_run(monkeypatch):
    """In a real server the first run shows the map and waits for its 'drawn' signal before the chart and tables;
    if that signal never comes (a failed map, a tab in the background), the next run draws them all the same."""
    from gapmap.app.pages import common

    monkeypatch.setattr(common, "real_server", lambda: True)
    monkeypatch.setattr(common, "start_warming", lambda: None)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert any("follows once the map is drawn" in c.value for c in at.caption)
    assert not at.dataframe
    at.run()  # the user's next action, with no signal from the map
    assert not at.exception
    assert not any("follows once the map is drawn" in c.value for c in at.caption)
    assert at.dataframe
