"""Release: turn the solution notebooks (nbgrader source format) into the student notebooks.

``solutions/<slug>.ipynb`` → ``notebooks/<slug>.ipynb``, with nbgrader's own preprocessors applied
in the order of nbgrader's ``GenerateAssignment`` converter (``nbgrader/converters/generate_assignment.py``):

====================  =========================================================================
``LockCells``         locked and test cells become non-deletable and non-editable
``ClearSolutions``    ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` becomes :data:`CODE_STUB`
                      (the signature and docstring sit outside the region, so they stay);
                      written answers become "YOUR ANSWER HERE"
``ClearOutput``       outputs and execution counts cleared
``CheckCellMetadata`` nbgrader metadata valid, grade ids unique
``ComputeChecksums``  checksums of graded, solution and locked cells
``ClearHiddenTests``  ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` removed
``ClearMarkScheme``   ``=== BEGIN MARK SCHEME ===`` ... ``=== END MARK SCHEME ===`` removed
``ComputeChecksums``  again, after the hidden parts are gone (as nbgrader does)
``CheckCellMetadata`` again
====================  =========================================================================

The preprocessors are applied straight to the notebook rather than by running
``nbgrader generate_assignment`` in a temporary course folder: the result is the same notebook
(``tests/autograder/test_nbgrader_path.py`` checks it against a real ``generate_assignment``), but
without a gradebook database, a course-folder layout, file permissions or a Jupyter config to keep
out of the way. The steps left out only matter with a database (``SaveCells``) or are not used by
this course (``IncludeHeaderFooter``, ``InstantiateTests``). Instructors who use nbgrader itself run
``nbgrader generate_assignment`` with ``autograder/nbgrader_config.py`` and get the same stub.

After nbgrader's steps the notebook is normalised so the committed file only changes when its
source does: cell ids are the grade id for nbgrader cells, else the source cell's own id, else
``<previous grade id>-<n>``; Jupyter's per-cell ``execution`` timings and the notebook's saved
widget state are dropped; the JSON is written by ``nbformat.writes`` with ``indent=1`` and sorted
keys, plus a trailing newline. A second release of the same source writes the same bytes.

Points have one home, the notebook's manifest (``autograder/course/<slug>/manifest.toml``): release
first writes each question's points into the solution notebook's nbgrader metadata (rewriting
``solutions/<slug>.ipynb`` only when they changed, in the same canonical JSON), so nbgrader's own
``generate_assignment`` sees them too; ``--check`` reports a solution whose points are out of date. Then
the source is checked against the manifest: every question's cell (``<qid>_tests`` or
``<qid>_answer``) exists with the right nbgrader flags, its heading (``### qN (graded, P points)`` or
``(written, P points)``) states its points, every graded cell belongs to a question, every test cell's
hidden block scores its own question, and every graded name is defined somewhere. All problems are
reported at once, with the cell they concern.

Python API: :func:`release_notebook`, :func:`validate_source`, :func:`render`, :func:`main`.
Command line: ``quantgrade release [--check] [--notebook SLUG]``.
"""

from __future__ import annotations

import ast
import copy
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.spec import Course, Manifest, default_course

__all__ = [
    "CODE_STUB",
    "ReleaseError",
    "main",
    "read_source",
    "release_notebook",
    "render",
    "sync_points",
    "validate_source",
]

#: What a solution region becomes in the student notebook. ``quantkit.checks`` shows the
#: ``NotImplementedError`` as one polite "not implemented yet" line. The shipped nbgrader
#: configuration (``autograder/nbgrader_config.py``) uses the same stub.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

#: The indent nbformat uses by default; fixed here so the committed JSON never depends on it.
JSON_INDENT = 1

_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_DROPPED_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
_DROPPED_NOTEBOOK_METADATA = ("widgets", "celltoolbar", "toc", "varInspector")

_QUIET = logging.getLogger("autograder.release.nbgrader")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class ReleaseError(ValueError):
    """A solution notebook cannot be released (bad nbgrader markup, or it disagrees with its manifest)."""


