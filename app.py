"""gapmap in the browser: `streamlit run app.py`. Page set-up and navigation only; each page is a module in
gapmap.pages, and what it shows is computed in gapmap.views and gapmap.pipeline."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gapmap import assets, pages
from gapmap.pages import common

# Re-exported for code written against the single-file app.
from gapmap.pages.common import safely as safely
from gapmap.pages.common import show_error as show_error
from gapmap.pages.common import show_problems as show_problems

st.set_page_config(page_title="gapmap: infant mental-health provision", page_icon="🗺️", layout="wide")
assets.install(Path(__file__).parent / "static")  # Leaflet from xstatic packages at /app/static/ (no CDN)
common.start_warming()  # once per server: the first views people open, computed in the background

# ?page=teams (or profile) opens that page directly (also how AppTest reaches it).
wanted = st.query_params.get("page", "")
registry = pages.registry()
first = wanted if wanted in {p.id for p in registry} else registry[0].id
built = {
    p.id: st.Page(common.safely(p.run), title=p.title, icon=p.icon, url_path=p.id, default=p.id == first)
    for p in registry
}
pages.register(built)
st.navigation(list(built.values())).run()
