"""``python -m gapmap.cli``: the ``gapmap`` command."""

import sys

try:
    from gapmap.cli.main import run
except KeyboardInterrupt:  # Ctrl-C before the command started: one quiet line, like any other moment
    print("interrupted; nothing half-written was kept.", file=sys.stderr)
    sys.exit(130)

sys.exit(run())
