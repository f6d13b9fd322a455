"""Area sentences: zero, one and many read correctly, the numbers come from the coverage table, and a suppressed
survey value is never written into a sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gapmap.measures.compute import indicator_table
from gapmap.measures.coverage import coverage
from gapmap.present.sentences import coverage_sentence, value_sentence
from gapmap.settings import Settings

BASE = {
    "area_name": "Testshire",
    "children_0_2": 1000,
    "children_0_2_no_team": 1000,
    "teams_serving": 0,
    "nearest_team": "Team A",
    "nearest_team_km": 12.3,
    "nearest_team_place": "Otherton",
    "neighbours": 4,
    "neighbours_served": 1,
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "The nearest known team is Team A, 12 km away in Otherton. 3 of its 4 neighbouring areas have no known "
            "team either.",
        ),
        (
            {"children_0_2_no_team": 250, "teams_serving": 1},
            "In Testshire, 250 of its 1,000 children aged 0-2 (25%) live where no known parent-infant team serves. "
            "The nearest known team is Team A, 12 km away in Otherton. 3 of its 4 neighbouring areas have no known "
            "team either.",
        ),
        (
            {"children_0_2_no_team": 0, "teams_serving": 1, "neighbours_served": 3},
            "In Testshire, all 1,000 children aged 0-2 live where a known parent-infant team serves (1 team serves "
            "some of it). 1 of its 4 neighbouring areas has no known team.",
        ),
        (
            {"children_0_2_no_team": 0, "teams_serving": 2, "neighbours_served": 4},
            "In Testshire, all 1,000 children aged 0-2 live where a known parent-infant team serves (2 teams serve "
            "some of it). All 4 of its neighbouring areas have a known team.",
        ),
        (
            {"neighbours": 0, "neighbours_served": 0},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "The nearest known team is Team A, 12 km away in Otherton. It shares no border with another area of this "
            "level.",
        ),
        (
            {"neighbours": 1, "neighbours_served": 0},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "The nearest known team is Team A, 12 km away in Otherton. Its one neighbouring area has no known team "
            "either.",
        ),
        (
            {"neighbours": 2, "neighbours_served": 0, "nearest_team_km": 0.4},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "The nearest known team is Team A, less than 1 km away in Otherton. Both its neighbouring areas have "
            "no known team either.",
        ),
        (
            {"nearest_team": "", "nearest_team_km": float("nan"), "neighbours_served": 4},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "No known team has a location to measure from. All 4 of its neighbouring areas have a known team.",
        ),
        (
            {"commissioned_teams": "Kent PIMHS"},
            "In Testshire, none of its 1,000 children aged 0-2 live where a known parent-infant team serves. "
            "The nearest known team is Team A, 12 km away in Otherton. 3 of its 4 neighbouring areas have no known "
            "team either. Kent PIMHS is commissioned here but not yet known to be operating.",
        ),
        (
            {
                "commissioned_teams": "P; Q",
                "children_0_2_no_team": 0,
                "teams_serving": 1,
                "neighbours_served": 4,
            },
            "In Testshire, all 1,000 children aged 0-2 live where a known parent-infant team serves (1 team serves "
            "some of it). All 4 of its neighbouring areas have a known team. P and Q are commissioned here but not "
            "yet known to be operating.",
        ),
    ],
    ids=[
        "none",
        "some",
        "all-one-team",
        "all-two-teams",
        "no-neighbours",
        "one-neighbour",
        "under-1-km",
        "no-team",
        "one-commissioned",
        "two-commissioned",
    ],
)
def test_coverage_sentence_reads_right_for_zero_one_and_many(change: dict, expected: str):
    assert coverage_sentence(BASE | change) == expected


def test_every_local_authority_sentence_carries_the_coverage_tables_numbers(tmp_path: Path):
    result = coverage(Settings(database_url=f"sqlite:///{tmp_path / 't.db'}"), "la")
    rows = result.frame.loc[result.frame["area_code"] != "K02000001"]
    assert len(rows) == 361
    for _, row in rows.iterrows():
        text = coverage_sentence(row.to_dict())
        assert f"{int(row['children_0_2']):,} children" in text
        if row["children_0_2_no_team"] == row["children_0_2"]:
            assert f"nearest known team is {row['nearest_team']}" in text
        assert not re.search(r"\b1 [a-z]+s\b", text.replace("1 team serves", "")), text  # no "1 teams"
    birmingham = rows.set_index("area_code").loc["E08000025"].to_dict()
    assert coverage_sentence(birmingham).startswith(
        "In Birmingham, none of its 48,298 children aged 0-2 live where a known parent-infant team serves."
    )


def test_a_suppressed_survey_value_is_never_written(sample, settings):
    table = indicator_table("services_0_2_definitely", sample, settings)
    hidden = table.frame.loc[table.frame["suppressed"]]
    assert len(hidden)
    for _, row in hidden.iterrows():
        text = value_sentence(table, row["area_code"])
        assert "%" not in text and f"n = {int(row['n'])}" in text
        assert ("too few responses" in text) or ("protect" in text)
    shown = table.frame.loc[~table.frame["suppressed"]].iloc[0]
    assert f"{round(100 * shown['value'])}%" in value_sentence(table, shown["area_code"])
