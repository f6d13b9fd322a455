"""The map page: "Where are the gaps?" Headline, map and ranked chart side by side; the table and files below."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import streamlit as st
import streamlit.components.v1 as components

from gapmap import safetext
from gapmap.app import state
from gapmap.app.pages import common, downloads, over_time
from gapmap.files import readers
from gapmap.geo.find import find_area
from gapmap.geo.levels import LEVELS
from gapmap.measures.indicators import INDICATORS
from gapmap.measures.survey_indicators import Unavailable
from gapmap.present.ranking import SORTS, default_sort, ranked, sort_words
from gapmap.problems import InputError
from gapmap.render import web
from gapmap.settings import ROOT
from gapmap.survey.questions import AGE_GROUPS

# The map is a small Streamlit component of our own (render/gapmap_component.js): it keeps one Leaflet map per
# level in the browser and swaps only the styling when the indicator changes. Declared here, in the script's
# thread, as Streamlit serves a component only if it was declared there.
_map_component = components.declare_component(
    "folium_map", path=str(web.install_component(ROOT / "static" / "gapmap" / "component"))
)

TOP_BARS = 20  # the ranked chart's first view: the top 20 areas, the rest one toggle away
MAP_HEIGHT = 455  # px: with the headline above it, the map and chart fit a 1366×768 screen
CHANGE_MAP_HEIGHT = 420  # px: the "change since" map below, with its title and legend in view at 1366×768


def _indicator_changed() -> None:
    """Survey indicators open by region (as the survey asked), the real-data layers by NHS area; a level the
    user chose themselves (local authorities, say) stays chosen."""
    before = st.session_state.get("shown_indicator")
    if before is None or st.session_state.get("level") == state.default_level(before):
        st.session_state["level"] = state.default_level(st.session_state["indicator"])
    if before is None or st.session_state.get("sort") == default_sort(before):  # the new one's own order too
        st.session_state["sort"] = default_sort(st.session_state["indicator"])


def controls(view: state.View, where: Any) -> dict[str, Any]:
    """The sidebar (``where``: its container): every choice the URL holds, in the order people make them."""
    with where:
        ids = list(INDICATORS)
        indicator = st.selectbox(
            "Indicator",
            ids,
            index=ids.index(view.indicator),
            format_func=lambda i: INDICATORS[i].short or INDICATORS[i].title,
            key="indicator",
            on_change=_indicator_changed,
        )
        ind = INDICATORS[indicator]
        st.session_state["shown_indicator"] = indicator
        colour_by = st.radio(
            "Colour areas by",
            list(state.COLOUR_BY),
            index=list(state.COLOUR_BY).index(view.colour_by),
            format_func=state.COLOUR_BY.__getitem__,
            horizontal=True,
            key="colour_by",
            help="Compared with UK: whether the area's interval lies above, across or below the UK value, "
            "as OHID Fingertips shows it.",
        )
        sorts = list(SORTS)
        sort = st.radio(
            "Order of the ranked chart",
            sorts,
            index=sorts.index(view.sort or default_sort(indicator)),
            format_func=SORTS.__getitem__,
            horizontal=True,
            key="sort",
            help="Largest gap first: for coverage, the most children aged 0-2 where no known team serves; for a "
            "survey indicator, the value in the worse direction first.",
        )
        levels_pc = list(state.COMPARISON_LEVELS)
        comparison = st.radio(
            "Comparison level",
            levels_pc,
            index=levels_pc.index(view.comparison),
            format_func=lambda p: f"{p}%",
            horizontal=True,
            key="comparison",
            help="95% or the stricter 99.8% interval decides whether an area differs from the UK (as Fingertips).",
        )
        levels = list(LEVELS)
        level = st.selectbox(
            "Areas",
            levels,
            index=levels.index(view.level_or_default),
            format_func=lambda lv: LEVELS[lv].menu,
            key="level",
            help="Every level is built from local authorities; NHS areas and regions are best-fit unions of them.",
        )
        shape = st.radio(
            "Draw areas as",
            list(state.SHAPES),
            index=list(state.SHAPES).index(view.shape),
            format_func=state.SHAPES.__getitem__,
            horizontal=True,
            key="shape",
            help="Map: the areas' real boundaries. Hex: each area one hexagon of the same size, placed roughly "
            "where it lies, so small city areas are as easy to see and hover as large rural ones.",
        )
        area = st.text_input(
            "Find my area",
            value=view.area,
            key="area",
            placeholder="e.g. Cardiff, NHS Fife or KY1",
            help="An area's name or GSS code, or a postcode district: the map zooms to it and opens its values.",
        )
        ages = [a.id for a in AGE_GROUPS]
        age = st.selectbox(
            "Age group",
            ages,
            index=ages.index(view.age),
            format_func=lambda a: next(g.label for g in AGE_GROUPS if g.id == a),
            disabled=not ind.per_age_group,
            help="For questions asked about each age group.",
            key="age",
        )
        source = st.radio(
            "Survey answers",
            ["sample", "upload"],
            index=["sample", "upload"].index(view.source),
            format_func=lambda s: "Bundled synthetic sample" if s == "sample" else "Upload a survey file",
            key="source",
        )
        upload = None
        if source == "upload":
            upload = st.file_uploader(
                "Survey export (CSV or XLSX)", type=["csv", "xlsx"], key="survey_upload"
            )
        min_base = st.number_input(
            "Minimum responses per area",
            min_value=5,
            max_value=state.MIN_BASE_MAX,
            value=view.min_base,
            step=1,
            key="min_base",
            help="Areas with fewer responses are suppressed everywhere (never below 5).",
        )
        years = [0, *range(dt.date.today().year, state.FIRST_TEAM_YEAR - 1, -1)]
        known_by = st.selectbox(
            "Teams known by",
            years,
            index=years.index(view.known_by) if view.known_by in years else 0,
            format_func=lambda y: "Any year" if y == 0 else f"{y} (evidence by then)",
            key="known_by",
        )
        tiles = st.toggle(
            "OpenStreetMap background (needs internet)",
            value=view.tiles,
            key="tiles",
            disabled=shape == "hex",
            help="Not on a hex map: its hexagons are not drawn where the areas lie.",
        )
    return {
        "indicator": indicator,
        "sort": sort if sort != default_sort(indicator) else "",
        "colour_by": colour_by,
        "comparison": comparison,
        "level": level,
        "shape": shape,
        "area": area,
        "age": age,
        "source": source,
        "upload": upload,
        "min_base": int(min_base),
        "known_by": int(known_by),
        "tiles": bool(tiles),
    }


def from_view(view: state.View) -> dict[str, Any]:
    """What :func:`controls` returns on a session's first run, when every widget starts from the link."""
    years = [0, *range(dt.date.today().year, state.FIRST_TEAM_YEAR - 1, -1)]
    return {
        "indicator": view.indicator,
        "sort": view.sort,
        "colour_by": view.colour_by,
        "comparison": view.comparison,
        "level": view.level_or_default,
        "shape": view.shape,
        "area": view.area,
        "age": view.age,
        "source": view.source,
        "upload": None,
        "min_base": int(view.min_base),
        "known_by": int(view.known_by) if view.known_by in years else 0,
        "tiles": bool(view.tiles),
    }


