"""`gapmap change`: survey indicators compared between two waves per area, with the change, its interval and a
flag only where the interval excludes zero (a thin shell over gapmap.measures.waves; nothing computed here)."""

from __future__ import annotations

import argparse
import sys

from gapmap.cli.codes import EXIT_BAD_INPUT, EXIT_OK
from gapmap.cli.common import check_outputs, export_outputs, say, write_text_out
from gapmap.files import io, output
from gapmap.geo.hexes import SHAPES
from gapmap.geo.levels import LEVELS
from gapmap.measures import waves
from gapmap.measures.indicators import INDICATORS, format_value
from gapmap.problems import InputError, Issue
from gapmap.render.sizes import SIZES
from gapmap.settings import COMPARISON_LEVELS, Settings, from_env


def _points(ind_kind: str, v: float) -> str:
    return f"{100 * v:+.1f} points" if ind_kind == "proportion" else f"{v:+.2f}"


def cmd_change(args: argparse.Namespace) -> int:
    settings = from_env(min_base=args.min_base, comparison_level=args.comparison_level)
    specs = args.survey or []
    inputs = [("survey file", waves.parse_spec(s)[1]) for s in specs]
    if args.map and not args.indicator:
        raise InputError(
            [Issue(None, "--map", args.map, "Expected --indicator ID with --map: a map shows one indicator.")]
        )
    if args.map and args.out:
        raise InputError(
            [
                Issue(
                    None,
                    "--out",
                    args.out,
                    "Expected --map or --out, not both: --map writes its CSV beside it.",
                )
            ]
        )
    if args.map == output.STDOUT:
        raise output.refuse_stdout("--map", args.format or "png")
    outs = [("--out", args.out)] + ([] if not args.map else list(export_outputs("--map", args.map)))
    check_outputs(inputs, outs)
    loaded = waves.load_waves(specs, settings)
    for note in loaded.notes:
        say(note, file=sys.stderr)
    a_label, b_label = waves.pick(loaded, args.since, args.to)
    a, b = loaded.responses[a_label], loaded.responses[b_label]
    wanted = [args.indicator] if args.indicator else waves.survey_change_ids()
    shared, left = waves.comparable(wanted, a, b)
    if left:
        say(f"left out (a question not asked in both waves): {', '.join(left)}", file=sys.stderr)
    if not shared:  # nothing to compare: a file of headers alone would look like an answer
        raise InputError(
            [
                Issue(
                    None,
                    "--indicator",
                    ", ".join(left),
                    "Expected a question asked in both waves; found none. Fix: choose an indicator both waves ask.",
                )
            ]
        )
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
            f"{uk['change_flag']} at {level}"
            + (
                ""
                if settings.comparison_level == settings.confidence
                else f" ({level} interval {_points(ind.kind, float(uk['comparison_lower']))} to "
                f"{_points(ind.kind, float(uk['comparison_upper']))})"
            ),
            file=sys.stderr,
        )
    if args.map:
        return _write_map(args, settings, tables[0] if tables else None)
    if write_text_out(args.out or output.STDOUT, io.csv_text(frame)):
        say(f"wrote {args.out}: {len(frame)} rows, {len(tables)} indicator(s), change since {a_label}")
    return EXIT_OK


def _write_map(args: argparse.Namespace, settings: Settings, table: waves.ChangeTable | None) -> int:
    """The "change since WAVE" map of the one indicator asked for, with its alt text and CSV beside it."""
    from gapmap.present.changemap import change_map_spec
    from gapmap.render import exports

    if table is None:  # the indicator's question is not in both waves: said above
        return EXIT_BAD_INPUT
    areas = table.frame.loc[table.frame["area_code"] != table.before.population.code]
    if (
        areas["suppressed"].all() and not args.allow_empty
    ):  # an all-hatched map says nothing: as `render` does
        raise InputError(
            [
                Issue(
                    None,
                    "--level",
                    table.level,
                    f"Expected a change to show; found every area hidden (fewer than {table.after.min_base} "
                    "responses in a wave, or protecting a neighbour). Fix: choose --level region, or add "
                    "--allow-empty to draw it anyway.",
                )
            ]
        )
    spec = change_map_spec(table, settings, shape=args.shape)
    fmt = exports.fmt_of(args.map, args.format)
    written = exports.write_change_map(table, spec, args.map, fmt, args.size, args.title, args.subtitle)
    say(f"wrote {written.image}, {written.alt.name} and {written.csv.name}")
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
    p.add_argument(
        "--map",
        help="draw the 'change since' map of --indicator to this PNG, SVG or PDF (alt text and CSV beside it) "
        "instead of writing the CSV",
    )
    p.add_argument(
        "--size", choices=list(SIZES), default=None, help="--map: export size (default a4-portrait)"
    )
    p.add_argument(
        "--format", choices=["png", "svg", "pdf"], help="--map: file format (default: from its name)"
    )
    p.add_argument(
        "--shape", choices=list(SHAPES), default="map", help="--map: areas as shapes or equal hexagons"
    )
    p.add_argument("--allow-empty", action="store_true", help="--map: draw it even when every area is hidden")
    p.add_argument("--title", help="--map: headline to print instead of the default")
    p.add_argument("--subtitle", help="--map: subtitle to print instead of the default")
    p.set_defaults(func=cmd_change)
