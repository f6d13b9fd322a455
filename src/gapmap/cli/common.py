"""What every command shares: exit codes, settings from the options, the survey read with its notes on stderr,
and the boundaries and team points a map command draws with."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gapmap import safetext
from gapmap.files import io, output
from gapmap.geo.levels import LEVELS
from gapmap.problems import InputError, Issue
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import Responses, load_survey

if TYPE_CHECKING:
    import geopandas as gpd

    from gapmap.measures.indicators import IndicatorTable


Named = tuple[str, "str | Path | None"]


def database_file(url: str) -> Path | None:
    """The file of an SQLite database URL (an input of every command that reads the teams), else None.

    >>> [str(database_file(u)) for u in ("sqlite:///t.db", "sqlite:///file:t.db?uri=true", "sqlite:///file:///x/t%20b.db?uri=true")]
    ['t.db', 't.db', '/x/t b.db']
    """
    if url.startswith("sqlite") and "///" in url:
        path = url.split("///", 1)[1].split("?", 1)[0]
        if path.startswith("file:"):  # the URI form (?uri=true): file:NAME or file:///ABSOLUTE, %-encoded
            from urllib.parse import unquote, urlsplit

            path = unquote(urlsplit(path).path)
        return Path(path) if path and path != ":memory:" else None
    return None


def survey_inputs(args: argparse.Namespace, settings: Settings) -> list[Named]:
    """The files a survey command reads: the survey (given or bundled), other boundaries, the teams database."""
    named: list[Named] = [("survey file", getattr(args, "survey", None) or settings.survey_path)]
    named.append(("boundary file", getattr(args, "boundaries", None)))
    named.append(("teams database", database_file(settings.teams_db_url)))
    return named


def export_outputs(option: str, image: str | Path) -> list[Named]:
    """An export and the files written beside it, each labelled for a message ('data CSV beside --out')."""
    from gapmap.render.exports import companions

    return [
        (option if what == "output" else f"{what} beside {option}", path) for what, path in companions(image)
    ]


def check_outputs(inputs: Iterable[Named], outputs: Iterable[Named]) -> None:
    """Refuse, before anything is written, an output that would replace one of the command's inputs."""
    output.refuse_replacing(inputs, outputs)


def write_text_out(path: str, text: str) -> bool:
    """Write a text output (CSV, GeoJSON) to ``path``, or to standard output for ``-``; True if a file was written."""
    if path == output.STDOUT:
        sys.stdout.write(text)
        return False
    io.write_text(path, text)
    return True


def settings_for(args: argparse.Namespace) -> Settings:
    return from_env(min_base=getattr(args, "min_base", None))


def read_responses(args: argparse.Namespace, settings: Settings) -> Responses:
    responses = load_survey(args.survey, settings=settings)
    for note in responses.notes:
        say(f"note: {note}", file=sys.stderr)
    if responses.synthetic:
        say("note: this is the bundled SYNTHETIC SAMPLE, not real survey answers.", file=sys.stderr)
    return responses


def read_boundaries(args: argparse.Namespace, settings: Settings) -> gpd.GeoDataFrame | None:
    if args.boundaries:
        from gapmap.geo import levels

        return levels.load_boundaries(args.boundaries, args.code_field)
    return None


def team_counts(args: argparse.Namespace, settings: Settings, level: str | None) -> dict[str, int] | None:
    """Known teams per area, which a hex map shows instead of team points (None with --no-teams or a
    geographic map)."""
    if getattr(args, "shape", "map") != "hex" or getattr(args, "no_teams", False):
        return None
    from gapmap.geo.levels import get_level
    from gapmap.measures.coverage import teams_per_area

    return teams_per_area(settings, get_level(level).id, getattr(args, "known_by", None))


def team_points(args: argparse.Namespace, settings: Settings) -> tuple[gpd.GeoDataFrame | None, str]:
    if getattr(args, "no_teams", False):
        return None, ""
    from gapmap.teams import layer

    return layer.for_map(settings, known_by=getattr(args, "known_by", None))


def survey_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--survey", help="survey file (CSV or XLSX); default: the bundled synthetic sample")
    p.add_argument("--age-group", help="age group for grid questions, e.g. '0-2' or 'Pre-schoolers (3-4)'")
    p.add_argument("--profession", help="only respondents of this profession")
    p.add_argument(
        "--min-base", type=int, help="suppress areas with fewer responses (default 10, at least 5)"
    )
    p.add_argument(
        "--level",
        choices=list(LEVELS),
        default=None,
        help="geography: nation, region (default), nhs (ICBs, health boards, HSC trusts) or la",
    )


def say(*parts: object, file: TextIO | None = None) -> None:
    """Print a line with any control characters in it (from a file name, a heading, a cell) shown as ``[U+001B]``
    rather than acting on the terminal (:func:`gapmap.safetext.terminal`)."""
    print(safetext.terminal(" ".join(str(p) for p in parts)), file=file or sys.stdout)


ALLOW_EMPTY_HELP = (
    "draw a survey map or chart even when no area has a value to show (all suppressed or empty)"
)


def refuse_empty(
    tables: Iterable[IndicatorTable],
    args: argparse.Namespace,
    responses: Responses | None,
    settings: Settings,
) -> None:
    """Exit 1 (InputError) before anything is written when a survey view has no value to show, naming the level
    that works, unless ``--allow-empty`` was given: an all-grey map posted as it is would say nothing true."""
    if getattr(args, "allow_empty", False):
        return
    from gapmap.measures.compute import has_values, working_level
    from gapmap.present.describe import empty_view

    issues = []
    for table in tables:
        if not table.indicator.from_survey or has_values(table):
            continue
        working = working_level(
            table.indicator.id, responses, settings, table.age_group, table.profession, table.level
        )
        fix = f" Fix: add --level {working}, or" if working else " Fix:"
        issues.append(
            Issue(
                None,
                "--indicator",
                table.indicator.id,
                empty_view(table, working) + fix + " give --allow-empty to draw it anyway.",
            )
        )
    if issues:
        raise InputError(issues)
