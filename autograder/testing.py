"""The hidden-test API: what ``autograder/course/<slug>/hidden_tests.py`` modules are written with.

A hidden test is a plain pytest function marked with its question and points::

    from autograder.testing import check_case, expect_error, question

    @question("q3", points=1)
    def test_indices_match_reference(student, refs):
        \"\"\"Indices agree with the reference on ties, range edges and out-of-range input.\"\"\"
        for case in refs.cases("q3", call="quantize_indices"):
            check_case(student, case)

The ``student`` fixture calls the student's functions (through the kernel proxy when grading, straight
from the notebook's namespace in the nbgrader path, see :class:`InProcessStudent`); the ``refs``
fixture holds the hidden cases with their expected outputs. :func:`run_hidden_tests` runs such a
module in-process with ``pytest.main`` and sums the points of the passing tests per question.

Feedback comes only from assertion messages (their first line) and from :class:`StudentError`
messages, never from the test source or the hidden inputs: write ``assert cond, "property"``.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Protocol

import pytest

from autograder.spec import Manifest
from quantkit import _wire
from quantkit._compare import describe_mismatch
from quantkit._refs import PublicCase, PublicMistake, Raised, read_refs

__all__ = [
    "MAX_RESULT_BYTES",
    "HiddenTestsError",
    "InProcessStudent",
    "QuestionOutcome",
    "Raised",
    "RefCase",
    "RefMistake",
    "Refs",
    "Student",
    "StudentError",
    "TestOutcome",
    "call_one_by_one",
    "check_case",
    "check_cases",
    "expect_error",
    "load_refs",
    "prefetched",
    "question",
    "run_hidden_tests",
    "safe_name",
    "student_error_message",
]

StudentErrorKind = Literal["raised", "not_defined", "not_implemented", "timeout", "kernel_died", "bad_output"]
_KINDS = ("raised", "not_defined", "not_implemented", "timeout", "kernel_died", "bad_output")
#: One call for ``Student.call_many``: ``(name, args, kwargs)``.
CallRequest = tuple[str, Sequence[Any], Mapping[str, Any]]

#: Most bytes a single result (or argument list) may take on the wire.
MAX_RESULT_BYTES = 16 * 1024 * 1024


class StudentError(Exception):
    """A call into the student's code did not give a result.

    Parameters
    ----------
    kind : {"raised", "not_defined", "not_implemented", "timeout", "kernel_died", "bad_output"}
        What happened.
    message : str
        One sentence fit for the student ("`clip01` raised ZeroDivisionError").
    name : str, default ""
        The graded function or value involved.
    exc_type : str or None, default None
        For ``kind="raised"``: the exception's class name (``"ValueError"``).
    exc_types : tuple of str, default ()
        For ``kind="raised"``: the class names of the exception's type and its bases, so that
        ``expect_error(..., ValueError, ...)`` accepts a subclass.
    """

    def __init__(
        self,
        kind: StudentErrorKind,
        message: str,
        *,
        name: str = "",
        exc_type: str | None = None,
        exc_types: tuple[str, ...] = (),
    ) -> None:
        if kind not in _KINDS:
            raise ValueError(f"unknown StudentError kind {kind!r}; known kinds: {_KINDS}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.name = name
        self.exc_type = exc_type
        self.exc_types = exc_types or ((exc_type,) if exc_type else ())

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return (_rebuild_student_error, (self.kind, self.message, self.name, self.exc_type, self.exc_types))


def _rebuild_student_error(kind: Any, message: str, name: str, exc_type: Any, exc_types: Any) -> StudentError:
    return StudentError(kind, message, name=name, exc_type=exc_type, exc_types=exc_types)


def student_error_message(kind: str, name: str, exc_type: str | None = None, detail: str = "") -> str:
    """The student-facing sentence for a :class:`StudentError` (one place, so both paths agree)."""
    if kind == "raised":
        return f"`{name}` raised {exc_type}"
    if kind == "not_defined":
        return f"`{name}` is not defined: did its cell run, and is the name spelled as in the question?"
    if kind == "not_implemented":
        return f"`{name}` is not implemented yet (it raises NotImplementedError)"
    if kind == "timeout":
        return f"`{name}` did not finish within {detail or 'the time limit'}"
    if kind == "kernel_died":
        why = detail or "it crashed or ran out of memory"
        return f"the notebook's kernel stopped ({why}), so `{name}` could not run"
    return f"`{name}` gave a result the grader cannot read: {detail}"


class Student(Protocol):
    """How hidden tests reach the student's code (kernel proxy or in-process)."""

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call the graded function ``name``; return its result as plain data or raise StudentError."""

    def value(self, name: str, /) -> Any:
        """Read the graded variable ``name`` as plain data or raise StudentError."""

    def call_many(self, requests: Iterable[CallRequest]) -> list[Any]:
        """Make the calls ``(name, args, kwargs)`` in order; per call its result or its StudentError."""


class InProcessStudent:
    """Call the student's functions straight from a namespace (the nbgrader path).

    Arguments and results go through the wire codec, exactly as with the kernel proxy, so both paths
    see identical data (fresh copies of the arguments; plain arrays, refused objects).

    Parameters
    ----------
    namespace : mapping of str to object
        The notebook's globals.
    max_bytes : int, default 16 MiB
        Largest encoded result accepted.
    """

    def __init__(self, namespace: Mapping[str, Any], *, max_bytes: int = MAX_RESULT_BYTES) -> None:
        if not isinstance(namespace, Mapping):
            raise TypeError(f"namespace must be a mapping such as globals(), got {type(namespace).__name__}")
        self.namespace = namespace
        self.max_bytes = max_bytes

    def _lookup(self, name: str) -> Any:
        if name not in self.namespace:
            raise StudentError("not_defined", student_error_message("not_defined", name), name=name)
        return self.namespace[name]

    def _through_wire(self, name: str, result: Any) -> Any:
        try:
            return _wire.loads(_wire.dumps(result), max_bytes=self.max_bytes)
        except _wire.WireError as exc:
            raise StudentError(
                "bad_output", student_error_message("bad_output", name, detail=str(exc)), name=name
            ) from None

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call ``name(*args, **kwargs)``; see :class:`Student`."""
        func = self._lookup(name)
        if not callable(func):
            raise StudentError(
                "not_defined", f"`{name}` should be a function, but it is a {type(func).__name__}", name=name
            )
        args, kwargs = _wire.loads(_wire.dumps((tuple(args), dict(kwargs))))
        try:
            result = func(*args, **kwargs)
        except NotImplementedError:
            raise StudentError(
                "not_implemented", student_error_message("not_implemented", name), name=name
            ) from None
        except Exception as exc:
            names = tuple(c.__name__ for c in type(exc).__mro__)
            raise StudentError(
                "raised",
                student_error_message("raised", name, names[0]),
                name=name,
                exc_type=names[0],
                exc_types=names,
            ) from None
        return self._through_wire(name, result)

    def value(self, name: str, /) -> Any:
        """Read the variable ``name``; see :class:`Student`. ``...`` (a released stub) counts as not set."""
        value = self._lookup(name)
        if value is Ellipsis:
            raise StudentError("not_implemented", f"`{name}` is not set yet", name=name)
        return self._through_wire(name, value)

    def call_many(self, requests: Iterable[CallRequest]) -> list[Any]:
        """:meth:`call` for each ``(name, args, kwargs)`` in order; a StudentError is returned, not raised."""
        return call_one_by_one(self, requests)


