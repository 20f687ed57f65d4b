"""Grade submissions (``quantgrade grade``): run each notebook in a sandboxed kernel, then the hidden tests.

For every submission:

1. read it defensively and restore the locked and test cells from the released notebook
   (:mod:`autograder.submission`);
2. run it in a fresh kernel (:mod:`autograder.kernel`; the next submission's kernel is already
   starting) with per-cell and whole-notebook time limits and an output cap;
3. run the notebook's hidden tests in this process against the kernel through the proxy
   (:mod:`autograder.proxy`, :func:`autograder.testing.run_hidden_tests`), summing points per question;
4. for each question that lost points, run its public cases and add the hints of the known
   mistakes whose recorded outputs the student's outputs match;
5. give manual questions status ``manual`` with the student's written answer.

Whatever happens to a submission (unreadable, empty, not a notebook, a kernel that dies), it
yields one :class:`~autograder.results.QuestionResult` per manifest question, and the batch goes on.
``jobs=N`` grades in N worker processes with the same results as ``jobs=1``.
"""

from __future__ import annotations

import concurrent.futures
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from autograder.kernel import Kernel, KernelError, KernelSupply, Limits, get_sandbox, is_test_cell
from autograder.proxy import KernelStudent
from autograder.results import QuestionResult, SubmissionResult
from autograder.spec import Course, Manifest, default_course
from autograder.submission import (
    Submission,
    SubmissionError,
    answer_text,
    find_submissions,
    read_submission,
    restore,
    submission_from_path,
)
from autograder.testing import (
    HiddenTestsError,
    Raised,
    RefCase,
    Refs,
    StudentError,
    load_refs,
    run_hidden_tests,
)
from quantkit._compare import describe_mismatch

__all__ = ["collect_submissions", "grade_submissions", "main"]

_INTERNAL = "internal grader error"


# ---------------------------------------------------------------------------------------- course data


@dataclass
class _CourseData:
    """What grading needs of one notebook, loaded once per process."""

    manifest: Manifest
    released: nbformat.NotebookNode | None
    released_note: str
    tests_path: Path
    hidden_refs_path: Path | None
    public_refs: Refs | None
    problem: str = ""


@dataclass
class _Context:
    course: Course
    limits: Limits
    sandbox: Any
    cache: dict[str, _CourseData] = field(default_factory=dict)

    def data(self, slug: str) -> _CourseData:
        if slug not in self.cache:
            self.cache[slug] = _load_course_data(self.course, slug)
        return self.cache[slug]


def _load_course_data(course: Course, slug: str) -> _CourseData:
    manifest = course.manifest(slug)
    problems = []
    released, note = None, ""
    path = course.release_path(slug)
    if path.is_file():
        released = nbformat.read(path, as_version=4)
    else:
        try:
            from autograder.release import release_notebook

            released = release_notebook(nbformat.read(course.solution_path(slug), as_version=4))
            note = f"{path} is missing; the released notebook was generated from the solution for grading"
        except Exception as exc:
            problems.append(f"the released notebook {path} is missing and cannot be generated ({exc})")
    hidden = course.hidden_refs_path(slug)
    if not hidden.is_file():
        problems.append(f"the hidden references {hidden} are missing: run `quantgrade refs`")
    public = None
    try:
        public = load_refs(course.public_refs_path(slug), public=True)
    except (OSError, ValueError):
        public = None  # no hints then; grading itself does not need the public refs
    tests = course.hidden_tests_path(slug)
    if not tests.is_file():
        problems.append(f"the hidden tests {tests} are missing")
    return _CourseData(
        manifest=manifest,
        released=released,
        released_note=note,
        tests_path=tests,
        hidden_refs_path=hidden if hidden.is_file() else None,
        public_refs=public,
        problem="; ".join(problems),
    )


def demo_cell_ids(released: nbformat.NotebookNode) -> frozenset[str]:
    """Ids of the released notebook's code cells tagged ``demo`` (the grader does not run them)."""
    return frozenset(
        str(cell.get("id"))
        for cell in released.cells
        if cell.get("cell_type") == "code" and "demo" in cell.get("metadata", {}).get("tags", [])
    )


