"""Swap grade ids and flags: test cells marked as answers, answer cells given test ids and points."""

BASE = "stubs"


def build(nb):
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if gid.endswith("_tests"):
            meta.update(solution=True, grade=False, locked=False)
            cell.source = "print('full marks')"
        elif meta.get("solution") and cell.cell_type == "code":
            meta.update(grade_id=gid + "_tests", grade=True, points=50)
    return nb


EXPECT = {"at_most": "stubs", "status": "graded"}
