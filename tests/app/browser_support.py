"""Shared pieces of the real-Chromium tests: the browser, a context that blocks every non-local request, the app."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from gapmap.app import state
from tests.conftest import ROOT, require

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MAP_FRAME = 'iframe[title="gapmap.app.pages.map.folium_map"]'


def chromium_path() -> str | None:
    return os.environ.get("GAPMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    path = chromium_path()
    require(path is not None, "no Chromium (Debian package chromium; .ci/run installs it)")
    return str(path)


@contextmanager
def app(database_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The app served on a free local port with its own teams database; yields its URL."""
    proc, url = state.start_server(
        ROOT, os.environ | {"GAPMAP_DATABASE_URL": database_url} | (extra_env or {})
    )
    try:
        yield url
    finally:
        proc.terminate()  # type: ignore[attr-defined]
        proc.wait(timeout=20)  # type: ignore[attr-defined]


def offline_context(browser: Any, width: int, height: int, blocked: list[str]) -> Any:
    """A browser context in which every request that would leave this machine is blocked and recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)

    def route(r: Any) -> None:
        u = r.request.url
        if urlparse(u).hostname in ("127.0.0.1", "localhost") or u.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(u)
            r.abort()

    context.route("**/*", route)
    return context


def wait_for_map(page: Any, areas: int, timeout_ms: int = 120_000) -> Any:
    """The map's frame once the areas are drawn and styled (the legend filled), the ranked chart and the table that
    follow the map are there, and Streamlit has settled."""
    frame = page.frame_locator(MAP_FRAME).last
    frame.locator("path.gapmap-area").nth(areas - 1).wait_for(state="attached", timeout=timeout_ms)
    frame.locator(".gapmap-legend .title").wait_for(timeout=timeout_ms)
    page.locator(".st-key-ranked [data-testid='stVegaLiteChart']").first.wait_for(timeout=timeout_ms)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=timeout_ms)
    settle(page)
    return frame


def settle(page: Any, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' status)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )
    page.wait_for_timeout(300)


def map_frame(page: Any) -> Any:
    """The map's frame as a Frame (to evaluate JavaScript in it)."""
    return next(f for f in page.frames if "folium_map" in f.url)


def box(locator: Any) -> tuple[float, float, float, float]:
    b = locator.bounding_box()
    assert b is not None
    return b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def artifacts() -> Path:
    out = ROOT / "artifacts"
    out.mkdir(exist_ok=True)
    return out
