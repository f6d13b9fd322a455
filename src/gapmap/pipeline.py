"""The steps users run, end to end, shared by the CLI and the app: survey -> indicators -> map -> files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gapmap import classify, describe, geography, indicators, io, output, safetext, survey
from gapmap.indicators import INDICATORS, IndicatorTable, Unavailable, format_value
from gapmap.mapspec import MapSpec
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings, from_env

# Re-exported: the app and CLI reach every step through pipeline.
from gapmap.tables import TIDY_COLUMNS as TIDY_COLUMNS
from gapmap.tables import Profile as Profile
from gapmap.tables import Ranked as Ranked
from gapmap.tables import area_profile as area_profile
from gapmap.tables import now_stamp as now_stamp
from gapmap.tables import ranked as ranked
from gapmap.tables import source_text, tidy_frames
from gapmap.tables import tidy_frame as tidy_frame

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
    table = io.read_table(src, data, settings, columns=survey.is_question_column, categorical=True)
    return survey.validate(table)


def indicator_table(
    indicator_id: str,
    responses: survey.Responses | None = None,
    settings: Settings | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> IndicatorTable:
    """One indicator for every area of a level (nations and regions by default), from the given responses
    (the bundled sample by default), the teams store or a provision layer.

    >>> len(indicator_table("respondents", level="nhs").areas)
    68
    """
    settings = settings or from_env()
    ind = indicators.get(indicator_id)
    if ind.from_teams:
        from gapmap import teams_layer

        return teams_layer.compute(indicator_id, settings, known_by, store, level)
    if ind.from_provision:
        from gapmap import provision

        return provision.compute(indicator_id, settings, level)
    return indicators.compute(
        responses or load_survey(settings=settings), indicator_id, settings, age_group, profession, level
    )


@dataclass
class AllIndicators:
    tables: list[IndicatorTable]
    unavailable: list[str]

    def frame(self, generated_at: str | None = None) -> pd.DataFrame:
        """All tables stacked in the one tidy shape (``tables.TIDY_COLUMNS``), each with its UK row last."""
        return tidy_frames(self.tables, generated_at)


def export_frame(table: IndicatorTable, decimals: int | None = 4) -> pd.DataFrame:
    """The table's own columns (COLUMNS) with the selection (level, age_group, profession) and 'source', for
    display; downloads use :func:`tidy_frame`."""
    out = table.frame.copy()
    if decimals is not None:
        out[["value", "lo", "hi"]] = out[["value", "lo", "hi"]].round(decimals)
    out["level"] = table.level
    out["age_group"] = table.age_group or ""
    out["profession"] = table.profession or ""
    out["source"] = source_text(table)
    return out


def all_indicators(
    responses: survey.Responses,
    settings: Settings,
    ids: list[str] | None = None,
    age_group: str | None = None,
    profession: str | None = None,
    known_by: int | None = None,
    store: Store | None = None,
    level: str | None = None,
) -> AllIndicators:
    """Every indicator the file supports; those whose question is missing are listed as unavailable."""
    tables, missing = [], []
    wanted = ids or list(INDICATORS)
    teams_ids = [i for i in wanted if indicators.get(i).from_teams]
    teams_tables: dict[str, IndicatorTable] = {}
    if teams_ids:  # the store read and the teams placed once for all of them
        from gapmap import teams_layer

        found = teams_layer.compute_many(teams_ids, settings or from_env(), known_by, store, level)
        teams_tables = dict(zip(teams_ids, found, strict=True))
    for ind_id in wanted:
        ind = indicators.get(ind_id)
        if ind_id in teams_tables:
            tables.append(teams_tables[ind_id])
            continue
        if not ind.from_survey:
            tables.append(indicator_table(ind_id, responses, settings, None, None, known_by, store, level))
            continue
        try:
            age = age_group if ind.per_age_group else None
            tables.append(indicators.compute(responses, ind_id, settings, age, profession, level))
        except Unavailable as exc:
            missing.append(str(exc))
    return AllIndicators(tables, missing)


COLOUR_BY = ("value", "comparison")


def map_spec(
    table: IndicatorTable,
    settings: Settings | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    teams: gpd.GeoDataFrame | None = None,
    teams_note: str = "",
    colour_by: str = "value",
) -> MapSpec:
    """The plain description of the map of one indicator table, ready for any renderer.

    ``colour_by='comparison'`` colours areas by how they compare with the UK (better/similar/worse, or
    higher/similar/lower for indicators with no polarity) instead of by value.
    """
    from gapmap import comparison

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
    if boundaries is None:
        boundaries = geography.load_boundaries(settings.level_path(table.level))
    ind = table.indicator
    geo = geography.join(table, boundaries)
    if colour_by == "comparison":
        geo["colour"] = [
            classify.SUPPRESSED_COLOUR if sup else comparison.COLOURS[c]
            for c, sup in zip(geo["comparison"], geo["suppressed"], strict=True)
        ]
        legend = comparison.legend_entries(ind.polarity)
        if ((geo["comparison"] == "") & ~geo["suppressed"]).any():
            legend.append((comparison.LABELS[""], comparison.COLOURS[""]))
    else:
        geo["colour"], legend = classify.value_colours(table, geo, settings.palette)
    geo["label"] = [label_for(table, row) for _, row in geo.iterrows()]
    uk = table.uk
    subtitle = ind.subtitle(table.age_group)
    # File-supplied text is shown as data: a right-to-left override would otherwise reorder the note on screen.
    who = f" Respondents: {safetext.visible(table.profession)} only." if table.profession else ""
    level = geography.get_level(table.level)
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
    footer = (
        [geography.SURVEY_SOURCE + f" Data file: {safetext.visible(table.source)}."]
        if ind.from_survey
        else []
    )
    if table.synthetic:
        footer.append(geography.SYNTHETIC_NOTE)
    footer.append(
        geography.BOUNDARY_ATTRIBUTION + " Areas are best-fit unions of local authorities (May 2024)."
    )
    if ind.from_teams or (teams is not None and len(teams)):
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
            f" Coloured by comparison with the UK value: the area's "
            f"{comparison.level_label(table.comparison_level)} interval above, overlapping or below it."
        )
    return MapSpec(
        title=table.title,
        subtitle=subtitle,
        areas=geo,
        legend=legend,
        suppressed_label=suppressed_label,
        base_note=base_note,
        uk_note=uk_note,
        footer=footer,
        alt_text=describe.alt_text(table, subtitle, None if teams is None else len(teams)),
        synthetic=table.synthetic,
        teams=teams,
        teams_note=teams_note,
        extra={
            "min_base": str(table.min_base),
            "level": level.id,
            "level_label": level.label,
            "colour_by": colour_by,
            "comparison_level": comparison.level_label(table.comparison_level),
        },
    )


def _uk_note_services(table: IndicatorTable) -> str:
    ind, uk = table.indicator, table.uk
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
            f"UK: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) "
            "live in a Start for Life local authority (England only)."
        )
    return (
        f"Scotland: {int(uk['k']):,} of {int(uk['n']):,} children aged 0-2 ({format_value(ind, uk['value'])}) "
        "live in a health board with a sourced infant mental-health service."
    )


TEAMS_ATTRIBUTION = (
    "Teams: gapmap teams database, seeded from public sources (see data/teams.md); dated counts from the "
    "Parent-Infant Foundation (data/provision/pif_team_counts.csv). Postcode centres: ONS NSPL (OGL v3.0), "
    "Royal Mail and OS data © Crown copyright and database right 2025."
)
PROVISION_ATTRIBUTION = (
    "Provision: DfE/DHSC Family Hubs and Start for Life list; Scottish health boards' public pages "
    "(data/provision/NOTES.md). Open Government Licence v3.0 where published on gov.uk/gov.scot."
)


POPULATION_ATTRIBUTION = (
    "Population aged 0-2: ONS mid-2019 estimates (with NRS and NISRA), Open Government Licence v3.0."
)


def label_for(table: IndicatorTable, row: pd.Series) -> str:
    """Value and interval as shown on a map; suppressed rows say so and show no value."""
    if bool(row["suppressed"]):
        if table.level in ("nhs", "la"):
            return ""  # hatching says it; too many small areas to label each
        if row.get("suppressed_reason") == "secondary":
            return "suppressed to\nprotect a neighbour"
        return f"fewer than {table.min_base}\nresponses"
    if str(row.get("category", "")):
        return ""
    if pd.isna(row["value"]):
        return ""
    ind = table.indicator
    if ind.kind in ("count", "team_count", "team_rate", "coverage", "programme", "status"):
        return format_value(ind, row["value"])
    if table.level in ("nhs", "la"):
        return format_value(ind, row["value"])  # many small areas: the value alone, intervals in the table
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


@dataclass
class Coverage:
    """The coverage headline: one sentence, the level's areas with no known team, and the full table."""

    headline: str
    frame: pd.DataFrame
    gaps: pd.DataFrame
    areas_total: int
    level_plural: str


