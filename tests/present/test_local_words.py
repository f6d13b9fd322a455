"""The nearest known team, the neighbours and the area sentence where a commissioner reads them: the tidy CSV, the
map's tooltip and popup, and the area profile; and Kent's commissioned team named but never serving."""

from __future__ import annotations

import pandas as pd
import pytest

from gapmap.measures.compute import all_indicators, indicator_table
from gapmap.measures.nearest import local_view
from gapmap.present.mapspec import map_spec
from gapmap.present.profile import area_profile
from gapmap.present.sentences import coverage_sentence
from gapmap.present.tables import tidy_frame
from gapmap.render import web
from gapmap.settings import Settings
from gapmap.survey.validate import load_survey

KENT_DISTRICTS = [f"E07000{n}" for n in range(105, 117)]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('local') / 't.db'}")


@pytest.fixture(scope="module")
def la_table(settings: Settings):
    return indicator_table("children_0_2_no_team", settings=settings, level="la")


def test_the_tidy_csv_carries_the_nearest_team_and_neighbours(settings: Settings, la_table):
    tidy = tidy_frame(la_table)
    view = local_view(settings, "la").set_index("area_code")
    areas = tidy.loc[tidy["area_code"] != "K02000001"].set_index("area_code")
    assert len(areas) == 361 and (areas["nearest_team"] != "").all()
    assert areas["nearest_team"].equals(view.loc[areas.index, "nearest_team"])
    assert (areas["nearest_team_km"] - view.loc[areas.index, "nearest_team_km"]).abs().max() == 0
    assert (
        areas["neighbours_served"].astype(int).tolist() == view.loc[areas.index, "neighbours_served"].tolist()
    )
    uk = tidy.loc[tidy["area_code"] == "K02000001"].iloc[0]
    assert uk["nearest_team"] == "" and pd.isna(uk["nearest_team_km"]) and pd.isna(uk["neighbours_served"])
    # A survey indicator made with every other one (``gapmap indicators``) carries the same columns, filled.
    every = all_indicators(
        load_survey(settings=settings), settings, ["services_0_2_definitely"], level="region"
    )
    region = tidy_frame(every.tables[0]).set_index("area_code")
    assert (
        region.loc["E12000002", "nearest_team"]
        == local_view(settings, "region").set_index("area_code").loc["E12000002", "nearest_team"]
    )


def test_a_commissioned_team_is_named_but_neither_serves_nor_is_nearest(settings: Settings, la_table):
    view = local_view(settings, "la").set_index("area_code")
    named = view.loc[view["commissioned_teams"] != ""]
    assert sorted(named.index) == KENT_DISTRICTS
    assert set(named["commissioned_teams"]) == {"Kent Parent Infant Mental Health Service (PIMHS)"}
    assert not view["nearest_team"].str.startswith("Kent").any()
    kent = la_table.frame.set_index("area_code").loc[KENT_DISTRICTS]
    assert (kent["k"] == kent["n"]).all()  # every Kent child is still in the gap


def test_the_map_tooltip_and_popup_say_it_and_the_sentence_matches_the_table(settings: Settings, la_table):
    spec = map_spec(la_table, settings)
    payload = web.style_payload(spec, ["E07000105"])  # Ashford, in Kent
    tip, popup = payload["areas"]["E07000105"][2], payload["popup"]["html"]
    row = la_table.frame.set_index("area_code").loc["E07000105"]
    local = local_view(settings, "la").set_index("area_code").loc["E07000105"]
    assert "No known team" in tip and "Nearest known team" not in tip  # the click's popup says it, once
    assert popup.startswith(tip)
    assert (
        "a straight line from the local authority&#x27;s representative point" in payload["legend"]
        and f"No known team: {int(row['n']):,} children" in tip
    )
    sentence = coverage_sentence(
        {
            **local.to_dict(),
            "area_name": "Ashford",
            "children_0_2": row["n"],
            "children_0_2_no_team": row["k"],
        }
    )
    assert web.esc(sentence) in popup and f"none of its {int(row['n']):,} children" in sentence
    assert "Nearest known team:" not in popup  # the sentence names it: said once
    assert "is commissioned here but not yet known to be operating" in sentence
    served = payload["areas"]["E06000059"][2]  # Dorset: DorPIP
    assert "Served by a known team" in served
    # A map with no sentence (teams by local authority) says the nearest team in the tooltip itself.
    teams = indicator_table("teams", settings=settings, level="la")
    tips = web.style_payload(map_spec(teams, settings))["areas"]
    assert f"Nearest known team: {web.esc(local['nearest_team'])}" in tips["E07000105"][2]
    assert "Commissioned, not yet known to be operating: Kent Parent Infant" in tips["E07000105"][2]


def test_the_profile_carries_the_sentence_and_its_export_the_same_words(settings: Settings):
    from gapmap.present import chartspec, describe

    prof = area_profile(settings, "E06000023")  # Bristol, City of
    assert prof.sentence.startswith("In Bristol, City of, none of its 16,972 children aged 0-2")
    assert any(line.startswith("Nearest known team: ") for line in prof.local)
    assert prof.sentence in describe.profile_alt_text(prof)
    assert chartspec.spine_spec(prof).sentence == prof.sentence
