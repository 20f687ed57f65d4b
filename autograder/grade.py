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
``jobs=N`` grades in N worker processes (:mod:`autograder.workers`) with the same results as
``jobs=1``. Without a working sandbox nothing is graded unless that is allowed
(:func:`sandbox_for_grading`).

:func:`main` (``quantgrade grade``) grades in workers, journals each result as it arrives
(:mod:`autograder.journal`; ``resume`` reuses what is still valid), stops cleanly on SIGINT, SIGTERM
or SIGHUP (at once on a second one), locks the output folder and applies the manual scores
(:mod:`autograder.manual`); docs/architecture.md, "Grading runs", has the whole picture.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from autograder import report
from autograder._lifetime import make_run_dir, remove_stale_run_dirs, remove_tree
from autograder.journal import (
    CHANGES,
    JOURNAL,
    Journal,
    JournalError,
    OutputBusy,
    OutputLock,
    changes_rows,
    changes_text,
    course_material,
    file_sha256,
    grader_versions,
    previous_of,
    read_journal,
    why_regrade,
)
from autograder.kernel import GradingLimits, Kernel, KernelError, KernelSupply, get_sandbox, is_test_cell
from autograder.manual import MANUAL_SCORES, apply_manual_scores, manual_template, read_manual_scores
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
from autograder.workers import PoolError, WorkerPool

__all__ = [
    "UNSANDBOXED_VAR",
    "NoSandbox",
    "collect_submissions",
    "grade_submissions",
    "main",
    "sandbox_for_grading",
]

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
    limits: GradingLimits
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


def _public_case(case: RefCase) -> Any:
    """The case as quantkit's self-check sees it (a recorded exception as ``Raised``)."""
    return replace(case, expected=Raised(case.raises)) if case.raises is not None else case


def _hints(student: KernelStudent, refs: Refs | None, qid: str) -> list[str]:
    """The hint of the known mistake the student reproduces on ``qid``'s public cases, if any.

    The same rule as the self-check (:func:`quantkit.checks._run._matching_mistake`): the student's
    outputs equal the mistake's on every public case that tells it apart from the solution.
    """
    from quantkit.checks._run import _matching_mistake

    if refs is None:
        return []
    candidates = [m for m in refs.mistakes if qid in m.questions]
    if not candidates:
        return []
    try:
        cases = [_public_case(c) for c in refs.cases(qid)]
    except LookupError:
        return []
    recorded = {cid for m in candidates for cid in m.outputs}
    outcomes = [(c, _student_outcome(student, c)) for c in cases if c.id in recorded]
    mistake = _matching_mistake(candidates, outcomes)
    return [mistake.hint] if mistake is not None else []


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


UNSANDBOXED_VAR = "QUANTGRADE_UNSANDBOXED"
"""Environment variable that, set to ``1``, allows grading without the sandbox (as ``--unsandboxed``)."""


class NoSandbox(RuntimeError):
    """Student code would run without a working sandbox and that was not allowed; the message says
    what is missing and how to fix it."""


