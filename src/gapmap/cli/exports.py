"""`gapmap chart` and `gapmap profile`: ranked bar charts and area spine charts as PNG, SVG or PDF, each with its
alt text and data CSV beside it (a thin shell over gapmap.render.exports and the layers below; nothing computed here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gapmap.cli.common import (
    ALLOW_EMPTY_HELP,
    check_outputs,
    export_outputs,
    read_responses,
    refuse_empty,
    say,
    survey_inputs,
)
from gapmap.files import output
from gapmap.geo.levels import LEVELS
from gapmap.measures.compute import all_indicators, indicator_table
from gapmap.measures.indicators import INDICATORS
from gapmap.present.profile import area_profile
from gapmap.present.ranking import SORTS
from gapmap.render import exports
from gapmap.render.names import export_name, profile_name
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings, from_env


def _report(written: exports.Written) -> None:
    say(f"wrote {written.image}, {written.alt.name} and {written.csv.name}")


def _check_out(args: argparse.Namespace, settings: Settings) -> None:
    """Refuse ``--out -`` and an --out that would replace an input, before anything is read or drawn."""
    if args.out == output.STDOUT:
        raise output.refuse_stdout("--out", args.format or "png")
    if args.out:
        check_outputs(survey_inputs(args, settings), export_outputs("--out", args.out))


def cmd_chart(args: argparse.Namespace) -> int:
    settings = from_env(min_base=args.min_base)
    _check_out(args, settings)
    survey = INDICATORS[args.indicator].from_survey
    responses = read_responses(args, settings) if survey or args.survey else None
    table = indicator_table(
        args.indicator, responses, settings, args.age_group, args.profession, args.known_by, level=args.level
    )
    fmt = exports.fmt_of(args.out or "x.png", args.format)
    out = Path(args.out) if args.out else Path(export_name(table, fmt, args.size, args.known_by, "ranked"))
    check_outputs(survey_inputs(args, settings), export_outputs("--out", out))
    refuse_empty([table], args, responses, settings)
    _report(
        exports.write_chart(
            table, out, fmt, args.size, args.title, args.subtitle, settings.palette, sort=args.sort
        )
    )
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    settings = from_env(min_base=args.min_base)
    _check_out(args, settings)
    code = exports.resolve_area(args.area, args.level, settings)
    responses = read_responses(args, settings)
    profile = area_profile(settings, code, responses, args.age_group, args.profession, args.known_by)
    tables = all_indicators(
        responses, settings, None, args.age_group, args.profession, args.known_by, level=profile.level
    ).tables
    fmt = exports.fmt_of(args.out or "x.png", args.format)
    name = profile_name(
        code, profile.level, fmt, args.size, args.age_group, args.profession, settings.min_base, args.known_by
    )
    out = Path(args.out) if args.out else Path(name)
    check_outputs(survey_inputs(args, settings), export_outputs("--out", out))
    _report(exports.write_profile(profile, tables, out, fmt, args.size, args.title, args.subtitle))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", choices=list(SIZES), default=None, help="export size (default a4-portrait)")
    p.add_argument(
        "--format", choices=list(exports.STATIC_FORMATS), help="file format (default: from --out, or png)"
    )
    p.add_argument("--out", help="file to write (default: a name saying what it shows, in this folder)")
    p.add_argument("--title", help="headline to print instead of the indicator's title")
    p.add_argument("--subtitle", help="subtitle to print instead of the default")
    p.add_argument("--survey", help="survey file (CSV or XLSX); default: the bundled synthetic sample")
    p.add_argument("--age-group", help="age group for grid questions, e.g. '0-2' or '3-4'")
    p.add_argument("--profession", help="only respondents of this profession")
    p.add_argument(
        "--min-base", type=int, help="suppress areas with fewer responses (default 10, at least 5)"
    )
    p.add_argument(
        "--known-by", type=int, help="team indicators: teams with evidence by, and open in, this year"
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "chart", help="ranked bar chart of an indicator's areas against the UK (PNG, SVG, PDF)"
    )
    p.add_argument("--indicator", required=True, choices=list(INDICATORS), metavar="ID", help="indicator id")
    p.add_argument("--level", choices=list(LEVELS), default=None, help="geography (default region)")
    p.add_argument(
        "--sort",
        choices=list(SORTS),
        default=None,
        help="order of the bars: "
        + "; ".join(f"{k} ({v})" for k, v in SORTS.items())
        + " (default: gap for coverage, best otherwise)",
    )
    p.add_argument("--allow-empty", action="store_true", help=ALLOW_EMPTY_HELP)
    _common(p)
    p.set_defaults(func=cmd_chart)

    p = sub.add_parser(
        "profile", help="spine chart of one area: every indicator against the UK (PNG, SVG, PDF)"
    )
    p.add_argument(
        "--area", required=True, help="area name, GSS code or postcode district ('Cardiff', 'KY1')"
    )
    p.add_argument(
        "--level", choices=list(LEVELS), default=None, help="profile the area of this level holding it"
    )
    _common(p)
    p.set_defaults(func=cmd_profile)