def call_one_by_one(student: Student, requests: Iterable[CallRequest]) -> list[Any]:
    """``student.call`` for each ``(name, args, kwargs)`` in order, a StudentError returned, not raised.

    The plain loop behind every ``call_many`` (the kernel student prefetches first, then runs it).
    """
    outcomes: list[Any] = []
    for name, args, kwargs in requests:
        try:
            outcomes.append(student.call(name, *args, **dict(kwargs)))
        except StudentError as err:
            outcomes.append(err)
    return outcomes


# ------------------------------------------------------------------------------------------- references


# Every reference file, public or hidden, is decoded by quantkit._refs: ``Raised`` (a recorded exception,
# in mistake outputs) is its type, a known mistake (with its outputs on the public cases) is its
# PublicMistake, and a RefCase is its PublicCase plus ``raises`` and ``public``.
RefMistake = PublicMistake


@dataclass(frozen=True)
class RefCase(PublicCase):
    """A case of a reference file, with its decoded arguments and expected output.

    ``raises`` is the exception class name when the solution raises on this case (then ``expected``
    is None), else None.
    """

    raises: str | None = None
    public: bool = False


@dataclass(frozen=True)
class Refs:
    """The contents of a reference file (public or hidden), decoded.

    Parameters
    ----------
    slug : str
        Notebook slug.
    questions : mapping
        ``{qid: {"title": ..., "names": [...]}}``.
    all_cases : tuple of RefCase
        Every case in the file.
    mistakes : tuple of RefMistake
        Known mistakes with their recorded outputs (public files only).
    public : bool
        Whether these are public references.
    """

    slug: str
    questions: Mapping[str, Any]
    all_cases: tuple[RefCase, ...]
    mistakes: tuple[RefMistake, ...] = ()
    public: bool = False

    def cases(self, qid: str, call: str | None = None) -> list[RefCase]:
        """The cases of question ``qid`` (only those calling ``call`` if given), in file order.

        Raises
        ------
        LookupError
            If there is no such case: a test that checks nothing must not pass silently.
        """
        found = [c for c in self.all_cases if c.question == qid and (call is None or c.name == call)]
        if not found:
            what = f"question {qid}" + (f" calling {call}" if call else "")
            raise LookupError(f"the reference file of {self.slug} has no case for {what}")
        return found

    def case(self, case_id: str) -> RefCase:
        """The case with id ``case_id`` (KeyError if missing)."""
        for c in self.all_cases:
            if c.id == case_id:
                return c
        raise KeyError(f"no case {case_id!r} in the reference file of {self.slug}")