def _unsandboxed_allowed(unsandboxed: bool | None) -> bool:
    if unsandboxed is not None:
        return bool(unsandboxed)
    return os.environ.get(UNSANDBOXED_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def sandbox_for_grading(
    limits: GradingLimits,
    *,
    kind: str | None = None,
    hidden: tuple[str, ...] = (),
    unsandboxed: bool | None = None,
) -> Any:
    """The sandbox to grade in; fails closed.

    Parameters
    ----------
    limits : GradingLimits
    kind : {"auto", "bubblewrap", "none"} or None, default None
        As :func:`autograder.kernel.get_sandbox` (None: ``$QUANTGRADE_SANDBOX``, else auto; with
        ``unsandboxed`` and neither set: ``"none"``).
    hidden : tuple of str
        Folders student code must not see.
    unsandboxed : bool or None, default None
        Allow grading without the sandbox (None: ``$QUANTGRADE_UNSANDBOXED``, else False).

    Returns
    -------
    autograder.sandbox.Sandbox

    Raises
    ------
    NoSandbox
        If the bubblewrap sandbox cannot be used (or ``kind`` is ``"none"``) and ``unsandboxed`` is
        not allowed, or if :mod:`autograder.sandbox` cannot even be imported: never a silent fallback.
    """
    allowed = _unsandboxed_allowed(unsandboxed)
    try:
        from autograder.sandbox import ENV_VAR, SandboxError, how_to_fix
    except ImportError as exc:
        raise NoSandbox(
            f"the sandbox module autograder.sandbox cannot be imported ({exc}); refusing to run student "
            "code: repair the installation (`pip install -e ./autograder`, or `make env`)"
        ) from exc
    if kind is None and allowed and not os.environ.get(ENV_VAR, "").strip():
        kind = "none"
    try:
        chosen = get_sandbox(limits, kind=kind, hidden=hidden)
    except SandboxError as exc:
        raise NoSandbox(f"{exc}. {how_to_fix(str(exc))}") from None
    if chosen.kind != "bubblewrap" and not allowed:
        if chosen.reason.startswith("sandbox disabled"):
            raise NoSandbox(
                f"refusing to grade: {chosen.reason}; if that is what you want, say so with --unsandboxed "
                f"(or {UNSANDBOXED_VAR}=1), and every report and CSV will say UNSANDBOXED"
            )
        raise NoSandbox(f"refusing to run student code without the sandbox: {how_to_fix(chosen.reason)}")
    return chosen


def _gradable(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    course: Course,
    slugs: Sequence[str] | None,
) -> list[tuple[int, Submission]]:
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
    return [(i, s) for i, s in enumerate(subs) if s.slug in known]


def _hidden(paths: Any) -> tuple[str, ...]:
    """Student code must not see the other submissions, wherever they lie."""
    return tuple(sorted({str(Path(p).resolve()) for p in _as_list(paths) if Path(p).is_dir()}))


def _crash_result(sub: Submission, course: Course, why: str, sandbox_kind: str) -> SubmissionResult:
    reason = f"{_INTERNAL}: the grading worker process died ({why})"
    return _failed_submission(sub, course.manifest(sub.slug), "error", reason, sandbox_kind)


def grade_submissions(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    course: Course | None = None,
    jobs: int = 1,
    limits: GradingLimits | None = None,
    sandbox: str | None = None,
    slugs: Sequence[str] | None = None,
    progress: bool = False,
    unsandboxed: bool | None = None,
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
        Worker processes (:class:`autograder.workers.WorkerPool`; 1: in this process); results are
        the same for any value (only timings differ).
    limits : GradingLimits or None, default None
        Time, output and memory limits (``GradingLimits()`` if None).
    sandbox : {"auto", "bubblewrap", "none"} or None, default None
        Force a sandbox kind (None: ``$QUANTGRADE_SANDBOX``, else auto).
    slugs : sequence of str or None, default None
        Only grade these notebooks.
    progress : bool, default False
        Show progress on stderr (a bar on a terminal, plain lines otherwise).
    unsandboxed : bool or None, default None
        Allow grading without the bubblewrap sandbox (None: ``$QUANTGRADE_UNSANDBOXED``). Without
        it, a missing or broken sandbox raises :class:`NoSandbox` before any student code runs.

    Returns
    -------
    list of SubmissionResult
        Files whose name is not a notebook of the course are skipped (with a line on stderr). A file
        that disappears before its turn is ``unreadable``, with that reason.

    Raises
    ------
    ValueError
        If ``jobs`` is not a positive int.
    NoSandbox
        See ``unsandboxed``.
    autograder.testing.HiddenTestsError
        If a notebook's spec (manifest, cases) cannot be loaded at all.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive whole number, got {jobs!r}")
    course = course or default_course()
    limits = limits or GradingLimits()
    items = _gradable(paths, course, slugs)
    if not items:
        return []
    chosen = sandbox_for_grading(limits, kind=sandbox, hidden=_hidden(paths), unsandboxed=unsandboxed)
    bar = _Progress(len(items), progress)
    results: dict[int, SubmissionResult] = {}
    if jobs == 1 or len(items) <= 1:
        ctx = _Context(course=course, limits=limits, sandbox=chosen)
        for index, result in _grade_chunk(items, ctx):
            results[index] = result
            bar.update(result)
        return [results[i] for i, _ in items]
    subs = dict(items)

    def keep(index: int, result: SubmissionResult) -> None:
        results[index] = result
        bar.update(result)

    def vanished(index: int) -> None:
        keep(
            index,
            _failed_submission(
                subs[index],
                course.manifest(subs[index].slug),
                "unreadable",
                "the file disappeared during grading",
                chosen.kind,
            ),
        )

    def crashed(index: int, why: str) -> None:
        keep(index, _crash_result(subs[index], course, why, chosen.kind))

    run_dir, lock = make_run_dir()
    try:
        pool = WorkerPool(jobs=jobs, course=course, limits=limits, sandbox=chosen, run_dir=run_dir)
        try:
            pool.run(items, on_result=keep, on_vanished=vanished, on_crash=crashed)
        except PoolError as exc:
            raise HiddenTestsError(str(exc)) from None
    finally:
        os.close(lock)
        remove_tree(run_dir)
    return [results[i] for i, _ in items]


# ----------------------------------------------------------------------------------------------- main


class _Stop:
    """SIGINT, SIGTERM and SIGHUP during a run: the first asks the run to stop, a second stops it at once."""

    SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.signum: int | None = None
        self.pool: WorkerPool | None = None
        self.journal_path: Path | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                signum = getattr(signal, name, None)
                if signum is not None:
                    self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        if self.signum is None:
            self.signum = signum
            again = "Ctrl-C" if signum == signal.SIGINT else "the signal"
            _say(f"{name} received: stopping; the graded submissions are kept ({again} again stops at once)")
            return
        # A second signal: no more waiting. The workers' kernels die with them (PR_SET_PDEATHSIG and
        # the sandbox's PID namespace); every finished grade is already in the fsynced journal.
        if self.pool is not None:
            self.pool.kill_now()
        _say(
            f"{name} again: stopped at once; the journal {self.journal_path} keeps every submission "
            "graded so far, and `quantgrade grade ... --resume` writes the reports from it"
        )
        os._exit(128 + (self.signum or signum))

    def __call__(self) -> bool:
        return self.signum is not None


def _say(text: str) -> None:
    """One line on stderr, written directly (safe from a signal handler)."""
    with contextlib.suppress(OSError):
        os.write(2, f"quantgrade grade: {text}\n".encode("utf-8", "replace"))


def _not_graded(sub: Submission, why: str) -> dict[str, str]:
    return {"student": sub.student, "notebook": sub.slug, "path": str(sub.path), "why": why}


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
    resume: bool = False,
    unsandboxed: bool | None = None,
) -> int:
    """Grade a folder of submissions and write the reports under ``out``.

    Every submission is graded in a worker process (:class:`autograder.workers.WorkerPool`) and
    appended to the journal ``out/journal.jsonl`` the moment it is graded (:mod:`autograder.journal`).
    SIGINT, SIGTERM or SIGHUP stop the run: the workers and their kernels are stopped, the reports
    of what was graded are written (``results.json`` says ``"complete": false`` and lists what was
    not graded), and the exit status is 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM);
    a second signal stops at once, without reports. Two runs cannot share ``out`` (a lock).

    Parameters
    ----------
    submissions : path or sequence of paths
        See :func:`grade_submissions`.
    out : path
        Output folder for grades.csv, totals.csv, feedback/, report.html, results.json, the journal
        and, after a regrade, changes.csv (written by ``autograder.report.write_reports``). The
        written-answer scores a person enters in ``out/manual_scores.csv`` (:mod:`autograder.manual`)
        are used and never rewritten.
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
    resume : bool, default False
        Reuse the journal's grades whose inputs (submission, course material, grader versions,
        settings) are unchanged and grade only the rest; without it, everything is graded again.
    unsandboxed : bool or None, default None
        Allow grading without the sandbox (None: ``$QUANTGRADE_UNSANDBOXED``); see
        :func:`sandbox_for_grading`.

    Returns
    -------
    int
        0 when every submission was graded and written, whatever the scores; 1 if the grader itself
        failed (no submissions, no sandbox, broken hidden tests or references, another run on
        ``out``, a full disk) or a submission disappeared; 128 + n when stopped by signal n.
    """
    course = course or default_course()
    base = GradingLimits()
    limits = replace(
        base,
        notebook_timeout=base.notebook_timeout if timeout is None else float(timeout),
        cell_timeout=base.cell_timeout if cell_timeout is None else float(cell_timeout),
        call_timeout=base.call_timeout if call_timeout is None else float(call_timeout),
        memory=base.memory if memory_mb is None else int(memory_mb) * 1024 * 1024,
    )
    out = Path(out)
    remove_stale_run_dirs()  # the private folders of runs that were killed
    items = _gradable(submissions, course, slugs)
    if not items:
        print(f"quantgrade grade: no submissions found in {submissions}", file=sys.stderr)
        return 1
    try:
        chosen = sandbox_for_grading(
            limits, kind=sandbox, hidden=_hidden(submissions), unsandboxed=unsandboxed
        )
    except NoSandbox as exc:
        print(f"quantgrade grade: {exc}", file=sys.stderr)
        return 1
    if chosen.kind != "bubblewrap":
        why = "" if chosen.reason.startswith("sandbox disabled") else f" ({chosen.reason})"
        _say(f"UNSANDBOXED: student code runs without the sandbox, with your permissions and network{why}")
        if chosen.pid_namespace:
            _say("UNSANDBOXED: each kernel runs in a PID namespace of its own: nothing it starts outlives it")
        for note in chosen.notes:
            _say(f"UNSANDBOXED: {note}")
    try:
        lock = OutputLock(out).acquire()
    except OutputBusy as exc:
        print(f"quantgrade grade: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"quantgrade grade: cannot use the output folder {out}: {exc}", file=sys.stderr)
        return 1
    try:
        with _Stop() as stop:
            return _run(
                items,
                out=out,
                course=course,
                jobs=jobs,
                limits=limits,
                sandbox=chosen,
                resume=resume,
                progress=progress,
                stop=stop,
                inherited=lock.fileno(),
            )
    finally:
        lock.release()


def _run(
    items: list[tuple[int, Submission]],
    *,
    out: Path,
    course: Course,
    jobs: int,
    limits: GradingLimits,
    sandbox: Any,
    resume: bool,
    progress: bool,
    stop: _Stop,
    inherited: tuple[int, ...] = (),
) -> int:
    """The body of :func:`main` once the output folder is locked (``inherited``: its lock)."""
    journal_path = out / JOURNAL
    stop.journal_path = journal_path
    try:
        state = read_journal(journal_path)
    except OSError as exc:
        print(f"quantgrade grade: cannot read the journal {journal_path}: {exc}", file=sys.stderr)
        return 1
    if state.torn is not None:
        whose = " ({}'s {})".format(state.torn.get("student", "?"), state.torn.get("notebook", "?"))
        _say(
            f"the journal's last line{whose if state.torn else ''} is torn (a run was killed while writing "
            "it): it is ignored, and that submission is graded again"
        )
    if state.bad_lines:
        _say(f"{state.bad_lines} unreadable line(s) of the journal {journal_path} are ignored")

    # What each grade depends on, and what the journal already holds of it.
    versions = grader_versions()
    settings = {"sandbox": sandbox.kind, "limits": asdict(limits)}
    material: dict[str, dict[str, str | None]] = {}
    inputs: dict[int, dict[str, Any]] = {}
    reused: dict[int, SubmissionResult] = {}
    previous: dict[int, dict[str, Any]] = {}
    todo: list[tuple[int, Submission]] = []
    for index, sub in items:
        if sub.slug not in material:
            material[sub.slug] = course_material(course, sub.slug)
        inputs[index] = {
            "notebook": file_sha256(sub.path),
            "course": material[sub.slug],
            "grader": versions,
            "settings": settings,
        }
        old = state.records.get((sub.student, sub.slug))
        why = why_regrade(old["inputs"], inputs[index]) if old is not None else []
        if resume and old is not None and not why:
            try:
                reused[index] = replace(SubmissionResult.from_dict(old["result"]), path=str(sub.path))
                continue
            except (KeyError, TypeError, ValueError):
                why = ["the journal's line could not be read"]
        if old is not None:
            previous[index] = previous_of(old, why or ["graded again"])
        todo.append((index, sub))
    if resume:
        _say(f"resuming: reused {len(reused)} graded submission(s) from the journal, {len(todo)} to grade")

    results: dict[int, SubmissionResult] = dict(reused)
    lines = list(state.since_complete) if resume else []
    not_graded: dict[int, dict[str, str]] = {}
    subs = dict(items)
    bar = _Progress(len(todo), progress)
    failure = ""
    try:
        journal = Journal(journal_path, keep=resume, good_bytes=state.good_bytes)
    except JournalError as exc:
        print(f"quantgrade grade: {exc.strerror}; nothing was graded", file=sys.stderr)
        return 1

    def keep(index: int, result: SubmissionResult) -> None:
        lines.append(journal.record(result.to_dict(), inputs[index], previous.get(index)))
        results[index] = result
        bar.update(result)

    def vanished(index: int) -> None:
        sub = subs[index]
        not_graded[index] = _not_graded(sub, "disappeared")
        _say(f"{sub.student}'s {sub.slug} disappeared during the run ({sub.path}): not graded")

    def crashed(index: int, why: str) -> None:
        not_graded[index] = _not_graded(subs[index], f"the grading worker died ({why})")
        _say(f"the worker grading {subs[index].student}'s {subs[index].slug} died ({why}): not graded")

    run_dir, run_lock = make_run_dir()
    try:
        if todo and not stop():
            # Forked workers start at once; only a process with one thread can fork safely.
            fork = sys.platform.startswith("linux") and threading.active_count() == 1
            pool = WorkerPool(
                jobs=jobs,
                course=course,
                limits=limits,
                sandbox=sandbox,
                run_dir=run_dir,
                stopping=stop,
                start_method="fork" if fork else "spawn",
                inherited=(run_lock, journal.fileno(), *inherited),
            )
            stop.pool = pool
            try:
                pool.run(todo, on_result=keep, on_vanished=vanished, on_crash=crashed)
            except JournalError as exc:
                failure = (
                    f"{exc.strerror}; the journal keeps the {len(results) - len(reused)} submission(s) "
                    "graded before: free some space, then run again with --resume"
                )
            except PoolError as exc:
                failure = str(exc)
            finally:
                stop.pool = None
            if failure:  # said now: writing the reports may fail as well (a full disk)
                print(f"quantgrade grade: {failure}", file=sys.stderr)
    finally:
        os.close(run_lock)
        remove_tree(run_dir)
    why_not = "interrupted" if stop() else ("not graded: " + failure if failure else "not graded")
    for index, sub in items:
        if index not in results and index not in not_graded:
            not_graded[index] = _not_graded(sub, why_not)
    complete = not not_graded

    ordered = [results[i] for i, _ in items if i in results]
    scores, warnings = read_manual_scores(out / MANUAL_SCORES, ordered)
    for warning in warnings:
        _say(warning)
    try:
        report.write_reports(
            apply_manual_scores(ordered, scores),
            out=out,
            course=course,
            complete=complete,
            not_graded=[not_graded[i] for i, _ in items if i in not_graded],
        )
        changes = out / CHANGES
        if state.records:
            report._write(changes, changes_text(changes_rows(lines)))
        elif changes.exists():
            changes.unlink()  # an older journal's: not about this grading
        if complete and not (out / MANUAL_SCORES).exists():
            template = manual_template(ordered)
            if template is not None:
                report._write(out / MANUAL_SCORES, template)
        if complete and not failure:
            journal.complete(len(items))
    except OSError as exc:
        what = exc.strerror if isinstance(exc, JournalError) else f"cannot write the reports in {out}: {exc}"
        print(
            f"quantgrade grade: {what}; the journal keeps every graded submission: free some space, then "
            "`quantgrade grade ... --resume` writes the reports without grading them again",
            file=sys.stderr,
        )
        return 128 + stop.signum if stop.signum is not None else 1
    finally:
        journal.close()

    kinds = sorted({r.sandbox for r in ordered})
    done = f"graded {len(results) - len(reused)}"
    if resume:
        done += f", reused {len(reused)}"
    print(f"{done} submission(s) ({', '.join(kinds) or 'none'}); reports in {out}", file=sys.stderr)
    if sandbox.kind != "bubblewrap":
        _say("UNSANDBOXED: these grades come from student code that ran without the sandbox")
    if not complete:
        rest = len(not_graded)
        how = f"stopped by {signal.Signals(stop.signum).name}" if stop.signum is not None else "incomplete"
        print(
            f"quantgrade grade: {how}: {len(ordered)} of {len(items)} submissions graded and written to "
            f"{out}; `quantgrade grade ... --resume` grades the other {rest}",
            file=sys.stderr,
        )
    if stop.signum is not None:
        return 128 + stop.signum
    faults = ("the grader is not set up", "the hidden tests are broken", _INTERNAL)
    broken = [r for r in ordered if r.reason.startswith(faults)]
    if broken:
        print(
            f"quantgrade grade: the grader is broken for some notebooks: {broken[0].reason}", file=sys.stderr
        )
        return 1
    return 0 if complete and not failure else 1