def page() -> None:
    common.page_style()
    view = state.View.from_query(dict(st.query_params))
    st.title("Where are the gaps for babies and toddlers?")
    sidebar = st.sidebar.container()  # the controls' place, filled before or after the map (below)
    # A session's first run draws the map before the sidebar's controls: the browser then fetches the map's code
    # first rather than behind every widget's. Its choices are the link's, which the controls start from; should
    # they differ all the same, the page runs again with the controls' values.
    first = "indicator" not in st.session_state
    c = from_view(view) if first else controls(view, sidebar)
    shown = False
    try:
        main_area(view, c)
        shown = True
    finally:
        if first and (controls(view, sidebar) != c) and shown:
            st.rerun()


def main_area(view: state.View, c: dict[str, Any]) -> None:
    """Everything but the controls, for the choices ``c``."""
    settings = common.settings()
    _, version = common.store_and_version()
    url = settings.teams_db_url
    headline = st.empty()  # filled once the controls are read, so it never shows the previous choice
    level = c["level"] if c["level"] in LEVELS else view.level_or_default
    headline.markdown(f"**{common.headline(level, c['known_by'], version, url)}**")

    try:
        upload = c["upload"]
        if c["source"] == "upload" and upload is not None:
            readers.check_size(
                upload.size, upload.name, settings
            )  # gapmap's limit and message, not Streamlit's
            # Hashed in place, and the bytes copied only to parse a file not yet cached: nothing holds a copy after.
            data_key = state.digest(upload.getbuffer())
            responses = common.load_responses(data_key, upload.name, upload)
        else:
            if c["source"] == "upload":
                st.info("Upload a survey file to map it; until then the bundled synthetic sample is shown.")
            data_key = "sample"
            responses = common.sample_responses()
        professions = ["", *responses.professions()]
        with st.sidebar:
            profession = st.selectbox(
                "Profession",
                professions,
                index=professions.index(view.profession) if view.profession in professions else 0,
                format_func=lambda p: p or "All professions",
                key="profession",
            )
        new_view = state.View(
            c["indicator"],
            c["level"] if c["level"] != state.default_level(c["indicator"]) else "",
            c["area"].strip()[:100],
            c["age"],
            profession,
            c["min_base"],
            c["known_by"],
            c["source"],
            c["tiles"],
            c["colour_by"],
            c["comparison"],
            c["shape"],
            c["sort"],
            wave=_wave(view),
        )
        if new_view.to_query() != dict(st.query_params):
            st.query_params.from_dict(new_view.to_query())
        mv = common.map_view(data_key, new_view.computed(), responses, version, url)
        found = find_area(new_view.area, new_view.level_or_default, settings)
    except InputError as exc:
        common.show_problems(exc)
        return
    except Unavailable as exc:  # the uploaded file lacks this indicator's question: say so, not "went wrong"
        st.info(safetext.markdown(f"Not available for this file: {exc}.") + " Choose another indicator.")
        return

    table, spec = mv.table, mv.spec
    if table.synthetic:
        st.warning(
            "**Synthetic sample**: generated answers that match the report's UK figures; differences between "
            "areas are chance only.",
            icon="⚠️",
        )
    if mv.empty:  # says so first, above the map, with the level that works as a link
        link = ""
        if mv.working_level:
            query = new_view.to_query() | {"level": mv.working_level}
            link = f" [Show {LEVELS[mv.working_level].noun}](?{urlencode(query)})"
        st.info(safetext.markdown(mv.empty) + link, icon="ℹ️")
    if found.message:  # quotes what the user typed: text, not Markdown
        (st.success if found.codes else st.warning)(safetext.markdown(found.message))

    st.subheader(safetext.markdown(spec.title))  # names the chosen age group
    left, right = st.columns([11, 9], gap="small")
    with left:
        drawn = draw_map(mv, new_view, found.codes, version, url, data_key)
    # On a session's first page the map goes first: the chart library is heavy for a browser to load, so the chart
    # and everything below follow once the map says it is drawn (the rerun its signal brings). Under AppTest, which
    # runs no browser, everything is drawn at once.
    # Only a session's first run of the page holds them back: any later run (the map's own signal, or the user's
    # next choice if the map never sends one) draws them.
    first_run = not st.session_state.get("map_page_run")
    st.session_state["map_page_run"] = True
    if first_run and not drawn and common.real_server():
        with right:
            st.caption("The ranked chart follows once the map is drawn.")
        return
    if mv.empty:  # nothing to rank: the sentence above the map says why and where to look instead
        with right:
            st.caption("No area of this level has a value to chart: see the note above the map.")
        below_the_map(mv, new_view, responses, data_key, version, url, found.codes)
        return
    with right, st.container(height=MAP_HEIGHT, border=False, key="ranked"):
        from gapmap.render import vega

        order = new_view.sort_or_default
        r = mv.ranked if order == mv.ranked.sort else ranked(mv.table, order)
        limit = None
        if len(r.shown) > TOP_BARS:  # the top 20, the rest one click away
            every = st.toggle(f"Show all {len(r.shown):,} areas", key="all_bars")
            limit = None if every else TOP_BARS
            if limit:
                st.caption(f"The top {TOP_BARS} of {len(r.shown):,}, {sort_words(mv.table, order)}.")
        st.vega_lite_chart(
            vega.ranked_chart(r, mv.colours(), mv.spec.legend, limit),  # coloured as the map beside it
            width="stretch",
            alt=f"{spec.title}: areas ranked ({sort_words(mv.table, order)})",
        )
        if mv.hidden_note:
            st.caption(safetext.markdown(mv.hidden_note))
    below_the_map(mv, new_view, responses, data_key, version, url, found.codes)


