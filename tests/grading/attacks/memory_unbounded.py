"""Allocate memory without bound (a growing list of 64 MiB blocks, then a 10**12-element array)."""

import nbformat

BASE = "solution"
CODE = """import numpy as np
_hoard = []
try:
    while True:
        _hoard.append(np.ones(2**23))  # 64 MiB, every page touched
except MemoryError:
    pass
try:
    _big = np.ones(10**12)
except MemoryError:
    pass
del _hoard"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution"}