def _preprocessors() -> list:
    """nbgrader's ``GenerateAssignment`` chain without the database-bound and unused steps."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    return [
        LockCells(log=_QUIET),
        ClearSolutions(code_stub={"python": CODE_STUB}, log=_QUIET),
        ClearOutput(log=_QUIET),
        CheckCellMetadata(log=_QUIET),
        ComputeChecksums(log=_QUIET),
        ClearHiddenTests(log=_QUIET),
        ClearMarkScheme(log=_QUIET),
        ComputeChecksums(log=_QUIET),
        CheckCellMetadata(log=_QUIET),
    ]


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if not meta:
        return None
    gid = meta.get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def _offending_cell(nb: NotebookNode) -> str:
    """Best guess at the cell an nbgrader error is about (the first with an unbalanced region)."""
    markers = [
        ("BEGIN SOLUTION", "END SOLUTION"),
        ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
        ("BEGIN MARK SCHEME", "END MARK SCHEME"),
    ]
    for index, cell in enumerate(nb.cells):
        source = cell.get("source", "")
        for begin, end in markers:
            if source.count(begin) != source.count(end):
                return f"cell {index} ({_grade_id(cell) or 'no grade id'})"
            if begin in source:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                needs = {"BEGIN SOLUTION": "solution", "BEGIN HIDDEN TESTS": "grade"}.get(begin)
                if needs and not meta.get(needs, False):
                    return f"cell {index} ({_grade_id(cell) or 'no grade id'}) is not a {needs} cell"
    return "the notebook"


def release_notebook(source_nb: NotebookNode) -> NotebookNode:
    """Make the student version of a solution notebook.

    Parameters
    ----------
    source_nb : NotebookNode
        A notebook in nbgrader source format (version 4). It is not modified.

    Returns
    -------
    NotebookNode
        The student notebook: solution regions replaced by :data:`CODE_STUB` (or "YOUR ANSWER HERE"
        in written answers), hidden tests and mark schemes removed, locked and test cells locked,
        checksums computed, no outputs or execution counts, stable cell ids, nbformat 4.5.

    Raises
    ------
    TypeError
        If ``source_nb`` is not a notebook node.
    ReleaseError
        If nbgrader refuses the markup (an unbalanced or misplaced region, invalid metadata).
    """
    if not isinstance(source_nb, NotebookNode) or "cells" not in source_nb:
        raise TypeError(f"release_notebook needs an nbformat NotebookNode, got {type(source_nb).__name__}")
    if source_nb.get("nbformat") != 4:
        raise ReleaseError(f"only nbformat 4 notebooks can be released (got {source_nb.get('nbformat')})")
    nb = copy.deepcopy(source_nb)
    resources: dict = {}
    from nbgrader.nbgraderformat import ValidationError

    for preprocessor in _preprocessors():
        try:
            nb, resources = preprocessor.preprocess(nb, resources)
        except (RuntimeError, ValidationError, ValueError) as exc:
            step = type(preprocessor).__name__
            where = _offending_cell(source_nb)
            raise ReleaseError(f"nbgrader's {step} refused {where}: {exc}") from exc
    _normalise(nb)
    return nb


def _normalise(nb: NotebookNode) -> None:
    """Drop machine-specific metadata and give every cell a stable id (in place)."""
    nb.nbformat = 4
    nb.nbformat_minor = max(int(nb.get("nbformat_minor", 5)), 5)
    for key in _DROPPED_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in _DROPPED_CELL_METADATA:
            cell.metadata.pop(key, None)
    grade_ids = {gid for cell in nb.cells if (gid := _grade_id(cell))}
    used: set[str] = set()
    anchor, count = "cell", 0
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is not None and _CELL_ID.match(gid) and gid not in used:
            new_id = gid
            anchor, count = gid[:55], 0
        else:
            own = cell.get("id")
            if isinstance(own, str) and _CELL_ID.match(own) and own not in used and own not in grade_ids:
                new_id = own
            else:
                count += 1
                new_id = f"{anchor}-{count}"
                while new_id in used or new_id in grade_ids:
                    count += 1
                    new_id = f"{anchor}-{count}"
        cell["id"] = new_id
        used.add(new_id)


def render(nb: NotebookNode) -> str:
    """The exact text written for a notebook: nbformat JSON, indent 1, sorted keys, final newline.

    Raises
    ------
    ReleaseError
        If the notebook does not validate against the nbformat schema.
    """
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise ReleaseError(f"the released notebook is not valid nbformat: {exc.message}") from exc
    text = nbformat.writes(nb, version=4, indent=JSON_INDENT)
    return text if text.endswith("\n") else text + "\n"


def read_source(path: str | Path) -> NotebookNode:
    """Read a solution notebook, with a plain-words :class:`ReleaseError` if it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReleaseError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for bad JSON and bad structure
        raise ReleaseError(f"{path} is not a readable notebook: {exc}") from exc


