"""`gapmap change`: survey indicators compared between two waves per area, with the change, its interval and a
flag only where the interval excludes zero (a thin shell over gapmap.measures.waves; nothing computed here)."""

from __future__ import annotations

import argparse
import sys

from gapmap.cli.codes import EXIT_OK
from gapmap.cli.common import check_outputs, say, write_text_out
from gapmap.files import io, output
from gapmap.geo.levels import LEVELS
from gapmap.measures import waves
from gapmap.measures.indicators import INDICATORS, format_value
from gapmap.settings import COMPARISON_LEVELS, from_env


def _points(ind_kind: str, v: float) -> str:
    return f"{100 * v:+.1f} points" if ind_kind == "proportion" else f"{v:+.2f}"


def cmd_change(args: argparse.Namespace) -> int:
    settings = from_env(min_base=args.min_base, comparison_level=args.comparison_level)
    specs = args.survey or []
    inputs = [("survey file", waves.parse_spec(s)[1]) for s in specs]
    check_outputs(inputs, [("--out", args.out)])
    loaded = waves.load_waves(specs, settings)
    for note in loaded.notes:
        say(note, file=sys.stderr)
    a_label, b_label = waves.pick(loaded, args.since, args.to)
    a, b = loaded.responses[a_label], loaded.responses[b_label]
    wanted = [args.indicator] if args.indicator else waves.survey_change_ids()
    shared, left = waves.comparable(wanted, a, b)
    if left:
        say(f"left out (a question not asked in both waves): {', '.join(left)}", file=sys.stderr)
    tables = [waves.change_table(loaded, i, settings, args.level, a_label, b_label) for i in shared]
    frame = waves.change_frames(tables)
    if loaded.synthetic:
        say("SYNTHETIC: at least one wave is a synthetic sample, not real answers.", file=sys.stderr)
    level = f"{100 * settings.comparison_level:g}%"
    for t in tables:
        uk = t.uk
        ind = INDICATORS[t.indicator.id]
        if bool(uk["suppressed"]):
            continue
        say(
            f"{ind.id}, UK: {format_value(ind, uk['value_from'])} in {a_label} to {format_value(ind, uk['value_to'])} "
            f"in {b_label}, {_points(ind.kind, float(uk['change']))} (95% interval "
            f"{_points(ind.kind, float(uk['change_lower']))} to {_points(ind.kind, float(uk['change_upper']))}): "
            f"{uk['change_flag']} at {level}",
            file=sys.stderr,
        )
    if write_text_out(args.out or output.STDOUT, io.csv_text(frame)):
        say(f"wrote {args.out}: {len(frame)} rows, {len(tables)} indicator(s), change since {a_label}")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "change",
        help="survey indicators compared between two waves per area: change, interval and flag (CSV)",
    )
    p.add_argument(
        "--survey",
        action="append",
        required=True,
        help="a wave as LABEL=FILE (repeat: --survey 2021=a.csv --survey 2024=b.csv), or one file with a "
        "'wave' column",
    )
    p.add_argument(
        "--indicator",
        choices=waves.survey_change_ids(),
        metavar="ID",
        help="one survey indicator (default: every proportion and mean both waves can give)",
    )
    p.add_argument("--level", choices=list(LEVELS), default=None, help="geography (default region)")
    p.add_argument("--since", help="the wave to compare from (default: the first)")
    p.add_argument("--to", help="the wave to compare to (default: the last)")
    p.add_argument(
        "--comparison-level",
        type=float,
        choices=COMPARISON_LEVELS,
        default=None,
        help="level of the interval that decides a flag: 0.95 or 0.998 (default GAPMAP_COMPARISON_LEVEL, 0.95)",
    )
    p.add_argument(
        "--min-base",
        type=int,
        help="suppress areas with fewer responses in either wave (default 10, at least 5)",
    )
    p.add_argument("--out", help="CSV to write ('-' or none: standard output)")
    p.set_defaults(func=cmd_change)
