"""The static atlas (`gapmap atlas build OUT/`) for the bundled data: a fresh build and a rebuild into the same
folder, each beside a bare-library baseline in the same run, and the site's size by kind of file. Prints figures,
asserts nothing.

Paths:
  atlas build      `gapmap atlas build OUT/` into an empty folder: every indicator at every level, 446 area
                   pages, 450 embeds, 446 CSVs, GeoJSON, search index. Goal (issue 19): at most 2 minutes on 2
                   cores, at most 150 MB. Baseline: pandas alone writing one bare HTML table per area from the
                   same tidy CSV (DataFrame.to_html, 446 files): the floor of writing that many pages.
  atlas rebuild    the same command again into the same folder (unchanged files are left alone).

Run: python benchmarks/bench_atlas.py   (the data are the bundled data: a --rows argument is accepted and
ignored, as benchmarks/run.py passes one to every module)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import Result, measure, table  # noqa: E402

ROWS = 0  # the atlas is of the bundled data
SMOKE_ROWS = 0
GOAL_S = 120.0
GOAL_MB = 150.0


def _setup() -> None:
    if "GAPMAP_DATABASE_URL" not in os.environ:
        os.environ["GAPMAP_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-atlas-')}/teams.db"
    import geopandas  # noqa: F401
    import matplotlib  # noqa: F401

    from gapmap.present import atlas  # noqa: F401
    from gapmap.render import atlas_site  # noqa: F401
    from gapmap.settings import from_env
    from gapmap.teams.store import Store

    Store(from_env()).list_teams()  # seed the database once, in the parent


def _build(out: str) -> dict[str, Any]:
    from gapmap.present import atlas
    from gapmap.render.atlas_site import write_site
    from gapmap.settings import from_env
    from gapmap.survey.validate import load_survey
    from gapmap.teams.store import Store

    settings = from_env()
    written = write_site(atlas.build(settings, load_survey(settings=settings), Store(settings)), out)
    return {"sizes": written.sizes, "counts": written.counts, "unchanged": written.unchanged}


def _bare(tidy_csv: str, out: str) -> int:
    import pandas as pd

    frame = pd.read_csv(tidy_csv)
    n = 0
    for (level, code), rows in frame.groupby(["level", "area_code"]):
        folder = Path(out) / str(level)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{code}.html").write_text(rows.to_html(index=False), encoding="utf-8")
        n += 1
    return n


def _size_note(value: dict[str, Any]) -> str:
    sizes = value["sizes"]
    total = sum(sizes.values()) / 1e6
    parts = ", ".join(
        f"{kind} {value['counts'][kind]:,} file{'' if value['counts'][kind] == 1 else 's'} {b / 1e6:.1f} MB"
        for kind, b in sorted(sizes.items(), key=lambda kv: -kv[1])
    )
    met = "met" if total <= GOAL_MB else "NOT met"
    return f"site {total:.1f} MB (goal ≤ {GOAL_MB:g} MB {met}): {parts}"


def run(rows: int = ROWS, smoke: bool = False) -> list[Result]:
    _setup()
    out = tempfile.mkdtemp(prefix="bench-atlas-site-")
    first = measure(_build, out)
    again = measure(_build, out)
    bare = measure(_bare, str(Path(out) / "data" / "gapmap-atlas-tidy.csv"), tempfile.mkdtemp())
    cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    shared = f"{cores} cores, load average {load} at the end (the machine may be shared: see the load)"
    met = "met" if first.seconds <= GOAL_S else "NOT met"
    return [
        Result(
            "`gapmap atlas build` (fresh folder)",
            first,
            bare,
            note=f"{_size_note(first.value)}; {shared}",
            target=f"≤ {GOAL_S:g} s {met}",
        ),
        Result(
            "`gapmap atlas build` (rebuild, same folder)",
            again,
            bare,
            note=f"{again.value['unchanged']:,} files unchanged and left alone",
            target=f"≤ {GOAL_S:g} s {'met' if again.seconds <= GOAL_S else 'NOT met'}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="ignored: the atlas is of the bundled data")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    results = run(args.rows, args.smoke)
    print(table(results))
    for r in results:
        print(f"- {r.path}: {r.note}")


if __name__ == "__main__":
    main()
