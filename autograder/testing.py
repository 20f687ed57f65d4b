"""The hidden-test API: what ``autograder/course/<slug>/hidden_tests.py`` modules are written with.

Comparisons with the solution's outputs need no test code: every group of ``cases.py`` is one
reference test, run by :func:`run_hidden_tests` from the reference file. ``hidden_tests.py`` holds the
*property* tests, plain pytest functions marked with their question and points::

    from autograder.testing import prefetched, question, upstream

    @question("q3", points=1)
    def test_indices_are_monotonic(student, credit):
        \"\"\"Larger input never gets a smaller index.\"\"\"
        x = np.linspace(-1.5, 1.5, 301)
        for bits in (1, 3, 8):
            with credit.part():          # partial credit: the fraction of parts that pass
                k = student.call("quantize_indices", x, bits, -1.0, 1.0)
                assert np.all(np.diff(k) >= 0), "indices must not decrease"

Fixtures: ``student`` calls the student's functions (through the kernel proxy when grading, straight
from the notebook's namespace in the nbgrader path, see :class:`InProcessStudent`); ``refs`` holds the
hidden cases with their expected outputs; ``credit`` counts parts (:class:`Credit`). Follow-through
credit: ``@question(..., uses=("quantize_uniform",))`` runs a test with the reference implementation
and with the student's own function and keeps the better score (:func:`upstream` registers the
reference and the sanity check); :func:`follow_through` registers the oracle that grades a group's
reference cases against the student's own upstream functions.

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

from autograder.spec import Manifest, floor_to_step
from quantkit import _wire
from quantkit._compare import describe_mismatch
from quantkit._reffile import PublicCase, PublicGroup, PublicMistake, Raised, read_refs

__all__ = [
    "MAX_RESULT_BYTES",
    "REFERENCE_TESTS",
    "Credit",
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
    "case_problem",
    "check_case",
    "check_cases",
    "expect_error",
    "follow_through",
    "identifier_text",
    "load_refs",
    "prefetched",
    "question",
    "run_hidden_tests",
    "student_error_message",
    "upstream",
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


# Every reference file, public or hidden, is decoded by quantkit._reffile: ``Raised`` (a recorded
# exception, in mistake outputs) is its type, a known mistake (with its outputs on the public cases) is
# its PublicMistake, and a RefCase is its PublicCase plus ``raises`` and ``public``.
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
        ``{qid: {"title": ..., "names": [...], "uses": [...]}}``.
    all_cases : tuple of RefCase
        Every case in the file.
    mistakes : tuple of RefMistake
        Known mistakes with their recorded outputs (public files only).
    public : bool
        Whether these are public references.
    groups : tuple of PublicGroup
        The reference tests (hidden files): id, question, points, doc and case ids.
    partial_step : float or None
        The manifest's partial-credit step (None: all or nothing).
    """

    slug: str
    questions: Mapping[str, Any]
    all_cases: tuple[RefCase, ...]
    mistakes: tuple[RefMistake, ...] = ()
    public: bool = False
    groups: tuple[PublicGroup, ...] = ()
    partial_step: float | None = None

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

    def group_cases(self, group: PublicGroup) -> list[RefCase]:
        """The hidden cases of ``group``, in file order."""
        wanted = set(group.cases)
        return [c for c in self.all_cases if c.id in wanted]


