"""The README's export screenshots are what the code makes: regenerated into a temporary folder and compared with
the committed ones (same pixel size; little difference once shrunk to greyscale thumbnails)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = ROOT / "docs" / "exports"
# Mean absolute difference (0-255) of 128-pixel-wide greyscale thumbnails. Font hinting and anti-aliasing on
# another machine stay well under it; a moved legend, a lost label block or a new colour scheme does not.
THRESHOLD = 6.0


def _script():  # scripts/ is not a package: load the generator from its file
    spec = importlib.util.spec_from_file_location(
        "make_docs_images", ROOT / "scripts" / "make_docs_images.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def difference(a: Path, b: Path) -> tuple[tuple[int, int], tuple[int, int], float]:
    from PIL import Image, ImageChops, ImageStat

    with Image.open(a) as ia, Image.open(b) as ib:
        sizes = (ia.size, ib.size)
        w = 128
        h = round(ia.size[1] * w / ia.size[0])
        ta = ia.convert("L").resize((w, h), Image.Resampling.BOX)
        tb = ib.convert("L").resize((w, h), Image.Resampling.BOX)
        return sizes[0], sizes[1], ImageStat.Stat(ImageChops.difference(ta, tb)).mean[0]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docs")
    return {p.name: p for p in _script().make(out)}


def test_every_committed_image_is_made_by_the_script(fresh: dict[str, Path]):
    assert sorted(fresh) == sorted(p.name for p in DOCS.glob("*.png"))
    assert {"map-a4-portrait.png", "map-a4-landscape.png", "map-social.png", "map-square.png"} <= set(fresh)


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.png")))
def test_committed_image_matches_a_fresh_render(name: str, fresh: dict[str, Path]):
    committed, made, diff = difference(DOCS / name, fresh[name])
    assert committed == made, f"{name}: committed {committed}, made {made}: run scripts/make_docs_images.py"
    assert diff < THRESHOLD, f"{name} differs by {diff:.1f}: run scripts/make_docs_images.py"


def test_the_comparison_can_fail(fresh: dict[str, Path], tmp_path: Path):
    """Two different exports (a map and the ranked chart) differ by far more than the threshold."""
    from PIL import Image

    with Image.open(fresh["ranked.png"]) as im:
        im.resize(Image.open(fresh["map-a4-portrait.png"]).size).save(tmp_path / "other.png")
    assert difference(fresh["map-a4-portrait.png"], tmp_path / "other.png")[2] > THRESHOLD
