"""What every page of the app shares: the caches (keyed on the teams store's version), problem and error display,
the page wrapper, and the warm-up that fills the caches in the background when the server first runs the app.

Caches hold objects, not copies (``st.cache_resource``): the views are never changed after they are built.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from gapmap import safetext
from gapmap.app import change as change_views
from gapmap.app import state, views
from gapmap.measures.coverage import coverage
from gapmap.present.profile import area_profile
from gapmap.problems import InputError, format_issues
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import load_survey
from gapmap.teams.store import DatabaseUnavailable, Store

log = logging.getLogger("gapmap.app")
WARM_MESSAGE = state.WARM_MESSAGE

CSS = """<style>
 .block-container { padding-top: 2.6rem !important; padding-bottom: 2rem !important;
   padding-left: 2rem !important; padding-right: 2rem !important; }
 h1 { font-size: 1.55rem !important; padding: 0 0 0.2rem 0 !important; }
 h3 { font-size: 1.1rem !important; padding: 0.2rem 0 0.1rem 0 !important; }
 [data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
 div[data-testid="stAlert"] > div { padding: 0.45rem 0.8rem; }
 /* The map and the ranked chart take the screen's height left under the headline (at least MAP_HEIGHT). */
 iframe[title="gapmap.app.pages.map.folium_map"], .st-key-ranked,
 [data-testid="stLayoutWrapper"]:has(> .st-key-ranked) {
   height: max(var(--gapmap-map-min), calc(100vh - var(--gapmap-map-offset))) !important; }
 :root { --gapmap-map-min: 420px; --gapmap-map-offset: 318px; }
 /* Contrast of at least 4.5:1 (WCAG 2.2 AA; axe checks it in tests/app/test_browser_accessibility.py): Streamlit's
    captions are faded to 60% opacity (3.9:1 on white), links in them lighter still, a disabled control's label #a8a7a5. */
 [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #555 !important; }
 [data-testid="stCaptionContainer"] p { color: #555 !important; }
 [data-testid="stCaptionContainer"] a { color: #0b4f8a !important; }
 [data-testid="stWidgetLabel"] p { color: #31333f !important; }
</style>"""


# Counts in the page's tables with thousands separators ("48,298"), still sorted as numbers when a column is clicked.
# Years and row numbers are labels, not counts: no comma.
NUMBER_COLUMNS = {
    **{
        c: st.column_config.NumberColumn(format="localized")
        for c in ("n", "Children aged 0-2", "Children counted")
    },
    **{c: st.column_config.NumberColumn(format="%d") for c in ("Row", "Evidence year")},
}

# The change tables' "Suppressed" cells name only the waves ("2021", "both"): the heading says the rest.
CHANGE_COLUMNS = {
    "Suppressed": st.column_config.TextColumn(
        "Suppressed in wave",
        help="The wave, or both, in which the area is hidden: too few responses, or hidden to protect an area "
        "that has them. No change is shown for it.",
    )
}


def page_style() -> None:
    """Tighter spacing, so the headline, map and chart fit a 1366×768 screen without scrolling."""
    st.html(CSS)


def show_problems(exc: InputError) -> None:
    st.error("The file could not be used. Fix these and upload it again:")
    # A code block shows the text as it is (no Markdown); long lines wrap instead of scrolling sideways.
    st.code(safetext.visible(format_issues(exc.issues)), language=None, wrap_lines=True)


def show_error(exc: Exception) -> None:
    """An unexpected error: a plain message for the user, the details (URLs, hosts, traceback) to the log."""
    log.error("unexpected error in the app", exc_info=exc)
    st.error(state.user_error_message(exc))


def safely(page: Callable[[], None]) -> Callable[[], None]:
    """Run a page; an unexpected error becomes a message, never a traceback in front of a user."""

    def run() -> None:
        try:
            page()
        # Before InputError: its message names the database host, which no visitor is shown.
        except DatabaseUnavailable as exc:
            show_error(exc)
        except InputError as exc:
            show_problems(exc)
        except Exception as exc:
            if isinstance(exc, StopException | RerunException):
                raise
            show_error(exc)

    run.__name__ = page.__name__
    return run


def settings() -> Settings:
    return from_env()


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> Store:
    return Store(from_env(), url)


def store_and_version() -> tuple[Store, str]:
    """The teams store and its version (``Store.version``: which teams are open, one small read per run).

    Every cache below that depends on teams is keyed on this version, so an import shows at once; its undo
    brings the version from before back, and with it what was cached then (nothing is computed again).
    """
    store = get_store(settings().teams_db_url)
    return store, store.version()


@st.cache_resource(show_spinner="Reading the survey…", max_entries=8)
def load_responses(key: str, name: str, _upload: Any | None) -> Any:
    """The survey responses of a bundled file (key 'sample' or 'wave2') or of an upload (key: its SHA-256). The
    upload's bytes are read here, only when not cached, and dropped once parsed."""
    if _upload is None:  # a bundled file: the sample, or the synthetic second wave (key 'wave2')
        return load_survey(None if key == "sample" else Path(name), None, supplied_by="")
    return load_survey(Path(name), _upload.getvalue(), supplied_by="uploaded by the user")


def sample_responses() -> Any:
    return load_responses("sample", str(settings().survey_path), None)


@st.cache_resource(show_spinner="Counting children where no team is known…", max_entries=16)
def headline(level: str, known_by: int, teams_version: str, url: str) -> str:
    return coverage(settings(), level, known_by or None, get_store(url)).headline


@st.cache_resource(show_spinner=False, max_entries=8)
def team_layer(known_by: int, teams_version: str, url: str) -> views.TeamLayer:
    return views.team_layer(settings(), known_by or None, get_store(url))


@st.cache_resource(show_spinner=False, max_entries=8)
def level_shapes(level: str, shape: str = "map") -> views.LevelShapes:
    return views.level_shapes(settings(), level, shape)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=64)
def map_view(data_key: str, view: state.View, _responses: Any, teams_version: str, url: str) -> views.MapView:
    """One selection's map page. Keyed on the survey file's hash, the whole view and the teams store's version."""
    return views.map_view(
        view,
        _responses,
        settings(),
        get_store(url),
        level_shapes(view.level_or_default, view.shape),
        team_layer(view.known_by, teams_version, url),
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def map_style(key: str, _view: views.MapView, focus: tuple[str, ...]) -> str:
    """One view's map styling as the browser takes it (JSON text), made once per view (``key``) and focus."""
    from gapmap.render import web

    return web.script_json(web.style_payload(_view.spec, list(focus)))


@st.cache_resource(show_spinner=False, max_entries=8)
def teams_table(known_by: int, teams_version: str, url: str) -> pd.DataFrame:
    """The map page's list of teams as shown (text escaped for Markdown), read once per store version."""
    frame = get_store(url).list_teams(known_by=known_by or None, include_commissioned=True)  # status says
    cols = ["name", "status", "provider", "area_served", "location_basis", "region", "evidence_year"]
    return frame[cols].astype("string").fillna("").map(safetext.markdown)


@st.cache_data(show_spinner="Preparing the file…", max_entries=32)
def export_file(
    key: str,
    what: str,
    fmt: str,
    _view: state.View,
    _table: Any,
    _teams: views.TeamLayer,
    sort: str | None = None,
) -> bytes:
    """A PNG/SVG/PDF of the map (full-detail boundaries) or of the ranked chart (in ``sort`` order), the same
    file the CLI makes, made only when its button is pressed."""
    if what == "chart":
        return views.chart_file(
            _table, fmt, settings().palette, _view.colour_by, _view.known_by or None, sort
        )
    return views.map_file(_view, _table, settings(), _teams, fmt)


@st.cache_data(show_spinner="Preparing the file…", max_entries=16)
def profile_file(key: str, fmt: str, _profile: Any, teams_version: str, url: str) -> bytes:
    """The area's spine chart as a PNG/SVG/PDF, as `gapmap profile` makes it."""
    return views.profile_file(_profile, sample_responses(), settings(), get_store(url), fmt)


@st.cache_resource(show_spinner="Counting teams year by year…", max_entries=32)
def trend(indicator: str, level: str, area_code: str, teams_version: str, url: str) -> Any:
    """A teams indicator year by year for one area (or the UK, ''), against its parent and the UK."""
    return views.trend_view(indicator, level, area_code, settings(), get_store(url))


@st.cache_resource(show_spinner="Comparing the waves…", max_entries=16)
def change(key: str, view: state.View, _first: Any, _second: Any, labels: tuple[str, str]) -> Any:
    """The change in the view's survey indicator between two waves (``key``: both files' keys), per view and labels."""
    return change_views.change_view(_first, _second, labels, view.indicator, view, settings())


@st.cache_resource(show_spinner="Colouring the change map…", max_entries=16)
def change_style(key: str, _table: Any, view: state.View) -> str:
    """The change map's styling as the browser takes it, once per change table (``key``) and view."""
    from gapmap.render import web

    spec = change_views.change_spec(_table, view, settings(), level_shapes(view.level_or_default, view.shape))
    return web.script_json(web.style_payload(spec, []))


@st.cache_data(show_spinner="Preparing the file…", max_entries=16)
def change_file(key: str, fmt: str, _table: Any, view: state.View, csv_name: str) -> bytes:
    """The change map as a PNG/SVG/PDF, as `gapmap change --map` makes it, made only when its button is pressed."""
    return change_views.change_file(_table, view, settings(), fmt, csv_name)


@st.cache_resource(show_spinner="Comparing the waves for this area…", max_entries=16)
def area_changes(
    key: str, _first: Any, _second: Any, labels: tuple[str, str], code: str, level: str, comparison: float
) -> Any:
    """One area's change in every survey indicator both waves give (``key``: both files' keys)."""
    from dataclasses import replace

    s = replace(settings(), comparison_level=comparison)
    return change_views.area_changes(_first, _second, labels, code, level, s)


@st.cache_resource(show_spinner="Comparing every indicator…", max_entries=32)
def profile(
    data_key: str, area_code: str, view: state.View, _responses: Any, teams_version: str, url: str
) -> Any:
    s = views.settings_for(view, settings())
    return area_profile(
        s,
        area_code,
        _responses,
        view.age,
        view.profession or None,
        view.known_by or None,
        get_store(url),
    )


def warm() -> None:
    """Fill the caches for the views people open first, so the first visitor does not wait for them.

    Runs once per server process, in a background thread started when the app first runs (Streamlit's script
    health check, /_stcore/script-health-check, runs it at start-up: see README). A page that asks for a view
    being warmed waits for it rather than computing it twice.
    """
    from gapmap.geo.levels import LEVELS
    from gapmap.measures.indicators import INDICATORS
    from gapmap.render import vega, web  # noqa: F401 - imported now so the first map does not wait for them

    url = settings().teams_db_url
    _, version = store_and_version()
    responses = sample_responses()
    first = [state.View(), state.View(indicator="services_0_2_definitely")]
    for view in first + [state.View(level=lv) for lv in LEVELS]:
        map_view("sample", view, responses, version, url)
        headline(view.level_or_default, 0, version, url)
    for ind in INDICATORS:
        map_view("sample", state.View(indicator=ind), responses, version, url)


_warming: threading.Thread | None = None
_warm_lock = threading.Lock()


def real_server() -> bool:
    """True in a Streamlit server with browsers attached; False under AppTest, whose runtime is a stand-in."""
    from streamlit import runtime

    # AppTest's stand-in is a Mock made to pass isinstance(…, Runtime): its exact type tells them apart.
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


def start_warming() -> None:
    """Start :func:`warm` once per server process (later calls, and runs under AppTest, do nothing)."""
    global _warming
    if not real_server():
        return  # each test builds only what it shows
    with _warm_lock:
        if _warming is not None:
            return

        def run() -> None:
            t0 = time.perf_counter()
            # Streamlit warns once per cache call that this thread runs no script; expected here, so not logged.
            quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
            level = quiet.level
            quiet.setLevel(logging.ERROR)
            try:
                warm()
            except Exception:  # a failed warm-up only means the first visitor waits
                log.exception("warming the caches failed")
                return
            finally:
                quiet.setLevel(level)
            # What is cached now lives as long as the server: collected once and then frozen, so that Python's
            # cyclic garbage collector stops walking it on every collection (with the caches full, each full
            # collection took half a second, holding up every page).
            gc.collect()
            gc.freeze()
            # On the server's console (start_server waits for this line): not a warning, so not via logging.
            print(f"{WARM_MESSAGE} in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

        _warming = threading.Thread(target=run, name="gapmap-warm", daemon=True)
        _warming.start()


def warming_done() -> bool:
    return _warming is not None and not _warming.is_alive()


_built: dict[str, Any] = {}


def register(built: dict[str, Any]) -> None:
    """Keep the Streamlit pages app.py built, so a page can link to another (st.page_link needs the object)."""
    _built.update(built)


def get(page_id: str) -> Any:
    return _built[page_id]
