"""The map page's "change since WAVE" view, without Streamlit: the change table as the page shows it, the change
map (browser and file) and an area's changes for its profile. The pages cache and show these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.app.views import LevelShapes, image_bytes, settings_for
from gapmap.measures.indicators import format_value
from gapmap.settings import Settings

if TYPE_CHECKING:
    from gapmap.app.state import View
    from gapmap.measures.waves import ChangeTable
    from gapmap.present.mapspec import MapSpec
    from gapmap.survey.validate import Responses


CHANGE_DISPLAY = {  # change-table column -> the app's heading
    "area_name": "Area",
    "n_from": "n (from)",
    "value_from": "From",
    "n_to": "n (to)",
    "value_to": "To",
    "change": "Change",
    "change_interval": "95% interval",
    "change_flag": "Flag",
    "suppressed_reason": "Suppressed",
}


def between(lo: str, hi: str) -> str:
    """An interval as the tables show it, its unit said once: '-3.4 to +32.5 points'.

    >>> between("-3.4 points", "+32.5 points"), between("-0.12", "+0.40")
    ('-3.4 to +32.5 points', '-0.12 to +0.40')
    """
    return f"{lo.removesuffix(' points')} to {hi}"


def hidden_in(reason: str, labels: tuple[str, str]) -> str:
    """The waves that hide an area, as the "Suppressed" column shows them under its heading "Suppressed in wave"
    ('2021', 'both'): short enough for the column at 1366 pixels wide; the CSV keeps the sentence.

    >>> labels = ("2021", "2024 (synthetic)")
    >>> [hidden_in(f"suppressed in wave {w}", labels) for w in ("2024 (synthetic)", "2021 and 2024 (synthetic)")]
    ['2024 (synthetic)', 'both']
    """
    waves = reason.removeprefix("suppressed in wave ")
    return "both" if waves == " and ".join(labels) else waves


def change_view(
    first: Responses,
    second: Responses,
    labels: tuple[str, str],
    indicator: str,
    view: View,
    settings: Settings,
) -> tuple[Any, pd.DataFrame]:
    """The change in a survey indicator from ``first`` to ``second`` for the view's level (its minimum base and
    comparison level), and the table the app shows (values and intervals as text; the CSV keeps the numbers).

    >>> from gapmap.app.state import View
    >>> from gapmap.survey.validate import load_survey
    >>> s = Settings()
    >>> t, shown = change_view(load_survey(), load_survey("data/sample_survey_wave2.csv"), ("2021", "2024"),
    ...                        "sufficient_provision", View(level="nation"), s)
    >>> shown.iloc[-1][["Area", "Change", "Flag"]].tolist()
    ['United Kingdom', '+13.2 points', 'better']
    """
    from gapmap.measures import waves
    from gapmap.measures.indicators import INDICATORS

    both = waves.Waves({labels[0]: first, labels[1]: second})
    table = waves.change_table(both, indicator, settings_for(view, settings), view.level_or_default)
    ind = INDICATORS[indicator]

    def diff(v: object) -> str:
        if pd.isna(v):  # type: ignore[call-overload]
            return ""
        x = float(v)  # type: ignore[arg-type]
        return f"{100 * x:+.1f} points" if ind.kind == "proportion" else f"{x:+.2f}"

    f = table.frame.copy()
    f["value_from"] = [format_value(ind, v) for v in f["value_from"]]
    f["value_to"] = [format_value(ind, v) for v in f["value_to"]]
    f["change_interval"] = [
        between(diff(lo), diff(hi)) if not pd.isna(lo) else ""
        for lo, hi in zip(f["change_lower"], f["change_upper"], strict=True)
    ]
    f["change"] = [diff(v) for v in f["change"]]
    f["suppressed_reason"] = [hidden_in(str(r), labels) for r in f["suppressed_reason"]]
    return table, f[list(CHANGE_DISPLAY)].rename(columns=CHANGE_DISPLAY)


def change_spec(
    table: ChangeTable, view: View, settings: Settings, shapes: LevelShapes | None = None
) -> MapSpec:
    """The "change since WAVE" map of ``table``: on ``shapes`` (the browser's simplified level) or, without them,
    on the full-detail boundaries (or hexagons) a file is drawn with.

    >>> from gapmap.app.state import View
    >>> from gapmap.survey.validate import load_survey
    >>> s = Settings()
    >>> t, _ = change_view(load_survey(), load_survey("data/sample_survey_wave2.csv"), ("2021", "2024"),
    ...                    "sufficient_provision", View(level="nation"), s)
    >>> change_spec(t, View(level="nation"), s).extra["colour_by"]
    'change'
    """
    from gapmap.present.changemap import change_map_spec

    s = settings_for(view, settings)
    return change_map_spec(table, s, None if shapes is None else shapes.boundaries, view.shape)


def change_file(table: ChangeTable, view: View, settings: Settings, fmt: str, csv_name: str) -> bytes:
    """The change map as ``gapmap change --map`` draws it, as PNG, SVG or PDF bytes; its "Full data" line names
    the change CSV offered beside it."""
    from gapmap.render import exports

    spec = change_spec(table, view, settings)
    return image_bytes(
        lambda path: exports.write_change_map(table, spec, path, fmt, csv_name=csv_name),
        csv_name.removesuffix(".csv") + f".{fmt}",
    )


def area_changes(
    first: Responses,
    second: Responses,
    labels: tuple[str, str],
    area_code: str,
    level: str,
    settings: Settings,
) -> pd.DataFrame:
    """One area's change in every survey indicator both waves can give (the profile page's table): each
    indicator's change, interval and flag, '' where either wave hides the area; the indicators left out (a
    question not asked in both waves) are not rows.

    >>> from gapmap.survey.validate import load_survey
    >>> t = area_changes(load_survey(), load_survey("data/sample_survey_wave2.csv"), ("2021", "2024"),
    ...                  "K02000001", "nation", Settings())
    >>> t.loc[t["Indicator"].str.contains("referrals at age two"), ["Change", "Flag"]].values.tolist()
    [['+17.7 points', 'better']]
    """
    from gapmap.measures import waves

    both = waves.Waves({labels[0]: first, labels[1]: second})
    shared, _ = waves.comparable(waves.survey_change_ids(), first, second)
    rows = []
    for i in shared:
        t = waves.change_table(both, i, settings, level)
        f = t.frame.loc[t.frame["area_code"] == area_code]
        if f.empty:
            continue
        r = f.iloc[-1]
        ind = t.indicator
        hidden = bool(r["suppressed"])

        def diff(v: float, kind: str = ind.kind) -> str:
            return f"{100 * v:+.1f} points" if kind == "proportion" else f"{v:+.2f}"

        rows.append(
            {
                "Indicator": t.after.title,
                labels[0]: "" if hidden else format_value(ind, r["value_from"]),
                labels[1]: "" if hidden else format_value(ind, r["value_to"]),
                "Change": "" if hidden else diff(float(r["change"])),
                "95% interval": ""
                if hidden
                else between(diff(float(r["change_lower"])), diff(float(r["change_upper"]))),
                "Flag": "" if hidden else str(r["change_flag"]),
                "Suppressed": hidden_in(str(r["suppressed_reason"]), labels),
            }
        )
    return pd.DataFrame(rows)
