"""Helpers shared by the course tests (loaded by conftest.py: this folder is not a package)."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import nbformat

__all__ = ["notebook_namespace"]


def notebook_namespace(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Exec the notebook's code cells (not the hidden blocks, not `demo` cells), as a kernel would."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns: dict[str, Any] = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code" or "demo" in cell.metadata.get("tags", []):
            continue
        source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S)
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(NotImplementedError):
            exec(compile(source, cell.metadata.get("nbgrader", {}).get("grade_id", "cell"), "exec"), ns)
        plt.close("all")
    return ns