def coverage(
    settings: Settings | None = None,
    level: str = "nhs",
    known_by: int | None = None,
    store: Store | None = None,
) -> Coverage:
    """Children aged 0-2 where no known team serves, for the UK and every area of a level.

    >>> import tempfile, os
    >>> s = from_env(database_url="sqlite:///" + os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> coverage(s, "nation").headline.startswith("Of the UK's 2,252,744 children aged 0-2")
    True
    """
    from gapmap import teams_layer
    from gapmap.areas import UK_CODE
    from gapmap.store import Store

    settings = settings or from_env()
    store = store or Store(settings)
    frame = teams_layer.coverage_frame(settings, level, known_by, store)
    uk = frame.loc[frame["area_code"] == UK_CODE].iloc[0]
    areas_only = frame.loc[frame["area_code"] != UK_CODE]
    gaps = areas_only.loc[areas_only["teams_serving"] == 0]
    lv = geography.get_level(level)
    when = f" (teams open in {known_by} with evidence by then)" if known_by else ""
    headline = (
        f"Of the UK's {int(uk['n']):,} children aged 0-2, {int(uk['k']):,} ({100 * float(uk['value']):.0f}%) live "
        f"in a local authority that no known parent-infant team serves{when}. "
        + teams_layer.teams_statement(store, settings)
    )
    out = frame.assign(level=lv.id).rename(
        columns={"n": "children_0_2", "k": "children_0_2_no_team", "value": "share_no_team"}
    )
    out = out[
        [
            "level",
            "area_code",
            "area_name",
            "children_0_2",
            "children_0_2_no_team",
            "share_no_team",
            "teams_serving",
        ]
    ]
    out["share_no_team"] = out["share_no_team"].round(4)
    return Coverage(headline, out, gaps, len(areas_only), lv.noun)


