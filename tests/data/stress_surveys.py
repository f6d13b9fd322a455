"""Seeded stress surveys for the disclosure audit: the shapes that break suppression by subtraction.

Each survey puts a few small local authorities inside a large region (so a region minus its shown LAs is a
handful of people), answers at three levels at once (local authority, NHS area, region), areas where every
respondent has one profession (an area's all-professions cell equals one profession's), and groups that all
gave one answer (a hidden group at 0% or 100%). Answers cover one choice question (two indicators on it:
'Yes', and 'Yes or Partly') and one rating (a mean). ``make(seed)`` always returns the same survey.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

AREAS = Path(__file__).resolve().parents[2] / "boundaries" / "areas.csv"
PROFESSIONS = ("Psychiatrist", "Psychotherapist", "Clinical or counselling psychologist")
ANSWERS = ("Yes", "Partly", "No", "Don't know")
COLUMNS = ["where_do_you_work", "profession", "specialist_team_in_cypmhs", "understanding_rating"]


def make(seed: int) -> pd.DataFrame:
    """One stress survey (a few dozen respondents) as the columns a survey export has."""
    rng = random.Random(seed)
    areas = pd.read_csv(AREAS, keep_default_na=False)
    la = areas.loc[(areas["level"] == "la") & (areas["nation_code"] == "E92000001")]
    regions = areas.loc[(areas["level"] == "region") & (areas["nation_code"] == "E92000001")]
    nhs = areas.loc[areas["level"] == "nhs"].set_index("code")["name"]
    big = rng.choice(["London", "South East", "North West"])
    others = rng.sample([r for r in regions["name"] if r != big], 2)
    rows: list[tuple[str, str, str, str]] = []

    def group(where: str, size: int, professions: tuple[str, ...], uniform: bool) -> None:
        answer, rating = rng.choice(ANSWERS), rng.randint(1, 5)
        for _ in range(size):
            rows.append(
                (
                    where,
                    rng.choice(professions),
                    answer if uniform else rng.choice(ANSWERS),
                    str(rating if uniform else rng.randint(1, 5)),
                )
            )

    for region in (big, *others):
        code = regions.loc[regions["name"] == region, "code"].iloc[0]
        inside = la.loc[la["region_code"] == code]
        for _, row in inside.sample(rng.randint(2, 4), random_state=rng.randint(0, 10**6)).iterrows():
            single = rng.random() < 0.4  # one profession only: its cell equals the area's
            professions = (rng.choice(PROFESSIONS),) if single else PROFESSIONS
            group(row["name"], rng.randint(1, 7), professions, uniform=rng.random() < 0.3)
        if rng.random() < 0.6:  # some answered with their NHS area instead
            group(nhs[inside["nhs_code"].iloc[0]], rng.randint(1, 6), PROFESSIONS, uniform=rng.random() < 0.3)
        size = rng.randint(12, 30) if region == big else rng.randint(1, 8)
        group(region, size, PROFESSIONS, uniform=rng.random() < 0.2)
    if rng.random() < 0.5:
        group("England", rng.randint(1, 3), PROFESSIONS, uniform=False)
    return pd.DataFrame(rows, columns=COLUMNS)


def write(seed: int, folder: Path) -> Path:
    """The survey for ``seed`` as a CSV in ``folder``."""
    path = folder / f"stress-{seed}.csv"
    make(seed).to_csv(path, index=False)
    return path
