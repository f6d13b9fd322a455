"""The hex map in a real headless Chromium at a commissioner's laptop (1366×768), ``?level=la&shape=hex``: every one
of the 361 local authorities is drawn, at least 12 px across, inside the map and on top where the pointer goes,
and every London borough's tooltip opens by hovering its hexagon."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import pytest

from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.app import browser_support as bs
from tests.conftest import ROOT

W, H = 1366, 768
pytestmark = pytest.mark.browser
AREAS = pd.read_csv(ROOT / "boundaries" / "areas.csv", keep_default_na=False)
LAS = AREAS.loc[AREAS["level"] == "la"]
LONDON = LAS.loc[LAS["region_code"] == "E12000007"]

# Per area: its hexagon's box on the page and whether the hexagon is what the pointer finds at its centre.
HEXES = """() => {
  const g = window.gapmapMap.gapmap, out = {};
  for (const [code, l] of Object.entries(g.byCode)) {
    const r = l.getElement().getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    out[code] = {box: [r.left, r.top, r.right, r.bottom], centre: [x, y],
                 onTop: document.elementFromPoint(x, y) === l.getElement()};
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    bs.require_chromium()
    db = f"sqlite:///{tmp_path_factory.mktemp('browser_hex') / 'teams.db'}"
    Store(Settings(database_url=db))
    with bs.app(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=bs.require_chromium(), args=bs.ARGS)
        yield b
        b.close()


@contextmanager
def opened(browser: Any, url: str, areas: int) -> Iterator[Any]:
    """A page at 1366×768, offline but for this machine, with the map of ``url`` drawn (``areas`` shapes)."""
    blocked: list[str] = []
    context = bs.offline_context(browser, W, H, blocked)
    pg = context.new_page()
    pg.goto(url, wait_until="domcontentloaded")
    bs.wait_for_map(pg, areas)
    yield pg
    context.close()
    assert blocked == [], f"requests that would have left the machine: {blocked}"


@pytest.fixture(scope="module")
def page(server, browser) -> Iterator[Any]:
    with opened(browser, f"{server}/?level=la&shape=hex", len(LAS)) as pg:
        yield pg


def test_every_local_authority_is_a_visible_hoverable_hexagon_at_least_12px_across(page):
    frame = bs.map_frame(page)
    hexes = frame.evaluate(HEXES)
    assert sorted(hexes) == sorted(LAS["code"])
    map_box = frame.evaluate("() => { const r = document.querySelector('#map_div').getBoundingClientRect();"
                             " return [r.left, r.top, r.right, r.bottom]; }")  # fmt: skip
    small = {c: h["box"] for c, h in hexes.items() if h["box"][2] - h["box"][0] < 12}
    outside = {
        c: h["box"]
        for c, h in hexes.items()
        if h["box"][0] < map_box[0]
        or h["box"][1] < map_box[1]
        or h["box"][2] > map_box[2]
        or h["box"][3] > map_box[3]
    }
    hidden = [c for c, h in hexes.items() if not h["onTop"]]
    assert (small, outside, hidden) == ({}, {}, [])
    # No team points on a hex map; rings mark the areas a team serves, outlines the regions and nations.
    assert frame.evaluate("() => document.querySelectorAll('.gapmap-team, .marker-cluster').length") == 0
    assert frame.evaluate("() => document.querySelectorAll('path.gapmap-ring').length") > 0
    page.screenshot(path=str(bs.artifacts() / "hex-la-1366x768.png"))


def test_every_london_borough_tooltip_opens_by_hovering(page):
    assert len(LONDON) == 33
    frame = bs.map_frame(page)
    hexes = frame.evaluate(HEXES)
    offset = bs.box(page.locator(bs.MAP_FRAME))
    tips = page.frame_locator(bs.MAP_FRAME).last
    missing = []
    for _, la in LONDON.iterrows():
        x, y = hexes[la["code"]]["centre"]
        page.mouse.move(offset[0] + x, offset[1] + y)
        tip = tips.locator(".leaflet-tooltip.gapmap-tip", has_text=la["name"])
        try:
            tip.wait_for(timeout=5000)
        except Exception as exc:
            missing.append((la["name"], str(exc)[:200]))
            continue
        text = tip.inner_text()
        if not text.startswith(la["name"]) or "Known teams in this area: " not in text:
            missing.append((la["name"], text))
    assert missing == []


def test_find_my_area_zooms_to_its_hexagon_and_opens_its_values(server, browser):
    with opened(browser, f"{server}/?level=la&shape=hex&area=Camden", len(LAS)) as pg:
        frame = bs.map_frame(pg)
        pg.frame_locator(bs.MAP_FRAME).last.locator(".leaflet-popup-content", has_text="Camden").wait_for()
        state = frame.evaluate(
            """() => { const m = window.gapmapMap, g = m.gapmap, l = g.byCode["E09000007"];
                 const r = l.getElement().getBoundingClientRect(), f = m.getContainer().getBoundingClientRect();
                 return {focus: g.focus.map(x => x.feature.properties.area_code), zoom: m.getZoom(),
                         inside: r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom,
                         width: r.width}; }"""
        )
        assert state["focus"] == ["E09000007"] and state["inside"]
        assert state["zoom"] <= 4.5 and state["width"] > 30  # zoomed in, its neighbours still in view
        pg.screenshot(path=str(bs.artifacts() / "hex-la-find-camden.png"))


def test_suppressed_areas_are_hatched_on_a_survey_hex_map(server, browser):
    # The bundled sample places answers by region (none by NHS area), so the survey's hex map is by region.
    query = "?indicator=services_0_2_definitely&level=region&shape=hex"
    with opened(browser, f"{server}/{query}", 12) as pg:
        frame = bs.map_frame(pg)
        hatched = frame.evaluate(
            "() => document.querySelectorAll('path.gapmap-area.gapmap-suppressed').length"
        )
        suppressed = frame.evaluate(
            "() => Object.values(window.gapmapMap.gapmap.style.areas).filter(s => s[1]).length"
        )
        assert hatched == suppressed > 0


def test_every_hexagon_is_the_same_size_on_screen(page):
    """A plain plane, not a map projection: Shetland's hexagon is as large as Islington's."""
    widths = bs.map_frame(page).evaluate(
        "() => Array.from(document.querySelectorAll('path.gapmap-area'), p => p.getBoundingClientRect().width)"
    )
    assert len(widths) == len(LAS)
    assert max(widths) - min(widths) <= 1.5  # Leaflet rounds each path to whole pixels


def test_the_standalone_html_hex_map_draws_every_hexagon_offline(tmp_path, browser):
    from gapmap.cli.main import main

    out = tmp_path / "la.hex.html"
    assert main(["render", "--level", "la", "--shape", "hex", "--indicator", "teams", "--format", "html",
                 "--out", str(out)]) == 0  # fmt: skip
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": W, "height": H})

    def route(r: Any) -> None:  # the file itself only: Leaflet and the runtime are inlined in it
        if r.request.url == out.as_uri():
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(out.as_uri())
    pg.locator("path.gapmap-area").nth(len(LAS) - 1).wait_for(state="attached")
    counts = pg.evaluate(
        "() => [document.querySelectorAll('path.gapmap-area').length, document.querySelectorAll('path.gapmap-ring').length,"
        " document.querySelectorAll('.gapmap-team').length]"
    )
    context.close()
    assert errors == [] and blocked == []
    assert counts[0] == len(LAS) and counts[1] > 0 and counts[2] == 0


def test_the_sidebar_switch_redraws_the_same_areas_as_hexagons_and_writes_the_link(server, browser):
    with opened(browser, f"{server}/?level=la", len(LAS)) as pg:
        assert bs.map_frame(pg).evaluate("() => window.gapmapMap.options.crs === L.CRS.Simple") is False
        pg.locator("[data-testid='stSidebar']").get_by_text("Hex", exact=True).click()
        pg.wait_for_url("**shape=hex**", timeout=60_000)
        frame = pg.frame_locator(bs.MAP_FRAME).last
        frame.locator("path.gapmap-ring").first.wait_for(state="attached", timeout=60_000)
        bs.settle(pg)
        drawn = bs.map_frame(pg).evaluate(
            "() => [window.gapmapMap.options.crs === L.CRS.Simple, document.querySelectorAll('path.gapmap-area').length]"
        )
        assert drawn == [True, len(LAS)]


def test_the_coverage_legend_has_two_categories_with_their_counts(page):
    # Coverage by local authority is served or not: two legend entries, each with its areas and children, which
    # add up to the level's 361 areas (no five shades that cannot occur).
    import re

    text = bs.map_frame(page).evaluate("() => document.querySelector('.gapmap-legend').innerText")
    entries = re.findall(r"(Served by a known team|No known team) \(([\d,]+) areas?, ([\d,]+) children", text)
    assert [e[0] for e in entries] == ["Served by a known team", "No known team"], text
    assert sum(int(e[1].replace(",", "")) for e in entries) == len(LAS)
    assert "0–20%" not in text and "80–100%" not in text
