"""Colour classes: count legends are whole-number classes that never share a number."""

from __future__ import annotations

import pytest

from gapmap.measures.indicators import INDICATORS
from gapmap.present import classify


def _numbers(label: str) -> list[int]:
    lo, _, hi = label.partition("–")
    return list(range(int(lo), int(hi or lo) + 1))


@pytest.mark.parametrize(
    "values",
    [[0, 0, 1], [0, 1, 2, 3, 4, 5], [0, 3, 7, 9], [2, 11, 40, 41], [0], [1, 1, 1], [0, 5, 12, 100, 283]],
)
@pytest.mark.parametrize("indicator", ["teams", "respondents"])
def test_count_classes_are_whole_numbers_in_one_class_each(indicator, values):
    classes = classify.classes_for(INDICATORS[indicator], values)
    assert classes.labels[0] == "0"
    covered = [n for label in classes.labels for n in _numbers(label)]
    assert covered == list(range(covered[-1] + 1))  # no number twice, none missing, from 0
    assert max(values) <= covered[-1]
    for v in values:  # each value is coloured by the class whose label holds it
        i = next(i for i, label in enumerate(classes.labels) if v in _numbers(label))
        assert classes.colour_of(float(v)) == classes.colours[i]


def test_count_legend_examples():
    assert classify.classes_for(INDICATORS["teams"], [0, 1, 4, 7, 9]).labels == ("0", "1–3", "4–6", "7–9")
    assert classify.classes_for(INDICATORS["teams"], [0, 1]).labels == ("0", "1")
