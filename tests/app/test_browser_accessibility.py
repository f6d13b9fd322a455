"""The app's pages checked by axe-core in a real headless Chromium (0 serious or critical violations, on the page
and inside the map's frame), the map's text alternative beside it, and the area search and level controls used
by keyboard alone. Where Streamlit itself is at fault the rule is recorded in docs/ACCESSIBILITY.md, never
silenced here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.app import browser_support as bs

W, H = 1366, 768
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    bs.require_chromium()
    db = f"sqlite:///{tmp_path_factory.mktemp('browser_a11y') / 'teams.db'}"
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


@pytest.fixture
def page(browser) -> Iterator[Any]:
    blocked: list[str] = []
    context = bs.offline_context(browser, W, H, blocked)
    pg = context.new_page()
    yield pg
    context.close()
    assert blocked == [], f"requests that would have left the machine: {blocked}"


def _serious(target: Any) -> list[tuple[str, str, list[Any]]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(target)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


MAP_LEVELS = {"nation": 4, "region": 12, "nhs": 68, "la": 361}


@pytest.mark.parametrize("level", list(MAP_LEVELS))
def test_map_page_has_no_serious_or_critical_violation(server, page, level):
    page.goto(f"{server}/?level={level}", wait_until="domcontentloaded")
    bs.wait_for_map(page, MAP_LEVELS[level])
    assert _serious(page) == []
    assert _serious(bs.map_frame(page)) == []
    # The map's text alternative sits next to it: the sentences and a way to the table of every value.
    alt = (
        page.locator('[data-testid="stCaptionContainer"]')
        .filter(has_text="Every value is in the table")
        .first
    )
    assert alt.is_visible() and alt.inner_text().startswith("Map of")
    assert alt.get_by_role("link", name="the table of areas").get_attribute("href") == "#areas"


def test_profile_page_has_no_serious_or_critical_violation(server, page):
    page.goto(f"{server}/?page=profile&area=E12000007", wait_until="domcontentloaded")
    page.get_by_text("London (region, E12000007)").wait_for(timeout=120_000)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=60_000)
    bs.settle(page)
    assert _serious(page) == []


def test_teams_page_has_no_serious_or_critical_violation(server, page):
    page.goto(f"{server}/?page=teams", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Add teams").first.wait_for(timeout=120_000)
    bs.settle(page)
    assert _serious(page) == []


def _tab_to(page: Any, want: Any, limit: int = 400) -> None:
    """Press Tab until ``want`` (a locator) has the focus; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if want.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached {want}")


def test_area_search_and_level_control_work_by_keyboard_alone(server, page):
    page.goto(f"{server}/?level=region", wait_until="domcontentloaded")
    bs.wait_for_map(page, 12)
    page.locator("h1").first.click()  # the focus starts in the page, above the controls
    # The level control: reach it with Tab, open it and choose by arrow keys and Enter.
    level = page.locator('[data-testid="stSelectbox"]').filter(has_text="Areas").first.locator("input")
    _tab_to(page, level)
    page.keyboard.press("ArrowDown")
    page.keyboard.type("NHS area")
    page.keyboard.press("Enter")
    frame = bs.wait_for_map(page, 68)
    assert frame.locator("path.gapmap-area").count() == 68  # the NHS areas' map, chosen without a mouse
    # Find my area: reach the box with Tab, type and press Enter.
    find = page.locator('[data-testid="stTextInput"]').filter(has_text="Find").first.locator("input")
    _tab_to(page, find)
    page.keyboard.type("NHS Fife")
    page.keyboard.press("Enter")
    page.get_by_text("S08000029", exact=False).first.wait_for(
        timeout=60_000
    )  # "Showing NHS Fife (…, S08000029)"
    bs.settle(page)
