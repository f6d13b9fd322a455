"""Survey waves: change intervals against statsmodels (Newcombe) and scipy (Welch) on every area of the two bundled
waves; the two planted changes flagged at UK level and nothing else at 99.8%; a wave column read like two files;
waves never pooled; questions not shared left out and named; no change published beside a suppressed value."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep

from gapmap.cli.main import main
from gapmap.geo.levels import LEVELS
from gapmap.measures import cube, survey_indicators, waves
from gapmap.measures.indicators import INDICATORS
from gapmap.measures.stats import newcombe_difference
from gapmap.problems import InputError
from gapmap.settings import Settings
from gapmap.survey.validate import load_survey
from tests.conftest import ROOT

WAVE1 = str(ROOT / "data" / "sample_survey.csv")
WAVE2 = str(ROOT / "data" / "sample_survey_wave2.csv")
SPECS = [f"2021={WAVE1}", f"2024={WAVE2}"]
SURVEY_ARGS = ["--survey", SPECS[0], "--survey", SPECS[1]]
PLANTED = {"referrals_age_2_or_under", "sufficient_provision"}  # scripts/make_second_wave.py
UK = "K02000001"


@cache
def _waves() -> waves.Waves:
    return waves.load_waves(SPECS, Settings())


def _proportions() -> list[str]:
    return [i for i in waves.survey_change_ids() if INDICATORS[i].kind == "proportion"]


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("indicator", _proportions())
def test_newcombe_agrees_with_statsmodels_on_every_area_of_the_two_waves(indicator: str, confidence: float):
    w = _waves()
    a, b = w.responses["2021"], w.responses["2024"]
    ca = survey_indicators.cube_of(a, indicator, Settings())
    cb = survey_indicators.cube_of(b, indicator, Settings())
    compared = 0
    for code, prof in set(ca.sums) & set(cb.sums):  # every cell of every level, published or not
        if prof != cube.ALL:
            continue
        na, ka, _, _ = ca.cell(code, prof)
        nb, kb, _, _ = cb.cell(code, prof)
        if not (na and nb):
            continue
        d, lo, hi = newcombe_difference(int(ka), na, int(kb), nb, confidence)
        ref = confint_proportions_2indep(int(kb), nb, int(ka), na, method="newcomb", alpha=1 - confidence)
        assert (round(lo, 4), round(hi, 4)) == (round(float(ref[0]), 4), round(float(ref[1]), 4)), code
        assert d == pytest.approx(kb / nb - ka / na)
        compared += 1
    # The sample places respondents by nation or region: every nation and region with answers, and the UK.
    assert compared >= 13


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("indicator", ["understanding_mean", "confidence_mean"])
def test_welch_interval_agrees_with_scipy_for_every_published_area(indicator: str, level: str):
    w = _waves()
    table = waves.change_table(w, indicator, Settings(), level)
    col = INDICATORS[indicator].question_id
    placed = {label: r.frame for label, r in w.responses.items()}
    shown = table.frame.loc[~table.frame["suppressed"]]
    assert len(shown) >= (2 if level in ("nation", "region") else 1)  # the sample places no one finer
    for row in shown.itertuples():
        values = []
        for label in ("2021", "2024"):
            f = placed[label]
            inside = f if row.area_code == UK else f.loc[f[f"at_{level}"] == row.area_code]
            values.append(inside[col].dropna().astype(float).to_numpy())
        ref = scipy_stats.ttest_ind(values[1], values[0], equal_var=False).confidence_interval(0.95)
        assert (row.change_lower, row.change_upper) == (round(ref.low, 4), round(ref.high, 4)), row.area_code


@pytest.mark.parametrize("comparison_level", [0.95, 0.998])
def test_the_two_planted_changes_are_flagged_at_uk_level(comparison_level: float):
    s = Settings(comparison_level=comparison_level)
    for indicator in PLANTED:
        uk = waves.change_table(_waves(), indicator, s, "nation").uk
        assert uk["change_flag"] == "better" and uk["change_lower"] > 0, indicator


@pytest.mark.parametrize("level", list(LEVELS))
def test_unchanged_indicators_are_never_flagged_at_99_8_percent(level: str):
    s = Settings(comparison_level=0.998)
    for indicator in set(waves.survey_change_ids()) - PLANTED:
        f = waves.change_table(_waves(), indicator, s, level).frame
        shown = f.loc[~f["suppressed"]]
        assert len(shown) and set(shown["change_flag"]) == {waves.NO_EVIDENCE}, indicator


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("min_base", [5, 10, 30])
def test_no_change_is_published_beside_a_suppressed_value(level: str, min_base: int):
    s = Settings(min_base=min_base)
    for indicator in waves.survey_change_ids():
        t = waves.change_table(_waves(), indicator, s, level)
        assert waves.cross_wave_leaks(t) == []
        hidden = t.frame["suppressed"]
        assert t.frame.loc[hidden, ["change", "change_lower", "change_upper"]].isna().all().all()
        assert (t.frame.loc[hidden, "change_flag"] == "").all()


def _both(tmp_path: Path) -> Path:
    a = pd.read_csv(WAVE1, dtype=str, keep_default_na=False).assign(wave="2021")
    b = pd.read_csv(WAVE2, dtype=str, keep_default_na=False).assign(wave="2024")
    path = tmp_path / "both.csv"
    pd.concat([b, a]).to_csv(path, index=False)  # the later wave first: order comes from the labels
    return path


def test_a_wave_column_gives_the_same_changes_as_two_files(tmp_path: Path):
    one = waves.load_waves([str(_both(tmp_path))], Settings())
    assert one.labels == ["2021", "2024"]
    for indicator in PLANTED:
        got = waves.change_table(one, indicator, Settings(), "region").frame
        want = waves.change_table(_waves(), indicator, Settings(), "region").frame
        cols = ["area_code", "n_from", "n_to", "change", "change_lower", "change_upper", "change_flag"]
        pd.testing.assert_frame_equal(got[cols], want[cols])


def test_a_file_of_several_waves_shows_its_latest_wave_and_never_pools_them(tmp_path: Path):
    r = load_survey(_both(tmp_path))
    assert len(r.frame) == 300 and set(r.frame["wave"]) == {"2024"}
    assert any("showing the latest, 2024" in n for n in r.notes)


def test_a_blank_wave_is_listed_with_its_row(tmp_path: Path):
    path = _both(tmp_path)
    f = pd.read_csv(path, dtype=str, keep_default_na=False)
    f.loc[4, "wave"] = " "
    f.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        load_survey(path)
    issue = err.value.issues[0]
    assert (issue.row, issue.column) == (6, "wave") and "blank" in issue.message


def test_waves_asking_different_questions_are_compared_on_the_shared_ones(tmp_path: Path, capsys):
    b = pd.read_csv(WAVE2, dtype=str, keep_default_na=False)
    b = b.drop(columns=["understanding_rating", "local_provision_sufficiency"])
    path = tmp_path / "b.csv"
    b.to_csv(path, index=False)
    out = tmp_path / "change.csv"
    assert main(["change", "--survey", f"2021={WAVE1}", "--survey", f"2024={path}", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "left out (a question not asked in both waves): sufficient_provision, understanding_mean" in err
    got = pd.read_csv(out)
    assert set(got["indicator"]) == set(waves.survey_change_ids()) - {
        "sufficient_provision",
        "understanding_mean",
    }


def test_the_change_command_writes_the_change_columns_and_says_synthetic(tmp_path: Path, capsys):
    out = tmp_path / "c.csv"
    args = ["change", *SURVEY_ARGS, "--level", "nation", "--out", str(out)]
    assert main([*args, "--comparison-level", "0.998"]) == 0
    err = capsys.readouterr().err
    assert "SYNTHETIC" in err and "referrals_age_2_or_under, UK: 52% in 2021 to 70% in 2024" in err
    got = pd.read_csv(out)
    assert {"change", "change_lower", "change_upper", "change_flag"} <= set(got.columns)
    assert got["synthetic"].all() and got["source"].str.contains("synthetic sample").all()
    assert set(got["comparison_level"]) == {0.998}
    flagged = got.loc[(got["area_code"] == UK) & (got["change_flag"] == "better"), "indicator"]
    assert set(flagged) == PLANTED


@pytest.mark.parametrize(
    ("specs", "says"),
    [
        ([f"2021={WAVE1}"], "Expected two or more waves"),
        ([WAVE1], "Expected two or more waves; found one"),
        ([f"2021={WAVE1}", f"2021={WAVE2}"], "found '2021' twice"),
        ([f"2021={WAVE1}", WAVE2], "Expected LABEL=FILE"),
    ],
)
def test_bad_wave_lists_are_refused_with_a_fix(specs: list[str], says: str):
    with pytest.raises(InputError) as err:
        waves.load_waves(specs, Settings())
    assert says in err.value.issues[0].message


def test_choosing_a_wave_that_is_not_there_is_refused():
    with pytest.raises(InputError, match="Expected two different waves of 2021, 2024"):
        waves.change_table(_waves(), "referrals_age_2_or_under", Settings(), since="2019")


def test_the_second_wave_is_marked_synthetic_on_every_row():
    f = pd.read_csv(WAVE2, dtype=str)
    assert (f["synthetic"] == "synthetic sample").all() and len(f) == 300
    assert load_survey(WAVE2).synthetic


def test_the_leak_checker_finds_a_change_published_beside_a_suppressed_value():
    t = waves.change_table(_waves(), "services_0_2_definitely", Settings(), "nation")
    hidden = t.frame["suppressed"]
    assert hidden.any()
    t.frame.loc[hidden, "change"] = 0.1  # what a change table without the rule would publish
    assert waves.cross_wave_leaks(t) == t.frame.loc[hidden, "area_code"].tolist()


def test_the_disclosure_audit_covers_each_wave_and_every_change_between_them(capsys):
    args = [
        "audit-disclosure",
        *SURVEY_ARGS,
        "--min-base",
        "5",
        "--min-base",
        "10",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("Exactly derivable: 0. Too narrow (within the protection interval): 0.") == 2
    assert "Wave 2021:" in out and "Wave 2024:" in out
    assert "Changes published beside a suppressed value: 0." in out


def test_the_disclosure_audit_splits_a_file_with_a_wave_column(tmp_path: Path, capsys):
    assert main(["audit-disclosure", "--survey", str(_both(tmp_path)), "--min-base", "10"]) == 0
    out = capsys.readouterr().out
    assert "Wave 2021:" in out and "Wave 2024:" in out and "Across waves: 36 change table(s)" in out
