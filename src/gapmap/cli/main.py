"""The ``gapmap`` command: the parser made of every command module's sub-commands, and one rule for errors.

Exit codes: 0 success; 1 bad data or a refused output (a plain message listing every problem); 2 a usage error
(argparse's message; also the last-resort code for an unexpected error, shown as a message, never a traceback);
130 interrupted (Ctrl-C, one line). A closed pipe (``gapmap areas | head -1``) ends quietly.

The command modules import pandas, geopandas and matplotlib at import time, so they are imported inside
:func:`main`, after Ctrl-C is caught: an interrupt during the first second is as quiet as one later.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
from collections.abc import Sequence

from gapmap.cli.codes import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PIPE, INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    from gapmap.cli import areas, atlas, audit, exports, survey, teams, trend, waves

    parser = argparse.ArgumentParser(
        prog="gapmap",
        description="Maps of gaps in infant (0-2) mental-health provision across the UK.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    survey.add_parsers(sub)
    teams.add_parsers(sub)
    areas.add_parsers(sub)
    exports.add_parsers(sub)
    audit.add_parsers(sub)
    atlas.add_parsers(sub)
    trend.add_parsers(sub)
    waves.add_parsers(sub)
    return parser


def interrupted() -> int:
    """Say once, quietly, that Ctrl-C stopped the command; a second Ctrl-C while saying it is ignored."""
    with contextlib.suppress(ValueError):  # only the main thread may set a handler
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        print(INTERRUPTED, file=sys.stderr)
    return EXIT_INTERRUPTED


def pipe_closed() -> int:
    """The reader of standard output went away (``| head``): stop quietly, with nothing more to flush."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE


_sigint_seen = False


def _on_sigint(signum: int, frame: object) -> None:
    """Python's own Ctrl-C handler, remembering that it ran: a library may turn the KeyboardInterrupt raised
    inside its import into another error (numpy: ImportError), which is still an interrupt."""
    global _sigint_seen
    _sigint_seen = True
    raise KeyboardInterrupt


def _catch_sigint() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        with contextlib.suppress(ValueError):  # only the main thread may set a handler
            signal.signal(signal.SIGINT, _on_sigint)


def main(argv: Sequence[str] | None = None) -> int:
    _catch_sigint()
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:
        return pipe_closed()
    except BaseException:
        if _sigint_seen:
            return interrupted()
        raise
    finally:
        if signal.getsignal(signal.SIGINT) is _on_sigint:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, signal.default_int_handler)


def run() -> int:
    """The ``gapmap`` command (console script and ``python -m gapmap.cli``): :func:`main`, then Ctrl-C ignored
    until the process ends, so a Ctrl-C after the work is done cannot kill the interpreter as it shuts down (which
    exits by the signal, not with gapmap's code)."""
    try:
        try:
            return main()
        finally:
            with contextlib.suppress(ValueError):  # only the main thread may set a handler
                signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # between main's own handler and the line above
        return interrupted()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from gapmap import safetext
    from gapmap.problems import InputError, format_issues

    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        print(safetext.terminal(format_issues(exc.issues)), file=sys.stderr)  # cells may hold escapes
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except OSError as exc:
        if os.environ.get("GAPMAP_DEBUG"):
            raise
        print(f"gapmap: {safetext.terminal(os_message(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT if exc.errno in (errno.ENOSPC, errno.EDQUOT) else EXIT_ERROR
    except Exception as exc:  # last resort: a message, never a traceback, unless debugging
        if _sigint_seen:
            raise KeyboardInterrupt from None
        if os.environ.get("GAPMAP_DEBUG"):
            raise
        print(
            f"gapmap: unexpected error: {type(exc).__name__}: {safetext.terminal(exc)}. Set GAPMAP_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def os_message(exc: OSError) -> str:
    """An operating-system error in words, with the path when it has one (a full disk says so plainly)."""
    where = f" at {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"could not write{where}: the disk is full. Fix: free some space, or write to another disk."
    return f"could not read or write{where}: {exc.strerror or exc}."


if __name__ == "__main__":
    sys.exit(main())
