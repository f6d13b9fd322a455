"""Hex-map exports (``--shape hex``): the layout checker of the geographic exports (no text off the canvas, none
over another) at every size and level, every hexagon drawn exactly once, outlines and team rings drawn, the hex
credit in the source line and alt text saying it is a hex map."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gapmap.cli.main import main
from gapmap.geo.levels import LEVELS
from gapmap.measures.compute import indicator_table
from gapmap.measures.coverage import teams_per_area
from gapmap.present.mapspec import HEX_ALT, map_spec
from gapmap.render import static
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings
from gapmap.survey.validate import load_survey
from tests.conftest import ROOT
from tests.render.test_exports import layout_problems

AREAS = pd.read_csv(ROOT / "boundaries" / "areas.csv", keep_default_na=False)
# Coverage (the hex map's reason to be), a survey indicator (suppression, intervals), a rate, and the two
# categorical layers (their own legends, "no data" hatching).
INDICATORS = (
    "children_0_2_no_team",
    "services_0_2_definitely",
    "teams_per_10k_age_0_2",
    "start_for_life",
    "scotland_infant_mh",
)


@cache
def hex_spec(indicator: str, level: str) -> Any:
    settings = Settings()
    table = indicator_table(indicator, load_survey(settings=settings), settings, level=level)
    return map_spec(table, settings, shape="hex", team_counts=teams_per_area(settings, level))


def _drawn_areas(laid: Any) -> list[Any]:
    """Every area shape filled on the map: the paths of the map axes' PathCollections."""
    from matplotlib.collections import PathCollection

    ax = laid.fig.axes[0]
    return [p for c in ax.collections if isinstance(c, PathCollection) for p in c.get_paths()]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("indicator", INDICATORS)
def test_hex_map_texts_stay_on_the_canvas_and_apart(indicator: str, level: str, size: str):
    laid = static.map_figure(hex_spec(indicator, level), size, csv_name=f"{indicator}.{level}.hex.csv")
    assert len(laid.texts) >= 5
    assert layout_problems(laid) == []


@pytest.mark.parametrize("level", ["la", "nhs"])
def test_every_hexagon_is_drawn_once_and_labels_sit_inside_their_own(level: str):
    import shapely

    spec = hex_spec("children_0_2_no_team", level)
    laid = static.map_figure(spec, "social")
    assert layout_problems(laid, rasterise=True) == []
    ours = AREAS.loc[AREAS["level"] == level, "code"]
    assert sorted(spec.areas["area_code"]) == sorted(ours)
    drawn = _drawn_areas(laid)
    assert len(drawn) == len(ours)
    # Each drawn path is one hexagon (7 vertices, closed), and no two are the same hexagon.
    corners = {tuple(map(tuple, p.vertices.round(6))) for p in drawn}
    assert len(corners) == len(ours) and all(len(p.vertices) == 7 for p in drawn)
    # Every label drawn on the map lies in the hexagon of the area it names.
    ax = laid.fig.axes[0]
    by_label = dict(zip(spec.areas["hex_label"], spec.areas.geometry, strict=False))
    labels = [t for t in ax.texts if t.get_text()]
    if level == "nhs":
        assert len(labels) >= 50  # short names fit most hexagons at social size
    for t in labels:
        x, y = t.get_position()
        assert by_label[t.get_text()].contains(shapely.Point(x, y)), t.get_text()


def test_nhs_hexes_carry_short_names_and_rings_where_a_team_serves():
    spec = hex_spec("children_0_2_no_team", "nhs")
    a = spec.areas.set_index("area_code")
    assert a.loc["E54000027", "hex_label"] == "NWL" and a.loc["S08000024", "hex_label"] == "LOT"
    assert a.loc["S08000024", "label"].endswith("%")  # the value, as tooltips and tables show it
    assert spec.teams is None  # no team points on a hex map
    assert (a["ringed"] == (a["teams_here"] > 0)).all()
    assert 0 < a["ringed"].sum() < len(a)


def test_hex_map_source_line_alt_text_and_outlines():
    spec = hex_spec("children_0_2_no_team", "la")
    text = static.source_text(spec, compact=False)
    assert "Hex layouts: Open Innovations (MIT licence" in text
    assert "Open Innovations (MIT)" in static.source_text(spec, compact=True)
    assert spec.alt_text.startswith(HEX_ALT)
    assert "hexagons are ringed" in spec.alt_text
    assert len(spec.outlines) == 12  # regions and nations over the local authorities
    geographic = map_spec(spec_table := indicator_table("children_0_2_no_team", level="la"))
    assert "Hex layouts" not in " ".join(geographic.footer) and not geographic.alt_text.startswith(HEX_ALT)
    assert spec_table.level == "la"


@pytest.mark.parametrize("level", ["la", "nhs"])
def test_render_shape_hex_writes_a_named_image_its_alt_text_and_csv(level: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [
        "render",
        "--level",
        level,
        "--shape",
        "hex",
        "--indicator",
        "children_0_2_no_team",
        "--size",
        "social",
    ]
    assert main(args) == 0
    image = tmp_path / f"children_0_2_no_team.{level}.hex.social.png"
    from PIL import Image

    assert Image.open(image).size == (1200, 675)
    alt = (tmp_path / f"{image.name}.alt.txt").read_text("utf-8")
    assert alt.startswith("Hex map:")
    rows = pd.read_csv(tmp_path / f"children_0_2_no_team.{level}.hex.social.csv")
    assert set(AREAS.loc[AREAS["level"] == level, "code"]) <= set(rows["area_code"])


def test_hex_with_other_boundaries_is_refused(tmp_path: Path, capsys):
    boundaries = ROOT / "boundaries" / "levels" / "nation.geojson"
    args = ["render", "--shape", "hex", "--boundaries", str(boundaries), "--indicator", "teams", "--out"]
    assert main([*args, str(tmp_path / "x.png")]) == 1
    assert "Expected --boundaries or --shape hex, not both" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_short_names_are_listed_on_a4_and_pointed_to_on_social_images():
    spec = hex_spec("services_0_2_definitely", "nhs")
    key = spec.extra["hex_key"]
    assert "LOT NHS Lothian" in key and "ABU Aneurin Bevan UHB" in key and key.count(";") == 67
    a4 = " ".join(t.get_text() for t in static.map_figure(spec, "a4-landscape").texts)
    assert "Short names on the hexagons: A&A NHS Ayrshire and Arran" in a4.replace("\n", " ")
    social = " ".join(t.get_text() for t in static.map_figure(spec, "social").texts).replace("\n", " ")
    assert "Labels show values" not in social  # they show names here
    assert hex_spec("children_0_2_no_team", "la").extra["hex_key"] == ""  # local authorities: values, no key
