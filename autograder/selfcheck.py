"""``quantgrade check NOTEBOOK``: a self-learner runs their own notebook and sees its public checks.

The notebook runs top to bottom in a fresh kernel (errors allowed, ``QUANTKIT_GRADING=1`` so no check
stops the run), and then, in the same kernel, every question's public self-check runs on the
functions and values the notebook defined. The result is a table per question. It is not a grade:
only public cases run, and no hidden test does. No sandbox either: it is the learner's own code on
their own machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.spec import Course, Manifest, Question, SpecError, default_course
from autograder.submission import grade_id
from quantkit.checks import CheckResult

__all__ = ["QuestionRow", "format_check_table", "main", "run_public_checks"]

MARKER = "QUANTKIT-CHECK-RESULTS "
DEFAULT_CELL_TIMEOUT = 120  # seconds per cell; a slow cell is interrupted and the run goes on
_STUB_ANSWER = "YOUR ANSWER HERE"  # what nbgrader puts in a released written-answer cell

_STATUS_WORDS = {
    "passed": "passed",
    "failed": "failed",
    "not_implemented": "not implemented",
    "missing": "missing",
    "unchecked": "no public case",
    "error": "check error",
    "written": "written answer",
}


@dataclass(frozen=True)
class QuestionRow:
    """One line of the self-learner's table.

    Parameters
    ----------
    question, title : str
        From the manifest.
    status : str
        A :class:`quantkit.checks.CheckResult` status, or ``"written"`` for a written answer.
    message : str
        What to tell the learner, one line.
    result : CheckResult or None
        The full public-check result (None for written answers).
    """

    question: str
    title: str
    status: str
    message: str
    result: CheckResult | None = None


class CheckRunError(RuntimeError):
    """The notebook could not be run far enough to check it (the message says why)."""


def _find_slug(nb: Any, path: Path, course: Course) -> str:
    """The notebook's slug: its file name if the course knows it, else the one its set-up cell names."""
    known = set(course.slugs()) | {p.parent.name for p in course.spec_dir.glob("*/manifest.toml")}
    if path.stem in known:
        return path.stem
    for cell in nb.cells:
        if cell.cell_type == "code":
            match = re.search(r"""checker\(\s*["']([^"']+)["']""", cell.source)
            if match and match.group(1) in known:
                return match.group(1)
    raise CheckRunError(
        f"cannot tell which course notebook {path.name} is: its name is not one of "
        f'{sorted(known)} and no set-up cell calls checker("<slug>")'
    )


def _probe_source(slug: str, qids: list[str], refs_dir: Path) -> str:
    """Code run in the learner's kernel after their notebook: every public check, printed as JSON."""
    return (
        "import json as _quantkit_json\n"
        "from quantkit.checks import check_result as _quantkit_check_result\n"
        f"print({MARKER!r} + _quantkit_json.dumps({{_q: _quantkit_check_result("
        f"{slug!r}, _q, globals(), refs_dir={str(refs_dir)!r}).to_dict() for _q in {qids!r}}}))\n"
    )


def _error_outputs(cell: Any) -> list[dict[str, Any]]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _defines(source: str, name: str) -> bool:
    pattern = rf"^\s*(def\s+{re.escape(name)}\s*\(|{re.escape(name)}\s*(:[^=]*)?=(?!=))"
    return re.search(pattern, source, flags=re.MULTILINE) is not None


def _still_a_stub(cells: list[Any], question: Question) -> bool:
    """True if one of the question's solution cells stopped on NotImplementedError.

    A solution cell of question ``q3`` has a grade id starting with ``q3_`` (the course's naming rule,
    docs/architecture.md), or defines one of its graded names.
    """

    def belongs(cell: Any) -> bool:
        return (grade_id(cell) or "").startswith(f"{question.id}_") or any(
            _defines(cell.source, n) for n in question.names
        )

    return any(
        cell.cell_type == "code"
        and any(o.get("ename") == "NotImplementedError" for o in _error_outputs(cell))
        and belongs(cell)
        for cell in cells
    )


def _answer_cell(cells: list[Any], gid: str) -> Any:
    return next((cell for cell in cells if grade_id(cell) == gid), None)


def _written_row(question: Question, cells: list[Any], released: list[Any] | None) -> QuestionRow:
    cell = _answer_cell(cells, question.grade_id)
    if cell is None:
        state = "answer cell not found: was it deleted?"
    else:
        text = cell.source.strip()
        stub = _answer_cell(released, question.grade_id) if released else None
        blank = {"", _STUB_ANSWER} | ({stub.source.strip()} if stub is not None else set())
        state = "answer cell filled in" if text not in blank else "answer cell still empty"
    return QuestionRow(
        question=question.id,
        title=question.title,
        status="written",
        message=f"written answer: not checked automatically ({state})",
    )


def _auto_row(question: Question, result: CheckResult, cells: list[Any]) -> QuestionRow:
    if result.status in ("missing", "unchecked") and _still_a_stub(cells, question):
        return QuestionRow(
            question.id,
            question.title,
            "not_implemented",
            "not implemented yet (its cell still raises NotImplementedError)",
            result,
        )
    if result.status == "failed" and result.failure is not None:
        message = f"case `{result.failure.case}`: {result.failure.problem}"
        if result.hint:
            message += f" (hint: {result.hint})"
    elif result.status == "passed":
        n = result.n_cases
        message = "the public case passes" if n == 1 else f"all {n} public cases pass"
    else:
        message = result.message.removeprefix(f"{question.id}: ")
    return QuestionRow(question.id, question.title, result.status, message, result)


