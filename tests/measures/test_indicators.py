import math

import pytest

from gapmap.files import io
from gapmap.measures import disclosure, indicators, survey_indicators
from gapmap.measures.compute import all_indicators
from gapmap.problems import InputError
from gapmap.settings import Settings, from_env
from gapmap.survey import validate
from tests.conftest import DATA

# The report's UK figures (data/published_figures.csv): the bundled sample must reproduce every one.
REPORT = [
    ("services_0_2_definitely", 0.36, 2),
    ("referrals_age_2_or_under", 0.52, 2),
    ("specialist_team_yes", 0.30, 2),
    ("specialist_team_any", 0.57, 2),
    ("sufficient_provision", 0.09, 2),
    ("no_prequal_teaching_0_2", 0.26, 2),
    ("no_supervised_experience_0_2", 0.48, 2),
    ("understanding_mean", 3.27, 2),
    ("confidence_mean", 2.98, 2),
]


@pytest.mark.parametrize(("indicator_id", "published", "digits"), REPORT)
def test_pipeline_reproduces_the_reports_uk_figures(sample, settings, indicator_id, published, digits):
    uk = survey_indicators.compute(sample, indicator_id, settings).uk
    assert uk["n"] == 283
    assert round(float(uk["value"]), digits) == published


def test_respondents_equal_table_1(sample, settings):
    t = survey_indicators.compute(sample, "respondents", settings).frame.set_index("area_code")
    assert t.loc["E12000007", "n"] == 41 and t.loc["K02000001", "n"] == 283 and t.loc["W92000004", "n"] == 8
    assert not t["suppressed"].any()


def test_google_forms_csv_gives_hand_counted_n_and_k(monkeypatch):
    # Counting, not disclosure control, is checked here: secondary suppression would hide some of these k.
    monkeypatch.setattr(disclosure, "SECONDARY_ENABLED", False)
    r = validate.validate(io.read_table(DATA / "google_forms_excel_cp1252.csv"))
    s = Settings(min_base=5)
    want = {
        "services_0_2_definitely": {
            "E12000007": (6, 3),
            "E12000003": (5, 2),
            "E12000006": (5, 2),
            "K02000001": (18, 8),
        },
        "referrals_age_2_or_under": {
            "E12000007": (6, 3),
            "E12000003": (5, 2),
            "E12000006": (5, 2),
            "K02000001": (18, 9),
        },
    }
    for ind, expected in want.items():
        t = survey_indicators.compute(r, ind, s).frame.set_index("area_code")
        for code, (n, k) in expected.items():
            assert (t.loc[code, "n"], t.loc[code, "k"]) == (n, k), (ind, code)
        wales = t.loc["W92000004"]
        assert wales["n"] == 1 and wales["suppressed"] and wales["k"] is pd_na()


def pd_na():
    import pandas as pd

    return pd.NA


def test_suppressed_rows_carry_n_only(sample, settings):
    t = survey_indicators.compute(sample, "services_0_2_definitely", settings).frame
    sup = t.loc[t["suppressed"]]
    assert set(sup["area_code"]) == {"E12000001", "E12000004", "E12000006", "W92000004"}
    assert sup["n"].tolist() == [9, 5, 7, 8]
    assert sup[["k", "value", "lo", "hi"]].isna().all().all()
    assert (sup["comparison"] == "").all()


