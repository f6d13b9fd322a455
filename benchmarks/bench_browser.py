"""Headless Chromium against the running app: time to first map, time to redraw after changing the indicator,
and the map's payload against GeoDataFrame.explore() for the same layers. Prints figures, asserts nothing.

Run: python benchmarks/bench_browser.py   (needs Debian's chromium; set GAPMAP_CHROMIUM to another binary)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def payload_ratio() -> tuple[int, int]:
    import geopandas as gpd

    from gapmap import geography, pipeline, teams_layer
    from gapmap.render import web
    from gapmap.settings import from_env

    s = from_env()
    table = pipeline.indicator_table("services_0_2_definitely", settings=s)
    points, note = teams_layer.for_map(s)
    spec = pipeline.map_spec(table, s, geography.web_boundaries(s.level_path("region")), points, note)
    ours = len(web.map_html(spec).encode("utf-8"))
    m = gpd.read_file(ROOT / "boundaries" / "uk_regions_nations_buc.geojson").explore()
    points.explore(m=m)
    return ours, len(m.get_root().render().encode("utf-8"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    tmp = tempfile.mkdtemp()
    os.environ["GAPMAP_DATABASE_URL"] = f"sqlite:///{tmp}/teams.db"
    ours, explore = payload_ratio()
    print(
        f"map payload: {ours:,} bytes; GeoDataFrame.explore() for the same layers: {explore:,} bytes "
        f"({ours / explore:.0%})"
    )
    from gapmap import webapp

    proc, url = webapp.start_server(ROOT, dict(os.environ))
    try:
        chromium = os.environ.get("GAPMAP_CHROMIUM") or shutil.which("chromium")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for run in ("cold", "warm"):
                t0 = time.perf_counter()
                page.goto(f"{url}/?indicator=services_0_2_definitely", wait_until="domcontentloaded")
                frame = page.frame_locator('iframe[title*="folium"]')
                frame.locator("path.gapmap-area").nth(11).wait_for(timeout=120_000)
                print(f"open page -> map drawn ({run} cache): {time.perf_counter() - t0:.2f} s")
            for run in ("cold", "warm"):
                t0 = time.perf_counter()
                page.goto(f"{url}/?level=la", wait_until="domcontentloaded")
                frame = page.frame_locator('iframe[title*="folium"] >> nth=-1')
                frame.locator("path.gapmap-area").nth(360).wait_for(state="attached", timeout=120_000)
                print(
                    f"open page at la level -> 361 areas drawn ({run} cache): {time.perf_counter() - t0:.2f} s"
                )
            page.goto(f"{url}/?indicator=services_0_2_definitely", wait_until="domcontentloaded")
            page.frame_locator('iframe[title*="folium"]').locator("path.gapmap-area").nth(11).wait_for(
                timeout=120_000
            )
            t0 = time.perf_counter()
            page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator").first.click()
            page.get_by_role("option", name="Local CYPMHS takes referrals at age two or under").click()
            # While Streamlit swaps the component, old and new iframes coexist: wait on the last one.
            new = page.frame_locator('iframe[title*="folium"] >> nth=-1')
            new.locator(".gapmap-legend", has_text="referrals at age two").wait_for(timeout=120_000)
            new.locator("path.gapmap-area").nth(11).wait_for(timeout=120_000)
            print(f"change indicator -> map redrawn: {time.perf_counter() - t0:.2f} s")
            browser.close()
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