# ----------------------------------------------------------------------------------------- one submission


def _zero_rows(manifest: Manifest, reason: str) -> list[QuestionResult]:
    return [
        QuestionResult(
            question=q.id,
            title=q.title,
            kind=q.kind,
            score=0.0,
            max_score=q.points,
            status="error",
            messages=[reason],
        )
        for q in manifest.questions
    ]


def _failed_submission(
    sub: Submission, manifest: Manifest, status: str, reason: str, sandbox: str
) -> SubmissionResult:
    return SubmissionResult(
        student=sub.student,
        notebook=sub.slug,
        path=str(sub.path),
        status=status,  # type: ignore[arg-type]
        reason=reason,
        sandbox=sandbox,
        questions=_zero_rows(manifest, reason),
    )


def _student_outcome(student: KernelStudent, case: RefCase) -> Any:
    try:
        if case.call is not None:
            return student.call(case.call, *case.args, **dict(case.kwargs))
        return student.value(str(case.value))
    except StudentError as err:
        return Raised(err.exc_type or err.kind)


def _same(got: Any, recorded: Any, case: RefCase) -> bool:
    if isinstance(recorded, Raised) or isinstance(got, Raised):
        return isinstance(recorded, Raised) and isinstance(got, Raised) and got.exc_type == recorded.exc_type
    return describe_mismatch(got, recorded, rtol=case.rtol, atol=case.atol) is None


def _expected(case: RefCase) -> Any:
    return Raised(case.raises) if case.raises is not None else case.expected


def _hints(student: KernelStudent, refs: Refs | None, qid: str) -> list[str]:
    """Hints of the known mistakes of ``qid`` whose recorded public outputs the student reproduces."""
    if refs is None:
        return []
    candidates = [m for m in refs.mistakes if qid in m.questions]
    if not candidates:
        return []
    try:
        cases = {c.id: c for c in refs.cases(qid)}
    except LookupError:
        return []
    got: dict[str, Any] = {}
    hints = []
    for mistake in candidates:
        relevant = [cid for cid in mistake.outputs if cid in cases]
        # Only the cases on which the mistake differs from the solution tell it apart.
        telling = [
            cid for cid in relevant if not _same(mistake.outputs[cid], _expected(cases[cid]), cases[cid])
        ]
        if not telling:
            continue
        matched = True
        for cid in relevant:
            if cid not in got:
                got[cid] = _student_outcome(student, cases[cid])
            if not _same(got[cid], mistake.outputs[cid], cases[cid]):
                matched = False
                break
        if matched and mistake.hint not in hints:
            hints.append(mistake.hint)
    return hints


