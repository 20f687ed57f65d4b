"""The grading corpus: submissions run through the real grader, each with a one-line expectation.

A *case* is one full submission and what the grade must be. Attacks are one small file each
(``attacks/<case>.py``); every notebook's correct styles (``autograder/course/<slug>/styles/``) and
known mistakes (``mistakes.py``) are cases too, generated here (no file to write). Every case becomes
``CLASS/<student>/<slug>.ipynb``, the whole class is graded once by
:func:`autograder.grade.grade_submissions` (the hardened path: fresh sandboxed kernels, default
limits), and each result is checked against its expectation. (``quantgrade verify`` grades the styles
and mistakes of a notebook the same way; the test suite uses verify's batch for them.)

A case file is a plain Python module::

    \"\"\"Correct answers written as plain Python loops.\"\"\"   # one line, shown in the tables
    NOTEBOOK = "01_sampling_quantization"   # optional, this is the default
    BASE = "solution"                        # "solution" (default) or "stubs"
    CELLS = {"q1_sample": "def sample(signal, fs, duration):\\n    ..."}   # optional
    def build(nb): ...                       # optional: NotebookNode -> NotebookNode or bytes
    STUDENT = "Zoë Müller"                   # optional folder name, default the file's stem
    EXPECT = {"full": True}                  # one line
    KNOWN_ISSUE = "q6: tolerance too tight"  # optional: a reported grader bug makes EXPECT fail for now

``BASE = "solution"`` starts from the notebook a student who answered everything right hands in
(:func:`autograder.demo.submission_from_solution` of the solution source); ``"stubs"`` from the
released notebook ``notebooks/<slug>.ipynb`` as is. ``CELLS`` replaces the source of the cells with
these grade ids (any cell, locked ones included; a grade id the notebook lacks is an error of the case
file). ``build`` runs after ``CELLS``; returning bytes writes them verbatim as the submission file.

``EXPECT`` keys (any combination):

==============================  =====================================================================
``"full": True``                status ``graded`` and every autograded question at full marks
``"lost": ["q3", "q4"]``        status ``graded``; exactly these autograded questions below full marks
``"loses": ["q3"]``             status ``graded``; at least these below full marks (a mistake that is
                                marked as propagating)
``"at_most": "solution"``       every question's score <= that question's score of the honest baseline
                                of that name (``"solution"`` or ``"stubs"``) graded in the same run
``"earns": {"q1": 0.5}``        with ``at_most``: points a question may score above the baseline
                                because the case's code honestly earns them (say which test in the file)
``"status": "error"``           the submission's status (``graded``, ``error``, ``unreadable``)
``"reason": "text"``            a substring of the submission's reason or of one of its notes
==============================  =====================================================================

``KNOWN_ISSUE`` (optional, a non-empty string) marks a case whose expectation is right but fails
because of a reported grader or notebook bug: the table shows ``known issue`` instead of a failure,
the tests mark it as a strict xfail, and once the bug is fixed the case shows ``FIXED`` (remove the
line then).

The honest baselines are graded in every class as students ``_baseline_solution`` and
``_baseline_stubs`` (with the notebook's slug appended for notebooks other than the first one), and
checked too: the solution at full marks, the stubs losing every autograded question.

Command line (from the repository root; exit status 1 if any case is not as expected)::

    python tests/grading/corpus.py fairness      # every notebook's correct styles
    python tests/grading/corpus.py attacks       # tests/grading/attacks/*.py
    python tests/grading/corpus.py mistakes      # one case per known mistake of every notebook
    python tests/grading/corpus.py all           # all of the above in one class
    python tests/grading/corpus.py fairness --jobs 2 --keep /tmp/class   # keep the class folder

It prints the table (case, expected, got, ok) and then checks once that ``quantgrade grade CLASS
--out OUT``, run as a subprocess, writes grades.csv rows for every student with the same scores.

Used by tests/grading/test_fairness.py and tests/grading/test_attacks.py (through conftest.py).
"""

