"""Every figure names its population, and no data is never zero: every indicator at every level, through the
table, the tidy CSV, the map spec and the ranked chart spec.

An area outside a table's population (England on a Scotland-only layer) is 'not applicable'; an area inside it that
the source says nothing of (a Scottish board with no sourced status) has no data. Neither may carry a number
anywhere (value, interval, label, bar), and a benchmark that is not the UK's is never called the UK.
"""

from __future__ import annotations

import math
import re
from functools import cache

import pandas as pd
import pytest

from gapmap.geo import levels
from gapmap.measures import provision
from gapmap.measures.compute import indicator_table
from gapmap.measures.indicators import INDICATORS, IndicatorTable
from gapmap.present import classify
from gapmap.present.chartspec import ranked_spec, short_name
from gapmap.present.mapspec import map_spec
from gapmap.present.tables import ranked, tidy_frame
from gapmap.settings import Settings

WALKED_LEVELS = ("nation", "region", "nhs", "la")
NO_VALUE_CATEGORIES = {c for cats in provision.NO_VALUE.values() for c in cats}
# 'UK 69%', 'UK: 69%', 'UK value: 36%': a figure credited to the UK.
UK_FIGURE = re.compile(r"\bUK( value)?:? \d")
DIGIT = re.compile(r"\d")


@cache
def _boundaries(level: str):  # type: ignore[no-untyped-def]
    return levels.load_boundaries(Settings().level_path(level))


def _empty_codes(table: IndicatorTable) -> tuple[set[str], set[str]]:
    """(not applicable, no data) area codes of a table: outside its population; inside it with no value."""
    a = table.areas
    outside = set(a.loc[~table.applicable, "area_code"])
    no_value = a["category"].isin(NO_VALUE_CATEGORIES) | (a["value"].isna() & ~a["suppressed"])
    return outside, set(a.loc[no_value, "area_code"]) - outside


def _no_number(values: object) -> bool:
    return all(v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) for v in values)  # type: ignore[attr-defined]


@pytest.mark.parametrize("level", WALKED_LEVELS)
@pytest.mark.parametrize("indicator_id", list(INDICATORS))
def test_no_data_and_not_applicable_areas_carry_no_number_and_benchmarks_name_their_population(
    indicator_id: str, level: str, sample
):
    table = indicator_table(indicator_id, sample, level=level)
    pop = table.population
    outside, no_data = _empty_codes(table)
    empty = outside | no_data

    # The table: no value, interval or count of positives for an area with nothing to show.
    rows = table.areas.loc[table.areas["area_code"].isin(empty)]
    for column in ("value", "lo", "hi", "k"):
        assert _no_number(rows[column].tolist()), (
            column,
            rows.loc[rows[column].notna(), "area_name"].tolist(),
        )
    assert table.benchmark["area_code"] == pop.code and table.benchmark["area_name"] == pop.name

    # The tidy CSV: empty cells, the area's own category, and the benchmark row is the population's.
    tidy = tidy_frame(table)
    areas_rows = tidy.iloc[:-1] if not table.benchmark_is_area else tidy
    empty_rows = areas_rows.loc[areas_rows["area_code"].isin(empty)]
    for column in ("value", "lower", "upper", "k"):
        assert _no_number(empty_rows[column].tolist()), column
    if table.indicator.from_provision:
        assert (empty_rows["category"] != "").all()
        assert (
            empty_rows.loc[empty_rows["area_code"].isin(outside), "category"]
            .str.startswith("Not applicable")
            .all()
        )
    bench = tidy.loc[tidy["area_code"] == pop.code].iloc[-1]
    assert bench["area_name"] == pop.name
    if not pop.is_uk:
        assert "K02000001" not in set(tidy["area_code"]) and "United Kingdom" not in set(tidy["area_name"])
        assert table.benchmark_is_area or tidy.iloc[-1]["area_code"] == pop.code

    # The map: no label, its own legend entry (never a value class's colour), and no figure credited to the UK.
    spec = map_spec(table, boundaries=_boundaries(level))
    drawn = spec.areas.loc[spec.areas["area_code"].isin(empty)]
    assert not any(DIGIT.search(str(label)) for label in drawn["label"])
    assert _no_number(drawn["value"].tolist())
    legend = dict(spec.legend)
    for kind, colour in zip(drawn["no_value"], drawn["colour"], strict=True):
        if kind:  # unsuppressed with no value: named in the legend, in that entry's colour
            assert legend.get(kind) == colour, kind
    if not pop.is_uk:
        texts = [spec.uk_note, spec.subtitle, spec.alt_text, *(label for label, _ in spec.legend)]
        assert not any(UK_FIGURE.search(t) for t in texts), texts

    # The ranked chart: no bar for an empty area; the reference line is the population's.
    r = ranked(table)
    chart = ranked_spec(r, "x.csv")
    empty_names = {
        short_name(str(n)) for n in table.areas.loc[table.areas["area_code"].isin(empty), "area_name"]
    }
    for bar in chart.bars:
        if bar.name in empty_names:
            assert math.isnan(bar.value) and not DIGIT.search(bar.value_text), bar
    assert not set(r.shown["area_code"]) & empty
    assert set(r.hidden.loc[r.hidden["area_code"].isin(outside), "reason"]) <= {
        f"not applicable: outside {pop.name}",
        *(c[0].lower() + c[1:] for c in provision.CATEGORIES.get(indicator_id, {})),
    }
    if not math.isnan(chart.uk_value):
        assert chart.uk_label.startswith(pop.label + " ")
    if not pop.is_uk:
        texts = [chart.uk_label, chart.subtitle, chart.alt_text, *(t for t, _ in chart.notes)]
        texts += [label for label, _ in chart.legend]
        assert not any(UK_FIGURE.search(t) for t in texts), texts