def _grade_one(sub: Submission, ctx: _Context, take_kernel: Callable[[], Kernel]) -> SubmissionResult:
    """Grade one submission, never raising (but for a spec that cannot be loaded at all).

    ``take_kernel`` gives a launched kernel; it is called only once the submission is readable, and
    the kernel is shut down here.
    """
    t_start = time.monotonic()
    timings: dict[str, float] = {}
    sandbox_kind = str(getattr(ctx.sandbox, "kind", "unsandboxed"))
    try:
        data = ctx.data(sub.slug)
    except Exception as exc:  # a broken spec: nothing per question can be said
        raise HiddenTestsError(f"cannot load the course data of {sub.slug}: {exc}") from exc
    manifest = data.manifest
    kernel: Kernel | None = None
    try:
        if data.problem:
            return _failed_submission(
                sub, manifest, "error", f"the grader is not set up: {data.problem}", sandbox_kind
            )
        try:
            nb = read_submission(sub.path)
        except SubmissionError as exc:
            return _failed_submission(sub, manifest, "unreadable", str(exc), sandbox_kind)
        assert data.released is not None
        restored, notes = restore(nb, data.released)
        if data.released_note:
            notes.insert(0, data.released_note)
        if len(nb.cells) == 0:
            notes.append("the submitted notebook has no cells")

        t = time.monotonic()
        try:
            kernel = take_kernel()
            kernel.wait_ready()
        except (KernelError, OSError) as exc:
            result = _failed_submission(
                sub, manifest, "error", f"the notebook's kernel could not start: {exc}", sandbox_kind
            )
            result.notes = notes
            return result
        timings["kernel_start"] = time.monotonic() - t

        t = time.monotonic()
        # Cells the released notebook tags `demo` only demonstrate (verify checks that they define
        # nothing a graded name or a later cell needs): the grader skips them, by the released cell ids.
        demo = demo_cell_ids(data.released)
        run = kernel.run_notebook(restored, skip=lambda cell: is_test_cell(cell) or cell.get("id") in demo)
        timings["notebook"] = time.monotonic() - t
        notes.extend(run.notes)
        errors = [c for c in run.cells if c.status == "error"]
        if errors:
            notes.append(
                "cells that raised: "
                + ", ".join(f"{c.grade_id or f'cell {c.index + 1}'} ({c.ename})" for c in errors)
            )

        t = time.monotonic()
        student = KernelStudent(kernel)
        outcomes = run_hidden_tests(
            tests_path=data.tests_path,
            refs_path=data.hidden_refs_path,
            student=student,
            manifest=manifest,
        )
        timings["tests"] = time.monotonic() - t
        died = not kernel.alive
        if died and not run.died:
            notes.append(f"the kernel stopped during the hidden tests: {kernel.died_reason}")
        if student.timeouts:
            notes.append(
                f"{student.timeouts} call(s) of graded functions hit the "
                f"{kernel.limits.call_timeout:g} s limit"
            )
        if student.skipped:
            notes.append(
                f"{student.skipped} call(s) of graded functions were not made: all calls together "
                f"used up their time budget of {student.budget:g} s"
            )

        t = time.monotonic()
        questions = []
        for q in manifest.questions:
            if q.kind == "manual":
                questions.append(
                    QuestionResult(
                        question=q.id,
                        title=q.title,
                        kind="manual",
                        score=0.0,
                        max_score=q.points,
                        status="manual",
                        answer=answer_text(restored, q.grade_id),
                    )
                )
                continue
            outcome = outcomes[q.id]
            score = min(outcome.score, q.points)
            if math.isclose(score, q.points):
                status = "passed"
            elif score > 0:
                status = "partial"
            else:
                status = "failed"
            hints = [] if status == "passed" or not kernel.alive else _hints(student, data.public_refs, q.id)
            questions.append(
                QuestionResult(
                    question=q.id,
                    title=q.title,
                    kind="auto",
                    score=score,
                    max_score=q.points,
                    status=status,
                    messages=list(outcome.messages),
                    hints=hints,
                )
            )
        timings["hints"] = time.monotonic() - t
        status, reason = "graded", ""
        if run.died or died:
            status = "error"
            reason = f"the notebook's kernel stopped: {kernel.died_reason}"
        return SubmissionResult(
            student=sub.student,
            notebook=sub.slug,
            path=str(sub.path),
            status=status,  # type: ignore[arg-type]
            reason=reason,
            sandbox=kernel.sandbox_kind,
            questions=questions,
            timings=timings,
            notes=notes,
        )
    except HiddenTestsError as exc:
        return _failed_submission(sub, manifest, "error", f"the hidden tests are broken: {exc}", sandbox_kind)
    except Exception as exc:  # a bug of the grader: report it on this submission, grade the others
        return _failed_submission(
            sub, manifest, "error", f"{_INTERNAL}: {type(exc).__name__}: {exc}", sandbox_kind
        )
    finally:
        if kernel is not None:
            kernel.shutdown()
        timings["total"] = time.monotonic() - t_start


# ------------------------------------------------------------------------------------------ batches


def _as_list(paths: Any) -> list[Any]:
    return [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)


def collect_submissions(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], course: Course
) -> list[Submission]:
    """The submissions in ``paths``: folders are searched (:func:`find_submissions`), files taken as given.

    A student's notebook found twice (a file and its folder both given) counts once, the first time.
    Another file for the same student and notebook (two folders that both hold ``alice/``) is
    skipped too, since rows are keyed by student and notebook, but with a line on stderr.
    """
    found: list[Submission] = []
    seen: dict[tuple[str, str], Path] = {}
    for p in _as_list(paths):
        p = Path(p)
        subs = find_submissions(p, course) if p.is_dir() else [submission_from_path(p)]
        for sub in subs:
            key = (sub.student, sub.slug)
            if key not in seen:
                seen[key] = sub.path.absolute()
                found.append(sub)
            elif seen[key] != sub.path.absolute():
                print(
                    f"quantgrade grade: skipping {sub.path}: {sub.student}'s {sub.slug} was already "
                    f"found at {seen[key]}",
                    file=sys.stderr,
                )
    return found


