"""``python -m gapmap.cli``: the ``gapmap`` command."""

import sys

from gapmap.cli.main import main

sys.exit(main())
