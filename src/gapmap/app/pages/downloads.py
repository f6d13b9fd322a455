"""The map page's downloads: the table (CSV), the areas (GeoJSON), the standalone map (HTML), and the map and
ranked chart as PNG, SVG and PDF, the same files `gapmap render` and `gapmap chart` make for the selection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from gapmap.app import state
from gapmap.app.pages import common
from gapmap.files import io
from gapmap.present.tables import tidy_frame


def map_downloads(mv: Any, view: state.View, data_key: str, version: str, url: str) -> None:
    """Every download of the map page's selection, each made only when its button is pressed."""
    table, spec = mv.table, mv.spec
    known_by = view.known_by or None
    # Downloads do not rerun the page (on_click="ignore"): Streamlit drops a file it has not yet sent when a rerun
    # starts, which left the button spinning (seen in the browser tests), and nothing on the page changes anyway.
    cols = st.columns(3)
    cols[0].download_button(
        "Download table (CSV)",
        lambda: io.csv_text(tidy_frame(table)),
        mv.file_name("csv", known_by),
        "text/csv",
        help="Every area with value, interval, n, comparison and suppression: the same columns as the CLI's.",
        on_click="ignore",
    )
    cols[1].download_button(
        "Download areas (GeoJSON)",
        lambda: spec.areas.drop(columns=["colour"]).to_json(drop_id=True),
        mv.file_name("geojson", known_by),
        "application/geo+json",
        on_click="ignore",
    )
    cols[2].download_button(
        "Download standalone map (HTML)",
        lambda: _standalone_html(spec),
        mv.file_name("html", known_by),
        "text/html",
        on_click="ignore",
    )
    teams = common.team_layer(view.known_by, version, url)
    order = view.sort_or_default
    export_key = f"{data_key}|{view.computed()}|{version}|{order}"

    def export(what: str, fmt: str) -> Callable[[], bytes]:
        return lambda: common.export_file(export_key, what, fmt, view.computed(), table, teams, order)

    # The same files `gapmap render` and `gapmap chart` make for this selection, each with its alt text and CSV.
    for what, label in (("map", "map"), ("chart", "ranked chart")):
        row = st.columns(3)
        for i, (fmt, mime) in enumerate(
            (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf"))
        ):
            row[i].download_button(
                f"Download {label} ({fmt.upper()})",
                export(what, fmt),
                mv.file_name(fmt, known_by, "" if what == "map" else "ranked"),  # as the CLI names it
                mime,
                key=f"dl_{what}_{fmt}",
                on_click="ignore",
            )


def _standalone_html(spec: Any) -> str:
    from gapmap.render import web

    return web.map_html(spec, inline_assets=True)
