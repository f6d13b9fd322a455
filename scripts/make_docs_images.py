"""Write the README's export screenshots into docs/exports/: the default map (children aged 0-2 where no known
parent-infant team serves, by NHS area) at every export size, its ranked chart, and a region's spine chart.

Run: python scripts/make_docs_images.py [OUT_DIR]   (default docs/exports)

The teams come from a fresh database seeded from data/teams.csv (never the local data/teams.db), so the images
show the bundled data. A4 pages are written at 100 dpi instead of 300 to keep the repository small; the layout is
in inches, so it is the same page. tests/render/test_docs_images.py regenerates them and compares with the committed ones.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gapmap.render.layout import Laid

ROOT = Path(__file__).resolve().parents[1]
DOCS_DPI = 100  # A4 sizes only; social sizes keep their exact pixels
INDICATOR, LEVEL = "children_0_2_no_team", "nhs"
PROFILED = "E12000002"  # North West: survey and team indicators both have values at region level


def make(out_dir: Path) -> list[Path]:
    """Render every image into ``out_dir``; returns their paths."""
    from gapmap.measures.compute import indicator_table
    from gapmap.present import chartspec
    from gapmap.present.mapspec import map_spec
    from gapmap.present.profile import area_profile
    from gapmap.present.tables import ranked
    from gapmap.render import charts, static
    from gapmap.render.save import write_figure
    from gapmap.render.sizes import SIZES
    from gapmap.settings import from_env
    from gapmap.teams.layer import for_map

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = from_env(database_url=f"sqlite:///{Path(tmp) / 'teams.db'}")
        from gapmap.teams.store import Store

        store = Store(settings)
        points, note = for_map(settings, store=store)
        table = indicator_table(INDICATOR, settings=settings, store=store, level=LEVEL)
        spec = map_spec(table, settings, None, points, note)
        written = []
        for size in SIZES:
            laid = static.map_figure(spec, size, csv_name=f"{INDICATOR}.{LEVEL}.csv")
            written.append(_write(laid, out_dir / f"map-{size}.png", write_figure))
        ranked = chartspec.ranked_spec(
            ranked(table), f"{INDICATOR}.ranked.{LEVEL}.csv", palette=settings.palette
        )
        written.append(
            _write(charts.ranked_figure(ranked, "a4-portrait"), out_dir / "ranked.png", write_figure)
        )
        profile = area_profile(settings, PROFILED, store=store)
        spine = chartspec.spine_spec(profile, f"profile.{PROFILED}.region.csv")
        written.append(
            _write(charts.spine_figure(spine, "a4-portrait"), out_dir / "profile.png", write_figure)
        )
    return written


def _write(laid: Laid, path: Path, write_figure: Callable[..., None]) -> Path:
    from gapmap.files import output

    dpi = laid.size.dpi if laid.size.compact else DOCS_DPI
    output.write_with(path, lambda tmp: write_figure(laid.fig, tmp, "png", dpi, laid.meta))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "exports"
    for p in make(target):
        print(f"wrote {p}")
