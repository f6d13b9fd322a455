"""The app in a real headless Chromium at 1366×768 (a commissioner's laptop), every non-local request blocked:
what is above the fold, every area's tooltip, the legend clear of the map, comparison colouring, the teams layer,
the area profile, and a teams import showing everywhere at once (and going away on undo)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gapmap.geo import levels
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.app import browser_support as bs

W, H = 1366, 768
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    bs.require_chromium()
    db = f"sqlite:///{tmp_path_factory.mktemp('browser_app') / 'teams.db'}"
    Store(Settings(database_url=db))  # seeded before the server starts, as a deployment's database is
    with bs.app(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser(server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=bs.require_chromium(), args=bs.ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[Any]:
    blocked: list[str] = []
    context = bs.offline_context(browser, W, H, blocked)
    pg = context.new_page()
    yield pg
    context.close()
    assert blocked == [], f"requests that would have left the machine: {blocked}"


def _open(page: Any, url: str, query: str, areas: int) -> Any:
    page.goto(f"{url}/{query}", wait_until="domcontentloaded")
    return bs.wait_for_map(page, areas)


@pytest.mark.parametrize(
    ("query", "areas"), [("", 68), ("?indicator=services_0_2_definitely", 12)], ids=["coverage", "survey"]
)
def test_headline_map_and_ranked_chart_are_above_the_fold(server, page, query, areas):
    url, _ = server
    _open(page, url, query, areas)
    headline = page.get_by_text("Of the UK's 2,252,744 children aged 0-2", exact=False).first
    chart = page.locator(".st-key-ranked [data-testid='stVegaLiteChart']").first
    chart.wait_for()
    boxes = {
        "headline": bs.box(headline),
        "map": bs.box(page.locator(bs.MAP_FRAME)),
        "chart": bs.box(page.locator(".st-key-ranked")),
    }
    outside = {k: b for k, b in boxes.items() if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H}
    assert outside == {}, boxes
    assert boxes["map"][2] <= boxes["chart"][0] + 1  # side by side: the chart starts where the map ends
    page.screenshot(path=str(bs.artifacts() / f"above-the-fold-{query.strip('?') or 'default'}.png"))


def _screen_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    frame_box = bs.box(page.locator(bs.MAP_FRAME))
    x, y = bs.map_frame(page).evaluate(
        """([lat, lon]) => { const m = window.gapmapMap, p = m.latLngToContainerPoint([lat, lon]);
             const r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [lat, lon],
    )
    return frame_box[0] + x, frame_box[1] + y


def _hide_teams(page: Any, frame: Any) -> None:
    """Untick the teams layer in Leaflet's layer control (the map's own toggle) so markers cannot catch the
    pointer; checks the toggle works."""
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    toggle = frame.locator(".leaflet-control-layers-overlays label", has_text="Parent-infant teams")
    assert frame.locator(".gapmap-team, .marker-cluster").count() > 0
    toggle.locator("input").uncheck()
    assert frame.locator(".gapmap-team, .marker-cluster").count() == 0
    page.mouse.move(1, 1)


@pytest.mark.parametrize(("level", "count"), [("nation", 4), ("region", 12)])
def test_every_area_shows_its_tooltip_inside_the_map_and_clear_of_the_legend(server, page, level, count):
    url, _ = server
    frame = _open(page, url, f"?indicator=services_0_2_definitely&level={level}", count)
    _hide_teams(page, frame)
    s = Settings()
    shapes = levels.web_boundaries(s.level_path(level))
    legend = bs.box(frame.locator(".gapmap-legend"))
    map_box = bs.box(frame.locator("#map_div"))
    paths = frame.locator("path.gapmap-area")
    assert paths.count() == count
    for i in range(count):
        assert not bs.overlaps(legend, bs.box(paths.nth(i))), f"legend over area {i}"
    missing, outside, covered = [], [], []
    for _, area in shapes.iterrows():
        geom = area.geometry
        body = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)  # the mainland, not an island
        pt = body.representative_point()
        page.mouse.move(*_screen_point(page, pt.y, pt.x))
        # The tooltip just left fades out for a moment beside the new one: find the new one by its area's name.
        tip = frame.locator(".leaflet-tooltip.gapmap-tip", has_text=area["area_name"])
        try:
            tip.wait_for(timeout=5000)
        except Exception as exc:
            page.screenshot(path=str(bs.artifacts() / f"tooltip-missing-{area['area_name']}.png"))
            missing.append((area["area_name"], str(exc)[:300]))
            continue
        text = tip.inner_text()
        if area["area_name"] not in text or "n = " not in text:
            missing.append((area["area_name"], text))
        t = bs.box(tip)
        if not (t[0] >= map_box[0] and t[1] >= map_box[1] and t[2] <= map_box[2] and t[3] <= map_box[3]):
            outside.append((area["area_name"], t, map_box))
        if bs.overlaps(t, legend):
            covered.append((area["area_name"], t, legend))
    assert (missing, outside, covered) == ([], [], [])
    assert "Northern Ireland" in set(shapes["area_name"])


