"""Tables built from indicator tables for people to read and download: the one tidy CSV shape (areas ranked for a
bar chart are in :mod:`gapmap.present.ranking`, one area's profile in :mod:`gapmap.present.profile`).

>>> from gapmap.measures.compute import indicator_table
>>> t = indicator_table("children_0_2_no_team", level="nation")
>>> list(tidy_frame(t).columns[:6])
['indicator', 'indicator_title', 'level', 'area_code', 'area_name', 'unit']
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gapmap.measures.indicators import IndicatorTable
from gapmap.present.ranking import Ranked as Ranked  # re-exported: ranked lists were first made here
from gapmap.present.ranking import ranked as ranked

if TYPE_CHECKING:
    from gapmap.measures.trend import CoverageTrend

# Every download (app and CLI) has these columns, in this order. The README's data dictionary documents each one
# (a test checks it does).
TIDY_COLUMNS = [
    "indicator",
    "indicator_title",
    "level",
    "area_code",
    "area_name",
    "unit",
    "value",
    "lower",
    "upper",
    "confidence_level",
    "n",
    "n_meaning",
    "k",
    "comparison",
    "comparison_level",
    "polarity",
    "suppressed",
    "suppressed_reason",
    "category",
    "nearest_team",
    "nearest_team_km",
    "neighbours_served",
    "age_group",
    "profession",
    "filters",
    "source",
    "synthetic",
    "generated_at",
]

DECIMALS = 4  # values are proportions (0.3612), means (3.2700) or rates: four places keep every shown digit


def _filters(table: IndicatorTable) -> str:
    parts = []
    if table.indicator.per_age_group and table.age_group:
        parts.append(f"age group {table.age_group}")
    if table.profession:
        parts.append(f"profession: {table.profession}")
    if table.indicator.from_survey and table.indicator.kind != "count":
        parts.append(f"minimum base {table.min_base}")
    if table.indicator.from_teams:
        parts.append(table.source)
    return "; ".join(parts)


def source_text(table: IndicatorTable) -> str:
    """Where the numbers come from, saying 'synthetic sample' when they do."""
    return f"synthetic sample ({table.source})" if table.synthetic else table.source


def now_stamp() -> str:
    """The time a download is made, in UTC to the second: '2026-11-23T16:40:00Z'."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _tidy_columns(table: IndicatorTable, stamp: str) -> dict[str, list[Any]]:
    """The table's rows in the tidy shape, as plain column lists (the benchmark row last, unless it is one of the
    level's areas: Scotland among the nations)."""
    ind = table.indicator
    f = table.frame
    last = (f["area_code"] == table.population.code).to_numpy() & (not table.benchmark_is_area)
    order = np.concatenate([np.flatnonzero(~last), np.flatnonzero(last)])
    rows = len(order)

    def col(name: str) -> np.ndarray:
        return f[name].to_numpy()[order]

    def rounded(name: str) -> list[float]:
        return np.round(f[name].to_numpy(dtype=float, na_value=np.nan)[order], DECIMALS).tolist()

    def text(name: str) -> list[str]:  # a missing text is an empty cell, as in every other column
        return [
            "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in col(name)
        ]

    has_interval = ind.from_survey and ind.kind != "count"
    comparison = text("comparison")
    k = f["k"].astype("Int64")
    codes = col("area_code").tolist()
    local = table.local.set_index("area_code") if table.local is not None else pd.DataFrame()
    near = local.reindex(codes) if len(local) else pd.DataFrame(index=codes)

    def local_col(name: str, blank: Any) -> list[Any]:
        if name not in near:
            return [blank] * rows
        return [blank if pd.isna(v) else v for v in near[name].tolist()]

    return {
        "indicator": [ind.id] * rows,
        "indicator_title": [table.title] * rows,
        "level": [table.level] * rows,
        "area_code": col("area_code").tolist(),
        "area_name": col("area_name").tolist(),
        "unit": [ind.unit] * rows,
        "value": rounded("value"),
        "lower": rounded("lo"),
        "upper": rounded("hi"),
        "confidence_level": [table.confidence if has_interval else np.nan] * rows,
        "n": f["n"].to_numpy(dtype="int64")[order].tolist(),
        "n_meaning": [ind.n_meaning] * rows,
        "k": [None if v is pd.NA else int(v) for v in k.to_numpy(dtype=object)[order]],
        "comparison": comparison,
        "comparison_level": [table.comparison_level if c else np.nan for c in comparison],
        "polarity": [ind.polarity or "none"] * rows,
        "suppressed": col("suppressed").astype(bool).tolist(),
        "suppressed_reason": text("suppressed_reason"),
        "category": text("category"),
        "nearest_team": local_col("nearest_team", ""),
        "nearest_team_km": local_col("nearest_team_km", np.nan),
        "neighbours_served": local_col("neighbours_served", None),
        "age_group": [table.age_group or ""] * rows,
        "profession": [table.profession or ""] * rows,
        "filters": [_filters(table)] * rows,
        "source": [source_text(table)] * rows,
        "synthetic": [bool(table.synthetic)] * rows,
        "generated_at": [stamp] * rows,
    }