from __future__ import annotations

import argparse
import csv
import functools
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import nbformat

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_NOTEBOOK = "01_sampling_quantization"
BASES = ("solution", "stubs")
STATUSES = ("graded", "error", "unreadable")
EXPECT_KEYS = ("full", "lost", "loses", "at_most", "earns", "status", "reason")
CASE_KEYS = ("NOTEBOOK", "BASE", "CELLS", "build", "STUDENT", "EXPECT", "KNOWN_ISSUE")
FOLDERS = ("attacks",)

__all__ = [
    "BASES",
    "Case",
    "CaseFileError",
    "Row",
    "baseline_cases",
    "baseline_student",
    "baselines_for",
    "build_class",
    "build_submission",
    "check_cli",
    "check_expect",
    "default_course",
    "describe_expect",
    "describe_result",
    "format_table",
    "grade_class",
    "grade_cli",
    "load_by_path",
    "load_case",
    "load_cases",
    "main",
    "mistake_cases",
    "pytest_params",
    "style_cases",
    "table_rows",
]


class CaseFileError(ValueError):
    """A case file (or generated case) is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Case:
    """One submission of the corpus and the grade it must get.

    Parameters
    ----------
    name : str
        Short name (the case file's stem, ``mistake_<id>`` for a known mistake).
    doc : str
        One line saying what the case is.
    notebook : str
        Notebook slug.
    student : str
        Student folder name the submission is written under.
    expect : dict
        The expectation (see the module docstring).
    path : Path or None
        The case file (None for generated cases).
    base : {"solution", "stubs"}, default "solution"
        The notebook the case starts from.
    cells : dict of str to str
        Grade id -> new source.
    build : callable or None
        ``build(nb) -> NotebookNode | bytes``, applied after ``cells``.
    mistake : autograder.spec.Mistake or None
        For generated known-mistake cases: the mistake applied to the solution source.
    known_issue : str, default ""
        A reported bug that makes the expectation fail for now (empty: none).
    """

    name: str
    doc: str
    notebook: str
    student: str
    expect: Mapping[str, Any]
    path: Path | None = None
    base: str = "solution"
    cells: Mapping[str, str] = field(default_factory=dict)
    build: Callable[[nbformat.NotebookNode], Any] | None = None
    mistake: Any = None
    known_issue: str = ""

    @property
    def where(self) -> str:
        """The case file, or what generated the case (for error messages)."""
        if self.path is not None:
            return str(self.path)
        return f"generated case {self.name}"


class Row(NamedTuple):
    """One line of the corpus table."""

    case: str
    expected: str
    got: str
    ok: str


# --------------------------------------------------------------------------------------------- course


def load_by_path(name: str, path: Path) -> ModuleType:
    """Import a helper module of this folder by path and register it as ``name`` (once)."""
    known = sys.modules.get(name)
    if known is not None and getattr(known, "__file__", None) == str(path):
        return known
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def default_course() -> Any:
    """The course of this repository (:func:`autograder.spec.default_course` rooted at the repo)."""
    from autograder.spec import default_course as _default

    return _default(REPO)


# ----------------------------------------------------------------------------------------- case files


def _validate_expect(expect: Any, where: str) -> dict[str, Any]:
    if not isinstance(expect, dict) or not expect:
        raise CaseFileError(f"{where}: EXPECT must be a non-empty dict, got {expect!r}")
    unknown = sorted(set(expect) - set(EXPECT_KEYS))
    if unknown:
        raise CaseFileError(f"{where}: EXPECT has unknown keys {unknown}; known: {list(EXPECT_KEYS)}")
    if "full" in expect and expect["full"] is not True:
        raise CaseFileError(f"{where}: EXPECT['full'] must be True (leave it out otherwise)")
    if "full" in expect and ("lost" in expect or "loses" in expect):
        raise CaseFileError(f"{where}: EXPECT cannot say both 'full' and 'lost'")
    for key in ("lost", "loses"):
        if key in expect:
            lost = expect[key]
            if not isinstance(lost, (list, tuple)) or not lost or not all(isinstance(q, str) for q in lost):
                raise CaseFileError(f"{where}: EXPECT[{key!r}] must be a non-empty list of question ids")
    if "at_most" in expect and expect["at_most"] not in BASES:
        raise CaseFileError(f"{where}: EXPECT['at_most'] must be one of {BASES}, got {expect['at_most']!r}")
    if "earns" in expect:
        earns = expect["earns"]
        if "at_most" not in expect:
            raise CaseFileError(f"{where}: EXPECT['earns'] needs EXPECT['at_most']")
        if not isinstance(earns, dict) or not earns or not all(
            isinstance(q, str) and isinstance(v, (int, float)) and v > 0 for q, v in earns.items()
        ):
            raise CaseFileError(f"{where}: EXPECT['earns'] must map question ids to positive points")
    if "status" in expect:
        if expect["status"] not in STATUSES:
            raise CaseFileError(f"{where}: EXPECT['status'] must be one of {STATUSES}")
        if expect["status"] != "graded" and ("full" in expect or "lost" in expect or "loses" in expect):
            raise CaseFileError(f"{where}: 'full' and 'lost' imply status 'graded'")
    if "reason" in expect and not (isinstance(expect["reason"], str) and expect["reason"]):
        raise CaseFileError(f"{where}: EXPECT['reason'] must be a non-empty string")
    return dict(expect)


def _validate_student(student: Any, where: str) -> str:
    if not isinstance(student, str) or not student.strip():
        raise CaseFileError(f"{where}: STUDENT must be a non-empty string")
    if any(c in student for c in "/\\\0") or student.startswith(".") or student != student.strip():
        raise CaseFileError(
            f"{where}: STUDENT {student!r} cannot be a folder name (no slashes, no leading dot or space)"
        )
    return student


def _import_case(path: Path) -> ModuleType:
    name = f"_grading_case_{path.parent.name}_{path.stem}".replace("-", "_").replace(" ", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CaseFileError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise CaseFileError(f"{path}: importing it raised {type(exc).__name__}: {exc}") from exc
    return module


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read one case file (see the module docstring for its names).

    Parameters
    ----------
    path : path
        A ``.py`` case file.

    Returns
    -------
    Case

    Raises
    ------
    CaseFileError
        If the file cannot be imported or a name has the wrong type or value.
    """
    path = Path(path)
    module = _import_case(path)
    where = str(path)
    doc = (module.__doc__ or "").strip()
    if not doc:
        raise CaseFileError(f"{where}: the case needs a one-line docstring saying what it is")
    if not hasattr(module, "EXPECT"):
        raise CaseFileError(f"{where}: the case has no EXPECT")
    notebook = getattr(module, "NOTEBOOK", DEFAULT_NOTEBOOK)
    if not isinstance(notebook, str) or not notebook:
        raise CaseFileError(f"{where}: NOTEBOOK must be a notebook slug")
    base = getattr(module, "BASE", "solution")
    if base not in BASES:
        raise CaseFileError(f"{where}: BASE must be one of {BASES}, got {base!r}")
    cells = getattr(module, "CELLS", {})
    if not isinstance(cells, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in cells.items()
    ):
        raise CaseFileError(f"{where}: CELLS must be a dict of grade id -> source text")
    known_issue = getattr(module, "KNOWN_ISSUE", "")
    if not isinstance(known_issue, str):
        raise CaseFileError(f"{where}: KNOWN_ISSUE must be a string saying which reported bug fails the case")
    build = getattr(module, "build", None)
    if build is not None and not callable(build):
        raise CaseFileError(f"{where}: build must be a function build(nb) -> notebook or bytes")
    return Case(
        name=path.stem,
        doc=doc.splitlines()[0],
        notebook=notebook,
        student=_validate_student(getattr(module, "STUDENT", path.stem), where),
        expect=_validate_expect(module.EXPECT, where),
        path=path,
        base=base,
        cells=dict(cells),
        build=build,
        known_issue=known_issue.strip(),
    )


def load_cases(folder: str | os.PathLike[str]) -> list[Case]:
    """All case files of ``folder`` (``*.py`` not starting with ``_``), sorted by name.

    Parameters
    ----------
    folder : path
        ``tests/grading/fairness`` or ``tests/grading/attacks``.

    Returns
    -------
    list of Case

    Raises
    ------
    CaseFileError
        If the folder is missing, holds no case, or a case file is malformed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseFileError(f"{folder}: no such folder of case files")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise CaseFileError(f"{folder}: holds no case file (*.py)")
    return [load_case(p) for p in files]


def mistake_cases(course: Any, slug: str) -> list[Case]:
    """One case per known mistake of ``slug``: the solution with the mistake applied.

    Parameters
    ----------
    course : autograder.spec.Course
        The course.
    slug : str
        Notebook slug.

    Returns
    -------
    list of Case
        Named ``mistake_<id>``, expecting ``{"lost": [question]}``, or ``{"loses": [question]}`` for a
        mistake marked as propagating to later questions.
    """
    return [
        Case(
            name=f"mistake_{m.id}",
            doc=m.title,
            notebook=slug,
            student=f"mistake_{m.id}" if slug == DEFAULT_NOTEBOOK else f"mistake_{m.id}_{slug}",
            expect={"loses": [m.question]} if m.propagates else {"lost": [m.question]},
            mistake=m,
        )
        for m in course.mistakes(slug)
    ]


def style_cases(course: Any, slug: str) -> list[Case]:
    """One case per correct style of ``slug`` (``styles/<name>.py``), expecting full marks."""
    return [
        Case(
            name=f"style_{s.name}" if slug == DEFAULT_NOTEBOOK else f"style_{s.name}_{slug}",
            doc=s.doc,
            notebook=slug,
            student=f"style_{s.name}" if slug == DEFAULT_NOTEBOOK else f"style_{s.name}_{slug}",
            expect={"full": True},
            path=s.path,
            cells=dict(s.cells),
        )
        for s in course.styles(slug)
    ]


def baseline_student(base: str, slug: str) -> str:
    """Folder name of an honest baseline: ``_baseline_solution`` (slug appended after notebook 01)."""
    if base not in BASES:
        raise ValueError(f"base must be one of {BASES}, got {base!r}")
    return f"_baseline_{base}" if slug == DEFAULT_NOTEBOOK else f"_baseline_{base}_{slug}"


def baseline_cases(course: Any, slugs: Iterable[str]) -> list[Case]:
    """The honest baselines of each notebook, as cases with their own expectations.

    The solution must get full marks; the released stubs must lose every autograded question.
    """
    out: list[Case] = []
    for slug in sorted(set(slugs)):
        auto = [q.id for q in course.manifest(slug).auto_questions]
        for base, expect, doc in (
            ("solution", {"full": True}, "the solution as handed in (honest baseline)"),
            ("stubs", {"lost": auto}, "the released notebook untouched (honest baseline)"),
        ):
            student = baseline_student(base, slug)
            out.append(Case(name=student, doc=doc, notebook=slug, student=student, expect=expect, base=base))
    return out


# --------------------------------------------------------------------------------------------- build


@functools.lru_cache(maxsize=16)
def _base_text(course: Any, slug: str, base: str, mistake: Any) -> str:
    """The base notebook of a case as text (cached: releasing a notebook takes a while)."""
    from autograder.demo import submission_from_solution
    from autograder.release import read_source, render

    if base == "stubs":
        return course.release_path(slug).read_text(encoding="utf-8")
    source = read_source(course.solution_path(slug))
    if mistake is not None:
        from autograder.variants import apply_mistake

        source = apply_mistake(source, mistake)
    return render(submission_from_solution(source))


def _base_notebook(case: Case, course: Any) -> nbformat.NotebookNode:
    if case.notebook not in course.slugs():
        raise CaseFileError(f"{case.where}: NOTEBOOK {case.notebook!r} is not a notebook of the course")
    base = "solution" if case.mistake is not None else case.base
    return nbformat.reads(_base_text(course, case.notebook, base, case.mistake), as_version=4)


def build_submission(case: Case, course: Any | None = None) -> nbformat.NotebookNode | bytes:
    """The submission of one case: its base notebook, ``CELLS`` replaced, then ``build`` applied.

    Raises
    ------
    CaseFileError
        If ``CELLS`` names a grade id the notebook does not have, or ``build`` fails or returns
        something other than a notebook or bytes.
    """
    from autograder.submission import grade_id

    course = course if course is not None else default_course()
    nb = _base_notebook(case, course)
    by_id: dict[str, list[Any]] = {}
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid is not None:
            by_id.setdefault(gid, []).append(cell)
    for gid, source in case.cells.items():
        if gid not in by_id:
            raise CaseFileError(
                f"{case.where}: CELLS names grade id {gid!r}, which {case.notebook} does not have; "
                f"it has {sorted(by_id)}"
            )
        for cell in by_id[gid]:
            cell.source = source
    if case.build is None:
        return nb
    try:
        built = case.build(nb)
    except Exception as exc:
        raise CaseFileError(f"{case.where}: build() raised {type(exc).__name__}: {exc}") from exc
    if isinstance(built, (bytes, bytearray)):
        return bytes(built)
    if isinstance(built, nbformat.NotebookNode):
        return built
    raise CaseFileError(
        f"{case.where}: build() must return the notebook or bytes, got {type(built).__name__}"
    )


def build_class(
    cases: Sequence[Case], out_dir: str | os.PathLike[str], course: Any | None = None
) -> dict[str, Path]:
    """Write every case, and the honest baselines of their notebooks, as ``out_dir/<student>/<slug>.ipynb``.

    Parameters
    ----------
    cases : sequence of Case
        The corpus cases (baseline cases among them are written once).
    out_dir : path
        Folder to write into (created; must not hold those students already).
    course : autograder.spec.Course or None, default None
        The course (this repository's if None).

    Returns
    -------
    dict of str to Path
        Student -> submission file, baselines included.

    Raises
    ------
    CaseFileError
        If two cases share a student, or a case cannot be built.
    """
    from autograder.release import render

    course = course if course is not None else default_course()
    out_dir = Path(out_dir)
    everything = list(cases)
    have = {c.student for c in everything}
    everything += [b for b in baseline_cases(course, {c.notebook for c in cases}) if b.student not in have]
    seen: dict[str, Case] = {}
    for case in everything:
        if case.student in seen:
            raise CaseFileError(f"{case.where}: student {case.student!r} is also {seen[case.student].where}")
        seen[case.student] = case
    written: dict[str, Path] = {}
    for case in everything:
        content = build_submission(case, course)
        path = out_dir / case.student / f"{case.notebook}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=False)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(render(content), encoding="utf-8", newline="\n")
        written[case.student] = path
    return written


# --------------------------------------------------------------------------------------------- grade


def grade_class(out_dir: str | os.PathLike[str], jobs: int = 2, course: Any | None = None) -> dict[str, Any]:
    """Grade a class folder with :func:`autograder.grade.grade_submissions` (default limits, sandbox auto).

    Parameters
    ----------
    out_dir : path
        A folder written by :func:`build_class`.
    jobs : int, default 2
        Worker processes.
    course : autograder.spec.Course or None, default None
        The course (this repository's if None).

    Returns
    -------
    dict of str to SubmissionResult
        Student -> result.

    Raises
    ------
    RuntimeError
        If a student has more than one result (one notebook per student in a corpus class).
    """
    from autograder.grade import grade_submissions

    course = course if course is not None else default_course()
    results: dict[str, Any] = {}
    for result in grade_submissions(Path(out_dir), course=course, jobs=jobs):
        if result.student in results:
            raise RuntimeError(f"student {result.student!r} has more than one graded notebook")
        results[result.student] = result
    return results


def _quantgrade_command() -> list[str]:
    script = Path(sys.executable).parent / "quantgrade"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "autograder"]


def grade_cli(
    class_dir: str | os.PathLike[str], report_dir: str | os.PathLike[str], jobs: int = 2
) -> dict[str, dict[str, float]]:
    """Run ``quantgrade grade CLASS --out REPORTS --jobs N`` as a subprocess and read its grades.csv.

    Returns
    -------
    dict of str to dict of str to float
        Student -> question -> score, from grades.csv.

    Raises
    ------
    RuntimeError
        If the command fails or writes no grades.csv (the message holds its output).
    """
    command = [*_quantgrade_command(), "grade", str(class_dir), "--out", str(report_dir), "--jobs", str(jobs)]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False, timeout=3600, env=dict(os.environ)
    )
    grades = Path(report_dir) / "grades.csv"
    if done.returncode != 0 or not grades.is_file():
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    scores: dict[str, dict[str, float]] = {}
    with grades.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            student = row["student"]
            # report.csv_cell puts a ' before names a spreadsheet would read as a formula: undo it.
            if student[:1] == "'" and student[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                student = student[1:]
            scores.setdefault(student, {})[row["question"]] = float(row["score"])
    return scores


def check_cli(cli_scores: Mapping[str, Mapping[str, float]], results: Mapping[str, Any]) -> list[str]:
    """Problems with the command line's grades.csv: a student or question missing, or a different score."""
    problems: list[str] = []
    for student, result in results.items():
        rows = cli_scores.get(student)
        if rows is None:
            problems.append(f"{student}: no rows in grades.csv")
            continue
        for q in result.questions:
            if q.question not in rows:
                problems.append(f"{student}: no grades.csv row for {q.question}")
            elif not math.isclose(rows[q.question], q.score, abs_tol=1e-6):
                problems.append(
                    f"{student} {q.question}: grades.csv says {rows[q.question]:g}, the API {q.score:g}"
                )
    for student in sorted(set(cli_scores) - set(results)):
        problems.append(f"{student}: in grades.csv but not graded by the API")
    return problems


# -------------------------------------------------------------------------------------- expectations


def _lost(result: Any) -> list[str]:
    """Autograded questions below full marks."""
    return [q.question for q in result.questions if q.kind == "auto" and q.score < q.max_score - 1e-9]


def baselines_for(results: Mapping[str, Any], slug: str) -> dict[str, Any]:
    """``{"solution": result, "stubs": result}`` of the notebook's honest baselines in ``results``."""
    return {
        base: results[baseline_student(base, slug)]
        for base in BASES
        if baseline_student(base, slug) in results
    }


def _why(result: Any, qids: Iterable[str]) -> str:
    by_id = {q.question: q for q in result.questions}
    parts = []
    for qid in qids:
        q = by_id.get(qid)
        if q is not None:
            message = q.messages[0] if q.messages else q.status
            parts.append(f"{qid} {q.score:g}/{q.max_score:g} ({message[:200]})")
    return "; ".join(parts)


def check_expect(case: Case, result: Any, baselines: Mapping[str, Any]) -> list[str]:
    """Compare one graded submission with its case's expectation.

    Parameters
    ----------
    case : Case
        The case.
    result : autograder.results.SubmissionResult
        Its grade.
    baselines : dict
        ``"solution"`` / ``"stubs"`` -> the baseline results of the case's notebook (needed only
        for ``at_most``; see :func:`baselines_for`).

    Returns
    -------
    list of str
        The problems; empty when the grade is as expected.
    """
    expect = case.expect
    problems: list[str] = []
    status = expect.get("status", "graded" if ("full" in expect or "lost" in expect) else None)
    if status is not None and result.status != status:
        problems.append(f"status {result.status!r}, expected {status!r} (reason: {result.reason[:200]!r})")
    lost = _lost(result)
    if expect.get("full"):
        if lost:
            problems.append(f"lost points on {', '.join(lost)}: {_why(result, lost)}")
    if "loses" in expect:
        missed = [q for q in expect["loses"] if q not in lost]
        if missed:
            problems.append(f"full marks on {', '.join(missed)}, expected a loss there")
    if "lost" in expect:
        want = list(expect["lost"])
        known = {q.question for q in result.questions if q.kind == "auto"}
        unknown = sorted(set(want) - known)
        if unknown:
            problems.append(f"EXPECT names {unknown}, not autograded questions of {case.notebook}")
        missed = [q for q in want if q not in lost and q in known]
        extra = [q for q in lost if q not in want]
        if missed:
            problems.append(f"full marks on {', '.join(missed)}, expected a loss there")
        if extra:
            problems.append(f"also lost points on {', '.join(extra)}: {_why(result, extra)}")
    if "at_most" in expect:
        base = baselines.get(expect["at_most"])
        if base is None:
            problems.append(f"no {expect['at_most']!r} baseline graded in this run")
        else:
            base_scores = {q.question: q.score for q in base.questions}
            earns = expect.get("earns", {})
            for q in result.questions:
                limit = base_scores.get(q.question, 0.0) + earns.get(q.question, 0.0)
                if q.score > limit + 1e-9:
                    problems.append(
                        f"{q.question} scored {q.score:g}, more than the {expect['at_most']} {limit:g}"
                    )
    if "reason" in expect:
        haystack = [result.reason, *result.notes]
        if not any(expect["reason"] in text for text in haystack):
            problems.append(f"reason/notes do not mention {expect['reason']!r}: {haystack}")
    return problems


def pytest_params(cases: Iterable[Case]) -> list[Any]:
    """``pytest.param`` per case, id'd by name; a case with ``KNOWN_ISSUE`` is a strict xfail."""
    import pytest

    return [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=case.known_issue)] if case.known_issue else [],
        )
        for case in cases
    ]


