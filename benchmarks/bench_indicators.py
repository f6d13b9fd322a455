"""Time every indicator on 1,000,000 generated responses, validation of that file, and one PNG render.

Run: python benchmarks/bench_indicators.py [--rows 1000000]
Prints figures; asserts nothing about time (see README for the latest numbers).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from gapmap import io, pipeline, survey
from gapmap.indicators import INDICATORS, compute
from gapmap.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    settings = Settings()
    sample = io.read_table(settings.survey_path)
    rng = np.random.default_rng(1)
    idx = rng.integers(0, len(sample.frame), args.rows)
    big = sample.frame.iloc[idx].reset_index(
        drop=True
    )  # resampled rows: the sample's answers, a million times
    print(f"rows: {args.rows:,}")

    t0 = time.perf_counter()
    responses = survey.validate(io.Table(big, "bench.csv", "utf-8"))
    t_validate = time.perf_counter() - t0
    print(f"validate {args.rows:,} rows x {big.shape[1]} columns: {t_validate:.2f} s")

    t0 = time.perf_counter()
    for ind in INDICATORS:
        compute(responses, ind, settings)
    t_ind = time.perf_counter() - t0
    print(f"all {len(INDICATORS)} indicators: {t_ind:.2f} s ({1000 * t_ind / len(INDICATORS):.0f} ms each)")

    table = pipeline.indicator_table("services_0_2_definitely", responses, settings)
    spec = pipeline.map_spec(table, settings)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pipeline.render(spec, Path(tmp) / "m.png")
        t_png = time.perf_counter() - t0
    print(f"one PNG map at 300 dpi: {t_png:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
