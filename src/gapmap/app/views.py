"""What each page of the app shows, computed without Streamlit: the map page's view and an area's profile.

The pages (``gapmap.app.pages``) only lay these out; tests and scripts can build the same views directly.

>>> import os, tempfile
>>> from gapmap.app import state
>>> from gapmap.survey.validate import load_survey
>>> from gapmap.settings import from_env
>>> s = from_env(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
>>> v = map_view(state.View(indicator="services_0_2_definitely"), load_survey(settings=s), s)
>>> list(v.areas_display.columns[:3]), len(v.ranked.shown) + len(v.ranked.hidden)
(['Area', 'n', 'Compared with UK'], 12)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gapmap.geo import hexes, levels
from gapmap.measures import comparison
from gapmap.measures.compute import all_indicators, has_values, indicator_table, working_level
from gapmap.measures.indicators import IndicatorTable, format_value
from gapmap.present.describe import empty_view
from gapmap.present.mapspec import MapSpec, label_for, map_spec
from gapmap.present.tables import export_frame, ranked, tidy_frames
from gapmap.settings import Settings
from gapmap.teams import layer

if TYPE_CHECKING:
    import geopandas as gpd

    from gapmap.app.state import View
    from gapmap.present.profile import Profile
    from gapmap.present.tables import Ranked
    from gapmap.survey.validate import Responses
    from gapmap.teams.store import Store


@dataclass(frozen=True)
class TeamLayer:
    """The teams drawn on every map of one store version: points, the note about them, the browser's records."""

    points: gpd.GeoDataFrame
    note: str
    records: list[dict[str, Any]]


def team_layer(settings: Settings, known_by: int | None = None, store: Store | None = None) -> TeamLayer:
    from gapmap.render import web

    points, note = layer.for_map(settings, known_by, store)
    return TeamLayer(points, note, web.team_records(points))


@dataclass(frozen=True)
class LevelShapes:
    """A level's browser boundaries (or hexagons), and the same as the JSON the map ships once per level;
    ``outlines`` is the JSON of the regions or nations drawn over hexagons ('' for a geographic map)."""

    boundaries: gpd.GeoDataFrame
    geojson: str
    outlines: str = ""


def level_shapes(settings: Settings, level: str, shape: str = "map") -> LevelShapes:
    from gapmap.render import hexmap, web

    if shape == "hex":
        hexagons = hexes.layout(level, settings.boundaries_dir)
        lines = hexmap.outlines_geojson(hexes.outlines(level, settings.boundaries_dir))
        return LevelShapes(hexagons, web.areas_geojson(hexagons), lines)
    boundaries = levels.web_boundaries(settings.level_path(level))
    return LevelShapes(boundaries, web.areas_geojson(boundaries))


@dataclass(frozen=True)
class MapView:
    """The map page for one selection: the table, the map spec, the ranked areas and the table as displayed."""

    table: IndicatorTable
    spec: MapSpec
    ranked: Ranked
    areas_display: pd.DataFrame
    # A survey view with no value to show: the sentence the page opens with, and the level that works (if any).
    empty: str = ""
    working_level: str | None = None

    def file_name(self, fmt: str, known_by: int | None = None, kind: str = "") -> str:
        """The name of a download of this view, as the CLI names the same file (a hex map's images say 'hex')."""
        drawn = not kind and fmt in ("png", "svg", "pdf", "html")
        return download_name(self.table, fmt, known_by, kind, self.spec.shape if drawn else "map")

    @property
    def hidden_note(self) -> str:
        """'Not charted (fewer than 10 responses): North East, Wales.' by reason, a long list cut at ten names with
        how many more ('' when every area is charted); the table below the map lists every area."""
        hidden = self.ranked.hidden
        if hidden.empty:
            return ""
        parts = []
        for reason, names in hidden.groupby("reason", sort=False)["area_name"]:
            listed = names.tolist()
            if str(reason).startswith(
                "not applicable"
            ):  # outside the layer's population: a count says enough
                parts.append(f"({reason}): {len(listed):,} {'area' if len(listed) == 1 else 'areas'}")
                continue
            more = (
                f" and {len(listed) - 10:,} more (every area is in the table below)"
                if len(listed) > 12
                else ""
            )
            parts.append(f"({reason}): {', '.join(listed[:10] if more else listed)}{more}")
        return "Not charted " + "; not charted ".join(parts) + "."

    def colours(self) -> dict[str, str]:
        """Each area's map colour, by code (the ranked chart uses them where nothing is compared)."""
        return dict(zip(self.spec.areas["area_code"], self.spec.areas["colour"], strict=True))


def settings_for(view: View, settings: Settings) -> Settings:
    """The settings a view asks for: its minimum base and comparison level over the server's own."""
    from dataclasses import replace

    return replace(settings, min_base=view.min_base, comparison_level=view.comparison_level).check()