# --------------------------------------------------------------------------------------------- table


def describe_expect(expect: Mapping[str, Any]) -> str:
    """The expectation in a few words (``"full"``, ``"lost q3,q4"``, ``"<= stubs, status error"``)."""
    parts = []
    if expect.get("full"):
        parts.append("full")
    if "lost" in expect:
        parts.append("lost " + ",".join(expect["lost"]))
    if "loses" in expect:
        parts.append("loses " + ",".join(expect["loses"]) + " (propagates)")
    if "at_most" in expect:
        extra = "".join(f" + {v:g} on {q}" for q, v in expect.get("earns", {}).items())
        parts.append(f"<= {expect['at_most']}{extra}")
    if "status" in expect:
        parts.append(f"status {expect['status']}")
    if "reason" in expect:
        parts.append(f"reason ~ {expect['reason']!r}")
    return ", ".join(parts)


def describe_result(result: Any | None) -> str:
    """A grade in a few words: ``"graded 16/16"``, ``"graded 14/16, lost q3"``, ``"error 0/16: ..."``."""
    if result is None:
        return "not graded"
    auto = [q for q in result.questions if q.kind == "auto"]
    score = sum(q.score for q in auto)
    total = sum(q.max_score for q in auto)
    text = f"{result.status} {score:g}/{total:g}"
    lost = _lost(result)
    if lost and len(lost) < len(auto):
        text += ", lost " + ",".join(lost)
    elif lost and score > 0:
        text += ", lost all"
    if result.reason:
        text += f": {result.reason[:60]}"
    return text


