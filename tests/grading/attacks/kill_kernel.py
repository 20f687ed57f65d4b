"""The kernel kills itself with SIGKILL after the answers."""

import nbformat

BASE = "solution"
CODE = """import os
import signal
os.kill(os.getpid(), signal.SIGKILL)"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution", "status": "error", "reason": "killed (SIGKILL)"}
