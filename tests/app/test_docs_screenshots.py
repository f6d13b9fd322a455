"""The README's app screenshots (docs/app/) still show what the app draws: regenerated into a temporary folder
by scripts/make_app_screenshots.py and compared loosely (same size; downsampled greyscale images close)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app import browser_support as bs
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "app"
# Mean absolute difference of 96-pixel-wide greyscale thumbnails, 0-255: generous, as fonts, anti-aliasing and
# the year in a caption may differ between machines, but a different page, layout or missing map is far above it.
THRESHOLD = 12.0


def thumbnail_difference(a: Path, b: Path) -> tuple[tuple[int, int], tuple[int, int], float]:
    from PIL import Image, ImageChops, ImageStat

    with Image.open(a) as ia, Image.open(b) as ib:
        size = (96, max(1, round(96 * ia.height / ia.width)))
        ta = ia.convert("L").resize(size, Image.Resampling.BOX)
        tb = ib.convert("L").resize(size, Image.Resampling.BOX)
        return ia.size, ib.size, float(ImageStat.Stat(ImageChops.difference(ta, tb)).mean[0])


@pytest.mark.browser
def test_screenshots_in_docs_match_a_fresh_run(tmp_path: Path):
    bs.require_chromium()
    subprocess.run(
        [sys.executable, "scripts/make_app_screenshots.py", "--out", str(tmp_path)], cwd=ROOT, check=True
    )
    made = sorted(p.name for p in tmp_path.glob("*.png"))
    assert made == sorted(p.name for p in DOCS.glob("*.png")) and made
    for name in made:
        size_docs, size_new, diff = thumbnail_difference(DOCS / name, tmp_path / name)
        assert size_docs == size_new, name
        assert diff < THRESHOLD, (name, diff)


def test_the_comparison_tells_different_pages_apart(tmp_path: Path):
    # The check can fail: the map page and the profile page are far apart by it.
    _, _, diff = thumbnail_difference(DOCS / "map-1366x768.png", DOCS / "profile-1366x768.png")
    assert diff > THRESHOLD
