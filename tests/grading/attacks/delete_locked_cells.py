"""Delete the locked set-up cell, every test cell and all the text; keep only the answers."""

BASE = "solution"


def build(nb):
    def keep(cell):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        return cell.cell_type == "code" and bool(meta.get("solution"))

    nb.cells = [c for c in nb.cells if keep(c)]
    return nb


EXPECT = {"full": True, "reason": "setup (deleted)"}
