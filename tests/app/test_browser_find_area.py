""" "Find my area" in a real headless Chromium, at a commissioner's laptop (1366×768) and a desktop (1920×1080):
opened by link and typed in the sidebar, the map zooms to the area found, all of it in view, and the area's popup
leaves the area's centre visible. One server and one browser for every case."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from gapmap.geo.find import find_area
from gapmap.geo.levels import LEVELS
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.app import browser_support as bs

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1920, 1080)]
# (what is typed, the level in the link: "" = the default indicator's own level, NHS areas). Typed, each follows
# the one before on one page, so each must move the map from the last area found.
CASES = [("NHS Fife", "nhs"), ("Cardiff", ""), ("KY1", "nhs"), ("Cardiff", "region"), ("Belfast", "la"),
         ("Cardiff", "la")]  # fmt: skip
SCREENSHOTS = {("link", "Cardiff", ""), ("typed", "NHS Fife", "nhs")}

# The map once it shows the areas ``codes``: its view, whether the areas' bounds are in it, its zoom and the whole
# UK's (fitted with gapmap_map.js's padding, FIT), the popup and the areas' centre in the frame's coordinates.
# null until the focus is there and no zoom is running.
STATE = """(_, codes) => {
  const m = window.gapmapMap, g = m && m.gapmap;
  if (!g || !g.style || !g.focus) return null;
  const got = g.focus.map(l => l.feature.properties.area_code).sort();
  if (JSON.stringify(got) !== JSON.stringify(codes) || m._animatingZoom) return null;
  const b = L.latLngBounds([]);
  g.focus.forEach(l => b.extend(l.getBounds()));
  const frame = m.getContainer().getBoundingClientRect(), c = m.latLngToContainerPoint(b.getCenter());
  const pop = document.querySelector(".leaflet-popup-content-wrapper"), r = pop && pop.getBoundingClientRect();
  return {view: m.getBounds().toBBoxString(), inside: m.getBounds().contains(b), zoom: m.getZoom(),
    uk: m.getBoundsZoom(g.areas.getBounds(), false, L.point(12, 28)), centre: [frame.left + c.x, frame.top + c.y],
    map: [frame.left, frame.top, frame.right, frame.bottom], popup: r && [r.left, r.top, r.right, r.bottom]};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    bs.require_chromium()
    db = f"sqlite:///{tmp_path_factory.mktemp('find_area') / 'teams.db'}"
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


def _settled(page: Any, codes: list[str]) -> dict[str, Any]:
    """The map's state once Streamlit is idle, the areas found are focused and the view holds still for 0.5 s."""
    bs.settle(page)
    map_div = page.frame_locator(bs.MAP_FRAME).last.locator("#map_div")
    before: Any = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = map_div.evaluate(STATE, sorted(codes))
        if now is not None and now == before:
            return dict(now)
        before = now
        page.wait_for_timeout(500)
    raise AssertionError(f"the map never showed {codes} and held still: last {before}")


def _problems(state: dict[str, Any]) -> list[str]:
    out = []
    if not state["inside"]:
        out.append(f"area not all in view: view {state['view']}")
    # Zoomed to it: closer than the UK's view, or for an area as tall as Scotland (whose popup, with its sentence,
    # must sit above or below it in a 360-px-wide map) at most half a step farther out. Known: that case zooms out.
    if not state["zoom"] >= state["uk"] - 0.5:
        out.append(f"zoom {state['zoom']} farther out than the UK view's {state['uk']}")
    x, y = state["centre"]
    m, p = state["map"], state["popup"]
    if not (m[0] <= x <= m[2] and m[1] <= y <= m[3]):
        out.append(f"area's centre {state['centre']} outside the map {m}")
    if p is None:
        out.append("no popup")
    else:
        if p[0] <= x <= p[2] and p[1] <= y <= p[3]:
            out.append(f"popup {p} covers the area's centre {state['centre']}")
        if p[0] < m[0] or p[1] < m[1] or p[2] > m[2] or p[3] > m[3]:
            out.append(f"popup {p} cut off by the map's edge {m}")
    return out


def _check(page: Any, how: str, text: str, level: str, size: tuple[int, int], out: dict[str, Any]) -> None:
    """Wait for the map to show what "find my area" finds for ``text`` at ``level``; note any problem in ``out``."""
    codes = find_area(text, level or "nhs", Settings()).codes
    assert codes, (text, level)
    state = _settled(page, codes)
    if (how, text, level) in SCREENSHOTS:  # the whole page a user sees, the ranked chart beside the map drawn
        page.locator(
            ".st-key-ranked [data-testid='stVegaLiteChart'] canvas, .st-key-ranked svg"
        ).first.wait_for()
        name = f"find-area-{how}-{text.replace(' ', '-')}-{level or 'default'}-{size[0]}x{size[1]}.png"
        page.screenshot(path=str(bs.artifacts() / name))
    if problems := _problems(state):
        out[f"{how} {text!r} level={level or 'default'}"] = (problems, state)


def _by_link(page: Any, server: str, size: tuple[int, int], out: dict[str, Any]) -> None:
    for text, level in CASES:
        query = f"?level={level}&area={quote(text)}" if level else f"?area={quote(text)}"
        page.goto(f"{server}/{query}", wait_until="domcontentloaded")
        _check(page, "link", text, level, size, out)


def _typed(page: Any, server: str, size: tuple[int, int], out: dict[str, Any]) -> None:
    """One page: each area typed after the one before; to change level the sidebar's "Areas" is chosen, which
    shows the last area typed at the new level (checked too)."""
    page.goto(f"{server}/", wait_until="domcontentloaded")
    page.frame_locator(bs.MAP_FRAME).last.locator(".gapmap-legend .title").wait_for(timeout=120_000)
    bs.settle(page)
    shown, typed = "nhs", ""
    for text, level in CASES:
        if (level or "nhs") != shown:
            shown = level or "nhs"
            choice = page.locator('[data-testid="stSelectbox"]').filter(
                has=page.get_by_text("Areas", exact=True)
            )
            choice.click()
            page.get_by_role("option", name=LEVELS[shown].menu, exact=True).click()
            _check(page, "level changed", typed, shown, size, out)
        box = page.get_by_role("textbox", name="Find my area")
        box.fill(text)
        box.press("Enter")
        typed = text
        _check(page, "typed", text, level, size, out)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("how", ["link", "typed"])
def test_find_my_area_zooms_to_it_and_its_popup_leaves_it_in_sight(server, browser, how, size):
    blocked: list[str] = []
    context = bs.offline_context(browser, *size, blocked)
    failures: dict[str, Any] = {}
    try:
        (_by_link if how == "link" else _typed)(context.new_page(), server, size, failures)
    finally:
        context.close()
    assert failures == {}
    assert blocked == [], f"requests that would have left the machine: {blocked}"
