"""A real headless Chromium against the running app, with every non-local request blocked."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from gapmap.app import state
from gapmap.settings import Settings
from gapmap.teams.store import Store
from tests.conftest import ROOT, require

XSS = "<img src=x onerror=alert(1)>"
ARTIFACTS = ROOT / "artifacts"


def chromium_path() -> str | None:
    return os.environ.get("GAPMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    require(chromium_path() is not None, "no Chromium (Debian package chromium; .ci/run installs it)")
    tmp = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{tmp / 'teams.db'}"
    xss = tmp / "xss.csv"
    with xss.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "provider", "latitude", "longitude", "source_url"])
        # Alone on Shetland, so it is drawn as its own marker rather than inside a cluster.
        w.writerow([XSS, "<script>alert(2)</script>", "60.3", "-1.25", "javascript:alert(3)"])
    store = Store(Settings(database_url=db))
    result = store.import_file(xss, skip_invalid=True)
    assert result.added == 0 and "http" in result.issues[0].message  # a javascript: link is refused ...
    clean = tmp / "xss_clean.csv"
    clean.write_text(
        xss.read_text(encoding="utf-8").replace("javascript:alert(3)", "https://example.org/x"),
        encoding="utf-8",
    )
    assert store.import_file(clean).added == 1  # ... the name and provider are stored exactly as given
    proc, url = state.start_server(ROOT, os.environ | {"GAPMAP_DATABASE_URL": db})
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_map_draws_offline_escapes_team_text_and_exports(app_url: str):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

        def route(r):  # type: ignore[no-untyped-def]
            host = urlparse(r.request.url).hostname
            if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:", "about:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{app_url}/?indicator=services_0_2_definitely", wait_until="domcontentloaded")
        frame = page.frame_locator('iframe[title*="folium"]')
        frame.locator("path.gapmap-area").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)
        assert frame.locator("path.gapmap-area").count() == 12
        assert frame.locator("path.gapmap-suppressed").count() == 4
        markers = frame.locator(".gapmap-team")
        assert markers.count() + frame.locator(".marker-cluster").count() > 5
        assert frame.locator(".gapmap-legend").inner_text().count("%") >= 5

        found = False
        for i in range(markers.count()):
            markers.nth(i).dispatch_event("click")
            page.wait_for_timeout(200)
            popup = frame.locator(".leaflet-popup-content")
            if popup.count() and XSS in popup.first.inner_text():
                found = True
                assert "<script>alert(2)</script>" in popup.first.inner_text()
                assert popup.first.locator("img, script").count() == 0
                break
        texts = frame.locator(".leaflet-popup-content").all_inner_texts()
        assert found, f"the team named like HTML was not shown as text ({markers.count()} markers; {texts})"
        assert dialogs == []

        page.wait_for_timeout(5000)  # let the reruns that the popup clicks started settle before downloading
        for fmt, magic in (("PNG", b"\x89PNG"), ("SVG", b"<?xml"), ("PDF", b"%PDF")):
            data = _download(page, f"Download map ({fmt})")
            assert data.startswith(magic), fmt
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser-map.png"), full_page=True)
        browser.close()
    # Nothing the page needs lives off this machine; anything it tried is listed for the record.
    print("blocked requests:", blocked)
    assert not [
        u for u in blocked if any(k in u for k in ("leaflet", "jquery", "bootstrap", "cdn", ".js", ".css"))
    ]


def _download(page, button: str, tries: int = 3) -> bytes:  # type: ignore[no-untyped-def]
    """Click a download button until the file arrives: a click that lands while Streamlit is rerunning after a
    map interaction can be dropped by the browser component, and a user would simply click again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        try:
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name=button).click()
            return Path(info.value.path()).read_bytes()
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.wait_for_timeout(3000)
    return b""


def test_chromium_runs_on_ci():
    if os.environ.get("CI") == "true":
        assert chromium_path(), "CI must install Chromium"
