"""Interval estimates for proportions (Wilson) and means (Student t), and the Fingertips-style comparison.

Knows nothing of pandas columns or geography: plain numbers in, plain numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

# scipy.special's quantile functions are what scipy.stats.norm.ppf and t.ppf call; importing them alone takes a
# fifth of the time of scipy.stats, which every gapmap command would otherwise pay at start.
from scipy.special import ndtri, stdtrit


@lru_cache(maxsize=64)
def z_for(confidence: float) -> float:
    """Two-sided normal quantile: 1.959964 for 0.95."""
    return float(ndtri(0.5 + confidence / 2))


@lru_cache(maxsize=4096)
def _t_for(confidence: float, df: int) -> float:
    return float(stdtrit(df, 0.5 + confidence / 2))


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n.

    >>> lo, hi = wilson(0, 10)
    >>> round(lo, 4), round(hi, 4)
    (0.0, 0.2775)
    """
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n; got k={k}, n={n}")
    z = z_for(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Clamp the exact ends: at k=0 and k=n the bound is 0 or 1, not a rounding neighbour of it.
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return (lo, hi)


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval of the mean; (mean, nan, nan) when fewer than two values.

    >>> m, lo, hi = mean_interval([1, 2, 3, 4, 5])
    >>> m, round(lo, 3), round(hi, 3)
    (3.0, 1.037, 4.963)
    """
    n = len(values)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = math.fsum(values) / n
    if n < 2:
        return (mean, math.nan, math.nan)
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    t = _t_for(confidence, n - 1)
    half = t * math.sqrt(var / n)
    return (mean, mean - half, mean + half)


def mean_interval_from_sums(
    n: int, total: float, total_sq: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """As :func:`mean_interval`, from n, sum and sum of squares (for grouped, vectorised callers)."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = total / n
    if n < 2:
        return (mean, math.nan, math.nan)
    var = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    t = _t_for(confidence, n - 1)
    half = t * math.sqrt(var / n)
    return (mean, mean - half, mean + half)


def compare(lo: float, hi: float, benchmark: float) -> str:
    """'higher', 'similar' or 'lower' than the benchmark, by whether the interval contains it (as OHID Fingertips).

    >>> compare(0.4, 0.6, 0.36), compare(0.2, 0.5, 0.36), compare(0.1, 0.3, 0.36)
    ('higher', 'similar', 'lower')
    """
    if any(math.isnan(x) for x in (lo, hi, benchmark)):
        return ""
    if lo > benchmark:
        return "higher"
    if hi < benchmark:
        return "lower"
    return "similar"


def newcombe_difference(
    k_from: int, n_from: int, k_to: int, n_to: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """The change in a proportion from one sample to another (``to`` minus ``from``) and its interval by
    Newcombe's hybrid score method (his method 10: from each proportion's Wilson interval, no continuity
    correction), as statsmodels' ``confint_proportions_2indep(method="newcomb")``.

    >>> d, lo, hi = newcombe_difference(148, 283, 200, 300)
    >>> round(d, 4), round(lo, 4), round(hi, 4)
    (0.1437, 0.064, 0.221)
    """
    if n_from <= 0 or n_to <= 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k_from / n_from, k_to / n_to
    l1, u1 = wilson(k_from, n_from, confidence)
    l2, u2 = wilson(k_to, n_to, confidence)
    d = p2 - p1
    return (d, d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))


def welch_difference(
    n_from: int,
    sum_from: float,
    sq_from: float,
    n_to: int,
    sum_to: float,
    sq_to: float,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """The change in a mean (``to`` minus ``from``) and its Welch interval (unequal variances, Welch-Satterthwaite
    degrees of freedom), from each sample's n, sum and sum of squares; no interval with fewer than two in either.

    >>> d, lo, hi = welch_difference(5, 15.0, 55.0, 4, 16.0, 74.0)  # [1, 2, 3, 4, 5] to [2, 3, 5, 6]
    >>> round(d, 4), round(lo, 4), round(hi, 4)
    (1.0, -1.8201, 3.8201)
    """
    if n_from <= 0 or n_to <= 0:
        return (math.nan, math.nan, math.nan)
    m1, m2 = sum_from / n_from, sum_to / n_to
    d = m2 - m1
    if n_from < 2 or n_to < 2:
        return (d, math.nan, math.nan)
    v1 = max(0.0, (sq_from - n_from * m1 * m1) / (n_from - 1)) / n_from
    v2 = max(0.0, (sq_to - n_to * m2 * m2) / (n_to - 1)) / n_to
    se = math.sqrt(v1 + v2)
    if se == 0:
        return (d, d, d)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n_from - 1) + v2 * v2 / (n_to - 1))
    half = float(stdtrit(df, 0.5 + confidence / 2)) * se
    return (d, d - half, d + half)