_MESSAGES = {
    "missing": "reference file {path} is missing: run `quantgrade refs` to generate it",
    "unreadable": "cannot read reference file {path}: {exc}",
    "format": "{path} is not a reference file of format {format}",
    "malformed": "{path} is not a valid reference file: {exc_type}: {exc}",
    "undecodable": "{path} is not a valid reference file: {exc_type}: {exc}",
}


def _ref_case(case: PublicCase, public: bool) -> RefCase:
    values = {f.name: getattr(case, f.name) for f in fields(case)}
    if isinstance(case.expected, Raised):
        values.update(expected=None, raises=case.expected.exc_type)
    return RefCase(**values, public=public)


def load_refs(path: str | os.PathLike[str], *, public: bool | None = None) -> Refs:
    """Read a reference file written by ``quantgrade refs``.

    Parameters
    ----------
    path : str or path-like
        ``hidden_refs.json`` or a public ``<slug>.json``.
    public : bool or None, default None
        Marks the cases as public (their expected values may appear in feedback). None guesses from
        the file name (``hidden_refs.json`` is hidden).

    Raises
    ------
    FileNotFoundError
        If the file is missing (run ``quantgrade refs``).
    ValueError
        If it is not a reference file of format 1 or holds refused wire data.
    """
    path = Path(path)
    if public is None:
        public = path.name != "hidden_refs.json"
    decoded = read_refs(path, messages=_MESSAGES)
    return Refs(
        slug=decoded.slug,
        questions={qid: {"title": q.title, "names": list(q.names)} for qid, q in decoded.questions.items()},
        all_cases=tuple(_ref_case(c, public) for c in decoded.cases),
        mistakes=decoded.mistakes,
        public=public,
    )


# --------------------------------------------------------------------------------------- test helpers


