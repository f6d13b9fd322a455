"""The comparison with the UK (polarity, 95% / 99.8%), the tidy CSV shape, ranked areas and area profiles."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from gapmap.files import io
from gapmap.geo.areas import UK_CODE
from gapmap.measures import comparison, survey_indicators
from gapmap.measures.compute import indicator_table
from gapmap.measures.indicators import INDICATORS
from gapmap.present.mapspec import map_spec
from gapmap.present.profile import area_profile
from gapmap.present.tables import TIDY_COLUMNS, ranked, tidy_frame
from gapmap.problems import InputError
from gapmap.settings import Settings
from gapmap.survey import validate
from tests.conftest import ROOT

COL = "services_effective_by_age [Babies and toddlers (0-2)]"


@pytest.fixture(scope="module")
def south_west_better():
    """The sample with 30 of the South West's 54 respondents answering 'Yes, definitely' (the rest 'No')."""
    t = io.read_table(Settings().survey_path)
    f = t.frame.copy()
    sw = f.index[f["where_do_you_work"] == "South West"]
    f.loc[sw, COL] = "No"
    f.loc[sw[:30], COL] = "Yes, definitely"
    return validate.validate(io.Table(f, "south_west.csv", "utf-8"))


def _oracle(k: int, n: int, uk: float, level: float, polarity: str) -> str:
    """The comparison worked out with scipy's Wilson interval, not ours."""
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    direction = "higher" if ci.low > uk else "lower" if ci.high < uk else "similar"
    return comparison.judge(direction, polarity)


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_comparison_level_decides_better_or_similar(south_west_better, level):
    t = survey_indicators.compute(
        south_west_better, "services_0_2_definitely", Settings(comparison_level=level)
    )
    uk = float(t.uk["value"])
    assert t.comparison_level == level
    for _, row in t.areas.loc[~t.areas["suppressed"]].iterrows():
        expected = _oracle(int(row["k"]), int(row["n"]), uk, level, "higher_better")
        assert row["comparison"] == expected, row["area_name"]
    sw = t.frame.set_index("area_name").loc["South West"]
    # 30/54 = 56% against the UK's ~38%: outside the 95% interval, inside the 99.8% one (checked above by scipy).
    assert sw["comparison"] == ("better" if level == 0.95 else "similar")
    # The interval shown stays at the confidence setting (95%) whatever the comparison level.
    lo95 = binomtest(30, 54).proportion_ci(0.95, method="wilson").low
    assert sw["lo"] == pytest.approx(lo95)


def test_polarity_turns_higher_into_worse():
    assert comparison.judge("higher", "lower_better") == "worse"
    assert comparison.judge("lower", "lower_better") == "better"
    assert comparison.judge("higher", "") == "higher"
    assert comparison.judge("", "higher_better") == ""
    assert INDICATORS["no_prequal_teaching_0_2"].polarity == "lower_better"
    assert INDICATORS["sufficient_provision"].polarity == "higher_better"
    assert INDICATORS["teams"].polarity == ""
    assert set(i.polarity for i in INDICATORS.values()) <= set(comparison.POLARITIES)


def test_comparison_level_other_than_fingertips_is_refused():
    with pytest.raises(InputError, match=r"0\.95 or 0\.998"):
        Settings(comparison_level=0.9).check()


def test_tidy_frame_shape_units_and_meaning(sample, settings):
    t = indicator_table("understanding_mean", sample, settings)
    f = tidy_frame(t, generated_at="2026-11-23T12:00:00Z")
    assert list(f.columns) == TIDY_COLUMNS
    assert f["area_code"].iloc[-1] == UK_CODE  # the UK row last
    assert set(f["unit"]) == {"mean rating"} and set(f["n_meaning"]) == {"respondents"}
    assert set(f["polarity"]) == {"higher_better"} and set(f["confidence_level"]) == {0.95}
    shown = f.loc[~f["suppressed"] & (f["area_code"] != UK_CODE)]
    assert set(shown["comparison_level"]) == {0.95}
    # Rounded once, to four places, and consistent with the unrounded table.
    for col, raw in (("value", "value"), ("lower", "lo"), ("upper", "hi")):
        merged = t.frame.set_index("area_code")[raw].reindex(f["area_code"]).to_numpy(dtype=float)
        assert np.allclose(f[col].to_numpy(dtype=float), np.round(merged, 4), equal_nan=True)
        assert all(len(str(v).split(".")[-1]) <= 4 for v in f[col].dropna())
    assert f["source"].str.startswith("synthetic sample").all() and f["synthetic"].all()
    assert set(f["filters"]) == {f"minimum base {settings.min_base}"}


