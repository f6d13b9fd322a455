"""`gapmap trend`: a coverage indicator year by year for the UK or one area (against its parent and the UK), as
PNG, SVG or PDF with its alt text and a CSV of every area of the level in every year beside it (a thin shell over
gapmap.measures.trend and gapmap.render.exports; nothing computed here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gapmap.cli.common import check_outputs, database_file, export_outputs, say
from gapmap.files import output
from gapmap.geo.areas import UK_CODE
from gapmap.geo.levels import LEVELS
from gapmap.measures.trend import coverage_by_year, trend_indicators
from gapmap.render import exports
from gapmap.render.names import trend_name
from gapmap.render.sizes import SIZES
from gapmap.settings import from_env


def cmd_trend(args: argparse.Namespace) -> int:
    settings = from_env(database_url=args.database)
    inputs = [("teams database", database_file(settings.teams_db_url))]
    if args.out == output.STDOUT:
        raise output.refuse_stdout("--out", args.format or "png")
    _check_years(args.from_year, args.to_year)
    code = exports.resolve_area(args.area, args.level, settings) if args.area is not None else UK_CODE
    fmt = exports.fmt_of(args.out or "x.png", args.format)
    level = args.level or "nation"
    out = Path(args.out) if args.out else Path(trend_name(args.indicator, level, code, fmt, args.size))
    check_outputs(inputs, export_outputs("--out", out))
    trend = coverage_by_year(
        args.indicator, settings, level, first_year=args.from_year, last_year=args.to_year, area_code=code
    )
    written = exports.write_trend(trend, code, out, fmt, args.size, args.title, args.subtitle)
    say(f"wrote {written.image}, {written.alt.name} and {written.csv.name}")
    return 0


def _check_years(first: int | None, last: int | None) -> None:
    """--from and --to as years between 1900 and this year, the first no later than the last, before any work."""
    import datetime as dt

    from gapmap.problems import InputError, Issue

    this_year = dt.date.today().year
    issues = [
        Issue(
            None,
            option,
            str(year),
            f"Expected a year from 1900 to {this_year}; found {year}. Fix: give a four-digit year in that range.",
        )
        for option, year in (("--from", first), ("--to", last))
        if year is not None and not 1900 <= year <= this_year
    ]
    if not issues and first is not None and first > (last if last is not None else this_year):
        to = f"--to {last}" if last is not None else f"this year, {this_year} (the default --to)"
        issues.append(
            Issue(
                None,
                "--from",
                str(first),
                f"Expected --from no later than {to}; found --from {first}. Fix: give an earlier --from"
                + (" or a later --to, or swap them." if last is not None else "."),
            )
        )
    if issues:
        raise InputError(issues)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trend",
        help="a coverage indicator year by year, for the UK or one area against its parent and the UK "
        "(PNG, SVG, PDF)",
    )
    p.add_argument(
        "--indicator", required=True, choices=trend_indicators(), metavar="ID", help="a teams indicator id"
    )
    p.add_argument(
        "--level",
        choices=list(LEVELS),
        default=None,
        help="geography of the CSV's areas, and of --area (default nation)",
    )
    p.add_argument("--area", help="area name, GSS code or postcode district (default: the UK)")
    p.add_argument(
        "--from", dest="from_year", type=int, help="first year (default: the earliest evidence year)"
    )
    p.add_argument("--to", dest="to_year", type=int, help="last year (default: this year)")
    p.add_argument("--size", choices=list(SIZES), default=None, help="export size (default a4-portrait)")
    p.add_argument(
        "--format", choices=list(exports.STATIC_FORMATS), help="file format (default: from --out, or png)"
    )
    p.add_argument("--out", help="file to write (default: a name saying what it shows, in this folder)")
    p.add_argument("--title", help="headline to print instead of the indicator's title")
    p.add_argument("--subtitle", help="subtitle to print instead of the default")
    p.add_argument(
        "--database", help="SQLAlchemy URL (default: GAPMAP_DATABASE_URL or sqlite:///data/teams.db)"
    )
    p.set_defaults(func=cmd_trend)