def _defined_names(source: str) -> set[str]:
    """Names a code cell defines at top level (functions, classes, assignments, imports).

    Names bound only inside a function, class or lambda body, or as a comprehension's loop
    variable, are local to it: they do not define anything in the notebook's namespace.
    """
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)  # its body is a scope of its own
            elif isinstance(child, ast.Lambda):
                continue
            elif isinstance(child, ast.comprehension):  # the loop target is local; a walrus is not
                for part in (child.iter, *child.ifs):
                    visit_expr(part)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in child.names)
            else:
                visit(child)

    def visit_expr(expr: ast.AST) -> None:
        if isinstance(expr, ast.Name) and isinstance(expr.ctx, ast.Store):
            names.add(expr.id)
        else:
            visit(expr)

    visit(tree)
    return names


def _heading(nb: NotebookNode, qid: str) -> str | None:
    """The first markdown heading line that starts with the question id (``### q3 (graded, ...``)."""
    pattern = re.compile(rf"^#+\s*{re.escape(qid)}\b.*$", re.M)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = pattern.search(cell.source)
            if found:
                return found.group(0).strip()
    return None


def sync_points(nb: NotebookNode, manifest: Manifest) -> bool:
    """Write the manifest's points into the notebook's question cells (in place); True if any changed.

    The question cells are the cells whose grade id is a question's ``grade_id``; a missing cell is
    left for :func:`validate_source` to report.
    """
    points = {q.grade_id: q.points for q in manifest.questions}
    changed = False
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid in points:
            meta = cell.metadata.nbgrader
            want = int(points[gid]) if float(points[gid]).is_integer() else points[gid]
            if meta.get("points") != want:
                meta["points"] = want
                changed = True
    return changed


