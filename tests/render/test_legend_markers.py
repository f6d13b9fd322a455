"""Every legend, in the browser and in files, shows each kind of team point its map draws and no other."""

from __future__ import annotations

import dataclasses

import pytest

from gapmap.measures.compute import indicator_table
from gapmap.present.mapspec import map_spec
from gapmap.render import web
from gapmap.settings import Settings
from gapmap.teams import layer

EXACT = "Team: postcode or exact location"
CENTRE = "Team: centre of area served or postcode district"


@pytest.fixture(scope="module")
def spec_and_points(tmp_path_factory):
    s = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('legend') / 't.db'}")
    points, note = layer.for_map(s)
    table = indicator_table("teams", settings=s, level="nation")
    return s, table, points, note


@pytest.mark.parametrize(
    ("exact", "want"),
    [([False], {CENTRE}), ([True], {EXACT}), ([True, False], {EXACT, CENTRE})],
    ids=["all centres (the bundled list)", "all exact", "both"],
)
def test_the_browser_and_static_legends_list_the_kinds_drawn(spec_and_points, exact, want, tmp_path):
    s, table, points, note = spec_and_points
    pts = points.head(len(exact)).copy()
    pts["exact"] = exact
    spec = map_spec(table, s, None, pts, note)
    legend = web.style_payload(spec)["legend"]
    assert {m for m in (EXACT, CENTRE) if m in legend} == want
    out = tmp_path / "m.svg"
    from gapmap.render import render_map

    render_map(dataclasses.replace(spec), out, "svg")
    text = out.read_text()  # SVG keeps real text; the centre entry wraps onto a second line
    drawn = {m for m in (EXACT, CENTRE) if m[:20] in text}
    assert drawn == want


def test_the_bundled_teams_are_all_placed_at_a_centre(spec_and_points):
    # What the README says of the bundled list's legends.
    _, _, points, _ = spec_and_points
    assert len(points) and not points["exact"].any()
