"""The atlas's maps and search index, as data: which areas each map shows (the areas of one level inside a
parent), their colours and legend from the level's map spec (:func:`gapmap.present.mapspec.map_spec`, made once
per level), the text alternative beside each map, and the small index that finds a page by name, GSS code or
postcode district."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gapmap.geo import areas, geocode, levels
from gapmap.geo.areas import UK_CODE
from gapmap.geo.levels import LEVELS
from gapmap.measures.indicators import IndicatorTable, format_value
from gapmap.present import classify
from gapmap.present.describe import _extremes
from gapmap.present.mapspec import MapSpec, map_spec

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from gapmap.settings import Settings

UK_LEVEL = "uk"  # the UK's own page: a pseudo-level above the nations
HEADLINE = "children_0_2_no_team"  # what every atlas map and ranked chart shows


@dataclass(frozen=True)
class Ref:
    """An area the atlas has a page for: its level ('uk' for the UK), code and name."""

    level: str
    code: str
    name: str

    @property
    def path(self) -> str:
        """The page's path in the site: 'area/la/E06000023.html'."""
        return page_path(self.level, self.code)

    @property
    def embed(self) -> str:
        return f"embed/{self.level}/{self.code}.html"


def extremes(table: IndicatorTable, shown: pd.DataFrame) -> list[str]:
    """Highest and lowest of the areas ``shown`` (columns area_name, value), in the app's words: a tie named by its
    count (:func:`gapmap.present.describe._extremes`), and areas all at one value said to be so."""
    if len(shown) > 1 and shown["value"].nunique() == 1:
        return [f"Every area: {format_value(table.indicator, shown['value'].iloc[0])}."]
    return _extremes(table, shown)


def page_path(level: str, code: str) -> str:
    return f"area/{level}/{code}.html"


@dataclass(frozen=True)
class MapKey:
    """One map: the areas of ``level`` inside ``parent`` (the UK for a whole level)."""

    level: str
    parent: str
    parent_name: str = "the United Kingdom"

    def describe(self) -> str:
        """'local authorities in NHS Fife', 'NHS areas in the United Kingdom'."""
        return f"{LEVELS[self.level].noun} in {self.parent_name}"

    @property
    def file_id(self) -> str:
        return f"{self.level}-{self.parent}"


@dataclass
class AreaMap:
    """What one map shows: its areas with their colours, tooltips and links, the legend and the text
    alternative. ``areas`` columns: area_code, area_name, colour, tooltip, suppressed, path, geometry (WGS84)."""

    key: MapKey
    title: str
    areas: gpd.GeoDataFrame
    legend: list[tuple[str, str]]
    suppressed_label: str
    alt_text: str
    source: str


class Maps:
    """The atlas's maps, each made once however many pages show it."""

    def __init__(self, settings: Settings, headline: dict[str, IndicatorTable]) -> None:
        self.settings = settings
        self.tables = headline
        self.specs: dict[str, MapSpec] = {lv: map_spec(headline[lv], settings) for lv in LEVELS}
        self.t = areas.table(settings.boundaries_dir)
        self.made: dict[MapKey, AreaMap] = {}

    def members(self, key: MapKey) -> list[str]:
        """The codes the map shows, in the level's order."""
        inside = set(self.t.members(key.parent, key.level))
        return [c for c in self.specs[key.level].areas["area_code"] if c in inside]

    def want(self, key: MapKey) -> AreaMap:
        if key not in self.made:
            self.made[key] = self._make(key)
        return self.made[key]

    def _make(self, key: MapKey) -> AreaMap:
        spec = self.specs[key.level]
        table = self.tables[key.level]
        codes = set(self.members(key))
        sub = spec.areas.loc[spec.areas["area_code"].isin(codes)].copy()
        ind = table.indicator
        sub["tooltip"] = [
            f"{name}: {format_value(ind, v)}" if not s else f"{name}: suppressed"
            for name, v, s in zip(sub["area_name"], sub["value"], sub["suppressed"], strict=True)
        ]
        sub["path"] = [page_path(key.level, c) for c in sub["area_code"]]
        shown = sub.loc[~sub["suppressed"] & sub["value"].notna()].sort_values(["value", "area_name"])
        words = [f"Map of the {len(sub)} {key.describe()}, coloured by {table.title.lower()}."]
        words += extremes(table, shown)
        words.append(f"The UK: {format_value(ind, table.benchmark['value'])}.")
        words.append("Every area's value is in the table on its page and in the data downloads.")
        return AreaMap(
            key,
            f"{table.title}: {key.describe()}",
            sub.loc[:, ["area_code", "area_name", "colour", "tooltip", "suppressed", "path", "geometry"]],
            self._legend(key, codes),
            spec.suppressed_label,
            " ".join(words),
            " ".join(f for f in spec.footer if not f.startswith("SYNTHETIC")),
        )

    def _legend(self, key: MapKey, codes: set[str]) -> list[tuple[str, str]]:
        """The level's legend, with the counts of a served-or-not key (areas, children aged 0-2) those of the areas
        this map draws, not of the whole level."""
        legend = self.specs[key.level].legend
        table = self.tables[key.level]
        if not classify.binary(table):
            return legend
        keep = table.frame["area_code"].isin(codes) | (table.frame["area_code"] == table.population.code)
        drawn = replace(table, frame=table.frame.loc[keep])
        counted = {
            label.split(" (")[0]: label
            for label, _, _ in classify.binary_legend(drawn, self.settings.palette)
        }
        return [(counted.get(label.split(" (")[0], label), colour) for label, colour in legend]

    def geo(self) -> dict[str, Any]:
        """Per level, the areas' browser boundaries with the headline values (the site's GeoJSON download)."""
        out = {}
        for lv in LEVELS:
            shapes = levels.web_boundaries(self.settings.level_path(lv))
            f = (
                self.tables[lv]
                .frame[["area_code", "n", "k", "value"]]
                .rename(columns={"n": "children_0_2", "k": "children_0_2_no_team", "value": "share_no_team"})
            )
            merged = shapes.merge(f, on="area_code", how="left")
            merged["share_no_team"] = merged["share_no_team"].round(4)
            merged["page"] = [page_path(lv, c) for c in merged["area_code"]]
            out[lv] = merged
        return out


def search_index(settings: Settings, pages: list[tuple[Ref, str]]) -> dict[str, Any]:
    """The small index the search box reads: every page (name, code, level label, path) and every postcode district
    with the local authority its centre lies in (a district's centre stands for it, and the page says so).

    A district whose centre lies in no local authority (at sea in the bundled boundaries) is left out.
    """
    entries = [{"n": ref.name, "c": ref.code, "l": label, "u": ref.path} for ref, label in pages]
    points = geocode.lookups(settings).district_points
    las = geocode.local_authorities(
        settings, points["latitude"].astype(float).tolist(), points["longitude"].astype(float).tolist()
    )
    t = areas.table(settings.boundaries_dir)
    districts = {
        str(d): {"c": la, "n": t.names.get(la, la)}
        for d, la in zip(points.index, las, strict=True)
        if la and la != UK_CODE
    }
    return {"areas": entries, "districts": districts}