def draw_map(mv: Any, view: state.View, focus: list[str], version: str, url: str, data_key: str) -> bool:
    """The map: the level's shapes and the teams are drawn once in the browser; only the styling changes.

    True once the browser has drawn it in this session (the component says so once, after its first drawing)."""
    level = view.level_or_default
    shapes = common.level_shapes(level, view.shape)
    teams = common.team_layer(view.known_by, version, url)
    style = common.map_style(f"{data_key}|{view.computed()}|{version}", mv, tuple(focus))
    drawn = _map_component(
        base=web.base_data(shapes.geojson, teams.records, view.tiles, shapes.outlines),
        base_key=f"{level}|{view.shape}|{view.known_by}|{version}|{view.tiles}",
        style=style,
        style_key=state.digest(style.encode()),
        height=MAP_HEIGHT,
        key="map",
        default=False,
    )
    return bool(drawn)


def _wave(view: state.View) -> str:
    """The second wave kept in the link: the bundled one once chosen below the map, else the link's own."""
    chosen = st.session_state.get("second_wave")
    if chosen is None:
        return view.wave
    return "bundled" if chosen == "bundled" else ""


def draw_change_map(view: state.View, style: str) -> None:
    """The "change since" map: the same component as the main map, on the view's level, without team points."""
    level = view.level_or_default
    shapes = common.level_shapes(level, view.shape)
    _map_component(
        base=web.base_data(shapes.geojson, [], view.tiles, shapes.outlines),
        base_key=f"change|{level}|{view.shape}|{view.tiles}",
        style=style,
        style_key=state.digest(style.encode()),
        height=CHANGE_MAP_HEIGHT,
        key="change_map",
        default=False,
    )