def run_public_checks(
    notebook: Path,
    *,
    course: Course,
    slug: str | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
) -> tuple[Manifest, list[QuestionRow], list[str]]:
    """Run ``notebook`` in a fresh kernel, then its public checks in the same kernel.

    Parameters
    ----------
    notebook : Path
        The learner's notebook.
    course : Course
        Where the manifests and public references are.
    slug : str or None, default None
        The course notebook it is; None works it out from the file name or its set-up cell.
    cell_timeout : int, default 120
        Seconds a cell may run before it is interrupted (the run goes on with the next cell).

    Returns
    -------
    manifest : Manifest
        The notebook's manifest.
    rows : list of QuestionRow
        One per manifest question, in manifest order.
    cell_errors : list of str
        One line per cell that raised (other than a stub's NotImplementedError).

    Raises
    ------
    CheckRunError
        If the notebook cannot be read, is not a course notebook, or its kernel dies.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for a broken file
        raise CheckRunError(f"cannot read {notebook}: {exc}") from exc
    slug = slug or _find_slug(nb, notebook, course)
    manifest = course.manifest(slug)
    auto = [q.id for q in manifest.auto_questions]
    own_cells = list(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(_probe_source(slug, auto, course.public_dir)))
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook.resolve().parent)}},
    )
    env = {**os.environ, "QUANTKIT_GRADING": "1", "MPLBACKEND": "Agg"}
    try:
        # The kernel process's own log (not the notebook's output) would only add noise for a learner.
        client.execute(env=env, stderr=subprocess.DEVNULL)
    except DeadKernelError as exc:
        raise CheckRunError(f"the notebook's kernel died while running it: {exc}") from exc
    probe = nb.cells[-1]
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    line = next((ln for ln in text.splitlines() if ln.startswith(MARKER)), None)
    if line is None:
        errors = "; ".join(f"{o.get('ename')}: {o.get('evalue')}" for o in _error_outputs(probe))
        raise CheckRunError(
            f"the public checks could not run in the notebook's kernel ({errors or 'no output'})"
        )
    results = {qid: CheckResult.from_dict(data) for qid, data in json.loads(line[len(MARKER) :]).items()}

    released = None
    if course.release_path(slug).is_file():
        released = list(nbformat.read(course.release_path(slug), as_version=4).cells)
    rows = [
        _auto_row(q, results[q.id], own_cells) if q.kind == "auto" else _written_row(q, own_cells, released)
        for q in manifest.questions
    ]
    cell_errors = [
        f"cell {index + 1}: {o.get('ename')}: {o.get('evalue')}"
        for index, cell in enumerate(own_cells)
        if cell.cell_type == "code"
        for o in _error_outputs(cell)
        if o.get("ename") != "NotImplementedError"
    ]
    return manifest, rows, cell_errors


def format_check_table(manifest: Manifest, rows: list[QuestionRow], cell_errors: list[str]) -> str:
    """The learner's report as plain text: a labelled table, failed checks in detail, cell errors."""
    header = ("question", "title", "status", "message")
    table = [header, *((r.question, r.title, _STATUS_WORDS.get(r.status, r.status), r.message) for r in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = [
        f"{manifest.title} ({manifest.slug}): public checks only — not a grade",
        "",
        *("  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]).rstrip() for row in table),
    ]
    failed = [r.result for r in rows if r.result is not None and r.status == "failed"]
    if failed:
        from quantkit.checks import as_text

        lines += ["", "What the failed public checks found:"]
        lines += [as_text(result) for result in failed]
    if cell_errors:
        lines += ["", "Cells that raised an error while running (besides unwritten stubs):"]
        lines += [f"  {e}" for e in cell_errors]
    passed = sum(r.status == "passed" for r in rows)
    auto = sum(r.result is not None for r in rows)
    lines += [
        "",
        f"{passed} of {auto} self-checked questions pass their public cases. Public checks only: the "
        "graded tests check more, and written answers are read by a person.",
    ]
    return "\n".join(lines) + "\n"


def main(*, notebook: Path, course: Course | None = None, slug: str | None = None) -> int:
    """Run a learner's notebook and print its public checks, question by question.

    Parameters
    ----------
    notebook : Path
        The learner's ``.ipynb``.
    course : Course or None, default None
        None means :func:`autograder.spec.default_course`.
    slug : str or None, default None
        The course notebook it is; None works it out from the file name or its set-up cell.

    Returns
    -------
    int
        0 when the notebook ran and the checks were reported (whatever they found); 1 when the
        notebook could not be read, is not a course notebook, or its kernel died.
    """
    course = course if course is not None else default_course()
    try:
        manifest, rows, cell_errors = run_public_checks(Path(notebook), course=course, slug=slug)
    except (CheckRunError, SpecError) as exc:
        print(f"quantgrade check: {exc}", file=sys.stderr)
        return 1
    print(format_check_table(manifest, rows, cell_errors), end="")
    return 0