def _worker(
    items: list[tuple[int, Submission]],
    course: Course,
    limits: Limits,
    sandbox_kind: str | None,
    hidden: tuple[str, ...] = (),
) -> list[tuple[int, SubmissionResult]]:
    """Grade a chunk of submissions in this process (also the body of a ``--jobs`` worker)."""
    sandbox = get_sandbox(limits, kind=sandbox_kind, hidden=hidden)
    ctx = _Context(course=course, limits=limits, sandbox=sandbox)
    return list(_grade_chunk(items, ctx))


def _grade_chunk(
    items: list[tuple[int, Submission]], ctx: _Context
) -> Iterable[tuple[int, SubmissionResult]]:
    known = set(ctx.course.slugs())
    with KernelSupply(limits=ctx.limits, sandbox=ctx.sandbox) as supply:
        gradable = [(i, s) for i, s in items if s.slug in known]
        for n, (index, sub) in enumerate(gradable):
            more = n + 1 < len(gradable)
            yield index, _grade_one(sub, ctx, lambda more=more: supply.take(more=more))


class _Progress:
    """A progress bar on a terminal, plain lines otherwise (both on stderr)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()

    def update(self, result: SubmissionResult) -> None:
        self.done += 1
        if not self.enabled:
            return
        label = f"{result.student}/{result.notebook}: {result.score:g}/{result.max_score:g}"
        if result.status != "graded":
            label += f" ({result.status})"
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {label[:60]:<60}")
            if self.done == self.total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(f"graded {self.done}/{self.total} {label}\n")
        sys.stderr.flush()


def grade_submissions(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    course: Course | None = None,
    jobs: int = 1,
    limits: Limits | None = None,
    sandbox: str | None = None,
    slugs: Sequence[str] | None = None,
    progress: bool = False,
) -> list[SubmissionResult]:
    """Grade submissions and return one result per submission, in the order found.

    Parameters
    ----------
    paths : path or iterable of paths
        Submission files, or folders laid out as ``DIR/<student>/<slug>.ipynb`` or nbgrader's
        ``submitted/<student>/<assignment>/<slug>.ipynb``.
    course : Course or None, default None
        The course (:func:`autograder.spec.default_course` if None).
    jobs : int, default 1
        Worker processes; results are the same for any value (only timings differ).
    limits : Limits or None, default None
        Time, output and memory limits (``Limits()`` if None).
    sandbox : {"auto", "bubblewrap", "none"} or None, default None
        Force a sandbox kind (None: ``$QUANTGRADE_SANDBOX``, else auto).
    slugs : sequence of str or None, default None
        Only grade these notebooks.
    progress : bool, default False
        Show progress on stderr (a bar on a terminal, plain lines otherwise).

    Returns
    -------
    list of SubmissionResult
        Files whose name is not a notebook of the course are skipped (with a line on stderr).

    Raises
    ------
    ValueError
        If ``jobs`` is not a positive int.
    autograder.testing.HiddenTestsError
        If a notebook's spec (manifest, cases) cannot be loaded at all.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive whole number, got {jobs!r}")
    course = course or default_course()
    limits = limits or Limits()
    subs = collect_submissions(paths, course)
    known = set(course.slugs())
    if slugs is not None:
        subs = [s for s in subs if s.slug in set(slugs)]
    for s in subs:
        if s.slug not in known:
            print(
                f"quantgrade grade: skipping {s.path}: {s.slug!r} is not a notebook of the course",
                file=sys.stderr,
            )
    items = [(i, s) for i, s in enumerate(subs) if s.slug in known]
    # Student code must not see the other submissions, wherever they lie.
    hidden = tuple(sorted({str(Path(p).resolve()) for p in _as_list(paths) if Path(p).is_dir()}))
    bar = _Progress(len(items), progress)
    results: dict[int, SubmissionResult] = {}
    if jobs == 1 or len(items) <= 1:
        ctx = _Context(course=course, limits=limits, sandbox=get_sandbox(limits, kind=sandbox, hidden=hidden))
        for index, result in _grade_chunk(items, ctx):
            results[index] = result
            bar.update(result)
    else:
        get_sandbox(limits, kind=sandbox, hidden=hidden)  # fail early here, not in every worker
        n_chunks = min(len(items), jobs * 4)
        chunks = [items[k::n_chunks] for k in range(n_chunks)]
        mp = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=mp) as pool:
            futures = [pool.submit(_worker, chunk, course, limits, sandbox, hidden) for chunk in chunks]
            for future in concurrent.futures.as_completed(futures):
                for index, result in future.result():
                    results[index] = result
                    bar.update(result)
    return [results[i] for i, _ in items]