def below_the_map(
    mv: Any, view: state.View, responses: Any, data_key: str, version: str, url: str, focus: list[str]
) -> None:
    table, spec = mv.table, mv.spec
    # The map's text alternative, next to it: what it shows in words, and where every value is.
    st.caption(safetext.markdown(spec.alt_text) + " Every value is in [the table of areas](#areas) below.")
    st.caption(safetext.markdown(spec.subtitle))
    st.caption(safetext.markdown(spec.uk_note + " " + spec.base_note))  # names the profession chosen
    st.caption(safetext.markdown(spec.teams_note))
    for note in responses.notes:
        st.caption("Note: " + safetext.markdown(note))  # notes quote file headers: text, not Markdown
    if table.unplaced_note:
        st.info(safetext.markdown(table.unplaced_note))
    if len(focus) == 1:
        name = mv.spec.areas.set_index("area_code").loc[focus[0], "area_name"]
        st.page_link(
            common.get("profile"),
            label=f"Every indicator for {name}, against the UK",
            icon=":material/assignment:",
            query_params={"area": focus[0], "level": view.level_or_default},
        )

    over_time.over_the_years(view, focus, version, url, responses, data_key, draw_change_map)
    st.subheader("Areas", anchor="areas")
    st.caption("In the ranked chart's order; the UK (or the layer's nation) first.")
    st.dataframe(mv.areas_display, hide_index=True, width="stretch", column_config=common.NUMBER_COLUMNS)
    downloads.map_downloads(mv, view, data_key, version, url)
    st.text_area("Alt text (copy for reports and social media)", spec.alt_text, height=150)

    with st.expander("Parent-infant teams on the map"):
        st.table(common.teams_table(view.known_by, version, url))  # st.table renders Markdown: escaped
    # Drawn only when opened: three documents of tables are slow for a browser to lay out on every visit.
    about = st.expander("About the data", key="about", on_change="rerun")
    if about.open:
        with about:
            st.markdown(state.about_markdown(ROOT))
