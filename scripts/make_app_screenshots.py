"""Screenshots of the app for the README (docs/app/): the map page at 1366×768 (a commissioner's laptop) and
1920×1080, the area profile page, the hex map of local authorities at both sizes, and the "change since 2021" map
(scrolled to it) of a survey indicator against the bundled second wave, from a freshly started
server on the bundled data, in headless Chromium with every non-local request blocked.

Run: python scripts/make_app_screenshots.py [--out docs/app]   (GAPMAP_CHROMIUM for another Chromium)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
FRAME = 'iframe[title="gapmap.app.pages.map.folium_map"]'
SHOTS = (  # file, query, width, height
    ("map-1366x768.png", "", 1366, 768),
    ("map-1920x1080.png", "", 1920, 1080),
    ("profile-1366x768.png", "?page=profile&area=E12000007", 1366, 768),
    ("map-hex-la-1366x768.png", "?level=la&shape=hex", 1366, 768),
    ("map-hex-la-1920x1080.png", "?level=la&shape=hex", 1920, 1080),
    ("change-1366x768.png", "?indicator=referrals_age_2_or_under&wave=bundled", 1366, 768),
)


def make(out: Path) -> list[Path]:
    """Serve the app on the bundled data (its own teams database) and write every screenshot into ``out``."""
    from playwright.sync_api import sync_playwright

    from gapmap.app import state
    from gapmap.settings import Settings
    from gapmap.teams.store import Store

    out.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{Path(tempfile.mkdtemp(prefix='gapmap-shots-')) / 'teams.db'}"
    Store(Settings(database_url=db))  # seeded with the bundled teams before the server starts
    proc, url = state.start_server(ROOT, os.environ | {"GAPMAP_DATABASE_URL": db})
    written: list[Path] = []
    blocked: list[str] = []
    try:
        with sync_playwright() as p:
            chromium = os.environ.get("GAPMAP_CHROMIUM") or shutil.which("chromium")
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for name, query, width, height in SHOTS:
                context = browser.new_context(viewport={"width": width, "height": height})

                def route(r, blocked: list[str] = blocked):  # type: ignore[no-untyped-def]
                    if urlparse(r.request.url).hostname in (
                        "127.0.0.1",
                        "localhost",
                    ) or r.request.url.startswith(("data:", "blob:", "about:")):
                        r.continue_()
                    else:
                        blocked.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.goto(f"{url}/{query}", wait_until="domcontentloaded")
                if "profile" in query:
                    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=120_000)
                else:
                    page.frame_locator(FRAME).last.locator(".gapmap-legend .title").wait_for(timeout=120_000)
                    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
                )
                if (
                    "wave=" in query
                ):  # the change map, below the main one: scrolled to with the wheel over the page
                    page.frame_locator(FRAME).nth(1).locator(".gapmap-legend .title").wait_for(
                        timeout=120_000
                    )
                    page.locator(FRAME).nth(1).scroll_into_view_if_needed()
                    page.mouse.move(
                        width - 10, height - 10
                    )  # over the page's scroll bar, not a map (a wheel zooms it)
                    page.mouse.wheel(0, -60)  # the map's title above it in view
                page.wait_for_timeout(2000)  # charts and map finish drawing
                target = out / name
                page.screenshot(path=str(target))
                written.append(target)
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if blocked:
        raise SystemExit(f"the app asked for something off this machine: {blocked}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "app")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for path in make(args.out):
        print(path)


if __name__ == "__main__":
    main()