def validate_source(nb: NotebookNode, manifest: Manifest, *, path: str | Path = "") -> None:
    """Check a solution notebook against its manifest; raise one error listing every problem.

    Checks: each question's ``grade_id`` names a cell; an autograded question's cell is a code cell
    with ``grade: true, solution: false`` and a written answer's a markdown cell with ``grade: true,
    solution: true``; its nbgrader ``points`` equal the manifest's; no graded cell lacks a question;
    each autograded test cell has a hidden-tests block calling
    ``hidden_score("<slug>", "<question id>", ...)``; each graded name is defined in some code cell.

    Parameters
    ----------
    nb : NotebookNode
        The solution notebook.
    manifest : autograder.spec.Manifest
        Its manifest.
    path : str or Path, default ""
        Shown in the error message.

    Raises
    ------
    ReleaseError
        With one line per problem.
    """
    where = str(path) or manifest.slug
    problems: list[str] = []
    cells: dict[str, NotebookNode] = {}
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is not None:
            if gid in cells:
                problems.append(f"grade id {gid!r} is used by more than one cell")
            cells[gid] = cell
    defined: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            defined |= _defined_names(cell.source)

    question_ids = set()
    for q in manifest.questions:
        question_ids.add(q.grade_id)
        label = f"question {q.id} (grade id {q.grade_id!r})"
        cell = cells.get(q.grade_id)
        if cell is None:
            problems.append(f"{label}: no cell has this grade id")
            continue
        meta = cell.metadata.nbgrader
        want_type, want_solution = ("code", False) if q.kind == "auto" else ("markdown", True)
        what = "an autograded test cell" if q.kind == "auto" else "a written-answer cell"
        if (
            cell.cell_type != want_type
            or not meta.get("grade", False)
            or (bool(meta.get("solution", False)) != want_solution)
        ):
            problems.append(
                f"{label}: must be {what} ({want_type}, nbgrader grade: true, solution: "
                f"{str(want_solution).lower()}), found a {cell.cell_type} cell with grade: "
                f"{str(bool(meta.get('grade', False))).lower()}, solution: "
                f"{str(bool(meta.get('solution', False))).lower()}"
            )
        points = meta.get("points")
        try:
            same = points is not None and float(points) == q.points
        except (TypeError, ValueError):
            same = False
        if not same:
            problems.append(
                f"{label}: the notebook gives {points!r} points, the manifest {q.points:g} "
                "(run `quantgrade release`, which writes the manifest's points into the notebook)"
            )
        heading = _heading(nb, q.id)
        word = "graded" if q.kind == "auto" else "written"
        worth = f"{q.points:g} point" + ("" if q.points == 1 else "s")
        if heading is None:
            problems.append(f"{label}: no markdown heading '### {q.id} ({word}, {worth}): ...'")
        else:
            m = re.match(rf"#+\s*{re.escape(q.id)}\s*\((graded|written),\s*([0-9.]+)\s*points?\)", heading)
            if m is None or m.group(1) != word or float(m.group(2)) != q.points:
                problems.append(
                    f"{label}: its heading should read '### {q.id} ({word}, {worth}): ...', "
                    f"found {heading!r}"
                )
        if q.kind == "auto" and cell.cell_type == "code":
            call = re.compile(
                r"hidden_score\(\s*['\"]"
                + re.escape(manifest.slug)
                + r"['\"]\s*,\s*['\"]"
                + re.escape(q.id)
                + r"['\"]"
            )
            hidden = re.search(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", cell.source, re.S)
            if hidden is None or not call.search(hidden.group(1)):
                problems.append(
                    f"{label}: the test cell needs a hidden-tests block calling "
                    f'hidden_score("{manifest.slug}", "{q.id}", globals())'
                )
        for name in q.names:
            if name not in defined:
                problems.append(f"{label}: graded name {name!r} is not defined in any code cell")
    for gid, cell in cells.items():
        meta = cell.metadata.nbgrader
        if meta.get("grade", False) and gid not in question_ids:
            problems.append(
                f"cell {gid!r} is graded ({meta.get('points', '?')} points) but no manifest question "
                "names it as its grade_id"
            )
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ReleaseError(f"{where} disagrees with its manifest:\n{lines}")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def release_text(course: Course, slug: str, *, nb: NotebookNode | None = None) -> str:
    """Validate ``slug``'s solution against its manifest and return the released notebook's text.

    ``nb`` is the solution notebook if already read (and synced with :func:`sync_points`); by default
    it is read from ``solutions/`` and its points are taken from the manifest.
    """
    source = course.solution_path(slug)
    if nb is None:
        nb = read_source(source)
        sync_points(nb, course.manifest(slug))
    validate_source(nb, course.manifest(slug), path=_relative(source, course.root))
    try:
        return render(release_notebook(nb))
    except ReleaseError as exc:
        raise ReleaseError(f"{_relative(source, course.root)}: {exc}") from exc


def _select(course: Course, slugs: Iterable[str] | None) -> list[str]:
    if not course.solutions_dir.is_dir():
        raise ReleaseError(f"no solutions folder at {course.solutions_dir}")
    known = course.slugs()
    without_manifest = sorted(p.stem for p in course.solutions_dir.glob("*.ipynb") if p.stem not in known)
    if slugs is None:
        if without_manifest:
            raise ReleaseError(
                "solution notebooks without a manifest: "
                + ", ".join(without_manifest)
                + f" (each needs {course.spec_dir}/<slug>/manifest.toml)"
            )
        return known
    chosen = list(dict.fromkeys(slugs))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ReleaseError(
            f"unknown notebook {', '.join(unknown)}; the course has {', '.join(known) or 'none'}"
        )
    return chosen


def main(*, course: Course | None = None, slugs: Sequence[str] | None = None, check: bool = False) -> int:
    """Release the solution notebooks into ``notebooks/`` (or check that they are current).

    Parameters
    ----------
    course : autograder.spec.Course, optional
        The course; default :func:`autograder.spec.default_course`.
    slugs : sequence of str, optional
        Notebooks to release; default every solution notebook. With the default, ``--check`` also
        reports student notebooks that have no solution any more.
    check : bool, default False
        Write nothing; report the notebooks that differ from what release would write.

    Returns
    -------
    int
        0 when done (or, with ``check``, when everything is current); 1 when ``check`` found stale
        notebooks.

    Raises
    ------
    ReleaseError
        A solution notebook is unreadable, refused by nbgrader, or disagrees with its manifest.
    """
    course = course if course is not None else default_course()
    chosen = _select(course, slugs)
    stale: list[str] = []
    for slug in chosen:
        source_path = course.solution_path(slug)
        source = read_source(source_path)
        if sync_points(source, course.manifest(slug)):
            shown_source = _relative(source_path, course.root)
            if check:
                stale.append(f"{shown_source} (its nbgrader points differ from the manifest's)")
            else:
                source_path.write_text(render(source), encoding="utf-8", newline="\n")
                print(f"{shown_source}: points written from the manifest")
        text = release_text(course, slug, nb=source)
        target = course.release_path(slug)
        shown = _relative(target, course.root)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            print(f"{shown}: up to date")
            continue
        if check:
            stale.append(f"{shown} ({'missing' if current is None else 'differs from its solution'})")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        print(f"{shown}: {'written' if current is None else 'updated'}")
    if slugs is None and course.notebooks_dir.is_dir():
        for orphan in sorted(p for p in course.notebooks_dir.glob("*.ipynb") if p.stem not in chosen):
            shown = _relative(orphan, course.root)
            if check:
                stale.append(f"{shown} (no solution notebook: remove it)")
            else:
                print(f"note: {shown} has no solution notebook; left alone (remove it by hand)")
    if stale:
        print("stale student notebooks (run `quantgrade release`):")
        for line in stale:
            print(f"  {line}")
        return 1
    return 0