_MESSAGES = {
    "missing": "reference file {path} is missing: run `quantgrade refs` to generate it",
    "unreadable": "cannot read reference file {path}: {exc}",
    "format": "{path} is not a reference file of format {format}: run `quantgrade refs`",
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
        If it is not a reference file of the current format or holds refused wire data.
    """
    path = Path(path)
    if public is None:
        public = path.name != "hidden_refs.json"
    decoded = read_refs(path, messages=_MESSAGES)
    return Refs(
        slug=decoded.slug,
        questions={
            qid: {"title": q.title, "names": list(q.names), "uses": list(q.uses)}
            for qid, q in decoded.questions.items()
        },
        all_cases=tuple(_ref_case(c, public) for c in decoded.cases),
        mistakes=decoded.mistakes,
        public=public,
        groups=decoded.groups,
        partial_step=decoded.partial_step,
    )


# --------------------------------------------------------------------------------------- test helpers


def question(
    qid: str, *, points: float, uses: Sequence[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a hidden test as part of question ``qid``, worth ``points`` if it passes.

    Parameters
    ----------
    qid : str
        Question id from the manifest (``"q3"``).
    points : float
        Positive; a question's tests' points (and its reference groups' points) add up to its manifest
        points.
    uses : sequence of str, default ()
        Graded names of earlier questions the test needs an implementation of: each becomes an
        argument of the test (a callable). The test runs twice, once with the reference
        implementations (registered with :func:`upstream`) and once with the student's own functions
        (when they pass their sanity checks), and keeps the better score: follow-through credit.
    """
    if not isinstance(qid, str) or not qid:
        raise TypeError(f"question id must be a non-empty str, got {qid!r}")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
        raise ValueError(f"points must be a positive number, got {points!r}")
    uses = tuple(uses)

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        return pytest.mark.question(qid, points=float(points), uses=uses)(func)

    return mark


@dataclass(frozen=True)
class _Upstream:
    name: str
    reference: Callable[..., Any]
    sanity: Callable[[Callable[..., Any]], str | None]


@dataclass(frozen=True)
class _Oracle:
    name: str
    uses: tuple[str, ...]
    func: Callable[..., Any]


# Filled while a hidden-test module is imported (the decorators below), emptied before each run.
_UPSTREAMS: dict[str, _Upstream] = {}
_ORACLES: dict[str, _Oracle] = {}


_Sanity = Callable[[Callable[..., Any]], str | None]


def upstream(name: str, *, reference: Callable[..., Any]) -> Callable[[_Sanity], _Sanity]:
    """Register the reference implementation of graded function ``name`` and the student's sanity check.

    Decorates ``sanity(func) -> str | None``: given the student's ``name`` (a callable that calls into
    the kernel), it returns None when that function is fit to be used for follow-through credit, or
    the reason it is not ("quantize_uniform is not monotone"). A function that is still a stub or
    raises is never fit. Used by tests with ``@question(..., uses=(name,))`` and by
    :func:`follow_through` oracles.
    """

    def register(sanity: _Sanity) -> _Sanity:
        _UPSTREAMS[name] = _Upstream(name=name, reference=reference, sanity=sanity)
        return sanity

    return register


def follow_through(name: str, *, uses: Sequence[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the oracle that grades the reference cases of ``name`` against the student's own upstream.

    The decorated function takes the upstream functions (in the order of ``uses``) and then the case's
    arguments, and returns what ``name`` should return *given those upstream functions*. A group's
    reference test scores its cases against the solution's outputs and, when the student's upstream
    functions pass their sanity checks (:func:`upstream`), against this oracle too, and keeps the
    better fraction. For a graded value the oracle takes the upstream functions only.
    """
    uses = tuple(uses)

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _ORACLES[name] = _Oracle(name=name, uses=uses, func=func)
        return func

    return register


class Credit:
    """Partial credit inside one hidden test: ``with credit.part(): ...`` for each part.

    A test that uses parts scores the fraction of its parts that pass (rounded down to the manifest's
    ``partial_step``; all or nothing without one). A failed part's assertion message is kept, and the
    test goes on with the next part. An assertion outside any part fails the whole test.
    """

    def __init__(self) -> None:
        self.parts = 0
        self.passed = 0
        self.failures: list[str] = []

    @contextlib.contextmanager
    def part(self) -> Iterator[None]:
        """One part of the test: an AssertionError or StudentError inside fails this part only."""
        self.parts += 1
        try:
            yield
        except AssertionError as exc:
            self.failures.append(_first_line(str(exc)) or "a check failed")
        except StudentError as exc:
            self.failures.append(exc.message)
        else:
            self.passed += 1

    def record(self, passed: int, total: int, failures: Sequence[str]) -> None:
        """Set the outcome directly (reference tests count their cases)."""
        self.parts, self.passed, self.failures = total, passed, list(failures)

    @property
    def fraction(self) -> float | None:
        """Passed parts over parts, or None when the test used no parts."""
        return None if self.parts == 0 else self.passed / self.parts


def _outcome(student: Student, case: RefCase) -> Any:
    if case.call is not None:
        return student.call(case.call, *case.args, **dict(case.kwargs))
    return student.value(str(case.value))


def _case_label(case: RefCase) -> str:
    return f"`{case.name}`, {case.note}" if case.note else f"`{case.name}`"


_OWN = object()  # "the case's own expected outcome"


def case_problem(case: RefCase, got: Any, *, expected: Any = _OWN) -> str | None:
    """None when ``got`` (a value or a StudentError) agrees with the case, else the failure message.

    ``expected`` defaults to the case's own outcome (its value, or the exception it records); pass a
    value to compare with another expected output (follow-through). The message names the case by its
    note (never its arguments) and, for hidden cases, leaves the values out.
    """
    label = _case_label(case)
    if expected is _OWN:
        expected, raises = case.expected, case.raises
    else:
        raises = None
    if isinstance(got, StudentError):
        if raises is not None and got.kind == "raised" and raises in got.exc_types:
            return None
        if raises is not None and got.kind == "raised":
            return f"{label}: should raise {raises}, but it raised {got.exc_type}"
        return f"{label}: {got.message}"
    if raises is not None:
        return f"{label}: should raise {raises}, but it returned a result"
    mismatch = describe_mismatch(got, expected, rtol=case.rtol, atol=case.atol, show_values=case.public)
    return None if mismatch is None else f"{label}: {mismatch}"


def check_case(student: Student, case: RefCase) -> None:
    """Assert that the student's output on ``case`` agrees with the reference.

    Raises
    ------
    AssertionError
        If the output differs (type, shape, dtype kind, values), the student's code raised, or it
        did not raise where the solution does; the message names the case by its note.
    """
    try:
        got = _outcome(student, case)
    except StudentError as err:
        got = err
    problem = case_problem(case, got)
    if problem is not None:
        raise AssertionError(problem)


@contextlib.contextmanager
def prefetched(student: Student, requests: Iterable[CallRequest]) -> Iterator[None]:
    """Let a kernel-backed student make these calls in one batch before the code inside asks for them.

    Inside the block, ``student.call`` with the same name and arguments takes the prefetched reply
    (once), so a test keeps its plain loop of calls and assertions at the cost of one round trip to
    the kernel instead of one per call. Replies not asked for are dropped at the end of the block. A
    student without ``prefetch`` (the in-process one) just runs the block.

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


# ------------------------------------------------------------------------------------ follow-through


class _Skip(Exception):
    """The student's own upstream function cannot be used (a stub, broken, or insane)."""


class _OwnFunction:
    """The student's graded function ``name`` as a plain callable (through the proxy), checked once.

    Before its first use, the registered sanity check runs on it; a function that fails it (or is a
    stub) is not used: the variant of the test that relies on it is skipped and scores nothing.
    """

    def __init__(self, run: _Run, name: str) -> None:
        self._run = run
        self.__name__ = name
        self.name = name

    def ready(self) -> str | None:
        """None if usable, else the reason (cached for the run)."""
        return self._run.upstream_problem(self.name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        problem = self.ready()
        if problem is not None:
            raise _Skip(problem)
        return self._run.student.call(self.name, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<the student's {self.name}>"


class _Run:
    """State shared by the tests of one run: the student, the refs, upstream sanity verdicts."""

    def __init__(self, student: Student, refs: Refs | None, step: float | None) -> None:
        self.student = student
        self.refs = refs
        self.step = step
        self._verdicts: dict[str, str | None] = {}

    def upstream_problem(self, name: str) -> str | None:
        if name not in self._verdicts:
            spec = _UPSTREAMS.get(name)
            if spec is None:
                self._verdicts[name] = f"no sanity check is registered for {name}"
            else:
                try:
                    verdict = spec.sanity(_Unchecked(self.student, name))
                except StudentError as err:
                    verdict = err.message
                except AssertionError as err:
                    verdict = _first_line(str(err)) or f"{name} failed its sanity check"
                except Exception as err:  # the student's output broke the check itself
                    verdict = f"{name} gave output its sanity check cannot use ({type(err).__name__})"
                self._verdicts[name] = verdict
        return self._verdicts[name]


class _Unchecked:
    """The student's function for its own sanity check (no check before calling)."""

    def __init__(self, student: Student, name: str) -> None:
        self._student = student
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._student.call(self.__name__, *args, **kwargs)


def _group_score(run: _Run, group: PublicGroup, credit: Credit) -> None:
    """Score a reference group: the fraction of its cases that agree with the solution, or with the
    follow-through oracle applied to the student's own upstream functions, whichever is larger."""
    assert run.refs is not None
    cases = run.refs.group_cases(group)
    if not cases:
        raise LookupError(f"the reference file of {run.refs.slug} has no case for group {group.id}")
    requests = [(c.call, c.args, dict(c.kwargs)) for c in cases if c.call is not None]
    outcomes: list[Any] = []
    with prefetched(run.student, requests):
        for case in cases:
            try:
                outcomes.append(_outcome(run.student, case))
            except StudentError as err:
                outcomes.append(err)
    problems = [case_problem(case, got) for case, got in zip(cases, outcomes, strict=True)]
    failures = [p for p in problems if p is not None]
    best = (len(cases) - len(failures), failures)
    if failures:
        own = _follow_through_score(run, cases, outcomes)
        if own is not None and own[0] > best[0]:
            best = own
    credit.record(best[0], len(cases), best[1])


def _follow_through_score(
    run: _Run, cases: list[RefCase], outcomes: list[Any]
) -> tuple[int, list[str]] | None:
    """Passed cases and failures against the oracle with the student's own upstream, or None."""
    names = {c.name for c in cases}
    oracles = [_ORACLES[n] for n in names if n in _ORACLES]
    if not oracles:
        return None
    for oracle in oracles:
        for used in oracle.uses:
            if run.upstream_problem(used) is not None:
                return None
    passed, failures = 0, []
    for case, got in zip(cases, outcomes, strict=True):
        oracle = _ORACLES.get(case.name)
        if oracle is None or case.raises is not None:
            # A case where the solution raises (a bad argument) is graded on its own terms.
            problem = case_problem(case, got)
        else:
            functions = [_OwnFunction(run, n) for n in oracle.uses]
            try:
                want = oracle.func(*functions, *case.args, **dict(case.kwargs))
            except _Skip:
                return None
            except StudentError as err:
                # The student's upstream raised on this input: consistent if their function did too.
                same = isinstance(got, StudentError) and got.kind == err.kind == "raised"
                same = same and got.exc_type == err.exc_type
                problem = None if same else f"{_case_label(case)}: {err.message}"
            except Exception:  # the student's upstream output does not fit the procedure here
                problem = f"{_case_label(case)}: cannot be checked against your own " + ", ".join(oracle.uses)
            else:
                problem = case_problem(case, got, expected=want)
        if problem is None:
            passed += 1
        else:
            failures.append(problem)
    return passed, failures


# ------------------------------------------------------------------------------------------- running


class HiddenTestsError(RuntimeError):
    """The hidden tests themselves are broken (import error, unmarked test, points not matching)."""


@dataclass
class TestOutcome:
    """One hidden test's result (for a test with follow-through: its better variant).

    Parameters
    ----------
    nodeid : str
        pytest's id of the test.
    question : str
        Its question.
    points : float
        What it is worth.
    passed : bool
        Whether it earned all its points.
    message : str
        Why not (empty when passed).
    score : float
        Points earned (a fraction of ``points`` for a test with parts or a reference group).
    """

    __test__ = False  # not a pytest test class

    nodeid: str
    question: str
    points: float
    passed: bool
    message: str = ""
    score: float = 0.0


@dataclass
class QuestionOutcome:
    """A question's score from the hidden tests.

    Parameters
    ----------
    score : float
        Sum of the points earned by its tests.
    messages : list of str
        One line per test that lost points (the failed property), in test order.
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


#: The module holding the one generic reference test (parametrized over the reference file's groups).
REFERENCE_TESTS = Path(__file__).resolve().parent / "_reference_tests.py"


class _HiddenTestPlugin:
    """Provides the fixtures, parametrizes groups and follow-through variants, records every outcome."""

    def __init__(self, run: _Run, only: frozenset[str] | None = None) -> None:
        self._run = run
        self._only = only
        # nodeid -> (qid, points, doc, base id, variant)
        self.marks: dict[str, tuple[str, float, str, str, str]] = {}
        self.order: list[str] = []
        self.results: dict[str, tuple[float, str]] = {}  # nodeid -> (fraction earned, message)
        self.credits: dict[str, Credit] = {}
        self.problems: list[str] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "question(qid, points, uses): the question, points and upstream names of a hidden test"
        )

    @pytest.fixture
    def student(self) -> Student:
        """The student's code, behind the proxy."""
        return self._run.student

    @pytest.fixture
    def refs(self) -> Refs:
        """The hidden reference cases."""
        if self._run.refs is None:
            raise LookupError("no hidden reference file was given")
        return self._run.refs

    @pytest.fixture
    def credit(self, request: pytest.FixtureRequest) -> Credit:
        """Partial credit of this test (``with credit.part(): ...``)."""
        credit = Credit()
        self.credits[request.node.nodeid] = credit
        return credit

    @pytest.fixture
    def run_state(self) -> _Run:
        """The run (for the generic reference test)."""
        return self._run

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "group" in metafunc.fixturenames and Path(str(metafunc.definition.path)) == REFERENCE_TESTS:
            groups = self._run.refs.groups if self._run.refs is not None else ()
            metafunc.parametrize(
                "group",
                [
                    pytest.param(
                        g, marks=pytest.mark.question(g.question, points=g.points, doc=g.doc), id=g.id
                    )
                    for g in groups
                ],
            )
            return
        marker = metafunc.definition.get_closest_marker("question")
        uses = tuple(marker.kwargs.get("uses", ())) if marker is not None else ()
        if not uses:
            return
        missing = [n for n in uses if n not in _UPSTREAMS]
        if missing:
            self.problems.append(
                f"hidden test {metafunc.function.__name__} uses {missing} without an @upstream reference"
            )
            return
        for name in uses:
            if name not in metafunc.fixturenames:
                test = metafunc.function.__name__
                self.problems.append(f"hidden test {test} uses {name} but has no such argument")
                return
        reference = [_UPSTREAMS[n].reference for n in uses]
        own = [_OwnFunction(self._run, n) for n in uses]
        metafunc.parametrize(list(uses), [tuple(reference), tuple(own)], ids=["reference", "own"])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.problems.append(
                f"cannot collect {report.nodeid or 'the hidden tests'}: {_first_line(str(report.longrepr))}"
            )

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        selected, deselected = [], []
        for item in items:
            callspec = getattr(item, "callspec", None)
            group = callspec.params.get("group") if callspec is not None else None
            if Path(str(item.path)) == REFERENCE_TESTS and not isinstance(group, PublicGroup):
                continue  # a reference file without groups (or none at all): no reference test
            marker = item.get_closest_marker("question")
            if marker is None or not marker.args or "points" not in marker.kwargs:
                self.problems.append(f"hidden test {item.name} is not marked with @question(qid, points=...)")
                continue
            qid = str(marker.args[0])
            if self._only is not None and qid not in self._only:
                deselected.append(item)
                continue
            selected.append(item)
            doc = str(marker.kwargs.get("doc") or "") or _first_line(
                getattr(getattr(item, "function", None), "__doc__", "") or ""
            )
            callspec = getattr(item, "callspec", None)
            variant = ""
            base = item.nodeid
            if callspec is not None and marker.kwargs.get("uses"):
                variant = "own" if callspec.id.endswith("own") else "reference"
                base = item.nodeid.rsplit("[", 1)[0]
            self.marks[item.nodeid] = (qid, float(marker.kwargs["points"]), doc, base, variant)
            self.order.append(item.nodeid)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = selected

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        nodeid = item.nodeid
        if nodeid not in self.marks or (nodeid in self.results and self.results[nodeid][0] < 1.0):
            return report
        doc = self.marks[nodeid][2]
        if report.skipped:
            self.results[nodeid] = (0.0, f"test skipped: {doc}" if doc else "test skipped")
        elif report.failed:
            if call.excinfo is not None and isinstance(call.excinfo.value, _Skip):
                self.results[nodeid] = (0.0, f"not graded against your own function: {call.excinfo.value}")
            else:
                message = _failure_message(call.excinfo, doc) if call.excinfo else "test failed"
                self.results[nodeid] = (0.0, message)
        elif report.when == "call":
            credit = self.credits.get(nodeid)
            fraction = credit.fraction if credit is not None else None
            if fraction is None or fraction >= 1.0:
                self.results[nodeid] = (1.0, "")
            else:
                failed = credit.parts - credit.passed
                unit = "cases" if "group" in getattr(item, "fixturenames", ()) else "parts"
                first = credit.failures[0] if credit.failures else "a check failed"
                what = f" ({failed} of {credit.parts} {unit} failed)" if credit.parts > 1 else ""
                self.results[nodeid] = (fraction, first + what)
        return report

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        # The own-function variant of a test runs only when the reference variant lost points.
        qid_points = self.marks.get(item.nodeid)
        if qid_points is None or qid_points[4] != "own":
            return
        base = qid_points[3]
        for other, mark in self.marks.items():
            if mark[3] == base and mark[4] == "reference" and self.results.get(other, (0.0, ""))[0] >= 1.0:
                pytest.skip("the reference variant earned every point")


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


def _pytest_args(tests_path: Path, ini: Path, verbose: bool) -> list[str]:
    args = [
        str(tests_path),
        str(REFERENCE_TESTS),
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
    return args


def run_hidden_tests(
    *,
    tests_path: str | os.PathLike[str],
    refs_path: str | os.PathLike[str] | None,
    student: Student,
    manifest: Manifest,
    questions: Collection[str] | None = None,
    verbose: bool = False,
) -> dict[str, QuestionOutcome]:
    """Run a notebook's hidden tests and reference groups against one student and score each question.

    The tests run in this process with ``pytest.main``, isolated from the repository's pytest
    configuration (own empty ini, no cache, ``--import-mode=importlib``, plain asserts so that no
    introspection, hence no hidden value, reaches a message) and silent unless ``verbose``. Besides
    the module's own tests, every group of the reference file is one reference test
    (``_reference_tests.py``). A test scores its points, or for a test with parts or a reference group
    the fraction that passed rounded down to the manifest's ``partial_step`` (all or nothing without
    one); a test with follow-through keeps its better variant.

    Parameters
    ----------
    tests_path : path
        The ``hidden_tests.py`` module.
    refs_path : path or None
        Its ``hidden_refs.json`` (None: reference groups and tests using ``refs`` cannot run).
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
    run = _Run(student, refs, manifest.partial_step)
    plugin = _HiddenTestPlugin(run, only)
    _UPSTREAMS.clear()
    _ORACLES.clear()
    with tempfile.TemporaryDirectory(prefix="quantgrade-pytest-") as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        sink = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
        _forget_module(tests_path)
        try:
            with sink, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = pytest.main(_pytest_args(tests_path, ini, verbose), plugins=[plugin])
        finally:
            _forget_module(tests_path)
            _forget_module(REFERENCE_TESTS)
            _UPSTREAMS.clear()
            _ORACLES.clear()
    if plugin.problems:
        raise HiddenTestsError("; ".join(plugin.problems))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise HiddenTestsError(f"the hidden tests in {tests_path} did not run (pytest exit code {int(code)})")
    return _score(plugin, wanted, manifest)


def _score(
    plugin: _HiddenTestPlugin, wanted: Sequence[Any], manifest: Manifest
) -> dict[str, QuestionOutcome]:
    """Sum the tests' scores per question; a test's variants count once, with the better score."""
    outcomes = {q.id: QuestionOutcome(score=0.0) for q in wanted}
    step = manifest.partial_step
    best: dict[str, TestOutcome] = {}
    for nodeid in plugin.order:
        qid, points, _doc, base, _variant = plugin.marks[nodeid]
        if qid not in outcomes:
            raise HiddenTestsError(f"hidden test {nodeid} is marked with {qid!r}, not an autograded question")
        fraction, message = plugin.results.get(nodeid, (0.0, "test did not run"))
        score = floor_to_step(points, fraction, step)
        test = TestOutcome(
            nodeid=base,
            question=qid,
            points=points,
            passed=score >= points,
            message="" if score >= points else message,
            score=score,
        )
        known = best.get(base)
        if known is None:
            best[base] = test
        elif test.score > known.score:
            # the own-function variant did better: keep the reference variant's message, say why
            test.message = "" if test.passed else known.message
            best[base] = test
    for test in best.values():
        outcome = outcomes[test.question]
        outcome.tests.append(test)
        outcome.max_score += test.points
        outcome.score += test.score
        if not test.passed:
            outcome.messages.append(test.message)
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


_IDENTIFIER_TEXT = re.compile(r"[^A-Za-z0-9_.]")


def identifier_text(text: Any, limit: int = 60) -> str:
    """An identifier-like rendering of untrusted text (exception or type names from the kernel)."""
    cleaned = _IDENTIFIER_TEXT.sub("", str(text))[:limit]
    return cleaned or "an unnamed exception"