def map_view(
    view: View,
    responses: Responses,
    settings: Settings,
    store: Store | None = None,
    shapes: LevelShapes | None = None,
    teams: TeamLayer | None = None,
) -> MapView:
    """Everything the map page shows for one selection (``view``), at its level, from the given responses."""
    s = settings_for(view, settings)
    level = view.level_or_default
    known_by = view.known_by or None
    table = indicator_table(
        view.indicator, responses, s, view.age, view.profession or None, known_by, store, level
    )
    teams = teams or team_layer(s, known_by, store)
    shapes = shapes or level_shapes(s, level, view.shape)
    spec = map_spec(
        table,
        s,
        shapes.boundaries,
        teams.points,
        teams.note,
        view.colour_by,
        view.shape,
        _counts(view, s, store),
    )
    empty, working = "", None
    if table.indicator.from_survey and not has_values(table):
        working = working_level(view.indicator, responses, s, view.age, view.profession or None, level)
        empty = empty_view(table, working)
    r = ranked(table)
    return MapView(table, spec, r, areas_display(table, chart_order(r)), empty, working)


def chart_order(r: Ranked) -> list[str]:
    """Area codes in the order the ranked chart lists them: the charted areas, those with no value, the rest."""
    return [*r.shown["area_code"], *r.no_value["area_code"], *r.hidden["area_code"]]


def _counts(view: View, settings: Settings, store: Store | None) -> dict[str, int] | None:
    """Known teams per area, which a hex map shows instead of team points (None for a geographic map)."""
    if view.shape != "hex":
        return None
    from gapmap.measures.coverage import teams_per_area

    return teams_per_area(settings, view.level_or_default, view.known_by or None, store)


def print_spec(
    view: View, table: IndicatorTable, settings: Settings, teams: TeamLayer, store: Store | None = None
) -> MapSpec:
    """The same map with full-detail boundaries (or the hexagons), for PNG/SVG/PDF files (made only when asked)."""
    s = settings_for(view, settings)
    counts = _counts(view, s, store)
    return map_spec(table, s, None, teams.points, teams.note, view.colour_by, view.shape, counts)


def areas_display(table: IndicatorTable, order: list[str] | None = None) -> pd.DataFrame:
    """The table of areas as the page shows it: the area, n and the comparison first, then value and interval.

    The benchmark row (the UK, or the nation a one-nation layer covers) comes first, as Fingertips lists England,
    then the areas in ``order`` (the ranked chart's, by area code), any others after them in code order.
    Values are formatted as on the map; the CSV download has the figures to four decimal places.
    """
    ind = table.indicator
    f = export_frame(table, decimals=None)
    uk = f["area_code"] == table.population.code
    rank = {code: i for i, code in enumerate(order or [])}
    rest = f.loc[~uk].assign(_rank=f.loc[~uk, "area_code"].map(rank).fillna(len(rank)))
    rest = rest.sort_values("_rank", kind="stable").drop(columns="_rank")
    f = pd.concat([f.loc[uk], rest], ignore_index=True)
    values = [label_for(table, r).replace("\n", " ") for _, r in f.iterrows()]
    if not ind.from_survey:
        counted = "Teams" if ind.kind in ("team_count", "team_rate") else "Children counted"
        return pd.DataFrame(
            {
                "Area": f["area_name"],
                "Children aged 0-2": f["n"],
                "Value": [c or v for c, v in zip(f["category"], values, strict=True)],
                counted: f["k"],
            }
        )
    return pd.DataFrame(
        {
            "Area": f["area_name"],
            "n": f["n"],
            "Compared with UK": [comparison.LABELS[c] if c else "" for c in f["comparison"]],
            "Value (95% interval)": values,
            "Suppressed": f["suppressed_reason"],
        }
    )


def profile_display(profile: Profile) -> pd.DataFrame:
    """An area's profile as the page's table shows it: indicator, n and comparison first, then value and UK."""
    from gapmap.measures.indicators import INDICATORS

    rows = []
    for _, r in profile.frame.iterrows():
        ind = INDICATORS[str(r["indicator"])]
        interval = f"{format_value(ind, r['lo'])}–{format_value(ind, r['hi'])}" if pd.notna(r["lo"]) else ""
        word = str(r["comparison"])
        rows.append(
            {
                "Indicator": str(r["title"]),
                "n": f"{int(r['n']):,} {r['n_meaning']}",
                "Compared with UK": comparison.LABELS[word] if word else "",
                # An area of the population with no value says why (no data), never shows 0 or a blank.
                "Value": ""
                if r["suppressed"]
                else format_value(ind, r["value"]) or str(r["category"]) or "no data",
                "95% interval": interval,
                # A one-nation layer's benchmark is that nation's value: '69% (Scotland)'.
                "UK": format_value(ind, r["uk_value"])
                + ("" if str(r["benchmark"]) == "UK" else f" ({r['benchmark']})"),
                "Suppressed": str(r["suppressed_reason"]),
                "Data": "synthetic sample" if bool(r["synthetic"]) else "real (sourced)",
            }
        )
    return pd.DataFrame(rows)


