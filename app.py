"""gapmap in the browser: `streamlit run app.py`. A thin shell over gapmap.pipeline; nothing is computed here."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from gapmap import assets, geography, io, pipeline, safetext, teams_layer, webapp
from gapmap.geography import LEVELS
from gapmap.indicators import INDICATORS, Unavailable
from gapmap.problems import InputError, format_issues
from gapmap.questions import AGE_GROUPS
from gapmap.render import web
from gapmap.settings import ROOT, from_env
from gapmap.store import Store

st.set_page_config(page_title="gapmap: infant mental-health provision", page_icon="🗺️", layout="wide")
assets.install(Path(__file__).parent / "static")  # Leaflet etc. from xstatic packages, served at /app/static/


log = logging.getLogger("gapmap.app")


def show_problems(exc: InputError) -> None:
    st.error("The file could not be used. Fix these and upload it again:")
    st.code(safetext.visible(format_issues(exc.issues)), language=None)  # a code block: no Markdown


def show_error(exc: Exception) -> None:
    """An unexpected error: a plain message for the user, the details (URLs, hosts, traceback) to the log."""
    log.error("unexpected error in the app", exc_info=exc)
    st.error(webapp.user_error_message(exc))


@st.cache_resource
def get_store(url: str) -> Store:
    return Store(from_env(), url)


@st.cache_data(show_spinner="Reading the survey…")
def load_responses(key: str, name: str, data: bytes | None):  # type: ignore[no-untyped-def]
    path = Path(name) if data is not None else None
    return pipeline.load_survey(path, data)


@st.cache_data(show_spinner="Drawing the map…", max_entries=64)
def build_views(key: str, view: dict, _responses, teams_version: int):  # type: ignore[no-untyped-def]
    settings = from_env(min_base=view["min_base"])
    store = get_store(settings.teams_db_url)
    known_by = view["known_by"] or None
    level = view["level"]
    table = pipeline.indicator_table(
        view["indicator"],
        _responses,
        settings,
        view["age"],
        view["profession"] or None,
        known_by,
        store,
        level,
    )
    points, note = teams_layer.for_map(settings, known_by, store)
    boundaries = geography.web_boundaries(settings.level_path(level))
    spec = pipeline.map_spec(table, settings, boundaries, points, note)
    print_spec = pipeline.map_spec(table, settings, None, points, note)  # full-detail boundaries for print
    return table, spec, print_spec


@st.cache_data(show_spinner="Counting children where no team is known…", max_entries=16)
def headline(level: str, known_by: int, teams_version: int, url: str) -> str:
    settings = from_env()
    return pipeline.coverage(settings, level, known_by or None, get_store(url)).headline


def _indicator_changed() -> None:
    """Survey indicators open by region (as the survey asked); the real-data layers by NHS area."""
    st.session_state["level"] = webapp.default_level(st.session_state["indicator"])


@st.cache_data(show_spinner="Preparing the file…", max_entries=32)
def export_file(key: str, fmt: str, _spec) -> bytes:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        out, _ = pipeline.render(_spec, Path(tmp) / f"gapmap.{fmt}", fmt)
        return out.read_bytes()


def map_page() -> None:
    settings = from_env()
    view = webapp.View.from_query(dict(st.query_params))
    st.title("Where are the gaps for babies and toddlers?")
    store = get_store(settings.teams_db_url)
    version = len(store.history())
    st.markdown(
        f"**{headline(view.level_or_default, view.known_by, version, settings.teams_db_url)}**",
    )
    with st.sidebar:
        st.header("Map settings")
        ids = list(INDICATORS)
        indicator = st.selectbox(
            "Indicator",
            ids,
            index=ids.index(view.indicator),
            format_func=lambda i: INDICATORS[i].title,
            key="indicator",
            on_change=_indicator_changed,
        )
        ind = INDICATORS[indicator]
        levels = list(LEVELS)
        level = st.selectbox(
            "Areas",
            levels,
            index=levels.index(view.level_or_default),
            format_func=lambda lv: f"{LEVELS[lv].label} ({LEVELS[lv].noun})",
            key="level",
            help="Every level is built from local authorities; NHS areas and regions are best-fit unions of them.",
        )
        area_text = st.text_input(
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
            max_value=100,
            value=view.min_base,
            step=1,
            key="min_base",
            help="Areas with fewer responses are suppressed everywhere (never below 5).",
        )
        years = [0, *range(dt_year(), webapp.FIRST_TEAM_YEAR - 1, -1)]
        known_by = st.selectbox(
            "Teams known by",
            years,
            index=years.index(view.known_by) if view.known_by in years else 0,
            format_func=lambda y: "Any year" if y == 0 else f"{y} (evidence by then)",
            key="known_by",
        )
        tiles = st.toggle("OpenStreetMap background (needs internet)", value=view.tiles, key="tiles")

    try:
        if source == "upload" and upload is not None:
            data = upload.getvalue()
            data_key = webapp.digest(data)
            responses = load_responses(data_key, upload.name, data)
        else:
            if source == "upload":
                st.info("Upload a survey file to map it; until then the bundled synthetic sample is shown.")
            data_key = "sample"
            responses = load_responses(data_key, str(settings.survey_path), None)
        professions = ["", *responses.professions()]
        with st.sidebar:
            profession = st.selectbox(
                "Profession",
                professions,
                index=professions.index(view.profession) if view.profession in professions else 0,
                format_func=lambda p: p or "All professions",
                key="profession",
            )
        new_view = webapp.View(
            indicator,
            level if level != webapp.default_level(indicator) else "",
            area_text.strip()[:100],
            age,
            profession,
            int(min_base),
            int(known_by),
            source,
            bool(tiles),
        )
        if new_view.to_query() != dict(st.query_params):
            st.query_params.from_dict(new_view.to_query())
        key = data_key  # the file's SHA-256: two uploads never share cached results
        view_dict = new_view.as_dict() | {"level": new_view.level_or_default, "area": ""}
        table, spec, print_spec = build_views(key, view_dict, responses, version)
        found = pipeline.find_area(new_view.area, new_view.level_or_default, settings)
    except InputError as exc:
        show_problems(exc)
        return
    except Unavailable as exc:  # the uploaded file lacks this indicator's question: say so, not "went wrong"
        st.info(safetext.markdown(f"Not available for this file: {exc}.") + " Choose another indicator.")
        return
    except Exception as exc:  # never a traceback in front of a user
        show_error(exc)
        return

    if table.synthetic:
        st.warning(
            "**Synthetic sample.** These answers are generated to match the report's UK figures; the "
            "respondent-level survey is not public, so differences between areas are chance only.",
            icon="⚠️",
        )
    for note in responses.notes:
        st.caption("Note: " + safetext.markdown(note))  # notes quote file headers: text, not Markdown
    if table.unplaced_note:
        st.info(safetext.markdown(table.unplaced_note))
    if found.message:  # quotes what the user typed: text, not Markdown
        (st.success if found.codes else st.warning)(safetext.markdown(found.message))

    left, right = st.columns([5, 3])
    with left:
        st.subheader(safetext.markdown(spec.title))  # names the chosen age group
        st.caption(safetext.markdown(spec.subtitle))
        from streamlit_folium import st_folium  # imported here: only the map needs it

        st_folium(
            web.build(spec, tiles=new_view.tiles, focus=found.codes),
            height=620,
            width="stretch",
            returned_objects=[],
            key="map",
        )
        st.caption(safetext.markdown(spec.uk_note + " " + spec.base_note))  # names the profession chosen
        st.caption(safetext.markdown(spec.teams_note))
    with right:
        st.subheader("Areas")
        shown = pipeline.export_frame(table, decimals=None)
        values = [pipeline.label_for(table, r).replace("\n", " ") for _, r in shown.iterrows()]
        if not table.indicator.from_survey:
            display = pd.DataFrame(
                {
                    "Area": shown["area_name"],
                    "Value": [c or v for c, v in zip(shown["category"], values, strict=True)],
                    "Teams"
                    if table.indicator.kind in ("team_count", "team_rate")
                    else "Children counted": shown["k"],
                    "Children aged 0-2": shown["n"],
                }
            )
        else:
            display = pd.DataFrame(
                {
                    "Area": shown["area_name"],
                    "Value (95% interval)": values,
                    "n": shown["n"],
                    "Compared with UK": shown["comparison"],
                    "Suppressed": shown["suppressed_reason"],
                }
            )
        st.dataframe(display, hide_index=True, width="stretch")
        csv_name = f"gapmap_{table.indicator.id}_{table.level}"
        st.download_button(
            "Download table (CSV)", io.csv_text(pipeline.tidy_frame(table)), f"{csv_name}.csv", "text/csv"
        )
        st.download_button(
            "Download areas (GeoJSON)",
            spec.areas.drop(columns=["colour"]).to_json(drop_id=True),
            f"{csv_name}.geojson",
            "application/geo+json",
        )
        export_key = f"{key}|{sorted(new_view.as_dict().items())}|{version}"
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf")):
            st.download_button(
                f"Download map ({fmt.upper()})",
                lambda f=fmt: export_file(export_key, f, print_spec),
                f"{csv_name}.{fmt}",
                mime,
                key=f"dl_{fmt}",
            )
        st.text_area("Alt text (copy for reports and social media)", spec.alt_text, height=180)
        st.download_button(
            "Download standalone map (HTML)",
            web.map_html(spec, inline_assets=True),
            f"{csv_name}.html",
            "text/html",
        )

    with st.expander("Parent-infant teams on the map"):
        teams = store.list_teams(known_by=new_view.known_by or None)
        cols = ["name", "provider", "area_served", "location_basis", "region", "evidence_year"]
        st.table(teams[cols].astype("string").fillna("").map(safetext.markdown))  # st.table renders Markdown
    with st.expander("About the data"):
        st.markdown(webapp.about_markdown(ROOT))


def dt_year() -> int:
    import datetime

    return datetime.date.today().year


def teams_page() -> None:
    settings = from_env()
    store = get_store(settings.teams_db_url)
    st.title("Add teams")
    expected = webapp.editor_password(dict(st.secrets) if _has_secrets() else None)
    if not expected:
        st.info(
            "Read-only: no editor passphrase is configured (GAPMAP_EDITOR_PASSWORD or Streamlit secrets)."
        )
    elif not st.session_state.get("editor"):
        gate = st.session_state.setdefault("editor_gate", webapp.Gate())
        if gate.locked:
            st.error(webapp.LOCKED_MESSAGE)
        else:
            given = st.text_input("Editor passphrase", type="password", key="passphrase")
            # Count a try once, when the passphrase changes, not on every rerun of the page.
            if given and given != st.session_state.get("gate_last_try"):
                now = time.monotonic()
                if now >= gate.wait_until:  # compared now: not again until the passphrase changes
                    st.session_state["gate_last_try"] = given
                ok, message = gate.attempt(given, expected, now)
                if ok:
                    st.session_state["editor"] = True
                    st.rerun()
                log.warning("wrong editor passphrase (%d in this session)", gate.failures)
                st.session_state["gate_message"] = message
            if st.session_state.get("gate_message"):
                st.error(st.session_state["gate_message"])
    editor = bool(expected) and bool(st.session_state.get("editor"))
    if editor:
        st.success("You can add teams.")
        upload = st.file_uploader("Teams CSV", type=["csv"], key="teams_upload")
        if upload is not None:
            data = upload.getvalue()
            try:
                from gapmap import teams as teams_mod

                checked = teams_mod.check(
                    io.read_table(upload.name, data, settings), settings, store.active_keys()
                )
            except InputError as exc:
                show_problems(exc)
                checked = None
            if checked is not None:
                st.write(f"{len(checked.records)} row(s) ready, {len(checked.rejected)} with problems.")
                if checked.issues:
                    st.code(format_issues(checked.issues), language=None)
                if len(checked.records):
                    st.dataframe(
                        checked.records[["row", "name", "location_basis", "region"]], hide_index=True
                    )
                    label = f"Add {len(checked.records)} team(s)" + (
                        " and skip the rest" if checked.issues else ""
                    )
                    if st.button(label, type="primary", key="confirm_import"):
                        try:
                            result = store.import_file(
                                upload.name, data=data, by="app editor", skip_invalid=bool(checked.issues)
                            )
                            st.success(result.summary())
                        except InputError as exc:
                            show_problems(exc)
    st.subheader("Import history")
    history = store.history()
    st.dataframe(history, hide_index=True, width="stretch")
    if editor:
        undoable = history.loc[
            history["kind"].isin(["import", "seed"]) & history["undone_at"].isna(), "id"
        ].tolist()
        if undoable:
            rows = history.set_index("id")

            def describe(b: int) -> str:
                r = rows.loc[b]
                return safetext.visible(
                    f"batch {b}: {r['kind']} of {int(r['rows_added'])} team(s), {r['created_at']}"
                    + (f", {r['file_name']}" if r["file_name"] else "")
                )

            # Nothing is preselected: undoing the seed batch would take every bundled team off the map.
            batch = st.selectbox(
                "Undo a batch",
                undoable,
                index=None,
                format_func=describe,
                key="undo_batch",
                placeholder="Choose",
            )
            if batch is not None:
                sure = st.checkbox(
                    f"Yes, take the {int(rows.loc[batch, 'rows_added'])} team(s) of {describe(batch)} off the map",
                    key="undo_sure",
                )
                if st.button("Undo this batch", key="undo", disabled=not sure):
                    try:
                        n = store.undo(int(batch), by="app editor")
                        st.success(
                            f"Undid batch {batch}: {n} team(s) removed from the map (kept in history)."
                        )
                    except InputError as exc:
                        show_problems(exc)


def _has_secrets() -> bool:
    try:
        return bool(len(st.secrets))
    except Exception:  # no secrets.toml: Streamlit raises rather than returning empty
        return False


def safely(page):  # type: ignore[no-untyped-def]
    """Run a page; an unexpected error becomes a message, never a traceback in front of a user."""

    def run() -> None:
        try:
            page()
        except InputError as exc:
            show_problems(exc)
        except Exception as exc:
            if isinstance(exc, StopException | RerunException):
                raise
            show_error(exc)

    run.__name__ = page.__name__
    return run


# ?page=teams opens the analysts' page directly (also how AppTest reaches it).
teams_first = st.query_params.get("page") == "teams"
nav = st.navigation(
    [
        st.Page(safely(map_page), title="Map", url_path="map", default=not teams_first),
        st.Page(safely(teams_page), title="Add teams", url_path="teams", default=teams_first),
    ]
)
nav.run()
