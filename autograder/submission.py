"""Find submissions, read them defensively, and restore the cells a student must not change.

Layouts accepted (``DIR`` is what the instructor passes to ``quantgrade grade``)::

    DIR/<student>/<slug>.ipynb                              plain folders
    DIR/submitted/<student>/<assignment>/<slug>.ipynb       nbgrader's exchange layout
    DIR/<student>/<assignment>/<slug>.ipynb                 the same, DIR being ``submitted/`` itself

Only notebooks whose name is a course slug count; hidden folders (``.ipynb_checkpoints``) are
skipped.

:func:`restore` rebuilds the notebook that is run: every locked and test cell comes from the
*released* notebook by grade id (deleted ones re-inserted where they belong, reordered ones put back,
edited ones and their metadata restored), while the student's solution and answer cells keep their
source. Code cells the student added stay after the graded cell they followed.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from autograder.spec import Course

__all__ = [
    "MAX_CELLS",
    "MAX_NOTEBOOK_BYTES",
    "Submission",
    "SubmissionError",
    "answer_text",
    "find_submissions",
    "grade_id",
    "read_submission",
    "restore",
    "submission_from_path",
]

#: Largest submission file read (bytes).
MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
#: Most cells a submission may have.
MAX_CELLS = 5000


class SubmissionError(ValueError):
    """A submission cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Submission:
    """One student's notebook file.

    Parameters
    ----------
    student : str
        Student id (the folder name).
    slug : str
        Notebook slug (the file name without ``.ipynb``).
    path : Path
        The file.
    """

    student: str
    slug: str
    path: Path


def _visible(path: Path) -> bool:
    return not path.name.startswith(".")


def find_submissions(root: str | os.PathLike[str], course: Course) -> list[Submission]:
    """All submissions under ``root`` for the notebooks of ``course``, sorted by student then slug.

    Parameters
    ----------
    root : path
        A folder in one of the layouts of the module docstring.
    course : Course
        Gives the known slugs.

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"submissions folder {root} does not exist")
    slugs = set(course.slugs())
    found: dict[tuple[str, str], Submission] = {}

    def add(student_dir: Path, nb: Path) -> None:
        if nb.stem in slugs and nb.suffix == ".ipynb" and _visible(nb) and not nb.is_dir():
            key = (student_dir.name, nb.stem)
            found.setdefault(key, Submission(student=student_dir.name, slug=nb.stem, path=nb))

    bases = [root / "submitted"] if (root / "submitted").is_dir() else []
    bases.append(root)
    for base in bases:
        for student_dir in sorted(p for p in base.iterdir() if p.is_dir() and _visible(p)):
            if base is root and student_dir.name == "submitted":
                continue
            for entry in sorted(student_dir.iterdir()):
                if entry.is_dir() and _visible(entry):
                    for nb in sorted(entry.glob("*.ipynb")):
                        add(student_dir, nb)
                else:
                    add(student_dir, entry)
    return sorted(found.values(), key=lambda s: (s.student, s.slug))


def submission_from_path(path: str | os.PathLike[str]) -> Submission:
    """A :class:`Submission` for one file: the student is its folder (or, in nbgrader's
    ``submitted/<student>/<assignment>/`` layout, the folder above)."""
    path = Path(path)
    parts = path.parts
    if len(parts) >= 4 and parts[-4] == "submitted":
        student = parts[-3]
    else:
        student = path.parent.name or "unknown"
    return Submission(student=student, slug=path.stem, path=path)


def _as_text(source: Any) -> str:
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def read_submission(path: str | os.PathLike[str], *, max_bytes: int = MAX_NOTEBOOK_BYTES) -> NotebookNode:
    """Read a notebook that may be anything a student uploads.

    Parameters
    ----------
    path : path
        The file.
    max_bytes : int, default 32 MiB
        Larger files are refused.

    Returns
    -------
    NotebookNode
        nbformat 4, every cell with a str ``source`` and dict ``metadata``.

    Raises
    ------
    SubmissionError
        If it is missing, a symbolic link (or in a linked folder), empty, too large, not UTF-8,
        not JSON or not a Jupyter notebook.
    """
    path = Path(path)
    # A link could hand in someone else's notebook, or the solution: a student folder unpacked from
    # an archive can hold one, so neither the file nor its folder may be a symbolic link.
    if path.is_symlink() or path.parent.is_symlink():
        raise SubmissionError(f"{path.name} is a symbolic link (or lies in one), not a notebook file")
    if not path.is_file():
        raise SubmissionError(f"{path.name} is not a file")
    try:
        # O_NOFOLLOW: the file cannot be swapped for a link between the check above and this read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise SubmissionError(f"the file cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise SubmissionError("the file is empty")
        if size > max_bytes:
            raise SubmissionError(f"the file is {size} bytes, larger than the limit of {max_bytes}")
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise SubmissionError(f"the file cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise SubmissionError(f"the file is larger than the limit of {max_bytes} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionError("the file is not a notebook (it is not UTF-8 text)") from None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise SubmissionError("the file is not a notebook (it is not valid JSON)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        raise SubmissionError("the file is not a Jupyter notebook (it has no list of cells)")
    major = raw.get("nbformat", 4)
    if major == 3:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = nbformat.convert(nbformat.from_dict(raw), 4)
        except Exception as exc:
            raise SubmissionError(
                f"the file is not a readable Jupyter notebook ({type(exc).__name__})"
            ) from None
    elif major != 4:
        raise SubmissionError(
            f"the file is an nbformat {major!r} notebook; the grader reads nbformat 3 and 4"
        )
    cells = raw.get("cells")
    if not isinstance(cells, list):
        raise SubmissionError("the file is not a Jupyter notebook (it has no list of cells)")
    if len(cells) > MAX_CELLS:
        raise SubmissionError(f"the notebook has {len(cells)} cells, more than the limit of {MAX_CELLS}")
    clean = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        metadata = cell.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        if not isinstance(metadata.get("nbgrader", {}), dict):
            metadata = {k: v for k, v in metadata.items() if k != "nbgrader"}
        new = nbformat.from_dict(
            {"cell_type": cell["cell_type"], "metadata": metadata, "source": _as_text(cell.get("source"))}
        )
        if isinstance(cell.get("id"), str) and 0 < len(cell["id"]) <= 64:
            new["id"] = cell["id"]
        if cell["cell_type"] == "code":
            new["outputs"] = []
            new["execution_count"] = None
        clean.append(new)
    metadata = raw.get("metadata")
    nb = nbformat.v4.new_notebook(metadata=metadata if isinstance(metadata, dict) else {})
    nb["cells"] = clean
    return nb


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader grade id, or None."""
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) and gid else None


