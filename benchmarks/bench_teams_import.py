"""Time importing 100,000 team rows into SQLite: validate, geocode (postcode districts), point-in-polygon, insert.

Run: python benchmarks/bench_teams_import.py [--rows 100000]
Prints figures; asserts nothing about time (the README quotes the latest run).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from gapmap.settings import Settings
from gapmap.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    settings = Settings()
    districts = pd.read_csv(settings.data_dir / "uk_postcode_district_centroids.csv")
    outcodes = districts.loc[districts["in_geonames_2024_list"], "outcode"].tolist()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "teams.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["name", "postcode", "latitude", "longitude"])
            for i in range(args.rows):
                if i % 2:
                    w.writerow([f"Bench team {i}", f"{rng.choice(outcodes)} 1AA", "", ""])
                else:  # half by coordinates, inside Great Britain
                    w.writerow(
                        [
                            f"Bench team {i}",
                            "",
                            f"{rng.uniform(51.0, 53.5):.5f}",
                            f"{rng.uniform(-2.5, -0.5):.5f}",
                        ]
                    )
        store = Store(Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}"))
        t0 = time.perf_counter()
        result = store.import_file(path, skip_invalid=True)
        elapsed = time.perf_counter() - t0
    print(f"rows: {args.rows:,}; added {result.added:,}, rejected {result.rejected:,}")
    print(
        f"import (validate, geocode, point-in-polygon, insert) on SQLite: {elapsed:.1f} s ({args.rows / elapsed:,.0f} rows/s)"
    )
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
