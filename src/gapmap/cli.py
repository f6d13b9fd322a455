"""The `gapmap` command: a thin shell over gapmap.pipeline (nothing is computed here)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gapmap import exports, io, pipeline, safetext
from gapmap.geography import LEVELS
from gapmap.indicators import INDICATORS, IndicatorTable
from gapmap.mapspec import MapSpec
from gapmap.problems import InputError, Issue, format_issues
from gapmap.render import RENDERERS
from gapmap.render.names import export_name
from gapmap.render.sizes import SIZES
from gapmap.settings import Settings, from_env, settings_help
from gapmap.survey import Responses

if TYPE_CHECKING:
    import geopandas as gpd

EXIT_OK, EXIT_BAD_INPUT, EXIT_ERROR = 0, 1, 2
EXIT_DISCLOSIVE = 3  # audit-disclosure found a hidden value an attacker can pin down


def _settings(args: argparse.Namespace) -> Settings:
    return from_env(min_base=getattr(args, "min_base", None))


def _responses(args: argparse.Namespace, settings: Settings) -> Responses:
    responses = pipeline.load_survey(args.survey, settings=settings)
    for note in responses.notes:
        print(f"note: {safetext.terminal(note)}", file=sys.stderr)
    if responses.synthetic:
        print("note: this is the bundled SYNTHETIC SAMPLE, not real survey answers.", file=sys.stderr)
    return responses


def cmd_indicators(args: argparse.Namespace) -> int:
    settings = _settings(args)
    responses = _responses(args, settings)
    ids = [args.indicator] if args.indicator else None
    result = pipeline.all_indicators(
        responses, settings, ids, args.age_group, args.profession, args.known_by, level=args.level
    )
    for miss in result.unavailable:
        print(f"unavailable: {miss}", file=sys.stderr)
    frame = result.frame()
    if args.out:
        io.write_csv(frame, args.out)
        print(f"wrote {args.out}: {len(frame)} rows, {len(result.tables)} indicator(s)")
    else:
        sys.stdout.write(io.csv_text(frame))
    return EXIT_OK


def _boundaries(args: argparse.Namespace, settings: Settings) -> gpd.GeoDataFrame | None:
    if args.boundaries:
        from gapmap import geography

        return geography.load_boundaries(args.boundaries, args.code_field)
    return None


def _teams_layer(args: argparse.Namespace, settings: Settings) -> tuple[gpd.GeoDataFrame | None, str]:
    if getattr(args, "no_teams", False):
        return None, ""
    try:
        from gapmap import teams_layer
    except ImportError:  # the teams layer is optional until its module exists
        return None, ""
    return teams_layer.for_map(settings, known_by=getattr(args, "known_by", None))


def cmd_render(args: argparse.Namespace) -> int:
    settings = _settings(args)
    responses = _responses(args, settings)
    boundaries = _boundaries(args, settings)
    teams, teams_note = _teams_layer(args, settings)
    if args.all:
        if not args.out_dir:
            raise InputError([Issue(None, "--out-dir", None, "Expected --out-dir DIR with --all.")])
        result = pipeline.all_indicators(
            responses,
            settings,
            None,
            args.age_group,
            args.profession,
            getattr(args, "known_by", None),
            level=args.level,
        )
        fmt = args.format or "png"  # the README's `render --all --out-dir maps` gives no --format
        for table in result.tables:
            spec = pipeline.map_spec(table, settings, boundaries, teams, teams_note)
            name = export_name(table, fmt, args.size, getattr(args, "known_by", None))
            _write_map(args, table, spec, Path(args.out_dir) / name, fmt)
        for miss in result.unavailable:
            print(f"unavailable: {miss}", file=sys.stderr)
        return EXIT_OK
    if not args.indicator or not args.out:
        raise InputError(
            [
                Issue(
                    None,
                    "--indicator/--out",
                    None,
                    "Expected --indicator ID and --out FILE (or --all --out-dir DIR).",
                )
            ]
        )
    table = pipeline.indicator_table(
        args.indicator,
        responses,
        settings,
        args.age_group,
        args.profession,
        getattr(args, "known_by", None),
        level=args.level,
    )
    spec = pipeline.map_spec(table, settings, boundaries, teams, teams_note)
    fmt = args.format or Path(args.out).suffix.lstrip(".") or "png"
    _write_map(args, table, spec, Path(args.out), fmt)
    return EXIT_OK


def _write_map(args: argparse.Namespace, table: IndicatorTable, spec: MapSpec, path: Path, fmt: str) -> None:
    """A static map with its alt text and data CSV beside it; an HTML map with its alt text."""
    if fmt.lower() in exports.STATIC_FORMATS:
        written = exports.write_map(table, spec, path, fmt, args.size, args.title, args.subtitle)
        print(f"wrote {written.image}, {written.alt.name} and {written.csv.name}")
    else:
        out, alt = pipeline.render(spec, path, fmt)
        print(f"wrote {out} and {alt.name}")


def cmd_validate(args: argparse.Namespace) -> int:
    responses = pipeline.load_survey(args.file, settings=from_env())
    for note in responses.notes:
        print(f"note: {safetext.terminal(note)}")
    print(f"{args.file}: {len(responses.frame)} respondents, no problems found.")
    return EXIT_OK


def cmd_audit_disclosure(args: argparse.Namespace) -> int:
    from gapmap import disclosure_audit
    from gapmap.settings import MIN_BASE_FLOOR

    bases = args.min_base or None
    if bases and min(bases) < MIN_BASE_FLOOR:
        raise InputError(
            [
                Issue(
                    None,
                    "--min-base",
                    str(min(bases)),
                    f"Expected minimum bases of at least {MIN_BASE_FLOOR}; found {min(bases)}. "
                    f"Fix: choose {MIN_BASE_FLOOR} or more, or leave --min-base out to audit {MIN_BASE_FLOOR} to "
                    f"{disclosure_audit.MAX_BASE}.",
                )
            ]
        )
    settings = from_env()
    responses = _responses(args, settings)
    report = disclosure_audit.run(responses, settings, bases)
    print(safetext.terminal(report.text()))
    return EXIT_OK if report.clean else EXIT_DISCLOSIVE


def cmd_settings(args: argparse.Namespace) -> int:
    for name, env, default, help_ in settings_help():
        print(f"{name:15} {env:22} default {default!s:40} {help_}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gapmap",
        description="Maps of gaps in infant (0-2) mental-health provision across the UK.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def survey_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--survey", help="survey file (CSV or XLSX); default: the bundled synthetic sample")
        p.add_argument(
            "--age-group", help="age group for grid questions, e.g. '0-2' or 'Pre-schoolers (3-4)'"
        )
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

    p = sub.add_parser("indicators", help="write the per-area indicator table as CSV")
    survey_opts(p)
    p.add_argument("--indicator", help=f"one of {', '.join(INDICATORS)} (default: all)")
    p.add_argument("--out", help="CSV file to write (default: standard output)")
    p.add_argument("--known-by", type=int, help="team indicators: only teams with evidence by this year")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("render", help="draw a map (PNG, SVG, PDF or HTML) and its alt text")
    survey_opts(p)
    p.add_argument("--indicator", help=f"one of {', '.join(INDICATORS)}")
    p.add_argument("--format", choices=sorted(RENDERERS), help="file format (default: from --out, or png)")
    p.add_argument("--out", help="file to write")
    p.add_argument("--all", action="store_true", help="draw every indicator into --out-dir")
    p.add_argument("--out-dir", help="folder for --all")
    p.add_argument("--boundaries", help="another boundary file (GeoJSON, GeoPackage, shapefile)")
    p.add_argument("--code-field", default="code", help="area-code field of --boundaries (default code)")
    p.add_argument("--no-teams", action="store_true", help="leave the parent-infant team points off")
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

    p = sub.add_parser(
        "audit-disclosure",
        help="check that no suppressed value can be worked out from every table a user can download",
    )
    p.add_argument("--survey", help="survey file (CSV or XLSX); default: the bundled synthetic sample")
    p.add_argument(
        "--min-base",
        type=int,
        action="append",
        help="a minimum base to audit (repeat for several, audited alone and combined; default every base "
        "from 5 to 100)",
    )
    p.set_defaults(func=cmd_audit_disclosure)

    p = sub.add_parser("settings", help="list every setting, its environment variable and default")
    p.set_defaults(func=cmd_settings)

    extra: list[Callable[[argparse._SubParsersAction], None]] = []
    try:
        from gapmap.teams_cli import add_parser as add_teams

        extra.append(add_teams)
    except ImportError:  # the teams commands arrive with the teams module
        pass
    from gapmap.areas_cli import add_parsers as add_areas
    from gapmap.exports_cli import add_parsers as add_exports

    extra += [add_areas, add_exports]
    for add in extra:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        print(safetext.terminal(format_issues(exc.issues)), file=sys.stderr)  # cells may hold escapes
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was kept.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # last resort: a message, never a traceback, unless debugging
        if os.environ.get("GAPMAP_DEBUG"):
            raise
        print(
            f"gapmap: unexpected error: {type(exc).__name__}: {safetext.terminal(exc)}. Set GAPMAP_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