def test_the_scotland_chart_and_csv_name_scotland_and_show_no_board_as_zero(sample):
    table = indicator_table("scotland_infant_mh", sample, level="nhs")
    chart = ranked_spec(ranked(table), "x.csv")
    assert chart.uk_label == "Scotland 69%" and chart.benchmark == "Scotland"
    assert ("Scotland: 69%, n = 157,772 children aged 0-2.", False) in chart.notes
    words = {b.name: b.value_text for b in chart.bars}
    assert words["NHS Borders"] == "no data" and words["NHS Greater Glasgow and Clyde"] == "not confirmed"
    assert all(b.value > 0 for b in chart.bars if not math.isnan(b.value))  # no 0% bar
    assert "No data (no source found; not 'no service')" in dict(chart.legend)
    tidy = tidy_frame(table)
    last = tidy.iloc[-1]
    assert (last["area_code"], last["area_name"], last["n"], last["k"]) == (
        "S92000003",
        "Scotland",
        157772,
        108651,
    )
    borders = tidy.loc[tidy["area_code"] == "S08000016"].iloc[0]
    assert pd.isna(borders["value"]) and borders["category"].startswith("No data")


def test_start_for_life_is_of_englands_children(sample):
    table = indicator_table("start_for_life", sample, level="region")
    chart = ranked_spec(ranked(table))
    assert chart.uk_label == "England 46%"
    tidy = tidy_frame(table)
    assert tidy.iloc[-1][["area_code", "area_name", "n"]].tolist() == ["E92000001", "England", 1928510]
    assert map_spec(table, boundaries=_boundaries("region")).uk_note.startswith("England: ")


def test_a_table_of_the_uk_keeps_the_uk_row(sample):
    table = indicator_table("services_0_2_definitely", sample)
    assert table.population.is_uk and tidy_frame(table).iloc[-1]["area_code"] == "K02000001"
    assert ranked_spec(ranked(table)).uk_label == "UK 36%"


def test_empty_areas_take_their_own_legend_entry_on_a_value_map(sample):
    """At region level the Scotland layer is a share: England's regions are not applicable, not the palest class."""
    table = indicator_table("scotland_infant_mh", sample, level="region")
    colours, legend = classify.value_colours(table, table.areas)
    by_code = dict(zip(table.areas["area_code"], colours, strict=True))
    assert by_code["E12000007"] == classify.NOT_APPLICABLE_COLOUR
    assert ("Not applicable: outside Scotland", classify.NOT_APPLICABLE_COLOUR) in legend
