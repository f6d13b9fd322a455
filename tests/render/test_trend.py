"""The trend chart measured from the drawn figure at every export size: no text off the canvas or overlapping
another; the published counts drawn as separate points, never joined; the alt text's first and last values; the
CSV beside with a period column; PNG, SVG and PDF."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from gapmap.cli.main import main
from gapmap.measures.trend import CoverageTrend, coverage_by_year
from gapmap.present.trendspec import PUBLISHED_COLOUR, trend_spec
from gapmap.render.sizes import SIZES
from gapmap.render.trend import trend_figure
from gapmap.settings import Settings
from tests.render.test_exports import layout_problems

UK = "K02000001"


@cache
def _trend(indicator: str, level: str, area: str) -> CoverageTrend:
    return coverage_by_year(indicator, Settings(), level, area_code=area if area != UK else None)


CHARTS = [
    ("teams", "nation", UK),  # the six UK published counts, two of them in 2019
    ("teams", "nation", "E92000001"),  # England's one published count
    ("teams", "nation", "N92000002"),
    ("children_0_2_no_team", "la", "W06000015"),  # Cardiff, its health board and the UK
    ("teams_per_10k_age_0_2", "nhs", "E54000057"),
    ("teams", "region", "E12000002"),
]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("indicator", "level", "area"), CHARTS)
def test_trend_chart_texts_stay_apart_and_on_the_canvas(indicator: str, level: str, area: str, size: str):
    spec = trend_spec(_trend(indicator, level, area), area, f"{indicator}.trend.csv")
    laid = trend_figure(spec, size)
    assert len(laid.texts) > 10
    assert layout_problems(laid, rasterise=True) == []


def test_every_published_count_is_a_numbered_point_never_joined_to_a_line():
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    spec = trend_spec(_trend("teams", "nation", UK), UK)
    assert [p.value for p in spec.points] == [29, 27, 39, 45, 49, 51]
    laid = trend_figure(spec, "a4-landscape")
    ax = laid.fig.axes[0]
    for line in ax.get_lines():  # no line passes through the published counts' colour or values
        assert to_hex(line.get_color()) != PUBLISHED_COLOUR.lower()
    diamonds = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(diamonds) == 1 and len(diamonds[0].get_offsets()) == len(spec.points)
    numbers = {t.get_text() for t in laid.texts if to_hex(t.get_color()) == PUBLISHED_COLOUR.lower()}
    assert numbers == {str(p.number) for p in spec.points}
    notes = " ".join(t for t, _ in spec.notes)
    assert "never joined" in notes and "(year only)" in notes and "14 in development" in notes


def test_published_counts_only_beside_a_count_of_teams_and_for_their_own_area():
    assert trend_spec(_trend("teams_per_10k_age_0_2", "nhs", "E54000057"), "E54000057").points == []
    england = trend_spec(_trend("teams", "nation", "E92000001"), "E92000001").points
    assert [(p.value, p.short_text) for p in england] == [(38.0, "1. Jun 2024: 38 (England)")]


def test_alt_text_states_the_first_and_last_values_of_each_line():
    trend = _trend("children_0_2_no_team", "la", "W06000015")
    spec = trend_spec(trend, "W06000015")
    for line, code in zip(spec.lines, ["W06000015", "W11000029", UK], strict=True):
        s = trend.series(code)
        first, last = s.iloc[0], s.iloc[-1]
        said = (
            f"{line.label}: {100 * first['value']:.0f}% in {int(first['period'])} and "
            f"{100 * last['value']:.0f}% in {int(last['period'])}."
        )
        assert said in spec.alt_text
    assert "no established year" in spec.alt_text


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_the_trend_command_writes_image_alt_text_and_a_csv_with_period(fmt: str, tmp_path: Path, capsys):
    out = tmp_path / f"cardiff.{fmt}"
    args = [
        "trend",
        "--indicator",
        "teams",
        "--level",
        "la",
        "--area",
        "Cardiff",
        "--size",
        "social",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert out.stat().st_size > 1000
    alt = (tmp_path / f"cardiff.{fmt}.alt.txt").read_text(encoding="utf-8")
    assert alt.startswith("Line chart of Specialised parent-infant relationship teams")
    data = pd.read_csv(tmp_path / "cardiff.csv")
    assert list(data.columns[:2]) == ["period", "indicator"] and "basis" in data.columns
    assert data["period"].min() < data["period"].max()
    assert len(data) == data["period"].nunique() * (data["area_code"].nunique())
    if fmt == "svg":
        assert "Parent-Infant Foundation" in out.read_text(encoding="utf-8")


def test_the_trend_command_refuses_a_survey_indicator_with_exit_2(capsys):
    with pytest.raises(SystemExit) as err:
        main(["trend", "--indicator", "respondents"])
    assert err.value.code == 2