def table_rows(cases: Sequence[Case], results: Mapping[str, Any]) -> list[Row]:
    """One row per case: name, expected, got, and ``ok``, ``known issue: ...`` or the first problem."""
    rows: list[Row] = []
    for case in cases:
        result = results.get(case.student)
        if result is None:
            rows.append(Row(case.name, describe_expect(case.expect), "not graded", "MISSING"))
            continue
        problems = check_expect(case, result, baselines_for(results, case.notebook))
        if case.known_issue:
            ok = f"known issue: {case.known_issue[:80]}" if problems else "FIXED? remove KNOWN_ISSUE"
        else:
            ok = "ok" if not problems else "FAIL: " + problems[0][:120]
        rows.append(Row(case.name, describe_expect(case.expect), describe_result(result), ok))
    return rows


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Align rows of (case, expected, got, ok) under a header, as plain text."""
    header = ("case", "expected", "got", "ok")
    table = [header, *[tuple(str(v) for v in row) for row in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    lines = []
    for k, row in enumerate(table):
        cells = [v.ljust(w) for v, w in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if k == 0:
            lines.append("  ".join([*("-" * w for w in widths), "-" * 4]))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- main


def select_cases(which: str, course: Any | None = None) -> list[Case]:
    """The cases of ``which``: ``fairness``, ``attacks``, ``mistakes`` or ``all``."""
    course = course if course is not None else default_course()
    if which not in ("fairness", *FOLDERS, "mistakes", "all"):
        raise ValueError(f"which must be one of fairness, attacks, mistakes, all; got {which!r}")
    cases: list[Case] = []
    for folder in FOLDERS:
        if which in (folder, "all"):
            cases += load_cases(HERE / folder)
    for slug in course.slugs():
        if which in ("fairness", "all"):
            cases += style_cases(course, slug)
        if which in ("mistakes", "all"):
            cases += mistake_cases(course, slug)
    return cases


def main(argv: Sequence[str] | None = None) -> int:
    """Grade a corpus and print its table; 0 if every case is as expected, else 1."""
    parser = argparse.ArgumentParser(
        prog="python tests/grading/corpus.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("which", choices=["fairness", *FOLDERS, "mistakes", "all"], nargs="?", default="all")
    parser.add_argument("--jobs", type=int, default=2, help="grading workers (default 2)")
    parser.add_argument("--keep", metavar="DIR", help="build the class in DIR (must not exist) and keep it")
    parser.add_argument("--no-cli", action="store_true", help="skip the quantgrade command-line check")
    args = parser.parse_args(argv)

    course = default_course()
    cases = select_cases(args.which, course)
    with tempfile.TemporaryDirectory(prefix="grading-corpus-") as tmp:
        class_dir = Path(args.keep) if args.keep else Path(tmp) / "class"
        if class_dir.exists():
            parser.error(f"{class_dir} exists; give a new folder")
        build_class(cases, class_dir, course)
        all_cases = cases + [b for b in baseline_cases(course, {c.notebook for c in cases})]
        start = time.perf_counter()
        results = grade_class(class_dir, jobs=args.jobs, course=course)
        seconds = time.perf_counter() - start
        rows = table_rows(all_cases, results)
        print(format_table(rows))
        failed = [r for r in rows if r.ok != "ok" and not r.ok.startswith("known issue")]
        known = len(rows) - len(failed) - sum(r.ok == "ok" for r in rows)
        print(
            f"\n{len(rows) - len(failed) - known}/{len(rows)} cases as expected, {known} known issue(s); "
            f"{len(results)} submissions graded in {seconds:.1f} s with --jobs {args.jobs} "
            f"({sorted({r.sandbox for r in results.values()})})"
        )
        cli_problems: list[str] = []
        if not args.no_cli:
            start = time.perf_counter()
            cli = grade_cli(class_dir, Path(tmp) / "reports", jobs=args.jobs)
            cli_problems = check_cli(cli, results)
            print(
                f"quantgrade grade (command line, {time.perf_counter() - start:.1f} s): "
                + ("grades.csv agrees for every student" if not cli_problems else "; ".join(cli_problems[:5]))
            )
    return 1 if failed or cli_problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
