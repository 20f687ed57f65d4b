"""Duplicate every test cell (points raised to 100) and every answer cell, keeping the stubs."""

import copy

BASE = "stubs"


def build(nb):
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("solution"):
            twin = copy.deepcopy(cell)
            twin["id"] = f"{cell.get('id', 'cell')}-twin"
            if meta.get("grade"):
                twin.metadata.nbgrader["points"] = 100
                twin.source = "pass"
            cells.append(twin)
    nb.cells = cells
    return nb


EXPECT = {"at_most": "stubs", "status": "graded"}
