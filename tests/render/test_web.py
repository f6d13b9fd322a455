"""The browser map by its properties: small payload, no CDN, escaped team text, self-hosted assets."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest

from gapmap.app import state
from gapmap.geo import levels
from gapmap.measures.compute import indicator_table
from gapmap.present.mapspec import map_spec
from gapmap.render import assets, render_map, web
from gapmap.settings import Settings
from gapmap.teams import layer
from gapmap.teams.store import Store
from tests.conftest import DATA, ROOT


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('web') / 't.db'}")
    store = Store(settings)
    store.import_file(DATA / "messy_teams.csv", skip_invalid=True)  # brings the HTML- and formula-named teams
    points, note = layer.for_map(settings, store=store)
    table = indicator_table("services_0_2_definitely", settings=settings)
    return settings, table, points, note


@pytest.mark.parametrize(
    ("level", "indicator", "published"),
    [
        ("region", "services_0_2_definitely", "uk_regions_nations_buc.geojson"),
        ("la", "children_0_2_no_team", "uk_lad_2024_bsc.geojson"),
    ],
)
def test_payload_is_at_most_a_quarter_of_explore(layers, level, indicator, published):
    # Against explore() of the ONS boundary file as published, with the same team points.
    settings, _table, points, note = layers
    table = indicator_table(indicator, settings=settings, level=level)
    spec = map_spec(table, settings, levels.web_boundaries(settings.level_path(level)), points, note)
    ours = len(web.map_html(spec).encode())
    m = gpd.read_file(ROOT / "boundaries" / published).explore()
    points.explore(m=m)
    theirs = len(m.get_root().render().encode())
    assert ours <= theirs / 4, (ours, theirs)


def test_no_request_leaves_the_app(layers):
    settings, table, points, note = layers
    html = web.map_html(map_spec(table, settings, None, points, note))
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith(assets.URL_PREFIX) for s in srcs), srcs
    assert "tile.openstreetmap" not in html  # tiles off by default
    assert "tile.openstreetmap" in web.map_html(map_spec(table, settings, None, points, note), tiles=True)


def test_team_text_is_escaped_everywhere(layers):
    settings, table, points, note = layers
    html = web.map_html(map_spec(table, settings, None, points, note))
    assert "<img src=x" not in html and "<b>Provider</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html.replace("\\u0026", "&").replace("\\u003c", "<")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("`${alert(1)}`", "&#96;&#36;{alert(1)}&#96;"),
        ('"q"', "&quot;q&quot;"),
    ],
)
def test_esc(raw, safe):
    assert web.esc(raw) == safe


def test_standalone_html_inlines_leaflet(tmp_path: Path, layers):
    settings, table, points, note = layers
    out, alt = render_map(map_spec(table, settings, None, points, note), tmp_path / "m.html")
    text = out.read_text(encoding="utf-8")
    assert "<script src=" not in text and '<link rel="stylesheet" href=' not in text
    assert "L.version" in text or "Leaflet" in text  # Leaflet itself is inlined
    assert alt.exists()


def test_assets_install_from_packages(tmp_path: Path):
    folder = assets.install(tmp_path)
    assert {"leaflet.js", "leaflet.css", "leaflet.markercluster.js"} <= {p.name for p in folder.iterdir()}
    assert (folder / "images" / "layers.png").exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, state.View()),
        (
            {"indicator": "confidence_mean", "min_base": "20"},
            state.View(indicator="confidence_mean", min_base=20),
        ),
        ({"indicator": "nope", "min_base": "x", "known_by": "1066"}, state.View()),
        ({"min_base": "1"}, state.View(min_base=5)),
        (
            {"min_base": "500"},
            state.View(min_base=100),
        ),  # the control's maximum: a link never breaks the page
        ({"tiles": "1", "known_by": "2021"}, state.View(tiles=True, known_by=2021)),
        ({"level": "la"}, state.View(level="la")),
        ({"level": "nhs"}, state.View()),  # the coverage indicator's own default: links stay short
        ({"level": "parish", "area": "Fife"}, state.View(area="Fife")),
    ],
)
def test_view_from_query(query, expected):
    assert state.View.from_query(query) == expected
    assert state.View.from_query(expected.to_query()) == expected


def test_no_data_areas_are_dotted_in_the_browser_map_and_its_legend():
    # Scotland's boards without a sourced status: no value, a 'no data' legend entry with the dotted swatch, and
    # the dotted fill flag in the browser's style; boards with a status and areas outside Scotland are not dotted.
    from gapmap.measures.compute import indicator_table
    from gapmap.present.mapspec import map_spec

    spec = map_spec(indicator_table("scotland_infant_mh", level="nhs"))
    payload = web.style_payload(spec)
    no_value = dict(zip(spec.areas["area_code"], spec.areas["no_value"], strict=True))
    dotted = {code for code, s in payload["areas"].items() if s[3]}
    from gapmap.present.classify import (
        is_no_data,
    )  # 'no data', and a layer's 'not confirmed' (as static maps)

    assert dotted and dotted == {c for c, e in no_value.items() if e and is_no_data(e)}
    assert {c for c, e in no_value.items() if e.lower().startswith("no data")} < dotted
    assert not dotted & {c for c, e in no_value.items() if e == "not applicable"}
    legend = payload["legend"]
    no_data_row = legend[legend.index("No data") - 200 : legend.index("No data")]
    assert f"url(#{web.DOTS_ID})" in no_data_row
    assert f'id="{web.DOTS_ID}"' in web.HTML
