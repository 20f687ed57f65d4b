"""Call sys.exit(3) and raise SystemExit in a cell of its own after the answers."""

import nbformat

BASE = "solution"
CODE = """import sys
try:
    sys.exit(3)
finally:
    raise SystemExit("bye")"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"full": True}
