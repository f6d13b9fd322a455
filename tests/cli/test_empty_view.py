"""An empty view says so first: a survey map or chart with no value to show is refused (exit 1, nothing written)
with one sentence naming the level that works, unless --allow-empty; a bad option is called an option."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.geo.levels import LEVELS
from gapmap.measures.compute import has_values, indicator_table, working_level
from gapmap.measures.indicators import INDICATORS
from gapmap.settings import from_env


@pytest.mark.parametrize(
    ("command", "level"),
    [(["render"], "la"), (["render"], "nhs"), (["chart"], "la"), (["chart"], "nhs")],
)
def test_an_empty_survey_view_is_refused_with_the_level_that_works(
    command: list[str], level: str, tmp_path: Path, capsys
):
    out = tmp_path / "map.png"
    code = main([*command, "--indicator", "sufficient_provision", "--level", level, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"No {LEVELS[level].word} has a value to show for sufficient local provision" in err
    assert "Choose nations and regions to see these answers." in err
    assert "Fix: add --level region, or give --allow-empty" in err and "option --indicator" in err
    assert list(tmp_path.iterdir()) == []  # nothing written: not the image, its alt text or its CSV


@pytest.mark.parametrize("command", [["render"], ["chart"]])
def test_allow_empty_draws_it_anyway(command: list[str], tmp_path: Path, capsys):
    out = tmp_path / "map.png"
    args = [
        *command,
        "--indicator",
        "sufficient_provision",
        "--level",
        "la",
        "--out",
        str(out),
        "--allow-empty",
    ]
    assert main(args) == 0, capsys.readouterr().err
    assert out.stat().st_size > 10_000


def test_a_view_with_values_and_a_teams_view_are_not_refused(tmp_path: Path, capsys):
    assert main(["chart", "--indicator", "sufficient_provision", "--out", str(tmp_path / "a.png")]) == 0
    assert main(["render", "--indicator", "teams", "--level", "la", "--out", str(tmp_path / "b.png")]) == 0


def test_render_all_refuses_before_writing_when_any_map_would_be_empty(tmp_path: Path, capsys):
    code = main(["render", "--all", "--level", "la", "--out-dir", str(tmp_path / "maps")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("has a value to show") >= 5, err
    assert not (tmp_path / "maps").exists() or list((tmp_path / "maps").iterdir()) == []


def test_working_level_is_the_finest_with_a_value_and_checks_it():
    settings = from_env()
    for level in ("la", "nhs"):
        lv = working_level("sufficient_provision", None, settings, level=level)
        assert lv == "region"
        assert has_values(indicator_table("sufficient_provision", None, settings, level=lv))
        assert not has_values(indicator_table("sufficient_provision", None, settings, level=level))
    assert working_level("sufficient_provision", None, settings, level="nation") is None  # nothing coarser


def test_a_bad_option_value_is_called_an_option_not_a_column(tmp_path: Path, capsys):
    code = main(["profile", "--area", "Nowhere", "--out", str(tmp_path / "p.png")])
    err = capsys.readouterr().err
    assert code == 1 and "option --area:" in err and "column '--area'" not in err, err


def test_every_menu_label_fits_the_sidebar():
    # The app's sidebar shows about 31 characters of a chosen option at 1366×768; longer ones were cut.
    for ind in INDICATORS.values():
        assert len(ind.short or ind.title) <= 30, ind.id
    for lv in LEVELS.values():
        assert len(lv.noun) <= 30, lv.id