def tidy_frames(tables: list[IndicatorTable], generated_at: str | None = None) -> pd.DataFrame:
    """Tables stacked in the one shape every download has (TIDY_COLUMNS), rounded to DECIMALS places, each with
    its benchmark row (the UK's, or the one nation's a layer covers) last. Built column by column in one go (a frame per table and a concatenation cost more than the
    computing for a whole survey's indicators)."""
    stamp = generated_at or now_stamp()
    columns: dict[str, list[Any]] = {c: [] for c in TIDY_COLUMNS}
    for table in tables:
        for name, values in _tidy_columns(table, stamp).items():
            columns[name].extend(values)
    out = pd.DataFrame(columns)
    for name in ("value", "lower", "upper", "confidence_level", "comparison_level"):
        out[name] = out[name].astype(float)
    out["n"] = out["n"].astype("int64")
    out["k"] = out["k"].astype("Int64")
    out["nearest_team_km"] = out["nearest_team_km"].astype(float)
    out["neighbours_served"] = out["neighbours_served"].astype("Int64")
    out["suppressed"] = out["suppressed"].astype(bool)
    out["synthetic"] = out["synthetic"].astype(bool)
    return out


def tidy_frame(table: IndicatorTable, generated_at: str | None = None) -> pd.DataFrame:
    """The table in the one shape every download has (TIDY_COLUMNS), rounded to DECIMALS places; the benchmark
    row (the UK's, or the one nation's a layer covers: S92000003 Scotland) last.

    >>> from gapmap.measures.compute import indicator_table
    >>> tidy_frame(indicator_table("scotland_infant_mh", level="nhs")).iloc[-1][["area_code", "area_name"]].tolist()
    ['S92000003', 'Scotland']
    """
    return tidy_frames([table], generated_at)


TREND_COLUMNS = ["period", *TIDY_COLUMNS, "basis"]


def trend_frame(trend: CoverageTrend) -> pd.DataFrame:
    """Every area of a trend's level (and the UK) in every year: the tidy columns, ``period`` (the year) first and
    ``basis`` (what a year's count is of) last, oldest year first."""
    stamp = now_stamp()
    frames = [
        tidy_frame(t, stamp).assign(period=year) for year, t in zip(trend.years, trend.tables, strict=True)
    ]
    return pd.concat(frames, ignore_index=True).assign(basis=trend.basis)[TREND_COLUMNS]


def export_frame(table: IndicatorTable, decimals: int | None = 4) -> pd.DataFrame:
    """The table's own columns (COLUMNS) with the selection (level, age_group, profession) and 'source', for
    display; downloads use :func:`tidy_frame`."""
    out = table.frame.copy()
    if decimals is not None:
        out[["value", "lo", "hi"]] = out[["value", "lo", "hi"]].round(decimals)
    out["level"] = table.level
    out["age_group"] = table.age_group or ""
    out["profession"] = table.profession or ""
    out["source"] = source_text(table)
    return out


# The teams store's history (Store.history) as people read it: each heading in words, in this order.
HISTORY_COLUMNS = {
    "id": "Batch",
    "kind": "Kind",
    "rows_added": "Teams added",
    "rows_rejected": "Rows rejected",
    "created_at": "When",
    "file_name": "File",
    "by": "By",
    "undone_at": "Undone",
    "detail": "Details",
}


def _when(value: object) -> str:
    """An ISO timestamp as '3 Dec 2026, 18:07 UTC'; '' where there is none."""
    if value is None or value != value or value == "":  # None, NaN
        return ""
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{t.day} {t:%b %Y, %H:%M} UTC"


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Every batch of the teams store, newest first, with headings in words, times in words, counts as whole
    numbers and blanks where there is nothing (no 'None', no '3.0'); an undone batch says when and by which batch.

    >>> import pandas as pd
    >>> h = pd.DataFrame([{"id": 1, "kind": "seed", "rows_added": 38.0, "rows_rejected": 0, "created_at":
    ...     "2026-01-02T03:04:05+00:00", "file_name": "teams.csv", "by": None, "undone_at": None, "undone_by": None,
    ...     "detail": ""}])
    >>> history_table(h).iloc[0].to_dict()["When"], int(history_table(h).iloc[0]["Teams added"])
    ('2 Jan 2026, 03:04 UTC', 38)
    """
    frame = history.sort_values("id", ascending=False, kind="stable")
    out = pd.DataFrame(index=frame.index)
    for col, heading in HISTORY_COLUMNS.items():
        if col in ("id", "rows_added", "rows_rejected"):
            out[heading] = pd.to_numeric(frame[col]).astype("Int64")
        elif col in ("created_at", "undone_at"):
            out[heading] = [_when(v) for v in frame[col].tolist()]
        else:
            out[heading] = frame[col].fillna("").astype(str)
    undone_by = pd.to_numeric(frame["undone_by"]).astype("Int64")
    out["Undone"] = [
        f"{when} (batch {int(b)})" if when and b is not pd.NA else when
        for when, b in zip(out["Undone"].tolist(), undone_by.tolist(), strict=True)
    ]
    return out.reset_index(drop=True)
