"""Areas ranked for a bar chart or table, in one of three orders: largest gap first (the default for coverage:
the children aged 0-2 where no known team serves; for a survey indicator, the value in the worse direction), best
first, or by name; and the areas left out, with the reason.

>>> from gapmap.measures.compute import indicator_table
>>> ranked(indicator_table("children_0_2_no_team", level="la")).shown["area_name"].tolist()[:3]
['Birmingham', 'Manchester', 'Sheffield']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from gapmap.measures.indicators import IndicatorTable

# How a ranked chart or table can be sorted ('gap' is the default for coverage; see default_sort).
SORTS = {
    "gap": "largest gap first",
    "best": "best first",
    "name": "by name",
}


def default_sort(indicator_id: str) -> str:
    """'gap' for coverage (the children where no known team serves), 'best' for every other indicator.

    >>> default_sort("children_0_2_no_team"), default_sort("services_0_2_definitely")
    ('gap', 'best')
    """
    from gapmap.measures.indicators import INDICATORS

    return "gap" if INDICATORS[indicator_id].kind == "coverage" else "best"


def check_sort(sort: str, column: str = "--sort") -> str:
    """The sort, or an InputError listing the choices."""
    if sort not in SORTS:
        from gapmap.problems import InputError, Issue

        choices = "; ".join(f"{k} ({v})" for k, v in SORTS.items())
        raise InputError(
            [Issue(None, column, sort, f"Expected one of: {choices}; found '{sort}'. Fix: use one of them.")]
        )
    return sort


def sort_words(table: IndicatorTable, sort: str) -> str:
    """How the order reads in a subtitle: 'largest gap first (most children aged 0-2 where no known team serves)'.

    >>> from gapmap.measures.compute import indicator_table
    >>> sort_words(indicator_table("services_0_2_definitely"), "gap")
    'largest gap first (lowest value first)'
    """
    ind = table.indicator
    if sort == "name":
        return "by name"
    if sort == "best":
        return "best first" if ind.polarity else "highest first"
    if ind.kind == "coverage":
        return "largest gap first (most children aged 0-2 where no known team serves)"
    if ind.polarity == "higher_better":
        return "largest gap first (lowest value first)"
    if ind.polarity == "lower_better":
        return "largest gap first (highest value first)"
    return "highest first"


def gap_counts(r: Ranked) -> bool:
    """Whether a ranked chart draws the children in the gap (coverage, largest gap first) rather than the share."""
    return r.sort == "gap" and r.table.indicator.kind == "coverage"


@dataclass(frozen=True)
class Ranked:
    """Areas with a value in the chosen order (:data:`SORTS`), and those left out with the reason. The
    reference values (``uk_*``) are the benchmark's: the UK's, or the nation's a one-nation layer covers."""

    table: IndicatorTable
    shown: pd.DataFrame  # area_code, area_name, value, lo, hi, n, comparison
    hidden: pd.DataFrame  # area_code, area_name, reason
    uk_value: float
    uk_lo: float
    uk_hi: float
    # Areas of the population the source says nothing of (a Scottish board with no sourced status): charted as
    # rows without a bar, never as 0. Columns area_code, area_name, n, category.
    no_value: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["area_code", "area_name", "n", "category"])
    )
    sort: str = "best"

    @property
    def benchmark_label(self) -> str:
        """How the reference line is named: 'UK', or 'Scotland' for a Scotland-only layer."""
        return self.table.population.label


NOT_APPLICABLE = "not applicable"


def _hidden_reason(row: pd.Series, table: IndicatorTable) -> str:
    category = str(row["category"])
    if category and not row["suppressed"]:  # a layer's own words: not applicable, no data, not confirmed
        return category[0].lower() + category[1:]
    if not table.population.covers(str(row["area_code"])):
        return f"{NOT_APPLICABLE}: outside {table.population.name}"
    if row["suppressed_reason"] == "secondary":
        return "hidden to stop a suppressed value being worked out by subtraction"
    if row["suppressed"]:
        return f"fewer than {table.min_base} responses"
    if row["n"] == 0:
        return "no responses" if table.indicator.from_survey else "no data"
    return "no value"


def ranked(table: IndicatorTable, sort: str | None = None) -> Ranked:
    """The areas of a table sorted for a ranked bar chart: ``sort`` one of :data:`SORTS` (default
    :func:`default_sort`). Largest gap first is, for coverage, most children aged 0-2 where no known team serves
    (so areas every child of which is served come last, never first); for other indicators, the value in the worse
    direction first, larger bases first among equal values.

    >>> from gapmap.measures.compute import indicator_table
    >>> r = ranked(indicator_table("children_0_2_no_team", level="nation"), "best")
    >>> r.shown["area_name"].tolist()[0]  # lower is better: the best-served nation first
    'Scotland'
    >>> ranked(indicator_table("children_0_2_no_team", level="nation")).shown["area_name"].tolist()[0]
    'England'
    """
    sort = check_sort(sort or default_sort(table.indicator.id))
    a = table.areas
    has_value = a["value"].notna() & ~a["suppressed"]
    shown = a.loc[has_value, ["area_code", "area_name", "value", "lo", "hi", "n", "k", "comparison"]].copy()
    shown = _sorted(shown, table, sort)
    applicable = table.applicable
    no_value = ~has_value & ~a["suppressed"] & applicable & (a["category"].astype(str) != "")
    hidden = a.loc[~has_value & ~no_value, ["area_code", "area_name"]].copy()
    hidden["reason"] = [_hidden_reason(r, table) for _, r in a.loc[~has_value & ~no_value].iterrows()]
    empty = a.loc[no_value, ["area_code", "area_name", "n", "category"]].sort_values("area_name")
    uk = table.benchmark
    return Ranked(
        table,
        shown.reset_index(drop=True),
        hidden.sort_values("area_name").reset_index(drop=True),
        float(uk["value"]),
        float(uk["lo"]),
        float(uk["hi"]),
        empty.reset_index(drop=True),
        sort,
    )


def _sorted(shown: pd.DataFrame, table: IndicatorTable, sort: str) -> pd.DataFrame:
    polarity = table.indicator.polarity
    if sort == "name":
        return shown.sort_values("area_name", kind="stable")
    if sort == "best":
        ascending = polarity == "lower_better"
        return shown.sort_values(["value", "area_name"], ascending=[ascending, True], kind="stable")
    if table.indicator.kind == "coverage":
        gap = shown["k"].astype("float64").fillna(0.0)
        keyed = shown.assign(_gap=gap)
        return keyed.sort_values(
            ["_gap", "value", "area_name"], ascending=[False, False, True], kind="stable"
        ).drop(columns="_gap")
    worse_low = polarity == "higher_better"
    return shown.sort_values(["value", "n", "area_name"], ascending=[worse_low, False, True], kind="stable")
