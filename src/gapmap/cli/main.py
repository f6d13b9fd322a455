"""The ``gapmap`` command: the parser made of every command module's sub-commands, and one rule for errors (a plain
message and exit 1 for bad input, never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gapmap import safetext
from gapmap.cli import areas, exports, survey, teams
from gapmap.cli.common import EXIT_BAD_INPUT, EXIT_ERROR
from gapmap.problems import InputError, format_issues


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gapmap",
        description="Maps of gaps in infant (0-2) mental-health provision across the UK.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    survey.add_parsers(sub)
    teams.add_parsers(sub)
    areas.add_parsers(sub)
    exports.add_parsers(sub)
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