def area_list(settings: Settings, level: str) -> pd.DataFrame:
    """Codes, names, parents and children aged 0-2 of one level's areas (``gapmap areas``)."""
    from gapmap import areas

    lv = geography.get_level(level)
    t = areas.table(settings.boundaries_dir)
    f = t.level_frame(lv.id)
    cols = ["code", "name", "area_type"]
    for parent in t.level_order[: t.rank[lv.id]]:
        col = f"{parent}_code"
        if col in f.columns:
            f[f"{parent}_name"] = f[col].map(lambda c: t.names.get(c, "") if c else "")
            cols += [col, f"{parent}_name"]
    return f[[*cols, "la_count", "pop_age0to2"]].rename(columns={"pop_age0to2": "children_0_2"})


@dataclass
class FoundArea:
    """What "find my area" found: the areas of the level to zoom to, and a sentence saying what they are."""

    codes: list[str]
    message: str


def find_area(text: str, level: str, settings: Settings | None = None) -> FoundArea:
    """An area name, GSS code or postcode district -> the areas of ``level`` to show.

    >>> find_area("KY1", "nhs").codes, find_area("Wales", "region").codes
    (['S08000029'], ['W92000004'])
    """
    from gapmap import areas, geocode

    settings = settings or from_env()
    t = areas.table(settings.boundaries_dir)
    lv = geography.get_level(level)
    text = text.strip()
    if not text:
        return FoundArea([], "")
    outward = geocode.normalise_postcode(text)
    districts = geocode.lookups(settings).districts
    code = ""
    what = ""
    if outward and outward.split(" ")[0] in districts and not t.match(text).codes:
        lat, lon = districts[outward.split(" ")[0]]
        code = geocode.local_authorities(settings, [lat], [lon])[0]
        what = (
            f"postcode district {outward.split(' ')[0]} (its centre lies in {t.names.get(code, 'no area')})"
        )
    else:
        match = t.match(text)
        if len(match.codes) > 1:
            names = " or ".join(t.describe(c) for c in match.codes)
            return FoundArea([], f"'{text}' could mean {names}: type the full name or the GSS code.")
        if not match.codes or match.codes[0] == areas.MULTI_NATION:
            hint = f" Did you mean {' or '.join(match.closest)}?" if match.closest else ""
            return FoundArea([], f"No area or postcode district called '{text}'.{hint}")
        code = match.codes[0]
        what = t.describe(code)
    if not code:
        return FoundArea([], f"'{text}' is not in a UK area.")
    own = t.ancestor(code, lv.id)
    if own == code:
        return FoundArea([own], f"Showing {what}.")
    if own:
        return FoundArea(
            [own],
            f"{what}: {lv.label.lower() if not lv.label.startswith('NHS') else lv.label} {t.names[own]}.",
        )
    members = t.members(code, lv.id)
    if members:
        return FoundArea(members, f"{what}: its {len(members)} {lv.noun}.")
    across = sorted({t.ancestor(la, lv.id) for la in t.members(code, "la")} - {""})
    names = " and ".join(t.names[c] for c in across)
    return FoundArea(across, f"{what}: lies across {names}.")
