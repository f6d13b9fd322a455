import pytest

from gapmap.geo import areas
from gapmap.survey.questions import (
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
        ("Across more than one nation", "MULTI"),
        ("England", "E92000001"),
        ("Bristol", "E06000023"),
        ("Brighton & Hove", "E06000043"),
        ("St Helens", "E08000013"),
        ("St. Helens", "E08000013"),
        ("Hull", "E06000010"),
        ("NHS Cheshire and Merseyside ICB", "E54000008"),
        ("Cheshire and Merseyside", "E54000008"),
        ("Cardiff and Vale UHB", "W11000029"),
        ("fife", "S12000047"),
        ("NHS Fife", "S08000029"),
        ("NHS Somerset ICB", "E54000038"),
        ("Somerset Council", "E06000066"),
        ("E06000001", "E06000001"),
        ("belfast trust", "BHSCT"),
        ("NORTHERN IRELAND", "N92000002"),
    ],
)
def test_area_answers(answer, code):
    assert areas.table().match(answer).codes == (code,)


def test_an_unknown_area_offers_the_closest_names():
    m = areas.table().match("Nottingam")
    assert m.codes == () and "Nottingham" in m.closest


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


def test_every_level_has_its_areas_with_unique_codes():
    t = areas.table()
    assert {lv: len(set(t.codes(lv))) for lv in t.level_order} == {
        "nation": 4,
        "region": 12,
        "nhs": 68,
        "la": 361,
    }
