"""The plain description of one map (areas, colours, legend, texts, team points) that every renderer draws, and
how an indicator table becomes one (:func:`map_spec`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from gapmap import safetext
from gapmap.geo import hexes, levels
from gapmap.measures import comparison
from gapmap.measures.indicators import IndicatorTable, format_value
from gapmap.present import chartspec, classify, describe
from gapmap.present.attribution import (
    BOUNDARY_ATTRIBUTION,
    HEX_ATTRIBUTION,
    POPULATION_ATTRIBUTION,
    PROVISION_ATTRIBUTION,
    SYNTHETIC_NOTE,
    TEAMS_ATTRIBUTION,
    survey_source,
)
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings, from_env

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass
class MapSpec:
    """Everything a renderer needs; renderers compute nothing.

    ``areas`` columns: area_code, area_name, n, k, value, lo, hi, suppressed, comparison, colour, label,
    no_value, geometry (WGS84). ``label`` is the value and interval as shown ('' when suppressed or without a
    value); ``no_value`` says why an unsuppressed area has none ('No data …', 'Not applicable …' or '').
    ``teams`` columns: name, provider, area_served, location_basis, evidence_year, source_url, exact, geometry.

    A hex map (``shape`` 'hex') draws each area as one hexagon of the same size: ``areas`` geometry is then in the
    plain plane of :mod:`gapmap.geo.hexes` (crs None), with columns ``short`` (a short name, '' if none),
    ``hex_label`` (what the hexagon is labelled with: its short name, else ``label``) and
    ``teams_here`` (known teams serving the area) and ``ringed`` (whether the hexagon is ringed to say a team
    serves it: local authorities and NHS areas); it has no team points, and ``outlines`` holds the regions or
    nations drawn over the hexagons.
    """

    title: str
    subtitle: str
    areas: gpd.GeoDataFrame
    legend: list[tuple[str, str]]
    suppressed_label: str
    base_note: str
    uk_note: str
    footer: list[str]
    alt_text: str
    synthetic: bool
    teams: gpd.GeoDataFrame | None = None
    teams_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    shape: str = "map"
    outlines: gpd.GeoDataFrame | None = None

    @property
    def is_hex(self) -> bool:
        return self.shape == "hex"


HEX_ALT = (
    "Hex map: each area is drawn as one hexagon of the same size, placed roughly where it lies; the shapes and "
    "sizes are not the areas' real ones."
)
HEX_TEAMS_NOTE = (
    "Team points are not drawn on a hex map: a ring marks each area that at least one known team serves."
)


COLOUR_BY = ("value", "comparison")


def map_spec(
    table: IndicatorTable,
    settings: Settings | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    teams: gpd.GeoDataFrame | None = None,
    teams_note: str = "",
    colour_by: str = "value",
    shape: str = "map",
    team_counts: dict[str, int] | None = None,
) -> MapSpec:
    """The plain description of the map of one indicator table, ready for any renderer.

    ``colour_by='comparison'`` colours areas by how they compare with the UK (better/similar/worse, or
    higher/similar/lower for indicators with no polarity) instead of by value. ``shape='hex'`` draws each area as
    one equal hexagon (``boundaries`` then defaults to the level's hex layout); ``team_counts`` (area code ->
    known teams serving it) replaces the team points there.
    """
    if colour_by not in COLOUR_BY:
        raise InputError(
            [
                Issue(
                    None,
                    "colour by",
                    colour_by,
                    f"Expected one of {', '.join(COLOUR_BY)}; found '{colour_by}'.",
                )
            ]
        )
    settings = settings or from_env()
    shape = hexes.check_shape(shape)
    if boundaries is None and shape == "hex":
        boundaries = hexes.layout(table.level, settings.boundaries_dir)
    elif boundaries is None:
        boundaries = levels.load_boundaries(settings.level_path(table.level))
    ind = table.indicator
    geo = join(table, boundaries)
    empty = [
        classify.empty_kind(table, str(code), v, bool(sup), str(cat))
        for code, v, sup, cat in zip(
            geo["area_code"], geo["value"], geo["suppressed"], geo["category"], strict=True
        )
    ]
    geo["no_value"] = (
        empty  # 'no data' or 'not applicable' (a layer's own words), '' for an area with a value
    )
    if colour_by == "comparison":
        bench = table.population.label
        geo["colour"] = [
            classify.empty_colour(e) if e else classify.SUPPRESSED_COLOUR if sup else comparison.COLOURS[c]
            for c, sup, e in zip(geo["comparison"], geo["suppressed"], empty, strict=True)
        ]
        legend = comparison.legend_entries(ind.polarity, bench)
        if ((geo["comparison"] == "") & ~geo["suppressed"] & (geo["no_value"] == "")).any():
            legend.append((comparison.LABELS[""], comparison.COLOURS[""]))
        kinds = sorted({e for e in empty if e}, key=lambda e: not classify.is_no_data(e))
        legend += [(e, classify.empty_colour(e)) for e in kinds]
    else:
        geo["colour"], legend = classify.value_colours(table, geo, settings.palette)
    geo["label"] = [label_for(table, row) for _, row in geo.iterrows()]
    outlines = None
    hex_key = ""
    if shape == "hex":
        counts = team_counts or {}
        geo["teams_here"] = [int(counts.get(str(c), 0)) for c in geo["area_code"]]
        geo["ringed"] = (geo["teams_here"] > 0) & (table.level in hexes.RINGED_LEVELS)
        if "short" not in geo:
            geo["short"] = ""
        # A hexagon is labelled with its short name where the layout has one (which hexagon is which is what a
        # hex map hides; the colour gives the value), else with its value as on a geographic map.
        geo["hex_label"] = [
            str(short) or str(label) for short, label in zip(geo["short"], geo["label"], strict=True)
        ]
        outlines = hexes.outlines(table.level, settings.boundaries_dir)
        named = sorted(
            (str(short), chartspec.short_name(str(name)))
            for short, name in zip(geo["short"], geo["area_name"], strict=True)
            if short
        )
        hex_key = "; ".join(f"{short} {name}" for short, name in named)  # what each short name stands for
        teams_note = HEX_TEAMS_NOTE if team_counts is not None and table.level in hexes.RINGED_LEVELS else ""
        teams = None
    uk = table.uk
    subtitle = ind.subtitle(table.age_group)
    # File-supplied text is shown as data: a right-to-left override would otherwise reorder the note on screen.
    who = f" Respondents: {safetext.visible(table.profession)} only." if table.profession else ""
    level = levels.get_level(table.level)
    if not ind.from_survey:
        uk_note = _uk_note_services(table)
        base_note = f"Source: {safetext.visible(table.source)}."
    elif ind.kind == "count":
        uk_note = f"UK: {int(uk['n'])} respondents (including those working across more than one nation)."
        base_note = "Count of respondents per area." + who
    else:
        uk_note = (
            f"UK value: {format_value(ind, uk['value'])} (95% interval {format_value(ind, uk['lo'])}"
            f"–{format_value(ind, uk['hi'])}), n = {int(uk['n'])}."
        )
        if ind.published_uk is not None and not table.profession and table.title == ind.title:
            shown = (
                f"{100 * ind.published_uk:.0f}%" if ind.kind == "proportion" else f"{ind.published_uk:.2f}"
            )
            uk_note += f" Published UK figure: {shown} ({ind.published_ref})."
        base_note = (
            f"Base: respondents who answered, 'Don't know' included; n per area from "
            f"{int(table.areas['n'].min())} to {int(table.areas['n'].max())}. Areas with fewer than "
            f"{table.min_base} responses are suppressed, and so is the next-smallest area or profession "
            "wherever a hidden value could be worked out by subtraction. Colours compare areas; intervals "
            "show uncertainty." + who
        )
    if table.unplaced_note:
        base_note = table.unplaced_note + " " + base_note
    footer = [survey_source(table.source, table.supplied_by)[0]] if ind.from_survey else []
    if table.synthetic and ind.from_survey:
        footer.append(SYNTHETIC_NOTE)
    footer.append(BOUNDARY_ATTRIBUTION + " Areas are best-fit unions of local authorities (May 2024).")
    if shape == "hex":
        footer.append(HEX_ATTRIBUTION)
    if ind.from_teams or (teams is not None and len(teams)) or team_counts is not None:
        footer.append(TEAMS_ATTRIBUTION)
    if ind.kind in ("team_rate", "coverage", "programme", "status"):
        footer.append(POPULATION_ATTRIBUTION)
    if ind.from_provision:
        footer.append(PROVISION_ATTRIBUTION)
    suppressed_label = ""
    if ind.from_survey and ind.kind != "count":
        suppressed_label = f"Suppressed: fewer than {table.min_base} responses, or to protect a neighbour"
    if colour_by == "comparison":
        subtitle += (
            f" Coloured by comparison with the {table.population.label} value: the area's "
            f"{comparison.level_label(table.comparison_level)} interval above, overlapping or below it."
        )
    alt = describe.alt_text(table, subtitle, None if teams is None else len(teams))
    if shape == "hex":
        alt = f"{HEX_ALT} {alt}"
        if team_counts is not None and table.level in hexes.RINGED_LEVELS:
            served = int(geo["ringed"].sum())
            alt += f" {served} of {len(geo)} hexagons are ringed: at least one known team serves the area."
    return MapSpec(
        title=table.title,
        subtitle=subtitle,
        areas=geo,
        legend=legend,
        suppressed_label=suppressed_label,
        base_note=base_note,
        uk_note=uk_note,
        footer=footer,
        alt_text=alt,
        synthetic=table.synthetic,
        teams=teams,
        teams_note=teams_note,
        extra={
            "min_base": str(table.min_base),
            "level": level.id,
            "level_label": level.label,
            "colour_by": colour_by,
            "comparison_level": comparison.level_label(table.comparison_level),
            "benchmark": table.population.label,
            "hex_key": hex_key,
        },
        shape=shape,
        outlines=outlines,
    )


def _uk_note_services(table: IndicatorTable) -> str:
    ind, uk = table.indicator, table.benchmark
    if ind.kind == "team_count":
        return f"UK: {int(uk['k'])} teams serving at least one local authority."
    if ind.kind == "team_rate":
        return f"UK: {int(uk['k'])} teams, {format_value(ind, uk['value'])} per 10,000 children aged 0-2."
    if ind.kind == "coverage":
        return (
            f"UK: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) "
            "live in a local authority that no known parent-infant team serves."
        )
    if ind.id == "start_for_life":
        return (
            f"England: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) "
            "live in a Start for Life local authority (England only)."
        )
    return (
        f"Scotland: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) "
        "live in a health board with a sourced infant mental-health service."
    )


def label_for(table: IndicatorTable, row: pd.Series) -> str:
    """Value and interval as shown on a map; suppressed rows say so and show no value."""
    if bool(row["suppressed"]):
        if table.level in ("nhs", "la"):
            return ""  # hatching says it; too many small areas to label each
        if row.get("suppressed_reason") == "secondary":
            return "suppressed to\nprotect a neighbour"
        return f"fewer than {table.min_base}\nresponses"
    if str(row.get("category", "")) or pd.isna(row["value"]):
        return ""  # a category, no data or not applicable: the legend says which, and no number is shown
    ind = table.indicator
    if ind.kind in ("count", "team_count", "team_rate", "coverage", "programme", "status"):
        return format_value(ind, row["value"])
    if table.level in ("nhs", "la"):
        return format_value(ind, row["value"])  # many small areas: the value alone, intervals in the table
    return (
        f"{format_value(ind, row['value'])}\n({format_value(ind, row['lo'])}–{format_value(ind, row['hi'])})"
    )


def join(table: IndicatorTable, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every boundary polygon with its indicator row (areas without a row keep n = 0 and no value)."""
    frame = table.areas.drop(columns=["area_name"])
    merged = boundaries.merge(frame, on="area_code", how="left")
    merged["indicator"] = table.indicator.id
    merged["n"] = merged["n"].fillna(0).astype(int)
    merged["suppressed"] = merged["suppressed"].astype("boolean").fillna(True).astype(bool)
    for col in ("comparison", "suppressed_reason", "category"):
        if col in merged.columns:
            merged[col] = merged[col].fillna("")
    return merged
