"""Sources follow the data: a survey file the user gives is credited to its own name and to the user, never to
the 2021 Parent-Infant Foundation report; only the bundled sample keeps the report credit and the synthetic note;
and the synthetic note appears only where survey data is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapmap.measures.compute import indicator_table
from gapmap.present.attribution import SURVEY_SOURCE, SYNTHETIC_NOTE
from gapmap.present.chartspec import ranked_spec
from gapmap.present.mapspec import map_spec
from gapmap.present.profile import area_profile
from gapmap.present.tables import ranked
from gapmap.survey.validate import load_survey
from tests.conftest import DATA

REPORT = "Parent-Infant Foundation (2021)"
OURS = DATA / "google_forms_excel_cp1252.csv"


@pytest.mark.parametrize(
    ("supplied_by", "load"),
    [
        ("supplied by the user", lambda: load_survey(OURS)),  # the CLI's --survey
        (
            "uploaded by the user",
            lambda: load_survey(Path(OURS.name), OURS.read_bytes(), supplied_by="uploaded by the user"),
        ),
    ],
)
def test_a_users_survey_is_credited_to_its_file_and_the_user_never_to_the_report(supplied_by, load, settings):
    responses = load()
    assert responses.supplied_by == supplied_by and not responses.synthetic
    table = indicator_table("services_0_2_definitely", responses)
    line = f"Survey: {OURS.name}, {supplied_by}."
    footer = map_spec(table).footer
    assert footer[0] == line and not any(REPORT in f for f in footer) and SYNTHETIC_NOTE not in footer
    chart = ranked_spec(ranked(table))
    assert line in chart.sources and line in chart.short_sources
    assert not any(REPORT in s for s in chart.sources + chart.short_sources)
    profile = area_profile(settings, "E12000007", responses)
    from gapmap.present.chartspec import spine_spec

    spine = spine_spec(profile)
    assert line in spine.sources and not any(REPORT in s for s in spine.sources)


def test_the_bundled_sample_keeps_the_report_credit_and_the_synthetic_note(sample):
    assert sample.supplied_by == ""
    table = indicator_table("services_0_2_definitely", sample)
    footer = map_spec(table).footer
    assert footer[0].startswith(SURVEY_SOURCE) and SYNTHETIC_NOTE in footer
    assert SYNTHETIC_NOTE in ranked_spec(ranked(table)).sources


@pytest.mark.parametrize(
    "indicator", ["teams", "children_0_2_no_team", "start_for_life", "scotland_infant_mh"]
)
def test_maps_and_charts_of_real_data_carry_no_synthetic_note(indicator, sample):
    table = indicator_table(indicator, sample)
    assert SYNTHETIC_NOTE not in map_spec(table).footer
    chart = ranked_spec(ranked(table))
    assert SYNTHETIC_NOTE not in chart.sources and not chart.banner
    assert not any(REPORT in s for s in chart.sources)
