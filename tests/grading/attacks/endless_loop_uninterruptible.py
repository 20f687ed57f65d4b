"""An endless loop that ignores SIGINT and swallows KeyboardInterrupt: only a kill stops it."""

import nbformat

BASE = "solution"
CODE = """import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        while True:
            pass
    except BaseException:
        pass"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution", "status": "error", "reason": "kept running after its time limit"}