def _is_student_cell(cell: NotebookNode) -> bool:
    """Solution and written-answer cells: the student's to write."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def restore(submission: NotebookNode, released: NotebookNode) -> tuple[NotebookNode, list[str]]:
    """The notebook to grade: released locked/test cells, the student's solution and answer cells.

    Parameters
    ----------
    submission : NotebookNode
        As :func:`read_submission` gives it.
    released : NotebookNode
        The released student notebook (the source of every cell the student must not change).

    Returns
    -------
    notebook : NotebookNode
        Released cells in released order, each solution/answer cell carrying the student's source
        (the released stub where the student deleted it), the student's own extra code cells after
        the graded cell they followed. No outputs.
    notes : list of str
        What was restored, for the instructor ("restored 2 locked or test cells: setup (edited),
        q1_double_tests (deleted)").
    """
    released_keys = [_key(c) for c in released.cells]
    known = {k for k in released_keys if k is not None}
    student_cell: dict[str, NotebookNode] = {}
    extras: dict[str | None, list[NotebookNode]] = {None: []}
    order: list[str] = []
    anchor: str | None = None
    for cell in submission.cells:
        key = _key(cell)
        if key in known and key not in student_cell:
            student_cell[key] = cell
            order.append(key)
            anchor = key
            extras.setdefault(key, [])
        elif cell.get("cell_type") == "code" and _as_text(cell.get("source")).strip():
            extra = nbformat.v4.new_code_cell(_as_text(cell.get("source")))
            extras.setdefault(anchor, []).append(extra)

    restored: list[str] = []
    missing_answers: list[str] = []
    cells: list[NotebookNode] = list(extras[None])
    for rel, key in zip(released.cells, released_keys, strict=True):
        gid = grade_id(rel)
        out = copy.deepcopy(rel)
        mine = student_cell.get(key) if key is not None else None
        if gid is None:
            if mine is not None:  # an unlocked code cell without grade id: the student may edit it
                out["source"] = _as_text(mine.get("source"))
        elif _is_student_cell(rel):
            if mine is None:
                missing_answers.append(gid)
            else:
                out["source"] = _as_text(mine.get("source"))
        elif mine is None:
            restored.append(f"{gid} (deleted)")
        elif (
            _as_text(mine.get("source")) != _as_text(rel.get("source"))
            or mine.get("metadata", {}).get("nbgrader") != rel.get("metadata", {}).get("nbgrader")
            or mine.get("cell_type") != rel.get("cell_type")
        ):
            restored.append(f"{gid} (edited)")
        if out.get("cell_type") == "code":
            out["outputs"] = []
            out["execution_count"] = None
        cells.append(out)
        if key is not None:
            cells.extend(extras.get(key, []))
    nb = copy.deepcopy(released)
    nb["cells"] = cells
    _unique_ids(nb)

    notes: list[str] = []
    if restored:
        notes.append(
            f"restored {len(restored)} locked or test cell{'s' * (len(restored) != 1)} from the released "
            f"notebook: {', '.join(restored)}"
        )
    if missing_answers:
        notes.append(
            f"solution or answer cells missing (the released stub was used): {', '.join(missing_answers)}"
        )
    released_order = [k for k in released_keys if k is not None and k in student_cell]
    if order != released_order:
        notes.append("cells were moved; they were put back in the released order")
    extra_count = sum(len(v) for v in extras.values())
    if extra_count:
        notes.append(
            f"the student added {extra_count} code cell{'s' * (extra_count != 1)}; they were run too"
        )
    return nb, notes


def _key(cell: Any) -> str | None:
    """How a cell is matched between released and submitted notebooks: its grade id, or, for a code
    cell without one, its nbformat cell id (Jupyter keeps it when the student edits the cell)."""
    gid = grade_id(cell)
    if gid is not None:
        return f"grade_id:{gid}"
    cid = cell.get("id") if isinstance(cell, dict) else None
    if cell.get("cell_type") == "code" and isinstance(cid, str) and cid:
        return f"cell_id:{cid}"
    return None


def _unique_ids(nb: NotebookNode) -> None:
    """Give every cell a unique id (nbformat 4.5), keeping released ids."""
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        for cell in nb.cells:
            cell.pop("id", None)
        return
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen:
            cid = f"added-{index}"
            while cid in seen:
                cid += "-x"
            cell["id"] = cid
        seen.add(cid)


def answer_text(nb: NotebookNode, grade_id_: str) -> str:
    """The source of the cell with this grade id (a written answer), or "" if there is none."""
    for cell in nb.cells:
        if grade_id(cell) == grade_id_:
            return _as_text(cell.get("source")).strip()
    return ""


def iter_code(nb: NotebookNode) -> Iterable[str]:
    """The sources of the notebook's code cells, in order."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            yield _as_text(cell.get("source"))
