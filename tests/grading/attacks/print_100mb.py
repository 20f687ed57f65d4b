"""Print 100 MB: a hundred 1 MB prints and one 100 MB write to stdout."""

import nbformat

BASE = "solution"
CODE = """import sys
for _ in range(100):
    print("x" * 1_000_000)
sys.stdout.write("y" * 100_000_000)
sys.stdout.flush()"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"full": True, "reason": "only the first"}
