"""A reference line never squeezes the bars it sits over: a total (the UK's teams, the survey's respondents) is
stated in the subtitle and notes, not drawn on the scale; a level (a share, a rate) keeps its line."""

from __future__ import annotations

import math

import pytest

from gapmap.measures.compute import indicator_table
from gapmap.present.chartspec import ranked_spec
from gapmap.present.tables import ranked
from gapmap.render import vega


@pytest.mark.parametrize("indicator", ["teams", "respondents"])
def test_a_total_is_stated_not_drawn(indicator):
    table = indicator_table(indicator, level="region")
    spec = ranked_spec(ranked(table))
    uk = float(table.benchmark["value"])
    assert math.isnan(spec.uk_value)
    assert spec.xlim[1] < uk  # the scale is the areas' own: the biggest bar fills it
    assert spec.xlim[1] <= max(b.value for b in spec.bars) * 1.1
    assert f"UK total {uk:.0f}" in spec.subtitle and any("UK total:" in text for text, _ in spec.notes)
    chart = vega.ranked_chart(ranked(table), {})
    assert not any(
        layer["mark"].get("type") == "rule" for layer in chart["layer"] if isinstance(layer["mark"], dict)
    )


@pytest.mark.parametrize(
    "indicator", ["children_0_2_no_team", "teams_per_10k_age_0_2", "sufficient_provision"]
)
def test_a_level_keeps_its_reference_line(indicator):
    table = indicator_table(indicator, level="region")
    spec = ranked_spec(ranked(table))
    assert spec.uk_value == pytest.approx(float(table.benchmark["value"]))
    chart = vega.ranked_chart(ranked(table), {})
    assert any(
        layer["mark"].get("type") == "rule" for layer in chart["layer"] if isinstance(layer["mark"], dict)
    )
