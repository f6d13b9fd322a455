"""The source lines every map, chart and file carries: who made the data, under which licence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gapmap import safetext
from gapmap.settings import SECOND_WAVE_FILE

if TYPE_CHECKING:
    from gapmap.measures.indicators import Indicator

BOUNDARY_ATTRIBUTION = (
    "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2024."
)
SURVEY_SOURCE = (
    "Survey: Parent-Infant Foundation (2021), 'Where are the infants in children and young people's "
    "mental health?'."
)
SYNTHETIC_NOTE = (
    "SYNTHETIC SAMPLE: respondents are generated to match the report's UK figures; "
    "differences between areas are chance only."
)
BANNER = "SYNTHETIC SAMPLE: not real survey answers"
SURVEY_SHORT = "Survey: Parent-Infant Foundation (2021)."
SECOND_WAVE_SOURCE = (
    "Survey: gapmap's synthetic second wave (scripts/make_second_wave.py; data/sample_survey_wave2.md), not a "
    "real survey."
)
SECOND_WAVE_SHORT = "Survey: gapmap's synthetic second wave."


def survey_source(data_file: str, supplied_by: str) -> tuple[str, str]:
    """The survey's source line (full, short): the 2021 report for the bundled sample (``supplied_by`` ''), else
    the file's own name and who gave it ('uploaded by the user', 'supplied by the user'), never the report.

    >>> survey_source("ours.csv", "uploaded by the user")
    ('Survey: ours.csv, uploaded by the user.', 'Survey: ours.csv, uploaded by the user.')
    >>> survey_source("sample_survey_wave2.csv, wave 2024", "")[1]
    "Survey: gapmap's synthetic second wave."
    """
    if supplied_by:
        line = f"Survey: {safetext.visible(data_file)}, {supplied_by}."
        return line, line
    if data_file.startswith(SECOND_WAVE_FILE):  # the bundled second wave is not the report's either
        return SECOND_WAVE_SOURCE + f" Data file: {safetext.visible(data_file)}.", SECOND_WAVE_SHORT
    return SURVEY_SOURCE + f" Data file: {safetext.visible(data_file)}.", SURVEY_SHORT


TEAMS_ATTRIBUTION = (
    "Teams: gapmap teams database, seeded from public sources (see data/teams.md); dated counts from the "
    "Parent-Infant Foundation (data/provision/pif_team_counts.csv). Postcode centres: ONS NSPL (OGL v3.0), "
    "Royal Mail and OS data © Crown copyright and database right 2025."
)
PROVISION_ATTRIBUTION = (
    "Provision: DfE/DHSC Family Hubs and Start for Life list; Scottish health boards' public pages "
    "(data/provision/NOTES.md). Open Government Licence v3.0 where published on gov.uk/gov.scot."
)


HEX_ATTRIBUTION = (
    "Hex layouts: Open Innovations (MIT licence, boundaries/hex/LICENSE-open-innovations-hexmaps.txt); Welsh, "
    "Scottish and NI NHS areas placed by gapmap (boundaries/hex/README.md)."
)
HEX_SHORT = "Hex layouts: Open Innovations (MIT); NHS areas outside England placed by gapmap."


POPULATION_ATTRIBUTION = (
    "Population aged 0-2: ONS mid-2019 estimates (with NRS and NISRA), Open Government Licence v3.0."
)


AREAS_SOURCE = (
    "Area names and codes: Office for National Statistics, Open Government Licence v.3.0.",
    "Areas: ONS (OGL v3.0).",
)


def source_lines(
    indicators: list[Indicator], synthetic: bool, data_file: str = "", supplied_by: str = ""
) -> tuple[list[str], list[str]]:
    """The source and licence lines of a chart of these indicators (full, and short for social images): a
    survey file the user gave (``supplied_by``) is credited to its name, the bundled sample to the 2021 report."""

    survey = any(i.from_survey for i in indicators)
    pairs: list[tuple[str, str]] = []
    if survey and supplied_by:
        pairs.append(survey_source(data_file, supplied_by))
    elif survey:
        file_part = f" Data file: {safetext.visible(data_file)}." if data_file else ""
        pairs.append((SURVEY_SOURCE + file_part, SURVEY_SHORT))
    if survey and synthetic:
        pairs.append((SYNTHETIC_NOTE, ""))
    if any(i.from_teams for i in indicators):
        pairs.append((TEAMS_ATTRIBUTION, "Teams: gapmap teams database; Parent-Infant Foundation counts."))
    if any(i.kind in ("team_rate", "coverage", "programme", "status") for i in indicators):
        pairs.append((POPULATION_ATTRIBUTION, "Population: ONS mid-2019 (OGL v3.0)."))
    if any(i.from_provision for i in indicators):
        pairs.append((PROVISION_ATTRIBUTION, "Provision: DfE/DHSC; Scottish health boards (OGL v3.0)."))
    pairs.append(AREAS_SOURCE)
    return [f for f, _ in pairs], [s for _, s in pairs if s]