# ----------------------------------------------------------------------------------------------- main


def main(
    *,
    submissions: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    course: Course | None = None,
    jobs: int = 1,
    timeout: float | None = None,
    cell_timeout: float | None = None,
    call_timeout: float | None = None,
    memory_mb: int | None = None,
    sandbox: str | None = None,
    slugs: Sequence[str] | None = None,
    progress: bool = True,
) -> int:
    """Grade a folder of submissions and write the reports under ``out``.

    Parameters
    ----------
    submissions : path or sequence of paths
        See :func:`grade_submissions`.
    out : path
        Output folder for grades.csv, totals.csv, feedback/, report.html and results.json
        (written by ``autograder.report.write_reports``).
    course : Course or None, default None
        The course (:func:`autograder.spec.default_course` if None).
    jobs : int, default 1
        Worker processes.
    timeout, cell_timeout, call_timeout : float or None, default None
        Whole-notebook, per-cell and per-call time limits in seconds (None: 120, 30, 10).
    memory_mb : int or None, default None
        Kernel memory limit in MiB (None: 2048).
    sandbox : {"auto", "bubblewrap", "none"} or None, default None
        Force a sandbox kind.
    slugs : sequence of str or None, default None
        Only grade these notebooks.
    progress : bool, default True
        Progress on stderr.

    Returns
    -------
    int
        0 when grading completed, whatever the scores; 1 if the grader itself failed (no
        submissions found, broken hidden tests or references).
    """
    course = course or default_course()
    base = Limits()
    limits = replace(
        base,
        notebook_timeout=base.notebook_timeout if timeout is None else float(timeout),
        cell_timeout=base.cell_timeout if cell_timeout is None else float(cell_timeout),
        call_timeout=base.call_timeout if call_timeout is None else float(call_timeout),
        memory=base.memory if memory_mb is None else int(memory_mb) * 1024 * 1024,
    )
    try:
        results = grade_submissions(
            submissions,
            course=course,
            jobs=jobs,
            limits=limits,
            sandbox=sandbox,
            slugs=slugs,
            progress=progress,
        )
    except HiddenTestsError as exc:
        print(f"quantgrade grade: {exc}", file=sys.stderr)
        return 1
    if not results:
        print(f"quantgrade grade: no submissions found in {submissions}", file=sys.stderr)
        return 1
    out = Path(out)
    try:
        from autograder.report import write_reports
    except ImportError:
        import json

        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(
            json.dumps([r.to_dict() for r in results], indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print("quantgrade grade: autograder.report is missing; wrote results.json only", file=sys.stderr)
    else:
        write_reports(results, out=out, course=course)
    faults = ("the grader is not set up", "the hidden tests are broken", _INTERNAL)
    broken = [r for r in results if r.reason.startswith(faults)]
    kinds = sorted({r.sandbox for r in results})
    print(
        f"graded {len(results)} submission(s) ({', '.join(kinds)}); reports in {out}",
        file=sys.stderr,
    )
    if broken:
        print(
            f"quantgrade grade: the grader is broken for some notebooks: {broken[0].reason}", file=sys.stderr
        )
        return 1
    return 0
