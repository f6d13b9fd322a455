"""The area profile page (``?page=profile&area=...``): every indicator for one area against the UK, as a table
and a spine chart (the level's range, its middle half, the UK at the centre, the area as a dot)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gapmap import safetext
from gapmap.app import state, views
from gapmap.app.pages import common
from gapmap.files import io
from gapmap.geo import areas
from gapmap.geo.find import find_area
from gapmap.geo.levels import LEVELS


def _choose_area(view: state.View) -> tuple[str, str]:
    """The level and the area's code the user chose ('' until one is chosen)."""
    settings = common.settings()
    t = areas.table(settings.boundaries_dir)
    with st.sidebar:
        levels = list(LEVELS)
        given_level = t.level_of(view.area) or view.level_or_default
        level = st.selectbox(
            "Areas",
            levels,
            index=levels.index(given_level) if given_level in levels else 1,
            format_func=lambda lv: LEVELS[lv].menu,
            key="profile_level",
        )
        text = st.text_input(
            "Find an area",
            value="" if t.level_of(view.area) else view.area,
            placeholder="e.g. Cardiff, NHS Fife or KY1",
            key="profile_find",
            help="An area's name or GSS code, or a postcode district.",
        )
    codes = sorted(t.codes(level), key=lambda c: t.names.get(c, c))
    found = find_area(text, level, settings) if text.strip() else None
    if found and found.message:
        (st.success if found.codes else st.warning)(safetext.markdown(found.message))
    chosen = view.area if view.area in codes else (found.codes[0] if found and found.codes else None)
    code = st.selectbox(
        "Area",
        codes,
        index=codes.index(chosen) if chosen in codes else None,
        format_func=lambda c: t.names.get(c, c),
        placeholder="Choose or type an area's name",
        key=f"profile_area_{level}",
    )
    return level, code or ""


def page() -> None:
    common.page_style()
    view = state.View.from_query(dict(st.query_params))
    st.title("Area profile")
    st.caption(
        "Every indicator for one area against the UK: value, interval, n and the comparison, and a spine chart "
        "(grey: the range of the level's areas, darker: their middle half; the line is the UK; the dot is the area, "
        "on the better side to the right)."
    )
    level, code = _choose_area(view)
    with st.sidebar:
        levels_pc = list(state.COMPARISON_LEVELS)
        comparison = st.radio(
            "Comparison level",
            levels_pc,
            index=levels_pc.index(view.comparison),
            format_func=lambda p: f"{p}%",
            horizontal=True,
            key="profile_comparison",
        )
    query = {"page": "profile", "level": level} | ({"area": code} if code else {})
    if comparison != state.View().comparison:
        query["comparison"] = comparison
    if query != dict(st.query_params):
        st.query_params.from_dict(query)
    if not code:
        st.info("Choose an area to see every indicator for it.")
        return
    store, version = common.store_and_version()
    url = common.settings().teams_db_url
    pview = state.View(comparison=comparison).computed()
    prof = common.profile("sample", code, pview, common.sample_responses(), version, url)
    st.subheader(f"{prof.area_name} ({LEVELS[prof.level].word}, {prof.area_code})")
    if prof.synthetic:
        st.warning(
            "**Synthetic sample**: survey rows come from generated answers that match the report's UK figures; "
            "differences between areas are chance only.",
            icon="⚠️",
        )
    if prof.sentence:  # what a commissioner can quote, checked against the coverage table
        st.markdown(safetext.markdown(prof.sentence))
    for line in prof.local:
        st.caption(safetext.markdown(line))
    from gapmap.render import vega

    st.vega_lite_chart(
        vega.spine_chart(prof), width="stretch", alt=f"Spine chart of every indicator for {prof.area_name}"
    )
    # A table that wraps its cells: every title and the "synthetic sample" label whole at any width (a 1366-pixel
    # screen clipped the last columns of a canvas table). st.table reads Markdown: each cell escaped.
    st.table(views.profile_display(prof).map(safetext.markdown), hide_index=True)
    for missing in prof.unavailable:
        st.caption(safetext.markdown(f"Not available: {missing}."))
    _over_the_years(prof.area_code, prof.level, version, url)
    _change_since(prof.area_code, prof.area_name, prof.level, pview.comparison_level)

    def spine(fmt: str) -> Callable[[], bytes]:
        return lambda: common.profile_file(
            f"{prof.area_code}|{comparison}|{version}|{fmt}", fmt, prof, version, url
        )

    cols = st.columns(4)  # downloads do not rerun the page: see the map page's downloads
    for i, (fmt, mime) in enumerate(
        (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf"))
    ):
        cols[i + 1].download_button(
            f"Download spine chart ({fmt.upper()})",
            spine(fmt),
            views.profile_download_name(prof, fmt),  # as `gapmap profile` names it
            mime,
            key=f"dl_profile_{fmt}",
            on_click="ignore",
        )
    cols[0].download_button(
        "Download profile (CSV)",
        lambda: io.csv_text(views.profile_tidy(prof, common.sample_responses(), common.settings(), store)),
        views.profile_download_name(prof, "csv"),
        "text/csv",
        help="Every indicator for this area and the UK, in the same columns as every other download.",
        on_click="ignore",
    )


def _over_the_years(code: str, level: str, version: str, url: str) -> None:
    """The area's line of a teams indicator year by year against its parent and the UK."""
    from gapmap.measures.indicators import INDICATORS
    from gapmap.measures.trend import trend_indicators
    from gapmap.render import vega_trend

    st.subheader("Over the years")
    ids = trend_indicators()
    chosen = st.selectbox(
        "Indicator over the years",
        ids,
        index=ids.index("children_0_2_no_team") if "children_0_2_no_team" in ids else 0,
        format_func=lambda i: INDICATORS[i].title,
        key="profile_trend",
    )
    spec = common.trend(chosen, level, code, version, url)
    st.vega_lite_chart(vega_trend.trend_chart(spec), width="stretch")  # its description is the alt text
    for note, _ in spec.short_notes:
        st.caption(safetext.markdown(note))


def _change_since(code: str, name: str, level: str, comparison: float) -> None:
    """The area's change in every survey indicator since 2021, against the bundled synthetic second wave."""
    st.subheader("Change since 2021")
    if not st.toggle("Compare with the bundled synthetic second wave (2024)", key="profile_wave2"):
        st.caption(
            "Each survey indicator's change for this area between two waves, with its 95% interval and a flag only "
            "where the interval excludes zero. The map page compares an uploaded second wave too."
        )
        return
    settings = common.settings()
    second = common.load_responses("wave2", str(settings.second_wave_path), None)
    labels = ("2021", "2024 (synthetic)")
    table = common.area_changes(
        f"sample|wave2|{level}", common.sample_responses(), second, labels, code, level, comparison
    )
    st.warning("**Synthetic**: both waves are synthetic samples, not real answers.", icon="⚠️")
    st.dataframe(table, hide_index=True, width="stretch", column_config=common.CHANGE_COLUMNS)
    hidden = int((table["Suppressed"] != "").sum()) if len(table) else 0
    st.caption(
        safetext.markdown(
            f"{name}: a change is shown only where both waves show the area"
            + (
                f"; {hidden} of {len(table)} indicators are hidden here (too few responses in a wave)."
                if hidden
                else "."
            )
            + f" Flags at the {100 * comparison:g}% comparison level (the sidebar's): better or worse only when "
            "that interval excludes zero; the interval shown is 95%."
        )
    )