def test_tidy_frame_for_children_says_what_n_counts(settings):
    t = indicator_table("children_0_2_no_team", settings=settings, level="nation")
    f = tidy_frame(t)
    assert set(f["unit"]) == {"proportion"} and set(f["n_meaning"]) == {"children aged 0-2"}
    assert f["confidence_level"].isna().all()  # a count of all children, not a sample: no interval
    assert not f["synthetic"].any() and not f["source"].str.contains("synthetic").any()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f["generated_at"].iloc[0])
    uk = f.loc[f["area_code"] == UK_CODE].iloc[0]
    assert uk["value"] == round(uk["k"] / uk["n"], 4)


def test_cli_and_app_share_the_shape(sample, settings, tmp_path):
    from gapmap.cli.main import main

    out = tmp_path / "one.csv"
    assert main(["indicators", "--indicator", "sufficient_provision", "--out", str(out)]) == 0
    cli = pd.read_csv(out)
    app = tidy_frame(indicator_table("sufficient_provision", sample, settings))
    assert list(cli.columns) == list(app.columns)
    assert np.allclose(cli["value"], app["value"], equal_nan=True)


def test_readme_documents_every_tidy_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Data dictionary", 1)[1].split("\n## ", 1)[0]
    for col in TIDY_COLUMNS:
        assert f"| `{col}` |" in section, col


def test_ranked_sorts_best_first_and_lists_the_hidden(sample, settings):
    t = indicator_table("no_prequal_teaching_0_2", sample, settings)  # lower is better
    r = ranked(t)
    assert r.shown["value"].is_monotonic_increasing
    assert set(r.shown["area_code"]) | set(r.hidden["area_code"]) == set(t.areas["area_code"])
    hidden = t.areas.loc[t.areas["suppressed"], "area_code"]
    assert set(hidden) <= set(r.hidden["area_code"])
    assert all(r.hidden["reason"].str.len() > 0)
    assert r.uk_value == pytest.approx(float(t.uk["value"]))
    higher = ranked(indicator_table("sufficient_provision", sample, settings))
    assert higher.shown["value"].is_monotonic_decreasing


def test_area_profile_has_every_indicator_against_the_uk(settings):
    p = area_profile(settings, "E12000007")  # London
    f = p.frame.set_index("indicator")
    assert p.area_name == "London" and p.level == "region"
    assert {"children_0_2_no_team", "services_0_2_definitely", "understanding_mean"} <= set(f.index)
    assert "respondents" not in f.index
    for ind_id, row in f.iterrows():
        t = indicator_table(str(ind_id), settings=settings, level="region")
        london = t.frame.set_index("area_code").loc["E12000007"]
        assert row["n"] == london["n"] and row["uk_value"] == pytest.approx(float(t.uk["value"]))
        if not row["suppressed"]:
            assert row["value"] == pytest.approx(float(london["value"]))
            assert row["area_min"] <= row["value"] <= row["area_max"]
        assert row["area_min"] <= row["area_q25"] <= row["area_q75"] <= row["area_max"]
    assert f.loc["services_0_2_definitely", "synthetic"] and not f.loc["children_0_2_no_team", "synthetic"]


def test_comparison_map_colours_and_legend(south_west_better):
    settings = Settings()
    t = survey_indicators.compute(south_west_better, "services_0_2_definitely", settings)
    spec = map_spec(t, settings, colour_by="comparison")
    sw = spec.areas.set_index("area_name").loc["South West"]
    assert sw["colour"] == comparison.COLOURS["better"]
    labels = [label for label, _ in spec.legend]
    assert labels[:3] == ["Better than the UK", "Similar to the UK", "Worse than the UK"]
    assert "95%" in spec.subtitle
    none = map_spec(indicator_table("teams", level="region"), colour_by="comparison")
    assert [label for label, _ in none.legend][:3] == [
        "Higher than the UK",
        "Similar to the UK",
        "Lower than the UK",
    ]
    with pytest.raises(InputError, match="value, comparison"):
        map_spec(t, settings, colour_by="rainbow")
