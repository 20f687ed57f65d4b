"""``python -m autograder``: the same command line as ``quantgrade`` (see :mod:`autograder.cli`)."""

from __future__ import annotations

import sys

from autograder.cli import main

if __name__ == "__main__":
    sys.exit(main())