def question(qid: str, *, points: float) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a hidden test as part of question ``qid``, worth ``points`` if it passes.

    Parameters
    ----------
    qid : str
        Question id from the manifest (``"q3"``).
    points : float
        Positive; a question's tests' points must add up to its manifest points.
    """
    if not isinstance(qid, str) or not qid:
        raise TypeError(f"question id must be a non-empty str, got {qid!r}")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
        raise ValueError(f"points must be a positive number, got {points!r}")

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        return pytest.mark.question(qid, points=float(points))(func)

    return mark


def _outcome(student: Student, case: RefCase) -> Any:
    if case.call is not None:
        return student.call(case.call, *case.args, **dict(case.kwargs))
    return student.value(str(case.value))


def check_case(student: Student, case: RefCase) -> None:
    """Assert that the student's output on ``case`` agrees with the reference.

    The assertion message names the case by its ``note`` (never its arguments) and, for hidden
    cases, leaves the expected values out.

    Raises
    ------
    AssertionError
        If the output differs (type, shape, dtype kind, values), the student's code raised, or it
        did not raise where the solution does.
    """
    label = f"`{case.name}`, {case.note}" if case.note else f"`{case.name}`"
    try:
        got = _outcome(student, case)
    except StudentError as err:
        if case.raises is not None and err.kind == "raised" and case.raises in err.exc_types:
            return
        if case.raises is not None and err.kind == "raised":
            raise AssertionError(
                f"{label}: should raise {case.raises}, but it raised {err.exc_type}"
            ) from None
        raise AssertionError(f"{label}: {err.message}") from None
    if case.raises is not None:
        raise AssertionError(f"{label}: should raise {case.raises}, but it returned a result")
    mismatch = describe_mismatch(got, case.expected, rtol=case.rtol, atol=case.atol, show_values=case.public)
    if mismatch is not None:
        raise AssertionError(f"{label}: {mismatch}")


@contextlib.contextmanager
def prefetched(student: Student, requests: Iterable[CallRequest]) -> Iterator[None]:
    """Let a kernel-backed student make these calls in one batch before the code inside asks for them.

    Inside the block, ``student.call`` with the same name and arguments takes the prefetched reply
    (once), so a test keeps its plain loop of calls and assertions, and stops at its first failure
    as before, at the cost of one round trip to the kernel instead of one per call. Replies not asked
    for are dropped at the end of the block. A student without ``prefetch`` (the in-process one) just
    runs the block.

    Parameters
    ----------
    student : Student
        The ``student`` fixture.
    requests : iterable of (str, sequence, mapping)
        ``(name, args, kwargs)`` of the calls the block will make, in the order it makes them.
    """
    prefetch = getattr(student, "prefetch", None)
    if prefetch is None:
        yield
        return
    try:
        prefetch(list(requests))
        yield
    finally:
        student.clear_prefetched()  # type: ignore[attr-defined]


def check_cases(student: Student, cases: Iterable[RefCase]) -> None:
    """:func:`check_case` for each case in order, stopping at the first failure, calls prefetched.

    Raises
    ------
    AssertionError
        For the first case whose output differs (see :func:`check_case`).
    """
    cases = list(cases)
    requests = [(c.call, c.args, dict(c.kwargs)) for c in cases if c.call is not None]
    with prefetched(student, requests):
        for case in cases:
            check_case(student, case)


def expect_error(
    student: Student, exc_type: type[BaseException], name: str, /, *args: Any, **kwargs: Any
) -> None:
    """Assert that ``name(*args, **kwargs)`` raises ``exc_type`` (or a subclass).

    Raises
    ------
    AssertionError
        If it returns a result, raises something else, or cannot run; the message says which,
        without the arguments.
    """
    want = exc_type.__name__
    try:
        student.call(name, *args, **kwargs)
    except StudentError as err:
        if err.kind == "raised" and want in err.exc_types:
            return
        if err.kind == "raised":
            raise AssertionError(f"`{name}` should raise {want} here, but it raised {err.exc_type}") from None
        raise AssertionError(err.message) from None
    raise AssertionError(f"`{name}` should raise {want} here, but it returned a result")


# ------------------------------------------------------------------------------------------- running


class HiddenTestsError(RuntimeError):
    """The hidden tests themselves are broken (import error, unmarked test, points not matching)."""


@dataclass
class TestOutcome:
    """One hidden test's result."""

    __test__ = False  # not a pytest test class

    nodeid: str
    question: str
    points: float
    passed: bool
    message: str = ""


