"""The steps users run, end to end, shared by the CLI and the app: survey -> indicators -> map -> files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gapmap import classify, describe, geography, indicators, io, output, safetext, survey
from gapmap.indicators import INDICATORS, IndicatorTable, Unavailable, format_value
from gapmap.mapspec import MapSpec
from gapmap.settings import Settings, from_env

if TYPE_CHECKING:
    import geopandas as gpd

    from gapmap.store import Store


def load_survey(
    path: str | Path | None = None, data: bytes | None = None, settings: Settings | None = None
) -> survey.Responses:
    """Validated responses from a survey file (the bundled synthetic sample when no path is given).

    >>> load_survey().synthetic
    True
    """
    settings = settings or from_env()
    src = Path(path) if path else settings.survey_path
    return survey.validate(io.read_table(src, data, settings))


def indicator_table(
    indicator_id: str,
    responses: survey.Responses | None = None,
    settings: Settings | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
) -> IndicatorTable:
    """One indicator for every area, from the given responses (the bundled sample by default) or the teams store."""
    settings = settings or from_env()
    if indicators.get(indicator_id).from_teams:
        from gapmap import teams_layer

        return teams_layer.compute(indicator_id, settings, known_by, store)
    return indicators.compute(
        responses or load_survey(settings=settings), indicator_id, settings, age_group, profession
    )


@dataclass
class AllIndicators:
    tables: list[IndicatorTable]
    unavailable: list[str]

    def frame(self, decimals: int | None = 4) -> pd.DataFrame:
        """All tables stacked, with a 'source' column that says when the data are the synthetic sample."""
        if not self.tables:
            return pd.DataFrame(columns=[*indicators.COLUMNS, "age_group", "profession", "source"])
        out = pd.concat([export_frame(t, decimals) for t in self.tables], ignore_index=True)
        return out


def export_frame(table: IndicatorTable, decimals: int | None = 4) -> pd.DataFrame:
    """The table as users download it: COLUMNS, then the selection (age_group, profession) and 'source'
    ('synthetic sample (…)' for the bundled sample)."""
    out = table.frame.copy()
    if decimals is not None:
        out[["value", "lo", "hi"]] = out[["value", "lo", "hi"]].round(decimals)
    out["age_group"] = table.age_group or ""
    out["profession"] = table.profession or ""
    out["source"] = f"synthetic sample ({table.source})" if table.synthetic else table.source
    return out


def all_indicators(
    responses: survey.Responses,
    settings: Settings,
    ids: list[str] | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
) -> AllIndicators:
    """Every indicator the file supports; those whose question is missing are listed as unavailable."""
    tables, missing = [], []
    for ind_id in ids or list(INDICATORS):
        ind = indicators.get(ind_id)
        if ind.from_teams:
            from gapmap import teams_layer

            tables.append(teams_layer.compute(ind_id, settings, known_by, store))
            continue
        try:
            age = age_group if ind.per_age_group else None
            tables.append(indicators.compute(responses, ind_id, settings, age, profession))
        except Unavailable as exc:
            missing.append(str(exc))
    return AllIndicators(tables, missing)


def map_spec(
    table: IndicatorTable,
    settings: Settings | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    teams: gpd.GeoDataFrame | None = None,
    teams_note: str = "",
) -> MapSpec:
    """The plain description of the map of one indicator table, ready for any renderer."""
    settings = settings or from_env()
    if boundaries is None:
        boundaries = geography.load_boundaries(settings.boundaries_path)
    ind = table.indicator
    geo = geography.join(table, boundaries)
    classes = classify.classes_for(ind, geo["value"].tolist(), settings.palette)
    geo["colour"] = [
        classify.SUPPRESSED_COLOUR if sup else classes.colour_of(v)
        for v, sup in zip(geo["value"], geo["suppressed"], strict=True)
    ]
    geo["label"] = [label_for(table, row) for _, row in geo.iterrows()]
    uk = table.uk
    subtitle = ind.subtitle(table.age_group)
    # File-supplied text is shown as data: a right-to-left override would otherwise reorder the note on screen.
    who = f" Respondents: {safetext.visible(table.profession)} only." if table.profession else ""
    if ind.from_teams:
        from gapmap.teams_layer import TEAMS_STATEMENT

        uk_note = f"UK: {int(uk['k'])} teams with a map location" + (
            f", {format_value(ind, uk['value'])} per 10,000 children aged 0-2."
            if ind.kind == "team_rate"
            else "."
        )
        base_note = TEAMS_STATEMENT + f" Source: {table.source}."
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
            f"{table.min_base} responses are suppressed. Colours compare areas; intervals show uncertainty."
            + who
        )
    footer = (
        [] if ind.from_teams else [geography.SURVEY_SOURCE + f" Data file: {safetext.visible(table.source)}."]
    )
    if table.synthetic:
        footer.append(geography.SYNTHETIC_NOTE)
    footer.append(geography.BOUNDARY_ATTRIBUTION)
    if ind.from_teams or (teams is not None and len(teams)):
        footer.append(TEAMS_ATTRIBUTION)
    if ind.kind == "team_rate":
        footer.append(POPULATION_ATTRIBUTION)
    return MapSpec(
        title=table.title,
        subtitle=subtitle,
        areas=geo,
        legend=list(zip(classes.labels, classes.colours, strict=True)),
        suppressed_label="" if ind.from_teams else f"Fewer than {table.min_base} responses (suppressed)",
        base_note=base_note,
        uk_note=uk_note,
        footer=footer,
        alt_text=describe.alt_text(table, subtitle, None if teams is None else len(teams)),
        synthetic=table.synthetic,
        teams=teams,
        teams_note=teams_note,
        extra={"min_base": str(table.min_base)},
    )


TEAMS_ATTRIBUTION = (
    "Teams: 38 teams found in public sources (see data/teams.md); the report counts 39 areas with a team in 2021. "
    "Postcode centres: ONS NSPL (OGL v3.0), Royal Mail and OS data © Crown copyright and database right 2025."
)


POPULATION_ATTRIBUTION = (
    "Population aged 0-2: ONS mid-2019 estimates (with NRS and NISRA), Open Government Licence v3.0."
)


def label_for(table: IndicatorTable, row: pd.Series) -> str:
    """Value and interval as shown on a map; suppressed rows say so and show no value."""
    if bool(row["suppressed"]):
        return f"fewer than {table.min_base}\nresponses"
    if pd.isna(row["value"]):
        return ""
    ind = table.indicator
    if ind.kind in ("count", "team_count", "team_rate"):
        return format_value(ind, row["value"])
    return (
        f"{format_value(ind, row['value'])}\n({format_value(ind, row['lo'])}–{format_value(ind, row['hi'])})"
    )


def render(spec: MapSpec, path: str | Path, fmt: str | None = None) -> tuple[Path, Path]:
    """Write the map and ``<path>.alt.txt`` beside it; returns both paths."""
    from gapmap.render import renderer

    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".") or "png"
    draw = renderer(fmt)
    alt_path = path.with_name(path.name + ".alt.txt")
    for target in (path, alt_path):  # refuse a folder or FIFO before drawing, not half-way through
        output.target(target)
    out = draw(spec, path)
    alt = io.write_text(alt_path, spec.alt_text + "\n")
    return out, alt
