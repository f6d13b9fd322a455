"""Largest gap first, and two honest categories where coverage can only be 0 or 1: checked against the bundled
teams list and population file read here directly, not through gapmap's coverage code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.measures.compute import indicator_table
from gapmap.present import chartspec, classify, describe
from gapmap.present.ranking import SORTS, ranked
from gapmap.problems import InputError
from gapmap.render import vega
from gapmap.settings import Settings
from tests.conftest import ROOT


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _children_in_gap() -> dict[str, int]:
    """Children aged 0-2 of every local authority no open team serves, from data/teams.csv and the population file
    (a health board or trust code stands for the authorities whose main NHS area it is)."""
    pop = {
        r["LAD24CD"]: int(r["pop_age0to2"])
        for r in _rows(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv")
    }
    lookup = _rows(ROOT / "boundaries" / "lad24_to_nhs_area_lookup.csv")
    in_nhs: dict[str, set[str]] = {}
    for r in lookup:
        if r["is_main"] == "True":
            in_nhs.setdefault(r["nhs_area_code"], set()).add(r["LAD24CD"])
    served: set[str] = set()
    for team in _rows(ROOT / "data" / "teams.csv"):
        if team["status"] != "open":
            continue  # closed (NorPIP) or commissioned, not yet known to be operating (Kent)
        for code in filter(None, (c.strip() for c in team["area_codes"].split(";"))):
            served |= {code} if code in pop else in_nhs.get(code, set())
    return {la: n for la, n in pop.items() if la not in served}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('gaps') / 't.db'}")


@pytest.fixture(scope="module")
def la_table(settings: Settings):
    return indicator_table("children_0_2_no_team", settings=settings, level="la")


def test_the_first_bar_at_la_level_is_the_la_with_most_children_in_the_gap(la_table):
    gap = _children_in_gap()
    first = max(gap, key=gap.__getitem__)
    r = ranked(la_table)  # coverage: largest gap first by default
    assert r.sort == "gap" and r.shown.iloc[0]["area_code"] == first
    assert int(r.shown.iloc[0]["k"]) == gap[first]
    order = [c for c in r.shown["area_code"] if c in gap]
    assert [gap[c] for c in order] == sorted(gap.values(), reverse=True)  # every gap, largest first
    assert r.shown.head(len(gap))["area_code"].tolist() == order  # and no served area (a zero) before them
    spec = chartspec.ranked_spec(r, colour_by="value")
    assert spec.bars[0].value == gap[first] and spec.bars[0].value_text == f"{gap[first]:,} (100%)"
    assert spec.bars[0].value > 0 and "largest gap first" in spec.subtitle
    chart = vega.ranked_chart(r, limit=20)
    assert len(chart["data"]["values"]) == 20 and chart["data"]["values"][0]["value"] == gap[first]
    assert len(vega.ranked_chart(r)["data"]["values"]) == len(r.shown) + len(r.no_value)


def test_largest_gap_first_for_a_survey_indicator_is_the_worse_value_first():
    t = indicator_table("services_0_2_definitely")  # higher is better: the lowest value is the largest gap
    shown = ranked(t, "gap").shown
    assert shown["value"].is_monotonic_increasing
    assert ranked(t).sort == "best" and ranked(t).shown["value"].is_monotonic_decreasing
    assert ranked(t, "name").shown["area_name"].tolist() == sorted(shown["area_name"])


def test_an_unknown_order_lists_the_choices(capsys):
    with pytest.raises(InputError) as exc:
        ranked(indicator_table("services_0_2_definitely"), "worst")
    message = exc.value.issues[0].message
    assert all(k in message for k in SORTS) and "'worst'" in message
    with pytest.raises(SystemExit) as stop:
        main(["chart", "--indicator", "children_0_2_no_team", "--sort", "worst"])
    assert stop.value.code == 2 and "gap" in capsys.readouterr().err


def test_coverage_by_local_authority_is_two_categories_with_counts(la_table):
    gap = _children_in_gap()
    total = sum(
        int(r["pop_age0to2"]) for r in _rows(ROOT / "boundaries" / "population_age0to2_mid2019_lad24.csv")
    )
    entries = classify.binary_legend(la_table)
    served, unserved = entries
    assert served[0] == (
        f"Served by a known team ({361 - len(gap)} areas, {total - sum(gap.values()):,} children aged 0-2)"
    )
    assert unserved[0] == f"No known team ({len(gap)} areas, {sum(gap.values()):,} children aged 0-2)"
    colours, legend = classify.value_colours(la_table, la_table.areas)
    assert legend == [(served[0], served[1]), (unserved[0], unserved[1])] and set(colours) == {
        served[1],
        unserved[1],
    }
    alt = describe.alt_text(la_table, "")
    assert "Two categories" in alt and unserved[0] in alt and "Highest" not in alt
    chart = chartspec.ranked_spec(ranked(la_table), colour_by="value")
    assert [label for label, _ in chart.legend] == [served[0], unserved[0]]


def test_shares_keep_their_classes_above_local_authorities(settings: Settings):
    for level in ("nation", "region", "nhs"):
        t = indicator_table("children_0_2_no_team", settings=settings, level=level)
        assert not classify.binary(t)
        _, legend = classify.value_colours(t, t.areas)
        assert [label for label, _ in legend][:5] == ["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"]
