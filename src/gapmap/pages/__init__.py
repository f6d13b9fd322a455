"""The app's pages, one module each (``map``, ``profile``, ``teams``), and the registry app.py navigates by.

Streamlit is imported only here and in app.py; what a page shows is computed in ``gapmap.views`` and ``pipeline``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageInfo:
    id: str  # also its URL path and the value of ?page=
    title: str
    icon: str
    run: Callable[[], None]


def registry() -> list[PageInfo]:
    """Every page, in the order the navigation lists them (the first is the default)."""
    from gapmap.pages import map as map_page
    from gapmap.pages import profile, teams

    return [
        PageInfo("map", "Map", ":material/map:", map_page.page),
        PageInfo("profile", "Area profile", ":material/assignment:", profile.page),
        PageInfo("teams", "Add teams", ":material/group_add:", teams.page),
    ]


_built: dict[str, Any] = {}


def register(built: dict[str, Any]) -> None:
    """Keep the Streamlit pages app.py built, so a page can link to another (st.page_link needs the object)."""
    _built.update(built)


def get(page_id: str) -> Any:
    return _built[page_id]
