"""Edit the locked set-up and test cells and their metadata: points 1000, tests replaced by `pass`."""

BASE = "stubs"
CELLS = {
    "setup": "import numpy as np\ncheck = lambda *a, **k: None\nsample = lambda *a, **k: ([0.0], [0.0])",
    "q1_tests": "pass",
    "q3_tests": "assert True",
}


def build(nb):
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 1000
        if meta.get("locked"):
            meta["locked"] = False
    return nb


EXPECT = {"at_most": "stubs", "status": "graded", "reason": "setup (edited)"}
