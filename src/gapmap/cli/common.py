"""What every command shares: exit codes, settings from the options, the survey read with its notes on stderr,
and the boundaries and team points a map command draws with."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from gapmap import safetext
from gapmap.geo.levels import LEVELS
from gapmap.settings import Settings, from_env
from gapmap.survey.validate import Responses, load_survey

if TYPE_CHECKING:
    import geopandas as gpd

EXIT_OK, EXIT_BAD_INPUT, EXIT_ERROR = 0, 1, 2


def settings_for(args: argparse.Namespace) -> Settings:
    return from_env(min_base=getattr(args, "min_base", None))


def read_responses(args: argparse.Namespace, settings: Settings) -> Responses:
    responses = load_survey(args.survey, settings=settings)
    for note in responses.notes:
        print(f"note: {safetext.terminal(note)}", file=sys.stderr)
    if responses.synthetic:
        print("note: this is the bundled SYNTHETIC SAMPLE, not real survey answers.", file=sys.stderr)
    return responses


def read_boundaries(args: argparse.Namespace, settings: Settings) -> gpd.GeoDataFrame | None:
    if args.boundaries:
        from gapmap.geo import levels

        return levels.load_boundaries(args.boundaries, args.code_field)
    return None


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
