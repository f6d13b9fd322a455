"""`gapmap teams …`: import, list, remove, history and undo, over gapmap.teams.store (nothing computed here)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gapmap.cli.common import check_outputs, database_file, say, write_text_out
from gapmap.files import io, output
from gapmap.problems import InputError, Issue
from gapmap.safetext import count
from gapmap.settings import from_env
from gapmap.teams.store import Store, bundled_keys, preview


def _store(args: argparse.Namespace) -> Store:
    settings = from_env(database_url=args.database)
    return Store(settings)


def _database(args: argparse.Namespace) -> tuple[str, Path | None]:
    return ("teams database", database_file(from_env(database_url=args.database).teams_db_url))


def cmd_import(args: argparse.Namespace) -> int:
    if args.rejects == output.STDOUT:
        raise InputError(
            [
                Issue(
                    None,
                    "--rejects",
                    output.STDOUT,
                    "Expected a file name for --rejects; '-' (standard output) holds the import's summary, and "
                    "the rejects file is for fixing and re-importing. Fix: give a file name, e.g. --rejects rejects.csv.",
                )
            ]
        )
    inputs = [("teams file", args.file), ("postcode file", args.postcode_file), _database(args)]
    check_outputs(inputs, [("--rejects", args.rejects)])
    if args.dry_run:
        return _dry_run(args)
    store = _store(args)
    result = store.import_file(
        args.file,
        by=args.by or "",
        skip_invalid=args.skip_invalid,
        rejects=args.rejects,
        postcode_file=args.postcode_file,
    )
    for note in result.notes:
        say(f"note: {note}", file=sys.stderr)
    if result.issues:
        say(f"{count(len(result.issues), 'problem')} in rejected rows:", file=sys.stderr)
        for issue in result.issues:
            say(f"  - {issue.format()}", file=sys.stderr)
    say(result.summary())
    return 0


def _dry_run(args: argparse.Namespace) -> int:
    """The import's preview (problems with their values, the rows it would add, its notes); nothing written.

    Exit 1 when the import itself would refuse the file (problems, without --skip-invalid), else 0."""
    settings = from_env(database_url=args.database)
    db = database_file(settings.teams_db_url)
    if db is not None and not db.exists():
        # No database yet: compare with the bundled list it would be seeded with, without creating it.
        checked = preview(settings, args.file, bundled_keys(settings), postcode_file=args.postcode_file)
    else:
        checked = Store(settings, seed=False).preview(args.file, postcode_file=args.postcode_file)
    for note in checked.notes:
        say(f"note: {note}", file=sys.stderr)
    if checked.issues:
        say(
            f"{count(len(checked.issues), 'problem')} in {count(len(checked.rejected), 'row')}:",
            file=sys.stderr,
        )
        for issue in checked.issues:
            say(f"  - {issue.format(with_value=True)}", file=sys.stderr)
    records = checked.records
    if len(records):
        say(f"{count(len(records), 'row')} would be added:")
        shown = records[["row", "name", "location_basis", "region", "evidence_year"]]
        sys.stdout.write(io.csv_text(shown))
    refused = bool(checked.issues) and not args.skip_invalid
    would = (
        "would refuse the file (fix the problems, or use --skip-invalid)"
        if refused
        else (
            f"would add {count(len(records), 'team')}"
            + (f" and reject {count(len(checked.rejected), 'row')}" if checked.rejected else "")
        )
    )
    say(f"dry run: {would}; nothing was written.")
    return 1 if refused else 0


def cmd_list(args: argparse.Namespace) -> int:
    check_outputs([_database(args)], [("--out", args.out)])
    store = _store(args)
    frame = store.list_teams(known_by=args.known_by, include_commissioned=True)  # status says which
    if args.format == "geojson":
        from gapmap.teams.layer import team_points

        text = team_points(frame).to_json(drop_id=True)
        if args.out in (None, output.STDOUT):
            text += "\n"  # standard output ends its line; a file holds the GeoJSON as written
    else:
        text = io.csv_text(frame)
    if write_text_out(args.out or output.STDOUT, text):
        say(f"wrote {args.out}: {count(len(frame), 'team')}")
    return 0


def _whole_number(text: str, column: str) -> int:
    """An id from the command line; InputError (exit 1, not argparse's exit 2) if it is not a whole number."""
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(
            [
                Issue(
                    None,
                    column,
                    text,
                    f"Expected a whole number for the {column}; found '{text}'. Fix: see 'gapmap teams list' or 'gapmap teams history'.",
                )
            ]
        ) from None


def cmd_remove(args: argparse.Namespace) -> int:
    args.id = _whole_number(args.id, "id")
    batch = _store(args).remove(args.id, by=args.by or "")
    say(f"removed team {args.id} (recorded as batch {batch}; it stays in history).")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    frame = _store(args).history()
    sys.stdout.write(io.csv_text(frame))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    args.batch = _whole_number(args.batch, "batch")
    n = _store(args).undo(args.batch, by=args.by or "")
    say(f"undid batch {args.batch}: {count(n, 'team')} removed from the map (kept in history).")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    teams = sub.add_parser("teams", help="the parent-infant team list: import, list, remove, history, undo")
    tsub = teams.add_subparsers(dest="teams_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database", help="SQLAlchemy URL (default: GAPMAP_DATABASE_URL or sqlite:///data/teams.db)"
        )
        p.add_argument("--by", help="your name, recorded with the change")

    p = tsub.add_parser("import", help="add teams from a CSV, all-or-nothing unless --skip-invalid")
    p.add_argument("file")
    p.add_argument(
        "--skip-invalid", action="store_true", help="add the good rows; write the others to --rejects"
    )
    p.add_argument("--rejects", help="CSV for rejected rows with their reasons")
    p.add_argument("--postcode-file", help="ONS Postcode Directory CSV for exact postcode centres")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show the problems, the rows that would be added and the notes; write nothing",
    )
    common(p)
    p.set_defaults(func=cmd_import)

    p = tsub.add_parser("list", help="current teams as CSV or GeoJSON")
    p.add_argument("--format", choices=["csv", "geojson"], default="csv")
    p.add_argument("--out", help="file to write (default, or '-': standard output)")
    p.add_argument("--known-by", type=int, help="only teams with evidence by this year")
    common(p)
    p.set_defaults(func=cmd_list)

    p = tsub.add_parser("remove", help="remove a team (kept in history)")
    p.add_argument("id", metavar="ID", help="team id (see 'gapmap teams list')")
    common(p)
    p.set_defaults(func=cmd_remove)

    p = tsub.add_parser("history", help="every import, removal and undo")
    common(p)
    p.set_defaults(func=cmd_history)

    p = tsub.add_parser("undo", help="undo an import batch")
    p.add_argument("batch", metavar="BATCH", help="batch id (see 'gapmap teams history')")
    common(p)
    p.set_defaults(func=cmd_undo)
