"""The built atlas in a real headless Chromium: read with JavaScript off, embedded in an iframe on a blank page of
another origin, searched by name and postcode district, and checked by axe-core (0 serious or critical
violations). Every request that would leave this machine is blocked and recorded."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.app import browser_support as bs

pytestmark = pytest.mark.browser
LA = "E06000023"  # Bristol, City of


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(atlas_site) -> Iterator[str]:
    bs.require_chromium()
    with serve(atlas_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=bs.require_chromium(), args=bs.ARGS)
        yield b
        b.close()


@contextmanager
def _page(browser: Any, width: int = 1366, height: int = 768, js: bool = True) -> Iterator[Any]:
    blocked: list[str] = []
    context = bs.offline_context(browser, width, height, blocked)
    if not js:
        context.close()
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert blocked == [], f"requests that would have left the machine: {blocked}"


def test_an_area_page_read_with_javascript_off_shows_sentences_table_and_map(browser, atlas_site):
    with _page(browser, js=False) as page:
        page.goto((atlas_site / "area" / "la" / f"{LA}.html").as_uri())  # from file://, as a download opens
        assert page.evaluate("() => typeof window.GAPMAP_SEARCH") == "undefined"  # no script ran
        assert page.get_by_text("In Bristol, City of, none of its").is_visible()
        table = page.locator("table#data-table")
        assert table.is_visible()
        assert table.locator("tbody tr").count() >= 10
        svg = page.locator("svg.map").first
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
        assert svg.get_attribute("role") == "img"
        assert (
            page.locator("svg.map path.here").count() == 2
        )  # its own area outlined, on the map and the hex map
        assert page.locator(".alt").first.is_visible()  # the text alternative beside the map
        # Navigation works without a script: the trail up and the area list on the index.
        page.get_by_role("link", name="South West").click()
        assert page.locator("h1").inner_text() == "South West"


def test_the_index_lists_every_area_without_javascript(browser, atlas_site):
    with _page(browser, js=False) as page:
        page.goto((atlas_site / "index.html").as_uri())
        assert page.locator("#search").is_hidden()  # the search box needs the script; the list does not
        assert page.locator("main ul.cols a").count() == 445


def test_the_embed_works_inside_an_iframe_on_a_blank_page_of_another_origin(browser, site, tmp_path):
    host = tmp_path / "host"
    host.mkdir()
    (host / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>A charity's page</title></head><body>"
        f"<iframe src='{site}embed/la/{LA}.html' title='gapmap map' style='width:420px;height:560px;border:0'>"
        "</iframe></body></html>"
    )
    with serve(host) as host_url, _page(browser) as page:
        page.goto(host_url)
        frame = page.frame_locator("iframe")
        svg = frame.locator("svg.map").first  # the geographic map (its hex map follows it)
        svg.wait_for()
        box = svg.bounding_box()
        assert box is not None and 100 < box["width"] <= 420  # sized to its container
        assert frame.locator("h1").inner_text().endswith("Bristol, City of")
        assert "Office for National Statistics" in frame.locator(".source").inner_text()
        link = frame.get_by_role("link", name="View the data (opens the gapmap atlas page)")
        assert link.get_attribute("target") == "_blank"
        with page.context.expect_page() as opened:
            link.click()
        data_page = opened.value
        data_page.wait_for_load_state()
        assert data_page.locator("h1").inner_text() == "Bristol, City of"


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("Bristol", f"area/la/{LA}.html"),
        ("E06000023", f"area/la/{LA}.html"),
        ("KY1", "area/la/S12000047.html"),
    ],
)
def test_search_as_you_type_finds_names_codes_and_postcode_districts(browser, site, typed, link):
    with _page(browser) as page:
        page.goto(site + "index.html")
        page.locator("#q").fill(typed)
        results = page.locator("#q-results a")
        results.first.wait_for()
        assert link in [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert page.locator("#q-status").inner_text()


AXE_PAGES = {
    "index": "index.html",
    "uk": "area/uk/K02000001.html",
    "nation": "area/nation/W92000004.html",
    "region": "area/region/E12000009.html",
    "nhs": "area/nhs/S08000029.html",
    "la": f"area/la/{LA}.html",
    "embed": f"embed/la/{LA}.html",
    "embed-map": "embed/map/nhs.html",
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_serious_or_critical_violation(browser, site, name):
    from axe_playwright_python.sync_playwright import Axe

    with _page(browser) as page:
        page.goto(site + AXE_PAGES[name])
        results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


FIT_PAGES = [
    f"embed/la/{LA}.html",
    "embed/nhs/S08000029.html",
    "embed/region/E12000009.html",
    "embed/nation/W92000004.html",
    "embed/map/la.html",
]


@pytest.mark.parametrize("width", [400, 1000])
@pytest.mark.parametrize("path", FIT_PAGES)
def test_an_embed_fits_the_readmes_640_pixel_iframe_without_scrolling(browser, site, tmp_path, path, width):
    host = tmp_path / "host"
    host.mkdir()
    (host / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>A blank page</title></head><body>"
        f"<iframe src='{site}{path}' title='gapmap map' style='width:{width}px;height:640px;border:0'>"
        "</iframe></body></html>"
    )
    with serve(host) as host_url, _page(browser, width=width + 40, height=800) as page:
        page.goto(host_url)
        link = page.frame_locator("iframe").get_by_role(
            "link", name="View the data (opens the gapmap atlas page)"
        )
        link.wait_for()
        frame = page.frames[1]
        height = frame.evaluate("() => window.innerHeight")
        assert height == 640
        assert frame.evaluate("() => document.documentElement.scrollHeight") <= height
        for selector in ("h1", "svg.map", ".legend", ".source", "a[target=_blank]"):
            box = frame.evaluate(
                "s => { const r = document.querySelector(s).getBoundingClientRect();"
                " return [r.top, r.bottom, r.width, r.height]; }",
                selector,
            )
            assert box[0] >= 0 and box[1] <= height and box[2] > 0 and box[3] > 0, (selector, box)
        map_box = frame.evaluate("() => document.querySelector('svg.map').getBoundingClientRect().height")
        assert map_box > 150  # the map keeps a useful size
