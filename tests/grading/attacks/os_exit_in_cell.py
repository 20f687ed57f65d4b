"""Call os._exit(0) in a cell after the answers: the kernel process ends."""

import nbformat

BASE = "solution"
CODE = """import os
os._exit(0)"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution", "status": "error", "reason": "exited with status 0"}
