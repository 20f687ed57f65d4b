"""An endless loop in a cell after the answers (interruptible)."""

import nbformat

BASE = "solution"
CODE = """while True:
    pass"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"full": True, "reason": "was stopped after"}
