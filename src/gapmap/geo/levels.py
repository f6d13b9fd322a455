"""Geography levels (nation, region, NHS area, local authority): their registry, boundaries and the join.

Adding a level is one entry in ``LEVELS`` plus its rows in ``boundaries/areas.csv`` and its two boundary files
(``boundaries/levels/<id>.geojson`` for print, ``<id>.web.geojson`` for the browser).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gapmap.files import io
from gapmap.problems import InputError, Issue

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class Level:
    """One geography level: how it is named to users and how many areas it has.

    ``labels`` says whether a static map of the level labels each area with its value (too many areas at
    local-authority level: values are labelled only where they fit).
    """

    id: str
    label: str
    plural: str
    answer_hint: str
    noun: str

    @property
    def word(self) -> str:
        """The level's name inside a sentence: "local authority", but "NHS area".

        >>> [lv.word for lv in LEVELS.values()]
        ['nation', 'region', 'NHS area', 'local authority']
        """
        return self.label if self.label[:3].isupper() else self.label.lower()

    @property
    def menu(self) -> str:
        """The level in a menu of levels: "Local authorities", "NHS areas"."""
        return self.noun[0].upper() + self.noun[1:]

    def print_path(self, boundaries_dir: Path) -> Path:
        return boundaries_dir / "levels" / f"{self.id}.geojson"

    def web_path(self, boundaries_dir: Path) -> Path:
        return boundaries_dir / "levels" / f"{self.id}.web.geojson"


LEVELS: dict[str, Level] = {
    lv.id: lv
    for lv in (
        Level("nation", "Nation", "the 4 UK nations", "a UK nation", "nations"),
        Level(
            "region",
            "Region",
            "the UK's 12 nations and English regions",
            "a nation or English region",
            "nations and regions",
        ),
        Level(
            "nhs",
            "NHS area",
            "the UK's 68 NHS commissioning areas (ICBs, health boards, HSC trusts)",
            "an ICB, health board or HSC trust",
            "NHS areas",
        ),
        Level(
            "la",
            "Local authority",
            "the UK's 361 local authorities",
            "a local authority",
            "local authorities",
        ),
    )
}
DEFAULT_LEVEL = "region"


def get_level(level_id: str | None) -> Level:
    """The level with this id (the region level for None); InputError listing the valid ids otherwise.

    >>> get_level("nhs").label
    'NHS area'
    """
    if level_id is None:
        return LEVELS[DEFAULT_LEVEL]
    try:
        return LEVELS[level_id]
    except KeyError:
        raise InputError(
            [
                Issue(
                    None,
                    "level",
                    level_id,
                    f"Expected one of {', '.join(LEVELS)}; found '{level_id}'. Fix: choose one of those levels.",
                )
            ]
        ) from None


@lru_cache(maxsize=16)
def _load(path: str, code_field: str, mtime: float) -> gpd.GeoDataFrame:
    return io.read_boundaries(path, code_field)


def load_boundaries(path: str | Path, code_field: str = "code") -> gpd.GeoDataFrame:
    """Boundaries read once per file version (cached on path, field and modification time).

    >>> from gapmap.settings import Settings
    >>> len(load_boundaries(Settings().level_path("nhs")))
    68
    """
    p = Path(path)
    mtime = p.stat().st_mtime if p.exists() else 0.0
    return _load(str(p), code_field, mtime).copy()


def web_boundaries(path: str | Path, code_field: str = "code") -> gpd.GeoDataFrame:
    """The prebuilt browser copy beside a level's print file (``<level>.web.geojson``), else the file itself."""
    p = Path(path)
    web = p.with_name(p.name.replace(".geojson", ".web.geojson"))
    return load_boundaries(web if web.exists() and not p.name.endswith(".web.geojson") else p, code_field)