def test_colour_by_comparison_with_the_uk(server, page):
    url, _ = server
    frame = _open(page, url, "?indicator=services_0_2_definitely&colour_by=comparison&comparison=99.8", 12)
    legend = frame.locator(".gapmap-legend").inner_text()
    assert "Similar to the UK" in legend and "Better than the UK" in legend
    _hide_teams(page, frame)
    london = levels.web_boundaries(Settings().level_path("region")).set_index("area_name").loc["London"]
    pt = london.geometry.representative_point()
    page.mouse.move(*_screen_point(page, pt.y, pt.x))
    tip = frame.locator(".leaflet-tooltip.gapmap-tip")
    tip.wait_for()
    assert "Similar to the UK (the 99.8% interval includes the UK value)" in tip.inner_text()
    assert "colour_by=comparison" in page.url and "comparison=99.8" in page.url


def test_switching_indicator_restyles_the_same_map(server, page):
    # The level's shapes are shipped once: a new indicator restyles them in the same frame, without a reload.
    url, _ = server
    frame = _open(page, url, "?indicator=services_0_2_definitely", 12)
    bs.map_frame(page).evaluate("() => { window.gapmapProbe = 'same frame'; }")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator").first.click()
    page.get_by_role("option", name="Referrals at age 2 or under").click()
    frame.locator(".gapmap-legend .title", has_text="referrals at age two").wait_for(timeout=60_000)
    assert bs.map_frame(page).evaluate("() => window.gapmapProbe") == "same frame"
    assert frame.locator("path.gapmap-suppressed").count() >= 1


def test_area_profile_page(server, page):
    url, _ = server
    page.goto(f"{url}/?page=profile&area=E12000007", wait_until="domcontentloaded")
    page.get_by_text("London (region, E12000007)").wait_for(timeout=120_000)
    page.locator("[data-testid='stVegaLiteChart']").nth(1).wait_for(
        timeout=120_000
    )  # the second (over the years) may come later
    bs.settle(page)
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 2  # the spine chart, and over the years
    table = page.locator('[data-testid="stTable"] table').first.inner_text()
    assert "Sufficient local provision" in table and "synthetic sample" in table
    assert "Similar to the UK" in table or "Better than the UK" in table or "Worse than the UK" in table


def _team_points(page: Any) -> int:
    return int(
        bs.map_frame(page).evaluate(
            """() => { let n = 0; window.gapmapMap.eachLayer(l => { if (l._featureGroup && l.getLayers)
                 n = l.getLayers().length; }); return n; }"""
        )
    )


def _download(page: Any, button: Any) -> str:
    """The file a download button gives. Clicked a second time if nothing starts within 20 s, as a user would.
    Twice in CI the first click's file never came (the button then stayed disabled): the click also reran the page,
    and Streamlit drops a file not yet sent when a rerun starts. Downloads no longer rerun the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=20_000) as info:
            button.click()
    except PlaywrightTimeout:
        bs.settle(page)
        with page.expect_download(timeout=60_000) as info:
            button.click()
    return str(info.value.path())


def _what_the_page_says(page: Any, url: str) -> dict[str, Any]:
    page.goto(f"{url}/", wait_until="domcontentloaded")
    bs.wait_for_map(page, 68)
    headline = page.get_by_text("Of the UK's 2,252,744 children aged 0-2", exact=False).first.inner_text()
    table = page.locator('[data-testid="stDataFrame"] table').first.inner_text()
    button = page.get_by_role("button", name="Download table (CSV)")
    button.wait_for(timeout=60_000)  # drawn by the page's second run, after the map (see pages/map.py)
    bs.settle(page)
    rows = list(csv.DictReader(io.StringIO(Path(_download(page, button)).read_text(encoding="utf-8"))))
    birmingham = next(
        r for r in rows if r["area_name"] == "NHS Birmingham and Solihull Integrated Care Board"
    )
    uk_row = next(
        (line for line in table.splitlines() if line.startswith("United Kingdom")), table
    )  # first row
    return {"points": _team_points(page), "headline": headline, "table": uk_row, "csv": birmingham["k"]}


def test_an_import_shows_everywhere_at_once_and_undo_takes_it_back(server, page, tmp_path: Path):
    # Fails if any cache is keyed without the teams store's version (the old key ignored the store).
    url, db = server
    before = _what_the_page_says(page, url)
    store = Store(Settings(database_url=db))
    f = tmp_path / "b.csv"
    f.write_text("name,area_codes\nBirmingham team,NHS Birmingham and Solihull ICB\n", encoding="utf-8")
    batch = store.import_file(f).batch_id
    after = _what_the_page_says(page, url)
    store.undo(int(batch))
    undone = _what_the_page_says(page, url)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"points", "headline", "table", "csv"}, (before, after)
    assert (
        after["points"] == before["points"] + 1 and "40 open teams" in after["headline"]
    )  # 39 bundled open teams and the import
    assert undone == before
