"""`gapmap coverage` and `gapmap areas`: the coverage headline and the area lists (a thin shell, nothing computed)."""

from __future__ import annotations

import argparse
import sys

from gapmap.cli.common import check_outputs, database_file, say, write_text_out
from gapmap.files import io, output
from gapmap.geo.find import area_list
from gapmap.geo.levels import LEVELS
from gapmap.measures.coverage import coverage
from gapmap.settings import from_env


def cmd_coverage(args: argparse.Namespace) -> int:
    settings = from_env()
    check_outputs([("teams database", database_file(settings.teams_db_url))], [("--out", args.out)])
    result = coverage(settings, args.level, args.known_by)
    # With --out - the CSV is standard output, so the listing goes to standard error.
    stream = sys.stderr if args.out == output.STDOUT else sys.stdout
    say(result.headline, file=stream)
    say(file=stream)
    gaps = result.gaps
    say(
        f"{len(gaps)} of {result.areas_total} {result.level_plural} {'has' if len(gaps) == 1 else 'have'} "
        "no known team, most children first:",
        file=stream,
    )
    for _, row in gaps.head(args.top).iterrows():
        near = (
            f"; nearest known team {row['nearest_team_km']:,.0f} km away ({row['nearest_team']})"
            if row["nearest_team"]
            else ""
        )
        say(
            f"  {row['area_name']} ({row['area_code']}): {int(row['n']):,} children aged 0-2{near}",
            file=stream,
        )
    if len(gaps) > args.top:
        say(f"  … and {len(gaps) - args.top} more (--top N to list more, --out FILE for all)", file=stream)
    if args.out and write_text_out(args.out, io.csv_text(result.frame)):
        say(f"wrote {args.out}: {len(result.frame)} rows")
    return 0


def cmd_areas(args: argparse.Namespace) -> int:
    check_outputs([], [("--out", args.out)])  # reads only bundled data; the one rule still applies
    frame = area_list(from_env(), args.level)
    if write_text_out(args.out or output.STDOUT, io.csv_text(frame)):
        say(f"wrote {args.out}: {len(frame)} areas")
    return 0


def count(text: str) -> int:
    """An argparse type for --top: a whole number 0 or more (argparse reports the message, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more; found '{text}'")
    return value


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("coverage", help="children aged 0-2 where no known parent-infant team serves, by area")
    p.add_argument("--level", choices=list(LEVELS), default="nhs", help="geography (default nhs)")
    p.add_argument("--known-by", type=int, help="teams with evidence by, and open in, this year")
    p.add_argument("--top", type=count, default=15, help="how many areas to print (default 15)")
    p.add_argument("--out", help="CSV file with every area of the level ('-': standard output)")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("areas", help="list a level's areas: codes, names, parents, children aged 0-2")
    p.add_argument("--level", choices=list(LEVELS), default="region", help="geography (default region)")
    p.add_argument("--out", help="CSV file to write (default, or '-': standard output)")
    p.set_defaults(func=cmd_areas)
