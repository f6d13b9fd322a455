"""The "change since WAVE" map: each area coloured by its change flag (better / no evidence of change / worse by
the indicator's polarity), hidden wherever either wave hides the area (in colour, label, tooltip and file), drawn
at every export size and level with no text off the canvas or overlapping, and written by `gapmap change --map`."""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.geo.levels import LEVELS
from gapmap.measures import waves
from gapmap.measures.indicators import format_value
from gapmap.present import changemap, classify
from gapmap.render import static, web
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings
from tests.conftest import ROOT
from tests.render.test_exports import layout_problems

WAVES = [f"2021={ROOT / 'data' / 'sample_survey.csv'}", f"2024={ROOT / 'data' / 'sample_survey_wave2.csv'}"]


@cache
def _waves() -> waves.Waves:
    return waves.load_waves(WAVES, Settings())


@cache
def _change(indicator: str, level: str) -> waves.ChangeTable:
    return waves.change_table(_waves(), indicator, Settings(), level)


@cache
def _spec(indicator: str, level: str, shape: str = "map"):
    return changemap.change_map_spec(_change(indicator, level), Settings(), shape=shape)


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("indicator", ["referrals_age_2_or_under", "sufficient_provision", "confidence_mean"])
def test_each_area_takes_its_flags_colour_and_hidden_areas_show_nothing(indicator: str, level: str):
    change = _change(indicator, level)
    spec = _spec(indicator, level)
    rows = change.frame.set_index("area_code")
    tips = dict(zip(spec.areas["area_code"], web._tooltips(spec), strict=True))
    for _, area in spec.areas.iterrows():
        r = rows.loc[area["area_code"]]
        if bool(r["suppressed"]):
            assert area["suppressed"] and area["colour"] == classify.SUPPRESSED_COLOUR
            assert area["label"] == "" and area["local"] == ""
            # Neither wave's value of a hidden area is given anywhere on the map.
            for v in (r["value_from"], r["value_to"]):
                if not math.isnan(v):
                    assert format_value(change.indicator, v) not in tips[area["area_code"]]
            assert "no change shown" in tips[area["area_code"]]
        else:
            assert not area["suppressed"]
            assert area["colour"] == changemap.FLAG_COLOURS[r["change_flag"]]
            assert area["label"].split("\n")[0] == changemap.points(change.indicator.kind, r["change"], False)
            assert r["change_flag"] in tips[area["area_code"]]
    # The legend names each flag the indicator's polarity allows, and the colours differ.
    words = changemap.flag_words(change.indicator.polarity)
    assert [label.split(" (")[0].lower() for label, _ in spec.legend] == words
    assert len({c for _, c in spec.legend}) == 3


def test_the_map_says_what_it_compares_and_counts_the_flags_in_its_alt_text():
    spec = _spec("referrals_age_2_or_under", "region")
    assert spec.title.endswith("change from 2021 to 2024")
    assert "+17.7 points" in spec.uk_note and "better at 95%" in spec.uk_note
    shown = spec.areas.loc[~spec.areas["suppressed"], "change_flag"]
    for word in set(shown):
        assert f"{(shown == word).sum()} {word}" in spec.alt_text
    assert f"{int(spec.areas['suppressed'].sum())} not shown" in spec.alt_text
    assert "synthetic" in spec.alt_text
    # Both waves' sources, the second named as gapmap's synthetic wave, never as the 2021 report.
    assert any("sample_survey.csv, wave 2021" in line for line in spec.footer)
    assert any(line.startswith("Survey: gapmap's synthetic second wave") for line in spec.footer)