def test_min_base_is_configurable_but_never_below_five(sample):
    t = survey_indicators.compute(sample, "services_0_2_definitely", Settings(min_base=5)).frame.set_index(
        "area_code"
    )
    # Wales (n = 8), the East Midlands (n = 5) and the East (n = 7) pass a base of 5; each is then hidden
    # only to protect a neighbour (the 2 respondents across nations, the 3 outside any region, the East
    # Midlands' 1 in 5 that an attacker could otherwise bound to 0 or 1), never for its own base.
    for code in ("W92000004", "E12000004", "E12000006"):
        assert t.loc[code, "suppressed_reason"] == "secondary", code
    # Bases nest: whatever is hidden at a base of 5 is hidden at 10 too, so the two downloads together
    # show no more than the base-5 one.
    t10 = survey_indicators.compute(sample, "services_0_2_definitely", Settings(min_base=10)).frame
    assert set(t.index[t["suppressed"]]) <= set(t10.loc[t10["suppressed"], "area_code"])
    assert t.loc["E12000001", "suppressed_reason"] == ""  # n = 9: shown at a base of 5, hidden at 10
    with pytest.raises(InputError, match="at least 5"):
        Settings(min_base=4).check()


def test_comparison_follows_the_interval(sample, settings):
    # Taking referrals at two or under is better (polarity higher_better): an interval above the UK is "better".
    t = survey_indicators.compute(sample, "referrals_age_2_or_under", settings)
    uk = float(t.uk["value"])
    for _, row in t.areas.loc[~t.areas["suppressed"]].iterrows():
        expected = "better" if row["lo"] > uk else "worse" if row["hi"] < uk else "similar"
        assert row["comparison"] == expected


def test_age_group_is_selectable(sample, settings):
    t = survey_indicators.compute(
        sample, "services_0_2_definitely", settings, age_group="Secondary school age children (12-16)"
    )
    assert t.age_group == "12-16" and int(t.uk["k"]) == 250  # the report's printed 250 (88%)
    with pytest.raises(InputError, match="Expected one of 'pregnancy'"):
        survey_indicators.compute(sample, "services_0_2_definitely", settings, age_group="teenagers")


def test_title_names_the_chosen_age_group(sample, settings):
    t = survey_indicators.compute(sample, "no_prequal_teaching_0_2", settings, age_group="pregnancy")
    assert t.title == "No pre-qualification teaching on parents during pregnancy"
    assert int(t.uk["k"]) == 137  # the report's printed 137 (48%)
    assert survey_indicators.compute(sample, "no_prequal_teaching_0_2", settings).title == t.indicator.title


def test_profession_filter(sample, settings, monkeypatch):
    t = survey_indicators.compute(
        sample, "no_prequal_teaching_0_2", settings, profession="mental health practitioner"
    )
    assert int(t.uk["n"]) == 26  # n is always published; k here is hidden to protect the nations' 2-3
    monkeypatch.setattr(disclosure, "SECONDARY_ENABLED", False)  # compare counts, not suppression
    t = survey_indicators.compute(
        sample, "no_prequal_teaching_0_2", settings, profession="mental health practitioner"
    )
    assert (int(t.uk["n"]), int(t.uk["k"])) == (26, 13)  # Table 2: 50% of 26
    with pytest.raises(InputError, match=r"Expected a profession found in sample_survey\.csv"):
        survey_indicators.compute(sample, "no_prequal_teaching_0_2", settings, profession="astronaut")


def test_missing_question_is_unavailable_not_an_error():
    r = validate.validate(io.read_table(DATA / "google_forms_excel_cp1252.csv"))
    result = all_indicators(r, from_env())
    ids = {t.indicator.id for t in result.tables}
    assert ids == {
        "children_0_2_no_team",
        "start_for_life",
        "scotland_infant_mh",
        "respondents",
        "services_0_2_definitely",
        "referrals_age_2_or_under",
        "teams",
        "teams_per_10k_age_0_2",
    }
    assert any(u.startswith("understanding_mean") for u in result.unavailable)


def test_unknown_indicator_lists_valid_ids():
    with pytest.raises(InputError) as exc:
        indicators.get("happiness")
    assert "services_0_2_definitely" in exc.value.issues[0].message


def test_mean_interval_is_present_for_large_areas(sample, settings):
    t = survey_indicators.compute(sample, "understanding_mean", settings).frame.set_index("area_code")
    row = t.loc["E12000002"]
    assert row["lo"] < row["value"] < row["hi"] and not math.isnan(row["lo"])
