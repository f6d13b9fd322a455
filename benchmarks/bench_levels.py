"""All survey indicators at all four levels for 100,000 responses answered by local authority, beside a bare
pandas baseline doing the same counting (one groupby per level and indicator, no suppression); and the la-level
browser payload beside GeoDataFrame.explore() of the same layers. Prints figures, asserts nothing.

Run: python benchmarks/bench_levels.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def la_survey(rows: int) -> pd.DataFrame:
    """The bundled sample resampled to ``rows`` respondents, each answering with a random local authority."""
    base = pd.read_csv(ROOT / "data" / "sample_survey.csv", dtype=str, keep_default_na=False)
    areas = pd.read_csv(ROOT / "boundaries" / "areas.csv", keep_default_na=False)
    las = areas.loc[areas["level"] == "la", "name"].to_numpy()
    rng = np.random.default_rng(1)
    frame = base.sample(rows, replace=True, random_state=1).reset_index(drop=True)
    frame["where_do_you_work"] = rng.choice(las, rows)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["GAPMAP_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/teams.db"
    from gapmap.files import io
    from gapmap.measures import indicators
    from gapmap.measures.compute import all_indicators, indicator_table
    from gapmap.present.mapspec import map_spec
    from gapmap.settings import from_env
    from gapmap.survey import validate

    settings = from_env()
    frame = la_survey(args.rows)
    t0 = time.perf_counter()
    responses = validate.validate(io.Table(frame.copy(), "bench.csv", "utf-8"))
    validate = time.perf_counter() - t0
    ids = [i for i, ind in indicators.INDICATORS.items() if ind.from_survey]
    t0 = time.perf_counter()
    for level in ("nation", "region", "nhs", "la"):
        all_indicators(responses, settings, ids, level=level)
    ours = time.perf_counter() - t0

    # Bare pandas: the same per-area counts at every level, from the already-placed area columns.
    placed = responses.frame
    t0 = time.perf_counter()
    for level in ("nation", "region", "nhs", "la"):
        col = placed[f"at_{level}"]
        for ind_id in ids:
            ind = indicators.INDICATORS[ind_id]
            key = indicators.item_key(ind.question_id, indicators.resolve_age_group(ind, None))
            if ind.kind == "count":
                col.value_counts()
            elif ind.kind == "proportion":
                pd.DataFrame({"a": col, "n": placed[key].notna(), "k": placed[key].isin(ind.counts)}).groupby(
                    "a"
                ).sum()
            else:
                pd.to_numeric(placed[key], errors="coerce").groupby(col).agg(["count", "mean", "std"])
    bare = time.perf_counter() - t0
    print(
        f"{args.rows:,} responses answered by local authority; validate (placement at every level): {validate:.2f} s"
    )
    print(
        f"all {len(ids)} survey indicators at all 4 levels, with cross-level and profession suppression: {ours:.2f} s; "
        f"bare pandas counts without suppression: {bare:.2f} s ({ours / bare:.1f}x)"
    )

    import geopandas as gpd

    from gapmap.geo import levels
    from gapmap.render import web
    from gapmap.teams import layer

    table = indicator_table("children_0_2_no_team", settings=settings, level="la")
    points, note = layer.for_map(settings)
    spec = map_spec(table, settings, levels.web_boundaries(settings.level_path("la")), points, note)
    payload = len(web.map_html(spec).encode())
    for name, path in (
        ("our la print copy", settings.level_path("la")),
        ("the ONS LAD May 2024 BSC file", ROOT / "boundaries" / "uk_lad_2024_bsc.geojson"),
    ):
        m = gpd.read_file(path).explore()
        points.explore(m=m)
        theirs = len(m.get_root().render().encode())
        print(
            f"la map payload {payload:,} bytes; explore() of {name} with the team points: {theirs:,} bytes ({payload / theirs:.0%})"
        )


if __name__ == "__main__":
    main()
