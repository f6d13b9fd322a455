import pytest

from gapmap.questions import (
    AREAS,
    ENGLAND_ONLY,
    MULTI_NATION,
    QUESTION_BY_ID,
    answer_lookup,
    column_lookup,
    norm,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yes - definitely", "Yes, definitely"),
        ("Yes – definitely", "yes, DEFINITELY"),
        ("Don’t know", "Don't know"),
        ("  No ", "no"),
        ("Yorkshire & the Humber", "Yorkshire and the Humber"),
    ],
)
def test_norm_treats_variants_alike(a, b):
    assert norm(a) == norm(b)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("Yorkshire and Humber", "E12000003"),
        ("Yorkshire and the Humber", "E12000003"),
        ("East", "E12000006"),
        ("east of england", "E12000006"),
        ("Across more than one nation", MULTI_NATION),
        ("England", ENGLAND_ONLY),
        ("NORTHERN IRELAND", "N92000002"),
    ],
)
def test_area_answers(answer, code):
    assert answer_lookup(QUESTION_BY_ID["where_do_you_work"])[norm(answer)] == code


@pytest.mark.parametrize(
    "header",
    [
        "services_effective_by_age [Babies and toddlers (0-2)]",
        "Within children and young people’s mental health services in your area, are there mental health services "
        "that can work effectively with babies, children and young people of the following ages? "
        "[Babies and toddlers (0-2)]",
        "Within children and young people's mental health services in your area, are there mental health services "
        "that can work effectively with babies, children and young people of the following ages?."
        "Babies and toddlers (0-2)",
        "Within children and young people's mental health services in your area, are there mental health services "
        "that can work effectively with babies, children and young people of the following ages? - "
        "Babies and toddlers (0-2)",
    ],
)
def test_grid_headers_in_every_export_style(header):
    assert column_lookup()[norm(header)] == "services_effective_by_age[0-2]"


def test_twelve_areas_with_unique_codes():
    assert len({a.code for a in AREAS}) == 12
