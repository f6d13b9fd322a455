"""gapmap in the browser: `streamlit run app.py`. Page set-up and navigation only; each page is a module in
gapmap.app.pages, and what it shows comes from gapmap.app.views (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gapmap.app import pages
from gapmap.app.pages import common
from gapmap.render import assets

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
common.register(built)
st.navigation(list(built.values())).run()
