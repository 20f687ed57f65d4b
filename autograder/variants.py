"""Turn a solution notebook into a known-mistake submission.

A :class:`autograder.spec.Mistake` is a one-place text edit of one solution cell. Applied to the
solution notebook it gives a full submission that must lose points on the mistake's questions and on
no other; ``refs`` runs it to record the mistake's outputs on the public cases, the grader-quality
tests grade it, and the demo class is built from such variants.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode

from autograder.spec import Mistake

__all__ = ["MistakeError", "apply_mistake"]


class MistakeError(ValueError):
    """A mistake does not apply to the notebook (missing cell, text not found exactly once)."""


def apply_mistake(nb: NotebookNode, mistake: Mistake) -> NotebookNode:
    """Return a copy of ``nb`` with ``mistake`` applied to its cell.

    Parameters
    ----------
    nb : NotebookNode
        A solution (or any) notebook holding the cell with grade id ``mistake.cell``.
    mistake : Mistake
        The edit: ``mistake.old`` must occur exactly once in that cell and is replaced by
        ``mistake.new``.

    Returns
    -------
    NotebookNode
        A new notebook; ``nb`` is not modified.

    Raises
    ------
    TypeError
        If ``mistake`` is not a :class:`~autograder.spec.Mistake`.
    MistakeError
        If no cell (or more than one) has that grade id, or ``old`` does not occur exactly once.
    """
    if not isinstance(mistake, Mistake):
        raise TypeError(f"mistake must be an autograder.spec.Mistake, got {type(mistake).__name__}")
    if not mistake.old:
        raise MistakeError(f"mistake {mistake.id}: the text to replace (old) is empty")
    out = copy.deepcopy(nb)
    matches = [
        cell
        for cell in out.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == mistake.cell
    ]
    if len(matches) != 1:
        raise MistakeError(
            f"mistake {mistake.id}: the notebook has {len(matches)} cells with grade id "
            f"{mistake.cell!r}, not 1"
        )
    cell = matches[0]
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    count = source.count(mistake.old)
    if count != 1:
        raise MistakeError(
            f"mistake {mistake.id}: {mistake.old!r} occurs {count} times in cell {mistake.cell!r}, "
            "not exactly once"
        )
    cell.source = source.replace(mistake.old, mistake.new)
    return out
