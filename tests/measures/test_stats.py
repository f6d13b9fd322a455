import math

import pytest

from gapmap.measures import stats


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (0, 10, 0.0, 0.2775),  # k = 0: lower bound exactly 0
        (10, 10, 0.7225, 1.0),  # k = n: upper bound exactly 1
        (1, 1, 0.2065, 1.0),  # n = 1
        (0, 1, 0.0, 0.7935),
        (102, 283, 0.3067, 0.4179),  # the report's 36%
        (5, 10, 0.2366, 0.7634),
    ],
)
def test_wilson_golden_values(k, n, lo, hi):
    got = stats.wilson(k, n)
    assert got == pytest.approx((lo, hi), abs=5e-5)


def test_wilson_is_nan_without_responses_and_rejects_impossible_counts():
    assert all(math.isnan(x) for x in stats.wilson(0, 0))
    with pytest.raises(ValueError):
        stats.wilson(11, 10)


def test_wilson_narrows_with_lower_confidence():
    lo95, hi95 = stats.wilson(30, 100, 0.95)
    lo80, hi80 = stats.wilson(30, 100, 0.80)
    assert lo95 < lo80 < 0.3 < hi80 < hi95


def test_mean_interval_golden_and_edge_cases():
    mean, lo, hi = stats.mean_interval([1, 2, 3, 4, 5])
    assert (mean, lo, hi) == pytest.approx((3.0, 1.0367, 4.9633), abs=1e-4)
    assert stats.mean_interval([4])[0] == 4 and math.isnan(stats.mean_interval([4])[1])
    assert stats.mean_interval_from_sums(5, 15, 55) == pytest.approx(stats.mean_interval([1, 2, 3, 4, 5]))


@pytest.mark.parametrize(
    ("lo", "hi", "uk", "expected"),
    [
        (0.4, 0.6, 0.36, "higher"),
        (0.1, 0.3, 0.36, "lower"),
        (0.3, 0.4, 0.36, "similar"),
        (0.36, 0.5, 0.36, "similar"),
    ],
)
def test_compare_like_fingertips(lo, hi, uk, expected):
    assert stats.compare(lo, hi, uk) == expected