def profile_tidy(
    profile: Profile, responses: Responses, settings: Settings, store: Store | None = None
) -> pd.DataFrame:
    """The profile as a download: every indicator's rows for the area and the UK, in the one tidy shape."""
    from dataclasses import replace

    s = replace(settings, comparison_level=profile.comparison_level).check()
    every = all_indicators(responses, s, store=store, level=profile.level)
    frame = tidy_frames(every.tables)
    # Each indicator's benchmark: the UK's row, or the nation's for a one-nation layer (Scotland's, England's).
    benchmark = frame["indicator"].map({t.indicator.id: t.population.code for t in every.tables})
    keep = (frame["area_code"] == profile.area_code) | (frame["area_code"] == benchmark)
    return frame.loc[keep].reset_index(drop=True)


def image_bytes(write: Callable[[Path], object], name: str) -> bytes:
    """The image an exports.write_* call makes under its download name, read back (its alt text and CSV are
    offered separately)."""
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / name
        write(image)
        return image.read_bytes()


def download_name(
    table: IndicatorTable, fmt: str, known_by: int | None = None, kind: str = "", shape: str = "map"
) -> str:
    """A download's file name: the name ``gapmap render`` (``kind`` '') or ``gapmap chart`` (``kind`` 'ranked')
    gives the same file.

    >>> from gapmap.measures.compute import indicator_table
    >>> download_name(indicator_table("scotland_infant_mh", level="nhs"), "png", kind="ranked")
    'scotland_infant_mh.ranked.nhs.png'
    """
    from gapmap.render.names import export_name

    return export_name(table, fmt, None, known_by, kind, shape)


def map_file(view: View, table: IndicatorTable, settings: Settings, teams: TeamLayer, fmt: str) -> bytes:
    """The map as the CLI's ``gapmap render`` draws it (full-detail boundaries), as PNG, SVG or PDF bytes; its
    "Full data" line names the table download offered beside it."""
    from gapmap.render import exports

    spec = print_spec(view, table, settings, teams)
    known_by = view.known_by or None
    data = download_name(table, "csv", known_by)
    return image_bytes(
        lambda path: exports.write_map(table, spec, path, fmt, csv_name=data),
        download_name(table, fmt, known_by, shape=view.shape),
    )


def chart_file(
    table: IndicatorTable,
    fmt: str,
    palette: str | None = None,
    colour_by: str | None = None,
    known_by: int | None = None,
    sort: str | None = None,
) -> bytes:
    """The ranked chart as ``gapmap chart`` draws it, as PNG, SVG or PDF bytes, coloured as the view's map; its
    "Full data" line names the table download offered beside it (the same rows)."""
    from gapmap.render import exports

    data = download_name(table, "csv", known_by)
    return image_bytes(
        lambda path: exports.write_chart(
            table, path, fmt, palette=palette, colour_by=colour_by, csv_name=data, sort=sort
        ),
        download_name(table, fmt, known_by, "ranked"),
    )


def profile_download_name(profile: Profile, fmt: str) -> str:
    """A profile download's file name, as ``gapmap profile`` names it."""
    from gapmap.render.names import profile_name

    return profile_name(profile.area_code, profile.level, fmt)


def profile_file(
    profile: Profile, responses: Responses, settings: Settings, store: Store | None, fmt: str
) -> bytes:
    """The area's spine chart as ``gapmap profile`` draws it, as PNG, SVG or PDF bytes."""
    from dataclasses import replace

    from gapmap.render import exports

    s = replace(settings, comparison_level=profile.comparison_level).check()
    tables = all_indicators(responses, s, store=store, level=profile.level).tables
    data = profile_download_name(profile, "csv")
    return image_bytes(
        lambda path: exports.write_profile(profile, tables, path, fmt, csv_name=data),
        profile_download_name(profile, fmt),
    )


def trend_view(
    indicator: str, level: str, area_code: str, settings: Settings, store: Store | None = None
) -> Any:
    """The trend spec of a teams indicator for one area (or the UK) against its parent and the UK, as
    ``gapmap trend`` draws it.

    >>> import os, tempfile
    >>> s = Settings(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> [line.label for line in trend_view("teams", "nation", "W92000004", s).lines]
    ['Wales', 'UK']
    """
    from gapmap.measures.trend import coverage_by_year
    from gapmap.present.trendspec import trend_spec

    uk = area_code in ("", "K02000001")
    trend = coverage_by_year(indicator, settings, level, store, area_code=None if uk else area_code)
    return trend_spec(trend, "K02000001" if uk else area_code, boundaries_dir=settings.boundaries_dir)


def teams_preview(records: pd.DataFrame) -> pd.DataFrame:
    """The rows of a teams file about to be imported, under names a reader knows (not the file's column names)."""
    from gapmap.teams.layer import BASIS_TEXT

    return pd.DataFrame(
        {
            "Row": records["row"],
            "Team": records["name"],
            "Located by": records["location_basis"].map(BASIS_TEXT).fillna(records["location_basis"]),
            "Region": records["region"],
            "Evidence year": records["evidence_year"],
        }
    )