@dataclass
class QuestionOutcome:
    """A question's score from the hidden tests.

    Parameters
    ----------
    score : float
        Sum of the points of the passing tests.
    messages : list of str
        One line per failing test (the failed property), in test order.
    max_score : float
        Sum of the points of all its tests.
    tests : list of TestOutcome
        The individual results.
    """

    score: float
    messages: list[str] = field(default_factory=list)
    max_score: float = 0.0
    tests: list[TestOutcome] = field(default_factory=list)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _failure_message(excinfo: Any, doc: str) -> str:
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return f"test could not run: {exc.message}"
    if isinstance(exc, AssertionError):
        return _first_line(str(exc)) or (f"failed: {doc}" if doc else "a check failed")
    if isinstance(exc, LookupError) and not isinstance(exc, KeyError):
        return f"test could not run: {type(exc).__name__} (the reference file is incomplete)"
    return f"test could not run: {type(exc).__name__}"


class _HiddenTestPlugin:
    """Provides the ``student`` and ``refs`` fixtures and records every test's outcome."""

    def __init__(self, student: Student, refs: Refs | None, only: frozenset[str] | None = None) -> None:
        self._student = student
        self._refs = refs
        self._only = only
        self.marks: dict[str, tuple[str, float, str]] = {}
        self.order: list[str] = []
        self.results: dict[str, tuple[bool, str]] = {}
        self.problems: list[str] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "question(qid, points): the question and points of a hidden test")

    @pytest.fixture
    def student(self) -> Student:
        """The student's code, behind the proxy."""
        return self._student

    @pytest.fixture
    def refs(self) -> Refs:
        """The hidden reference cases."""
        if self._refs is None:
            raise LookupError("no hidden reference file was given")
        return self._refs

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.problems.append(
                f"cannot collect {report.nodeid or 'the hidden tests'}: {_first_line(str(report.longrepr))}"
            )

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        selected, deselected = [], []
        for item in items:
            marker = item.get_closest_marker("question")
            if marker is None or not marker.args or "points" not in marker.kwargs:
                self.problems.append(f"hidden test {item.name} is not marked with @question(qid, points=...)")
                continue
            qid = str(marker.args[0])
            if self._only is not None and qid not in self._only:
                deselected.append(item)
                continue
            selected.append(item)
            doc = _first_line(getattr(getattr(item, "function", None), "__doc__", "") or "")
            self.marks[item.nodeid] = (qid, float(marker.kwargs["points"]), doc)
            self.order.append(item.nodeid)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        nodeid = item.nodeid
        if nodeid not in self.marks or (nodeid in self.results and not self.results[nodeid][0]):
            return report
        doc = self.marks[nodeid][2]
        if report.skipped:
            self.results[nodeid] = (False, f"test skipped: {doc}" if doc else "test skipped")
        elif report.failed:
            message = _failure_message(call.excinfo, doc) if call.excinfo else "test failed"
            self.results[nodeid] = (False, message)
        elif report.when == "call":
            self.results[nodeid] = (True, "")
        return report


def _forget_module(path: Path) -> None:
    """Drop an imported hidden-test module, so that the next run imports the file afresh.

    pytest names a module imported with ``--import-mode=importlib`` after its path relative to the
    rootdir, so every notebook's ``hidden_tests.py`` would otherwise be the same cached module.
    """
    target = os.path.realpath(path)
    base = os.path.basename(target)
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        # realpath only for the few modules of the same file name (resolving all of them is slow)
        if isinstance(file, str) and os.path.basename(file) == base and os.path.realpath(file) == target:
            del sys.modules[name]


