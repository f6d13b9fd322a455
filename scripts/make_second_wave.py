"""Write data/sample_survey_wave2.csv: a SYNTHETIC second survey wave with two planted changes and none elsewhere.

Run: python scripts/make_second_wave.py   (seeded: the same file every time)

No second wave of the 2021 survey has been published. This file exists to show and test gapmap's comparison of
waves (``gapmap change``), never as evidence of change. It is made from the bundled synthetic first wave
(data/sample_survey.csv, itself synthetic):

1. 300 respondents drawn at random, with replacement, from the first wave's 283 (each keeps its area, profession
   and every answer). For every question but two the population is the first wave itself: **no true change**;
   any difference between the waves is sampling chance.
2. Two planted changes (the true change), made by changing answers of randomly chosen respondents:
   - ``lowest_referral_age``: respondents answering an age of 3 or more are changed to "2" until exactly 210 of the
     300 (70%) take referrals at two or under (first wave: 148 of 283, 52%); indicator
     ``referrals_age_2_or_under``.
   - ``local_provision_sufficiency``: respondents answering that provision is not sufficient are changed to
     "sufficient" until exactly 66 of the 300 (22%) say provision is sufficient (first wave: 25 of 283, 9%);
     indicator ``sufficient_provision``.
Every row keeps ``synthetic = synthetic sample``, so every map, table and export made from it says synthetic.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "sample_survey.csv"
OUT = ROOT / "data" / "sample_survey_wave2.csv"
SEED = 20240611  # any fixed seed would do
RESPONDENTS = 300
REFERRAL = "lowest_referral_age"
REFERRAL_TARGET = 210  # of 300: 70%
UNDER_THREE = {"Pregnancy", "0", "1", "2"}
SUFFICIENCY = "local_provision_sufficiency"
SUFFICIENT = (
    "There is sufficient provision available in my local area for babies and toddlers whose mental health is at "
    "risk."
)
NOT_SUFFICIENT = (
    "There is a service for babies and toddlers in my area, but it is not sufficient to meet the need in the "
    "local area."
)
SUFFICIENT_TARGET = 66  # of 300: 22%


def _plant(
    rows: list[dict[str, str]],
    column: str,
    is_target: object,
    from_value: object,
    to: str,
    target: int,
    rng: random.Random,
) -> None:
    """Change randomly chosen respondents' answers in ``column`` (those ``from_value`` accepts) to ``to`` until
    exactly ``target`` rows hold an answer ``is_target`` accepts."""
    have = sum(1 for r in rows if is_target(r[column]))  # type: ignore[operator]
    candidates = [i for i, r in enumerate(rows) if from_value(r[column])]  # type: ignore[operator]
    need = target - have
    if need < 0 or need > len(candidates):
        raise SystemExit(
            f"cannot plant {column}: {have} already, {len(candidates)} to change, target {target}"
        )
    for i in rng.sample(candidates, need):
        rows[i][column] = to


def main() -> None:
    with open(SOURCE, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        first = list(reader)
    rng = random.Random(SEED)
    rows = [dict(rng.choice(first)) for _ in range(RESPONDENTS)]

    def aged_three_or_more(v: str) -> bool:
        return v.isdigit() and int(v) >= 3

    _plant(rows, REFERRAL, lambda v: v in UNDER_THREE, aged_three_or_more, "2", REFERRAL_TARGET, rng)
    _plant(
        rows,
        SUFFICIENCY,
        lambda v: v == SUFFICIENT,
        lambda v: v == NOT_SUFFICIENT,
        SUFFICIENT,
        SUFFICIENT_TARGET,
        rng,
    )
    if any(r["synthetic"] != "synthetic sample" for r in rows):
        raise SystemExit("every row must stay marked synthetic")
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT} ({RESPONDENTS} synthetic respondents, second wave)")


if __name__ == "__main__":
    main()
