"""``gapmap indicators``, ``render``, ``validate`` and ``settings``: the survey's indicator table, a map of one
indicator (or all of them) with its alt text and data CSV, a survey file checked, and the settings listed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gapmap.cli.codes import EXIT_OK
from gapmap.cli.common import (
    ALLOW_EMPTY_HELP,
    check_outputs,
    export_outputs,
    read_boundaries,
    read_responses,
    refuse_empty,
    say,
    settings_for,
    survey_inputs,
    survey_opts,
    team_counts,
    team_points,
    write_text_out,
)
from gapmap.files import io, output
from gapmap.geo.hexes import SHAPES
from gapmap.measures.compute import all_indicators, indicator_table
from gapmap.measures.indicators import INDICATORS, IndicatorTable
from gapmap.present.mapspec import MapSpec, map_spec
from gapmap.present.tables import tidy_frames
from gapmap.problems import InputError, Issue
from gapmap.render import RENDERERS, exports, render_map
from gapmap.render.names import export_name
from gapmap.render.sizes import SIZES
from gapmap.safetext import count
from gapmap.settings import from_env, settings_help
from gapmap.survey.validate import load_survey


def cmd_indicators(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    check_outputs(survey_inputs(args, settings), [("--out", args.out)])
    responses = read_responses(args, settings)
    ids = [args.indicator] if args.indicator else None
    result = all_indicators(
        responses, settings, ids, args.age_group, args.profession, args.known_by, level=args.level
    )
    for miss in result.unavailable:
        say(f"unavailable: {miss}", file=sys.stderr)
    frame = tidy_frames(result.tables)
    if write_text_out(args.out or output.STDOUT, io.csv_text(frame)):
        say(f"wrote {args.out}: {count(len(frame), 'row')}, {count(len(result.tables), 'indicator')}")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if args.out == output.STDOUT:
        raise output.refuse_stdout("--out", args.format or "png")
    if not args.all and args.out:
        check_outputs(survey_inputs(args, settings), export_outputs("--out", args.out))
    # The survey is read (and its synthetic-sample note printed) only where a map draws it, or a file is given.
    chosen = INDICATORS.get(args.indicator or "")
    survey_drawn = chosen is None or chosen.from_survey
    responses = read_responses(args, settings) if args.all or survey_drawn or args.survey else None
    boundaries = read_boundaries(args, settings)
    if args.shape == "hex" and boundaries is not None:
        raise InputError(
            [
                Issue(
                    None,
                    "--shape",
                    "hex",
                    "Expected --boundaries or --shape hex, not both: a hex map draws the bundled hex layout. "
                    "Fix: leave one of them out.",
                )
            ]
        )
    teams, teams_note = team_points(args, settings) if args.shape == "map" else (None, "")
    counts = team_counts(args, settings, args.level)
    if args.all:
        if not args.out_dir:
            raise InputError([Issue(None, "--out-dir", None, "Expected --out-dir DIR with --all.")])
        if args.out_dir == "-":
            raise InputError(
                [
                    Issue(
                        None,
                        "--out-dir",
                        "-",
                        "Expected a folder for --all; '-' (standard output) cannot hold many map files. "
                        "Fix: name a folder, e.g. --out-dir maps.",
                    )
                ]
            )
        result = all_indicators(
            responses or read_responses(args, settings),
            settings,
            None,
            args.age_group,
            args.profession,
            getattr(args, "known_by", None),
            level=args.level,
        )
        fmt = args.format or "png"  # the README's `render --all --out-dir maps` gives no --format
        known_by = getattr(args, "known_by", None)
        paths = [
            Path(args.out_dir) / export_name(table, fmt, args.size, known_by, shape=args.shape)
            for table in result.tables
        ]
        check_outputs(
            survey_inputs(args, settings), [o for p in paths for o in export_outputs("--out-dir", p)]
        )
        refuse_empty(result.tables, args, responses, settings)
        for table, path in zip(result.tables, paths, strict=True):
            spec = map_spec(
                table, settings, boundaries, teams, teams_note, shape=args.shape, team_counts=counts
            )
            _write_map(args, table, spec, path, fmt)
        for miss in result.unavailable:
            say(f"unavailable: {miss}", file=sys.stderr)
        return EXIT_OK
    if not args.indicator:
        raise InputError(
            [
                Issue(
                    None,
                    "--indicator",
                    None,
                    "Expected --indicator ID (or --all --out-dir DIR).",
                )
            ]
        )
    table = indicator_table(
        args.indicator,
        responses,
        settings,
        args.age_group,
        args.profession,
        getattr(args, "known_by", None),
        level=args.level,
    )
    refuse_empty([table], args, responses, settings)
    spec = map_spec(table, settings, boundaries, teams, teams_note, shape=args.shape, team_counts=counts)
    if args.out:
        out = Path(args.out)
        fmt = args.format or out.suffix.lstrip(".") or "png"
    else:  # a name saying what the map shows, in this folder (as `gapmap chart` names its files)
        fmt = args.format or "png"
        out = Path(export_name(table, fmt, args.size, getattr(args, "known_by", None), shape=args.shape))
        check_outputs(survey_inputs(args, settings), export_outputs("--out", out))
    _write_map(args, table, spec, out, fmt)
    return EXIT_OK


def _write_map(args: argparse.Namespace, table: IndicatorTable, spec: MapSpec, path: Path, fmt: str) -> None:
    """A map (static or HTML) with its alt text and data CSV beside it."""
    if fmt.lower() in exports.STATIC_FORMATS:
        written = exports.write_map(table, spec, path, fmt, args.size, args.title, args.subtitle)
    elif fmt.lower() == "html":
        written = exports.write_html_map(table, spec, path)
    else:
        render_map(spec, path, fmt)  # refuses the format, listing the valid ones
        return
    say(f"wrote {written.image}, {written.alt.name} and {written.csv.name}")


def cmd_validate(args: argparse.Namespace) -> int:
    responses = load_survey(args.file, settings=from_env())
    for note in responses.notes:
        say(f"note: {note}")
    say(f"{args.file}: {len(responses.frame)} respondents, no problems found.")
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    for name, env, default, help_ in settings_help():
        say(f"{name:15} {env:22} default {default!s:40} {help_}")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help="write the per-area indicator table as CSV")
    survey_opts(p)
    p.add_argument("--indicator", help=f"one of {', '.join(INDICATORS)} (default: all)")
    p.add_argument("--out", help="CSV file to write (default, or '-': standard output)")
    p.add_argument("--known-by", type=int, help="team indicators: only teams with evidence by this year")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("render", help="draw a map (PNG, SVG, PDF or HTML) and its alt text")
    survey_opts(p)
    p.add_argument("--indicator", help=f"one of {', '.join(INDICATORS)}")
    p.add_argument("--format", choices=sorted(RENDERERS), help="file format (default: from --out, or png)")
    p.add_argument("--out", help="file to write (default: a name saying what it shows, in this folder)")
    p.add_argument(
        "--shape",
        choices=list(SHAPES),
        default="map",
        help="map: real boundaries (default); hex: each area one hexagon of the same size",
    )
    p.add_argument("--all", action="store_true", help="draw every indicator into --out-dir")
    p.add_argument("--out-dir", help="folder for --all")
    p.add_argument("--boundaries", help="another boundary file (GeoJSON, GeoPackage, shapefile)")
    p.add_argument("--code-field", default="code", help="area-code field of --boundaries (default code)")
    p.add_argument("--no-teams", action="store_true", help="leave the parent-infant team points off")
    p.add_argument("--allow-empty", action="store_true", help=ALLOW_EMPTY_HELP)
    p.add_argument("--known-by", type=int, help="only teams with evidence by this year")
    p.add_argument("--size", choices=list(SIZES), default=None, help="export size (default a4-portrait)")
    p.add_argument("--title", help="headline to print instead of the indicator's title")
    p.add_argument(
        "--subtitle", help="subtitle to print instead of the question (which then goes in the notes)"
    )
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("validate", help="check a survey file and list every problem")
    p.add_argument("file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("settings", help="list every setting, its environment variable and default")
    p.set_defaults(func=cmd_settings)
