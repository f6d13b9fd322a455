"""The map page's "Over the years" section: a teams indicator year by year (the area found, else the UK, against its
parent and the UK, the "teams known by" year marked), or for a survey indicator the change since another wave."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from gapmap import safetext
from gapmap.app import change, state
from gapmap.app.pages import common
from gapmap.files import io, readers
from gapmap.geo.levels import LEVELS
from gapmap.measures.indicators import INDICATORS
from gapmap.measures.survey_indicators import Unavailable


def over_the_years(
    view: state.View,
    focus: list[str],
    version: str,
    url: str,
    responses: Any,
    data_key: str,
    draw_change: Callable[[state.View, str], None],
) -> None:
    """A teams indicator year by year for the area found (else the UK), against its parent and the UK, with the
    "teams known by" year marked; survey indicators say how waves are compared."""
    from gapmap.measures.trend import TREND_KINDS
    from gapmap.render import vega_trend

    ind = INDICATORS[view.indicator]
    st.subheader("Over the years")
    if ind.kind not in TREND_KINDS:
        if ind.kind in ("proportion", "mean"):
            change_since(view, responses, data_key, draw_change)
        return
    code = focus[0] if len(focus) == 1 else ""
    spec = common.trend(view.indicator, view.level_or_default, code, version, url)
    # The chart's description is its alt text (the trend spec's), read by screen readers as its name.
    st.vega_lite_chart(vega_trend.trend_chart(spec, view.known_by or None), width="stretch")
    for note, _ in spec.short_notes:
        st.caption(safetext.markdown(note))


def change_since(
    view: state.View, responses: Any, data_key: str, draw_change: Callable[[state.View, str], None]
) -> None:
    """A survey indicator compared with a second wave, area by area: the bundled synthetic second wave or an
    uploaded one; the "change since" map (``draw_change`` draws its styling), the change, its 95% interval and a
    flag only where the interval excludes zero, and the map and table as files."""
    st.caption(
        "One survey wave is mapped. Compare it with a second wave: the change in each area, its 95% interval, and "
        "a flag only where the interval at the comparison level excludes zero (`gapmap change` does the same)."
    )
    choice = st.radio(
        "Second wave",
        ["none", "bundled", "upload"],
        format_func={
            "none": "None",
            "bundled": "Bundled synthetic second wave",
            "upload": "Upload a second wave",
        }.__getitem__,
        index=1 if view.wave == "bundled" else 0,  # a link with wave=bundled opens the comparison
        horizontal=True,
        key="second_wave",
    )
    if choice == "none":
        return
    settings = common.settings()
    if choice == "bundled":
        second_key = "wave2"
        second = common.load_responses(second_key, str(settings.second_wave_path), None)
        label = "2024 (synthetic)"
    else:
        upload = st.file_uploader("Second wave (CSV or XLSX)", type=["csv", "xlsx"], key="wave_upload")
        label = st.text_input("Its label", value="second wave", max_chars=40, key="wave_label").strip()
        if upload is None:
            return
        readers.check_size(upload.size, upload.name, settings)
        second_key = state.digest(upload.getbuffer())
        second = common.load_responses(second_key, upload.name, upload)
    first_label = "2021" if not responses.supplied_by else "first wave"
    try:
        table, shown = common.change(
            f"{data_key}|{second_key}", view, responses, second, (first_label, label or "second wave")
        )
    except Unavailable as exc:
        st.info(safetext.markdown(f"Not in both waves: {exc}."))
        return
    if table.frame["synthetic"].any():
        st.warning("**Synthetic**: at least one wave is a synthetic sample, not real answers.", icon="⚠️")
    key = f"{data_key}|{second_key}|{view.computed()}|{table.wave_from}|{table.wave_to}"
    level = LEVELS[view.level_or_default]
    areas = table.frame.loc[table.frame["area_code"] != table.before.population.code]
    if areas["suppressed"].all():  # nothing to colour: say why and where to look, not an all-grey map
        st.info(
            f"No {level.word} shows a change: in at least one wave every {level.word} has fewer than "
            f"{table.after.min_base} responses, or is hidden to protect one that has. The UK's change is in the "
            "table; choose a larger level (Region) for a map.",
            icon="ℹ️",
        )
    else:
        spec = change.change_spec(table, view, common.settings(), common.level_shapes(level.id, view.shape))
        st.markdown(f"**{safetext.markdown(spec.title)}**")
        draw_change(view, common.change_style(key, table, view))
        st.caption(safetext.markdown(spec.alt_text) + " Every change is in the table below.")
        st.caption(safetext.markdown(spec.subtitle + " " + spec.base_note))
    st.markdown(f"**Change since {safetext.markdown(table.wave_from)}**")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=common.CHANGE_COLUMNS)
    at = f"{100 * float(table.frame['comparison_level'].iloc[0]):g}%"
    st.caption(
        f"Flag at the {at} comparison level: better or worse (by the indicator's polarity) only when the interval "
        "excludes zero; otherwise no evidence of change. A change is shown only where both waves show the area."
    )
    csv_name = f"{view.indicator}.change.{view.level_or_default}.csv"
    row = st.columns(4)
    row[0].download_button(
        "Download change (CSV)", io.csv_text(table.frame), csv_name, "text/csv", on_click="ignore"
    )
    for i, (fmt, mime) in enumerate(
        (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf"))
    ):
        row[i + 1].download_button(
            f"Download change map ({fmt.upper()})",
            _change_file(key, fmt, table, view, csv_name),
            csv_name.removesuffix(".csv") + f".{fmt}",
            mime,
            key=f"dl_change_{fmt}",
            on_click="ignore",
        )


def _change_file(key: str, fmt: str, table: Any, view: state.View, csv_name: str) -> Callable[[], bytes]:
    """The change map's file, made only when its button is pressed."""
    return lambda: common.change_file(key, fmt, table, view, csv_name)
