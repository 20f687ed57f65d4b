"""Kill the kernel's parent, its process group and every process it can see (os.kill(-1, 9))."""

import nbformat

BASE = "solution"
CODE = """import os
import signal
for _pid in {os.getppid(), 1}:
    try:
        os.kill(_pid, signal.SIGKILL)
    except OSError:
        pass
try:
    os.killpg(os.getpgid(0), signal.SIGTERM)
except OSError:
    pass
os.kill(-1, signal.SIGKILL)"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution", "status": "error", "reason": "killed (SIGKILL)"}
