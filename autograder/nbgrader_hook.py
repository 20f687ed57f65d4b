"""The nbgrader path: score one question's hidden tests from inside the student's kernel.

During ``nbgrader autograde`` each autograded test cell of a notebook ends with a hidden block
(restored by nbgrader from its gradebook, see docs/architecture.md)::

    ### BEGIN HIDDEN TESTS
    from autograder.nbgrader_hook import hidden_score
    hidden_score("01_sampling_quantization", "q3", globals())
    ### END HIDDEN TESTS

:func:`hidden_score` runs the question's hidden pytest tests in-process against the functions and
values in ``globals()`` (through :class:`autograder.testing.InProcessStudent`, which passes every
argument and result through the wire codec, so both grading paths see identical data) and returns
the points earned as a plain ``float``. Being the cell's last expression, it becomes the cell's
``execute_result``, which nbgrader reads as partial credit (``nbgrader.utils.determine_grade``).
That rule also zeroes a cell with an error output or *any* ``stderr`` stream, so while the tests run
everything they print -- Python-level ``sys.stdout``/``sys.stderr``, file-descriptor-level output
and warnings -- is captured; afterwards a short per-question summary is printed to ``stdout`` and
nothing at all to ``stderr``.

Which course: the hidden tests, hidden references and manifest are read from the course spec folder,
``$QUANTGRADE_SPEC_DIR`` if set (a fixture course, e.g. the toy), else the installed
``autograder/course``. The shipped nbgrader configuration sets nothing here; set the variable in the
environment of ``nbgrader autograde`` (kernels inherit it) for a course kept elsewhere.

This path runs the tests inside the student's own kernel, after the student's code: a determined
student can tamper with it (as with nbgrader itself). The hardened path is ``quantgrade grade``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

from autograder.spec import Course, SpecError, default_course

__all__ = ["HookError", "hidden_score"]

#: Environment variable naming a course spec folder other than the installed ``autograder/course``.
SPEC_DIR_ENV = "QUANTGRADE_SPEC_DIR"


class HookError(RuntimeError):
    """The hidden tests could not be run at all (a grader problem, not the student's)."""


def _course() -> Course:
    spec_dir = os.environ.get(SPEC_DIR_ENV)
    root = os.environ.get("QUANTGRADE_ROOT")
    if spec_dir:
        return Course(root=Path(root or os.getcwd()).resolve(), spec_dir=Path(spec_dir).resolve())
    try:
        return default_course()
    except SpecError:
        # Only the spec folder is needed here; an installed (non-editable) grader has no solutions/.
        return Course(root=Path(os.getcwd()).resolve())


@contextlib.contextmanager
def _captured() -> Iterator[dict[str, Any]]:
    """Capture Python- and fd-level stdout/stderr and warnings; yield a dict filled on exit.

    The environment is restored afterwards too: the tests must not change the kernel they run in
    (``QUANTKIT_GRADING`` in particular must stay set for the next test cell's ``check``).
    """
    record: dict[str, Any] = {"stdout": "", "stderr": "", "fd": "", "warnings": 0}
    environment = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    saved: list[tuple[int, int]] = []
    with tempfile.TemporaryFile() as sink:
        for stream in (sys.__stdout__, sys.__stderr__, sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
                os.dup2(sink.fileno(), fd)
            except OSError:  # no such descriptor (embedded interpreters): Python-level capture only
                pass
        try:
            with (
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                warnings.catch_warnings(record=True) as caught,
            ):
                warnings.simplefilter("always")
                yield record
        finally:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(Exception):
                    stream.flush()
            for fd, copy in reversed(saved):
                os.dup2(copy, fd)
                os.close(copy)
            if dict(os.environ) != environment:  # a hidden test must not change the student's kernel
                os.environ.clear()
                os.environ.update(environment)
            sink.seek(0)
            record["fd"] = sink.read().decode("utf-8", "replace")
            record["stdout"], record["stderr"] = out.getvalue(), err.getvalue()
            record["warnings"] = len(caught)


def _summary(qid: str, title: str, score: float, points: float, outcome: Any) -> list[str]:
    """One line for the question, then one per hidden test (its name, points, and why it failed)."""
    lines = [f"{qid} ({title}): {score:g} / {points:g} points from the hidden tests"]
    tests = list(getattr(outcome, "tests", None) or [])
    for test in tests:
        name = str(getattr(test, "nodeid", "test")).rsplit("::", 1)[-1]
        worth = float(getattr(test, "points", 0.0))
        if getattr(test, "passed", False):
            lines.append(f"  passed  {worth:g}/{worth:g}  {name}")
        else:
            why = str(getattr(test, "message", "") or "failed").strip().splitlines()
            lines.append(f"  failed  0/{worth:g}  {name}: {why[0] if why else 'failed'}")
    if not tests:
        lines.extend(f"  - {m}" for m in getattr(outcome, "messages", None) or [] if str(m).strip())
    return lines


def hidden_score(slug: str, qid: str, namespace: MutableMapping[str, Any]) -> float:
    """Run question ``qid``'s hidden tests on the student's ``namespace``; return the points earned.

    Used in: the hidden block of every autograded test cell of the solution notebooks (nbgrader path).

    Parameters
    ----------
    slug : str
        Notebook slug, e.g. ``"01_sampling_quantization"``.
    qid : str
        Question id, e.g. ``"q3"``; must be an autograded question of the notebook's manifest.
    namespace : mutable mapping
        The student's global namespace (``globals()`` in the test cell).

    Returns
    -------
    float
        Points earned, between 0 and the question's points: a plain Python ``float``, whose repr
        nbgrader can read back as partial credit.

    Raises
    ------
    TypeError
        If ``namespace`` is not a mapping.
    ValueError
        If the notebook or question is unknown, or the question is not autograded.
    HookError
        If the hidden tests could not be run at all (missing files, a broken test module).
    """
    if not isinstance(slug, str) or not isinstance(qid, str):
        raise TypeError("hidden_score(slug, qid, namespace) takes the notebook slug and question id as text")
    if not isinstance(namespace, MutableMapping):
        got = type(namespace).__name__
        raise TypeError(f"hidden_score needs the notebook's globals() as namespace, got {got}")
    course = _course()
    manifest_path = course.spec_path(slug, "manifest.toml")
    if not manifest_path.is_file():
        raise ValueError(f"no grading spec for notebook {slug!r} (looked for {manifest_path})")
    manifest = course.manifest(slug)
    try:
        question = manifest.question(qid)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    if question.kind != "auto":
        raise ValueError(f"{slug} {qid} is a written answer, graded by a person, not by hidden tests")

    from autograder.testing import InProcessStudent, run_hidden_tests

    try:
        with _captured():
            outcomes = run_hidden_tests(
                tests_path=course.hidden_tests_path(slug),
                refs_path=course.hidden_refs_path(slug),
                student=InProcessStudent(namespace),
                manifest=manifest,
                questions=[qid],
            )
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise HookError(f"the hidden tests of {slug} could not run: {reason}") from exc
    outcome = outcomes.get(qid) if hasattr(outcomes, "get") else None
    if outcome is None:
        raise HookError(f"the hidden tests of {slug} gave no result for {qid}")
    score = float(getattr(outcome, "score", 0.0))
    score = min(max(score, 0.0), question.points)  # nbgrader refuses a score above the cell's points
    print("\n".join(_summary(qid, question.title, score, question.points, outcome)))
    return float(score)
