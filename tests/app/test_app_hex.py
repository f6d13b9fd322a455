"""The Map / Hex switch through AppTest: kept in the URL (``shape=hex``), a bad value falls back to the map, and the
hex map's view (hexagons with our codes, no team points, team counts in tooltips) is what the page draws."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gapmap.app import state, views
from gapmap.render import web
from gapmap.settings import from_env
from gapmap.survey.validate import load_survey
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAPMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'teams.db'}")
    monkeypatch.delenv("GAPMAP_EDITOR_PASSWORD", raising=False)


@pytest.mark.parametrize(
    ("query", "shape"),
    [({"shape": "hex"}, "hex"), ({"shape": "map"}, "map"), ({"shape": "hexes"}, "map"), ({}, "map")],
)
def test_shape_is_read_leniently_from_the_url_and_written_only_when_not_the_default(query, shape):
    view = state.View.from_query(query)
    assert view.shape == shape
    assert view.to_query() == ({"shape": "hex"} if shape == "hex" else {})
    assert state.View.from_query(view.to_query()) == view
    assert view.computed().shape == shape  # a hex map is its own cached view


def test_the_switch_opens_from_the_link_and_writes_the_link():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["level"] = "la"
    at.query_params["shape"] = "hex"
    at.run()
    assert not at.exception
    assert at.radio(key="shape").value == "hex"
    assert at.toggle(key="tiles").disabled  # no background under hexagons placed off their real positions
    at.radio(key="shape").set_value("map").run()
    assert not at.exception and "shape" not in at.query_params
    at.radio(key="shape").set_value("hex").run()
    assert not at.exception and at.query_params["shape"] in ("hex", ["hex"])


def test_hex_view_draws_hexagons_with_team_counts_and_no_team_points(tmp_path: Path):
    s = from_env(database_url=f"sqlite:///{tmp_path / 't.db'}")
    view = state.View(level="la", shape="hex")
    mv = views.map_view(view, load_survey(settings=s), s)
    shapes = views.level_shapes(s, "la", "hex")
    base = web.base_data(shapes.geojson, [{"lat": 0}], False, shapes.outlines)
    assert base["crs"] == "simple" and base["teams"] == [] and not base.get("tiles")
    assert '"features":[' in base["outlines"]
    payload = web.style_payload(mv.spec)
    assert len(payload["areas"]) == 361
    tips = {code: s_[2] for code, s_ in payload["areas"].items()}
    assert all("Known teams in this area: " in t for t in tips.values())
    # coverage by LA is two categories: each tooltip says which, with its children
    assert all(
        re.search(r"<br>(No known team|Served by a known team): [\d,]+ children<br>", t)
        for t in tips.values()
    )
    nhs = views.map_view(state.View(shape="hex"), load_survey(settings=s), s)  # NHS areas: short names
    fife = web.style_payload(nhs.spec)["areas"]["S08000029"][2]
    assert fife.startswith("<b>NHS Fife</b><br>Value: ") and "FIF" not in fife
    ringed = {code for code, s_ in payload["areas"].items() if s_[4]}
    counts = mv.spec.areas.set_index("area_code")["teams_here"]
    assert ringed == set(counts[counts > 0].index) and ringed
    assert (
        "Hex layouts: Open Innovations" in payload["legend"]
        and "Ring: at least one known team" in payload["legend"]
    )
    assert mv.file_name("png") == "children_0_2_no_team.la.hex.png"
    assert mv.file_name("csv") == "children_0_2_no_team.la.csv"


def test_the_hex_map_download_is_the_file_the_cli_makes(tmp_path: Path, monkeypatch):
    from gapmap.cli.main import main

    s = from_env(database_url=f"sqlite:///{tmp_path / 't.db'}")
    monkeypatch.setenv("GAPMAP_DATABASE_URL", s.database_url)
    view = state.View(level="nhs", shape="hex")
    mv = views.map_view(view, load_survey(settings=s), s)
    svg = views.map_file(view, mv.table, s, views.team_layer(s), "svg").decode("utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["render", "--level", "nhs", "--shape", "hex", "--indicator", "children_0_2_no_team",
                 "--format", "svg"]) == 0  # fmt: skip
    cli = (tmp_path / "children_0_2_no_team.nhs.hex.svg").read_text("utf-8")
    for text in ("Hex layouts: Open Innovations", "Ring: at least one known team", ">NWL<"):
        assert text in svg and text in cli, text