@pytest.mark.parametrize("level", ["nation", "region"])
def test_a_fall_is_better_where_lower_is_better(level: str):
    """For "no pre-qualification teaching" a lower share is better: an area is blue (better) exactly where its
    whole interval is below zero, red (worse) exactly where it is above (95% is the comparison level here)."""
    change = _change("no_prequal_teaching_0_2", level)
    spec = _spec("no_prequal_teaching_0_2", level)
    rows = change.frame.set_index("area_code")
    for _, area in spec.areas.loc[~spec.areas["suppressed"]].iterrows():
        r = rows.loc[area["area_code"]]
        want = "better" if r["change_upper"] < 0 else "worse" if r["change_lower"] > 0 else waves.NO_EVIDENCE
        assert area["colour"] == changemap.FLAG_COLOURS[want]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("level", list(LEVELS))
def test_no_text_leaves_the_canvas_or_overlaps(level: str, size: str):
    laid = static.map_figure(_spec("referrals_age_2_or_under", level), size, csv_name="change.csv")
    assert len(laid.texts) >= 5
    assert layout_problems(laid) == []


@pytest.mark.parametrize("size", list(SIZES))
def test_hex_change_map_lays_out_at_every_size(size: str):
    laid = static.map_figure(_spec("sufficient_provision", "region", "hex"), size, csv_name="change.csv")
    assert layout_problems(laid, rasterise=True) == []


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_cli_writes_the_map_its_alt_text_and_the_change_csv(tmp_path: Path, fmt: str):
    out = tmp_path / f"change.{fmt}"
    code = main(
        [
            "change",
            *(a for w in WAVES for a in ("--survey", w)),
            *(
                "--indicator",
                "sufficient_provision",
                "--level",
                "region",
                "--map",
                str(out),
                "--size",
                "social",
            ),
        ]
    )
    assert code == 0
    assert out.read_bytes()[:4] in (b"\x89PNG", b"<?xm", b"%PDF")
    alt = (tmp_path / f"change.{fmt}.alt.txt").read_text()
    assert alt.startswith("Map of the change from 2021 to 2024")
    with (tmp_path / "change.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {r["area_code"] for r in rows} == set(_change("sufficient_provision", "region").frame["area_code"])
    for r in rows:  # a hidden area has no change and no flag in the file either
        if r["suppressed"] == "True":
            assert r["change"] == "" and r["change_flag"] == ""


def test_cli_map_needs_one_indicator_and_refuses_standard_output(tmp_path: Path, capsys):
    survey = [a for w in WAVES for a in ("--survey", w)]
    assert main(["change", *survey, "--map", str(tmp_path / "m.png")]) == 1
    assert "Expected --indicator ID with --map" in capsys.readouterr().err
    assert main(["change", *survey, "--indicator", "sufficient_provision", "--map", "-"]) == 1
    assert not list(tmp_path.iterdir())


def test_a_level_with_every_area_hidden_is_refused_unless_allowed(tmp_path: Path, capsys):
    args = ["change", *(a for w in WAVES for a in ("--survey", w)), "--indicator", "sufficient_provision"]
    assert main([*args, "--level", "nhs", "--map", str(tmp_path / "n.png")]) == 1
    assert "every area hidden" in capsys.readouterr().err and not list(tmp_path.iterdir())
    assert main([*args, "--level", "nhs", "--map", str(tmp_path / "n.png"), "--allow-empty"]) == 0


def test_the_same_answers_as_two_waves_are_refused(tmp_path: Path, capsys):
    copy = tmp_path / "copy.csv"
    copy.write_bytes((ROOT / "data" / "sample_survey_wave2.csv").read_bytes())
    code = main(
        ["change", "--survey", f"2021={copy}", "--survey", WAVES[1], "--out", str(tmp_path / "c.csv")]
    )
    assert code == 1 and "the same answers" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_an_indicator_only_one_wave_asks_is_refused_not_written_empty(tmp_path: Path, capsys):
    import pandas as pd

    wave2 = pd.read_csv(ROOT / "data" / "sample_survey_wave2.csv", dtype=str, keep_default_na=False)
    cut = tmp_path / "cut.csv"
    wave2.drop(columns=["lowest_referral_age"]).to_csv(cut, index=False)
    out = tmp_path / "c.csv"
    args = [
        "change",
        "--survey",
        WAVES[0],
        "--survey",
        f"2024={cut}",
        "--indicator",
        "referrals_age_2_or_under",
    ]
    assert main([*args, "--out", str(out)]) == 1
    assert "asked in both waves" in capsys.readouterr().err and not out.exists()


def test_at_99_8_percent_the_deciding_interval_is_given_and_decides_the_flag():
    s = Settings(comparison_level=0.998)
    change = waves.change_table(_waves(), "sufficient_provision", s, "region")
    for _, r in change.frame.loc[~change.frame["suppressed"]].iterrows():
        assert r["comparison_lower"] <= r["change_lower"] and r["comparison_upper"] >= r["change_upper"]
        assert r["change_flag"] == waves.flag(r["comparison_lower"], r["comparison_upper"], "higher_better")
    spec = changemap.change_map_spec(change, s)
    uk = change.uk
    assert f"99.8% interval {changemap.points('proportion', uk['comparison_lower'], False)}" in spec.uk_note


@cache
def _spec_at_99_8(indicator: str, level: str):
    s = Settings(comparison_level=0.998)
    return changemap.change_map_spec(waves.change_table(_waves(), indicator, s, level), s)


def _label_interval(label: str) -> tuple[float, float]:
    lo, hi = label.split("\n")[1].strip("()[]").split(" to ")
    return float(lo), float(hi)


@pytest.mark.parametrize("level", ["nation", "region"])
@pytest.mark.parametrize("indicator", ["referrals_age_2_or_under", "sufficient_provision", "confidence_mean"])
def test_at_99_8_percent_each_label_shows_the_interval_that_decides_its_colour(indicator: str, level: str):
    spec = _spec_at_99_8(indicator, level)
    shown = spec.areas.loc[~spec.areas["suppressed"]]
    assert len(shown)
    for label, flag in zip(shown["label"], shown["change_flag"], strict=True):
        lo, hi = _label_interval(str(label))
        assert label.split("\n")[1].startswith("["), label  # square brackets: not the 95% interval
        assert (lo <= 0 <= hi) == (flag == waves.NO_EVIDENCE), (label, flag)
    assert spec.extra["label_interval"] == "99.8%"
    # The browser's tooltip says which interval it gives, and never calls it the 95% one.
    for tip in web._tooltips(spec):
        if "Change since" in tip:
            assert "[99.8% interval]:" in tip and "since 2021 (95% interval)" not in tip, tip


def test_the_trial_case_south_west_is_labelled_with_its_99_8_percent_interval():
    spec = _spec_at_99_8("sufficient_provision", "region")
    sw = spec.areas.loc[spec.areas["area_name"] == "South West"].iloc[0]
    assert sw["change_flag"] == waves.NO_EVIDENCE
    assert sw["label"] == "+21.0\n[-1.9 to +43.5]"  # not the 95% "(+6.9 to +35.2)", which excludes zero


def test_at_95_percent_labels_keep_the_95_percent_interval_and_say_nothing_more():
    spec = _spec("sufficient_provision", "region")
    assert all(
        str(x).split("\n")[1].startswith("(") for x in spec.areas.loc[~spec.areas["suppressed"], "label"]
    )
    assert spec.extra["label_interval"] == ""


@pytest.mark.parametrize("shape", ["map", "hex"])
@pytest.mark.parametrize("size", list(SIZES))
def test_at_99_8_percent_the_notes_name_the_level_and_the_layout_holds(size: str, shape: str):
    s = Settings(comparison_level=0.998)
    change = waves.change_table(_waves(), "sufficient_provision", s, "region")
    laid = static.map_figure(changemap.change_map_spec(change, s, shape=shape), size, csv_name="change.csv")
    said = " ".join(t.get_text().replace("\n", " ") for t in laid.texts)
    if SIZES[size].compact:  # labels give the change alone: the note says where both intervals are
        assert "Labels show changes; 99.8% intervals (they decide the colours), 95% intervals" in said
    else:
        assert "Labels: the change and, in square brackets, its 99.8% interval" in said
    assert layout_problems(laid) == []
