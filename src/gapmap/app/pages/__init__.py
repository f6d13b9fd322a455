"""The app's pages, one module each (``map``, ``profile``, ``teams``), and the registry app.py navigates by.

Streamlit is imported only in these modules and app.py; what a page shows comes from ``gapmap.app.views`` and the
layers below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    id: str  # also its URL path and the value of ?page=
    title: str
    icon: str
    run: Callable[[], None]


def registry() -> list[PageInfo]:
    """Every page, in the order the navigation lists them (the first is the default)."""
    from gapmap.app.pages import map as map_page
    from gapmap.app.pages import profile, teams

    return [
        PageInfo("map", "Map", ":material/map:", map_page.page),
        PageInfo("profile", "Area profile", ":material/assignment:", profile.page),
        PageInfo("teams", "Add teams", ":material/group_add:", teams.page),
    ]