def run_hidden_tests(
    *,
    tests_path: str | os.PathLike[str],
    refs_path: str | os.PathLike[str] | None,
    student: Student,
    manifest: Manifest,
    questions: Collection[str] | None = None,
    verbose: bool = False,
) -> dict[str, QuestionOutcome]:
    """Run a notebook's hidden tests against one student and score each question.

    The tests run in this process with ``pytest.main``, isolated from the repository's pytest
    configuration (own empty ini, no cache, ``--import-mode=importlib``, plain asserts so that no
    introspection, hence no hidden value, reaches a message) and silent unless ``verbose``.

    Parameters
    ----------
    tests_path : path
        The ``hidden_tests.py`` module.
    refs_path : path or None
        Its ``hidden_refs.json`` (None: tests using the ``refs`` fixture cannot run).
    student : Student
        :class:`InProcessStudent` or the kernel proxy.
    manifest : Manifest
        The notebook's questions; every autograded question gets an outcome.
    questions : collection of str, optional
        Run only the tests of these question ids (the nbgrader path runs one question per test
        cell); the result then holds these questions only. Default: all autograded questions.
    verbose : bool, default False
        Let pytest print its report to the terminal.

    Returns
    -------
    dict of str to QuestionOutcome
        One entry per autograded question of the manifest, in manifest order.

    Raises
    ------
    HiddenTestsError
        If the hidden tests cannot be collected, a test lacks ``@question``, names an unknown
        question, or a question's test points do not add up to its manifest points.
    """
    tests_path = Path(tests_path)
    if not tests_path.is_file():
        raise HiddenTestsError(f"hidden tests {tests_path} do not exist")
    refs = load_refs(refs_path, public=False) if refs_path is not None else None
    only = None if questions is None else frozenset(questions)
    wanted = [q for q in manifest.auto_questions if only is None or q.id in only]
    if only is not None and len(wanted) != len(only):
        unknown = sorted(only - {q.id for q in wanted})
        raise HiddenTestsError(f"not autograded questions of {manifest.slug}: {unknown}")
    plugin = _HiddenTestPlugin(student, refs, only)
    with tempfile.TemporaryDirectory(prefix="quantgrade-pytest-") as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        args = [
            str(tests_path),
            "-c",
            str(ini),
            "--rootdir",
            str(tests_path.parent),
            # No conftest.py from the folders above the hidden tests (a repository's test set-up would
            # otherwise run inside the grader or the student's kernel).
            "--confcutdir",
            str(tests_path.parent),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:warnings",
            "-p",
            "no:stepwise",
            # Nothing the hidden tests need, and slow: these two run gc.collect() several times at the
            # end of the session (half a second in a grader holding many objects).
            "-p",
            "no:unraisableexception",
            "-p",
            "no:threadexception",
            # Plugins the hidden tests never use (reports, doctests, log capture per test): each one
            # costs set-up time in every run.
            *("-p", "no:logging", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:doctest"),
            *("-p", "no:faulthandler", "-p", "no:setuponly", "-p", "no:setupplan"),
            "--import-mode=importlib",
            "--assert=plain",
            "-q" if verbose else "-qq",
        ]
        if pytest.version_tuple >= (8, 4):
            # No plugin that merely happens to be installed runs with the hidden tests (and loading the
            # entry points takes time).
            args.append("--disable-plugin-autoload")
        sink = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
        _forget_module(tests_path)
        try:
            with sink, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = pytest.main(args, plugins=[plugin])
        finally:
            _forget_module(tests_path)
    if plugin.problems:
        raise HiddenTestsError("; ".join(plugin.problems))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise HiddenTestsError(f"the hidden tests in {tests_path} did not run (pytest exit code {int(code)})")
    outcomes = {q.id: QuestionOutcome(score=0.0) for q in wanted}
    for nodeid in plugin.order:
        qid, points, _doc = plugin.marks[nodeid]
        if qid not in outcomes:
            raise HiddenTestsError(f"hidden test {nodeid} is marked with {qid!r}, not an autograded question")
        passed, message = plugin.results.get(nodeid, (False, "test did not run"))
        outcome = outcomes[qid]
        outcome.tests.append(
            TestOutcome(nodeid=nodeid, question=qid, points=points, passed=passed, message=message)
        )
        outcome.max_score += points
        if passed:
            outcome.score += points
        else:
            outcome.messages.append(message)
    for q in wanted:
        outcome = outcomes[q.id]
        outcome.score = round(outcome.score, 9)
        outcome.max_score = round(outcome.max_score, 9)
        if not math.isclose(outcome.max_score, q.points, rel_tol=1e-9, abs_tol=1e-9):
            raise HiddenTestsError(
                f"the hidden tests of {q.id} are worth {outcome.max_score:g} points, "
                f"the manifest says {q.points:g}"
            )
    return outcomes


_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.]")


def safe_name(text: Any, limit: int = 60) -> str:
    """An identifier-like rendering of untrusted text (exception or type names from the kernel)."""
    cleaned = _SAFE_NAME.sub("", str(text))[:limit]
    return cleaned or "an unnamed exception"
