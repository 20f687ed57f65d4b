"""Sleep far past the cell and notebook time limits."""

import nbformat

BASE = "solution"
CODE = """import time
time.sleep(10**6)"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"full": True, "reason": "was stopped after"}
