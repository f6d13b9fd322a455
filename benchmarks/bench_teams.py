"""Teams import: `gapmap teams import --skip-invalid` of N generated rows (half by postcode, half by coordinates, a
few invalid) into SQLite, and into PostgreSQL when a server is named, each beside a bare pandas + geopandas
pipeline doing the same core work into the same kind of database in the same run: read the CSV, merge postcode
districts, one sjoin to the regions, ``DataFrame.to_sql`` in one transaction. The bare pipeline checks nothing,
reports nothing and keeps no history; gapmap also validates every cell, finds duplicates, records the batch
and serialises writers. Each path runs in a fresh process against a fresh database. Asserts nothing about time.

Run: python benchmarks/bench_teams.py [--rows 100000] [--smoke]
PostgreSQL: set GAPMAP_BENCH_POSTGRES_URL (or GAPMAP_TEST_POSTGRES_URL) to a server where databases may be created.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Measure, Result, measure, table

from gapmap.settings import Settings
from gapmap.teams.store import Store

ROWS = 100_000  # about 60 s for both databases on 2 cores: three runs of each path, the fastest kept
SMOKE_ROWS = 2_000  # benchmarks/run.py --smoke: every path once, a few rows rejected
INVALID_EVERY = 1_000  # one row in a thousand has a problem gapmap reports (bad postcode, swapped, no name)


def make_file(path: Path, rows: int, settings: Settings) -> None:
    """``rows`` teams: odd rows by postcode (a real district), even rows by coordinates in England and Wales."""
    districts = pd.read_csv(settings.data_dir / "uk_postcode_district_centroids.csv")
    outcodes = districts.loc[districts["in_geonames_2024_list"], "outcode"].tolist()
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "postcode", "latitude", "longitude"])
        for i in range(rows):
            name = f"Bench team {i}"
            lat, lon = f"{rng.uniform(51.0, 53.5):.5f}", f"{rng.uniform(-2.5, -0.5):.5f}"
            bad = i % INVALID_EVERY
            if bad == 1:
                w.writerow([name, "ZZ9 9ZZ", "", ""])  # no such postcode district
            elif bad == 2:
                w.writerow([name, "", lon, lat])  # latitude and longitude swapped
            elif bad == 4:
                w.writerow(["", "", lat, lon])  # no name
            elif i % 2:
                w.writerow([name, f"{rng.choice(outcodes)} 1AA", "", ""])
            else:
                w.writerow([name, "", lat, lon])


def gapmap_import(url: str, path: Path) -> tuple[int, int]:
    """What `gapmap teams import FILE --skip-invalid --database URL` does."""
    result = Store(Settings(database_url=url)).import_file(path, skip_invalid=True)
    return result.added, result.rejected


def bare_import(url: str, path: Path, settings: Settings) -> int:
    """The same core work with the libraries alone: read, postcode-district merge, one sjoin, to_sql."""
    frame = pd.read_csv(path, dtype={"postcode": str})
    districts = pd.read_csv(
        settings.data_dir / "uk_postcode_district_centroids.csv", usecols=["outcode", "latitude", "longitude"]
    ).rename(columns={"latitude": "district_lat", "longitude": "district_lon"})
    frame["outcode"] = frame["postcode"].str.upper().str.split(" ").str[0]
    frame = frame.merge(districts, on="outcode", how="left")
    frame["latitude"] = frame["latitude"].fillna(frame["district_lat"])
    frame["longitude"] = frame["longitude"].fillna(frame["district_lon"])
    regions = gpd.read_file(settings.boundaries_dir / "levels" / "region.geojson")[["code", "geometry"]]
    points = gpd.GeoDataFrame(
        frame.drop(columns=["district_lat", "district_lon"]),
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, regions, how="left", predicate="within")
    out = pd.DataFrame(joined.drop(columns=["geometry", "index_right"]))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        out.to_sql("bare_teams", conn, if_exists="append", index=False)
    engine.dispose()
    return len(out)


def _seed(url: str) -> None:
    Store(Settings(database_url=url))  # schema and the bundled 38 teams, as a user's database has


Fresh = Callable[[], AbstractContextManager[str]]  # a new, empty database's URL for the length of a block


def _sqlite(folder: Path) -> Fresh:
    @contextmanager
    def fresh() -> Iterator[str]:
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"

    return fresh


def _postgres(base: str) -> Fresh:
    # The driver gapmap installs, for the baseline too (as the store does).
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base.removeprefix("postgresql://")

    @contextmanager
    def fresh() -> Iterator[str]:
        name = f"gapmap_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            yield base.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()

    return fresh


def _best(runs: list[Measure]) -> Measure:
    return min(runs, key=lambda m: m.seconds)


def _compare(kind: str, fresh: Fresh, path: Path, rows: int, repeats: int) -> Result:
    settings = Settings()
    ours, bare = [], []
    for _ in range(repeats):  # alternated, so both paths see the same machine
        with fresh() as url:
            measure(_seed, url)  # in its own process: the measured one starts with nothing cached
            ours.append(measure(gapmap_import, url, path))
        with fresh() as url:
            bare.append(measure(bare_import, url, path, settings))
    added, rejected = _best(ours).value or (0, 0)
    return Result(
        f"teams import --skip-invalid, {rows:,} rows → {kind}",
        _best(ours),
        _best(bare),
        goal=2.0,
        note=f"gapmap added {added:,} and rejected {rejected:,} (with reasons); the bare pipeline wrote all {rows:,}",
    )


def run(rows: int = ROWS, smoke: bool = False) -> list[Result]:
    """gapmap's teams import against the bare pipeline, on SQLite and (when a server is named) PostgreSQL."""
    repeats = 1 if smoke else 3
    pg = os.environ.get("GAPMAP_BENCH_POSTGRES_URL") or os.environ.get("GAPMAP_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "teams.csv"
        make_file(path, rows, Settings())
        results = [_compare("SQLite", _sqlite(Path(tmp)), path, rows, repeats)]
        if pg:
            results.append(_compare("PostgreSQL", _postgres(pg), path, rows, repeats))
        else:
            print(
                "bench_teams: PostgreSQL skipped (set GAPMAP_BENCH_POSTGRES_URL or GAPMAP_TEST_POSTGRES_URL)"
            )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--smoke", action="store_true", help="one run of each path (for a quick check)")
    args = parser.parse_args()
    found = run(args.rows, args.smoke)
    print(table(found))
    for r in found:
        print(f"{r.path}: {r.note}")
