"""Running a question's public cases against a student's functions and values.

Nothing here prints or raises on a failed case: the outcome is a :class:`CheckResult`, which
:mod:`quantkit.checks._render` turns into text or HTML and :class:`quantkit.checks.Checker` turns into
an exception when needed.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from quantkit.checks._public_refs import PublicCase, PublicMistake, PublicRefs, Raised

__all__ = ["CaseFailure", "CheckResult", "CheckStatus", "run_question", "summarize"]

CheckStatus = Literal["passed", "failed", "not_implemented", "missing", "unchecked", "error"]
UNREADABLE = "unreadable output"  # the Raised.exc_type of a result the wire format cannot carry


@dataclass(frozen=True)
class CaseFailure:
    """The first public case a question failed, described for a student.

    Parameters
    ----------
    case : str
        The case id (``"q3_midtread_ties"``).
    note : str
        What the case probes.
    call : str
        The call (or variable) that was checked, with short forms of its public inputs.
    expected, got : str
        Short descriptions of the solution's outcome and of the student's.
    problem : str
        Why they differ (type, then shape, then dtype kind, then values).
    """

    case: str
    note: str
    call: str
    expected: str
    got: str
    problem: str


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one question's public self-check.

    Parameters
    ----------
    question : str
        Question id (``"q3"``).
    title : str
        The question's title.
    status : {"passed", "failed", "not_implemented", "missing", "unchecked", "error"}
        ``missing``: a function or value the question needs was not given (or is not defined);
        ``unchecked``: the question has no public case (only the graded tests check it);
        ``error``: the check itself could not run (wrong arguments to ``check``, no reference file).
    message : str
        One line for the student.
    hint : str, default ""
        The hint of a known mistake the student's outputs match, if any.
    mistake : str, default ""
        That mistake's title.
    n_cases : int, default 0
        Public cases of the question.
    n_failed : int, default 0
        How many of them failed.
    failure : CaseFailure or None, default None
        The first failed case.
    upstream : str, default ""
        When the question uses earlier graded functions and one of them fails its own public checks:
        what that means for this question (fix it first; the graded tests give follow-through credit).
    """

    question: str
    title: str
    status: CheckStatus
    message: str
    hint: str = ""
    mistake: str = ""
    n_cases: int = 0
    n_failed: int = 0
    failure: CaseFailure | None = None
    upstream: str = ""

    @property
    def ok(self) -> bool:
        """True unless the check found a problem (``passed``, ``not_implemented`` or ``unchecked``)."""
        return self.status in ("passed", "not_implemented", "unchecked")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        """Rebuild a result from :meth:`to_dict`'s output."""
        fields = dict(data)
        if fields.get("failure") is not None:
            fields["failure"] = CaseFailure(**fields["failure"])
        return cls(**fields)


class _NotImplemented(Exception):
    """Internal signal: a graded function raised NotImplementedError (or a value is still ``...``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def summarize(value: Any, limit: int = 160) -> str:
    """A short, readable description of a value: its type, shape and dtype, then its start.

    Parameters
    ----------
    value : object
        Anything a graded function may return (or an argument it was given).
    limit : int, default 160
        Longest text kept from the value's repr; longer ones end with "...".

    Returns
    -------
    str
        For example ``"float64 array of shape (3,): [0.   0.25 1.  ]"`` or ``"int 6"``.
    """
    if isinstance(value, Raised):
        if value.exc_type == UNREADABLE:
            return _clip(value.message, limit)
        return f"{value.exc_type} raised" + (f" ({_clip(value.message, limit)})" if value.message else "")
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=12, edgeitems=3, precision=6, linewidth=limit):
            text = np.array2string(value, separator=" ")
        return f"{value.dtype} array of shape {value.shape}: {_clip(text, limit)}"
    if isinstance(value, np.generic):
        return f"numpy {type(value).__name__} {_clip(str(value), limit)}"
    if isinstance(value, (bool, int, float, complex, str)) or value is None:
        return f"{type(value).__name__} {_clip(repr(value), limit)}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}: {_clip(repr(value), limit)}"
    return f"{type(value).__name__} {_clip(repr(value), limit)}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_arg(value: Any) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=8, edgeitems=2, precision=4, linewidth=200):
            return _clip("array(" + np.array2string(value, separator=", ") + ")", 60)
    return _clip(repr(value), 60)


def _describe_call(case: PublicCase) -> str:
    if case.call is None:
        return f"the value of `{case.value}`"
    parts = [_short_arg(a) for a in case.args]
    parts += [f"{k}={_short_arg(v)}" for k, v in case.kwargs.items()]
    return f"{case.call}({', '.join(parts)})"


def _observe(case: PublicCase, functions: Mapping[str, Callable[..., Any]], values: Mapping[str, Any]) -> Any:
    """The student's outcome on ``case``: a value, or a :class:`Raised`."""
    from quantkit import _wire

    if case.call is None:
        got = values[str(case.value)]
        if got is Ellipsis:
            raise _NotImplemented(str(case.value))
    else:
        # Fresh copies for every call: an in-place edit of an input must not leak into the next case.
        args = copy.deepcopy(case.args)
        kwargs = copy.deepcopy(dict(case.kwargs))
        try:
            got = functions[case.call](*args, **kwargs)
        except NotImplementedError as exc:
            raise _NotImplemented(case.call) from exc
        except Exception as exc:  # the student's code may raise anything; that is the outcome
            return Raised(type(exc).__name__, str(exc), exc)
    # The grader reads results through the wire format; a value it cannot carry fails here already.
    try:
        return _wire.decode(_wire.encode(got))
    except Exception as exc:
        return Raised(
            UNREADABLE,
            f"the grader cannot read a {type(got).__name__}: return a number or a numpy array ({exc})",
        )


def _same_outcome(got: Any, expected: Any, case: PublicCase) -> str | None:
    """None when ``got`` agrees with ``expected`` on ``case``, else why not (plain words).

    For a property case (``case.props``) with ``expected`` None, ``got`` is checked against the
    properties instead.
    """
    from quantkit._compare import describe_mismatch
    from quantkit._props import check_properties

    name = case.name
    if case.props is not None and expected is None:
        if isinstance(got, Raised):
            if got.exc_type == UNREADABLE:
                return got.message
            detail = f": {_clip(got.message, 120)}" if got.message else ""
            return f"`{name}` raised {got.exc_type}{detail}"
        problem = check_properties(got, case.props)
        return None if problem is None else f"`{name}`: {problem}"
    if isinstance(expected, Raised):
        if isinstance(got, Raised):
            cls = getattr(builtins, expected.exc_type, None)
            if got.exc_type == expected.exc_type or (
                isinstance(cls, type) and got.exception is not None and isinstance(got.exception, cls)
            ):
                return None
            return f"`{name}` should raise {expected.exc_type} here, but it raised {got.exc_type}"
        return f"`{name}` should raise {expected.exc_type} here, but it returned a result"
    if isinstance(got, Raised):
        if got.exc_type == UNREADABLE:
            return got.message
        detail = f": {_clip(got.message, 120)}" if got.message else ""
        return f"`{name}` raised {got.exc_type}{detail}"
    return describe_mismatch(got, expected, rtol=case.rtol, atol=case.atol)


def _describe_expected(case: PublicCase) -> str:
    """What the case expects: the solution's output, or for a property check its properties."""
    if case.props is not None:
        from quantkit._props import describe_properties

        return describe_properties(case.props) + " (only these properties are checked here)"
    return summarize(case.expected)


def _expected_outcome(case: PublicCase) -> Any:
    return case.expected


def _matching_mistake(
    mistakes: list[PublicMistake], outcomes: list[tuple[PublicCase, Any]]
) -> PublicMistake | None:
    """The known mistake the student's outputs reproduce, if any.

    A mistake is recognised only when the student's output equals the mistake's recorded output on
    *every* public case that tells the mistake apart from the solution (where the two differ), and
    there is at least one such case: one coincidence is not enough. Among several, the one told apart
    on the most cases wins, then the one about this question rather than an earlier one, then the
    catalogue's order.
    """
    best: tuple[int, int] | None = None
    chosen = None
    for order, mistake in enumerate(mistakes):
        telling = [
            (case, got)
            for case, got in outcomes
            if case.id in mistake.outputs
            and _same_outcome(mistake.outputs[case.id], _expected_outcome(case), case) is not None
        ]
        if not telling or any(
            _same_outcome(got, mistake.outputs[case.id], case) is not None for case, got in telling
        ):
            continue
        score = (len(telling), -len(mistake.questions), -order)
        if best is None or score > best:
            best, chosen = score, mistake
    return chosen


def _upstream_note(refs: PublicRefs, qid: str, namespace: Mapping[str, Any], mistake: Any) -> str:
    """What the failure of ``qid`` says about the earlier graded functions it uses, if one fails."""
    notes = []
    for name in refs.questions[qid].uses:
        owner = next((q for q in refs.questions.values() if name in q.names), None)
        func = namespace.get(name)
        if owner is None or owner.id == qid or not callable(func):
            continue
        functions = {n: namespace[n] for n in owner.names if callable(namespace.get(n))}
        result = run_question(refs, owner.id, functions, {})
        if result.status != "failed":
            continue
        if mistake is not None and mistake.question == owner.id:
            notes.append(
                f"consistent with your `{name}`; but `{name}` itself fails {owner.id}'s public checks "
                f"(known mistake: {mistake.title}): fix {owner.id} first"
            )
        else:
            notes.append(
                f"`{name}` fails {owner.id}'s public checks, and {qid} uses it: fix {owner.id} first (the "
                f"graded tests of {qid} give credit for a {qid} that is right for your own `{name}`)"
            )
    return "; ".join(dict.fromkeys(notes))


def run_question(
    refs: PublicRefs,
    qid: str,
    functions: Mapping[str, Callable[..., Any]],
    values: Mapping[str, Any],
    namespace: Mapping[str, Any] | None = None,
) -> CheckResult:
    """Run every public case of ``qid`` and describe the outcome.

    Parameters
    ----------
    refs : PublicRefs
        The notebook's public references.
    qid : str
        Question id; must be in ``refs``.
    functions : mapping of str to callable
        The student's graded functions by name; must hold every function a public case calls.
    values : mapping of str to object
        The student's graded values by name; must hold every value a public case reads.
    namespace : mapping or None, default None
        Where the student's other graded names live (the notebook's globals). When given and the
        question fails, the earlier graded functions it uses (``uses`` in the manifest) are checked
        on their own public cases, and the result says so if one of them fails.

    Returns
    -------
    CheckResult
        ``passed``, ``failed`` (with the first failed case and any matching known mistake),
        ``not_implemented``, or ``unchecked`` when the question has no public case.
    """
    question = refs.questions[qid]
    cases = refs.cases_of(qid)
    if not cases:
        return CheckResult(
            question=qid,
            title=question.title,
            status="unchecked",
            message=f"{qid}: no public case to check here; the graded tests check it.",
        )
    failed: list[tuple[PublicCase, Any]] = []
    outcomes: list[tuple[PublicCase, Any]] = []
    first: CaseFailure | None = None
    for case in cases:
        try:
            got = _observe(case, functions, values)
        except _NotImplemented as exc:
            return CheckResult(
                question=qid,
                title=question.title,
                status="not_implemented",
                message=f"{qid}: not implemented yet (`{exc.name}` still raises NotImplementedError)"
                if case.call is not None
                else f"{qid}: not implemented yet (`{exc.name}` is still `...`)",
                n_cases=len(cases),
            )
        outcomes.append((case, got))
        problem = _same_outcome(got, case.expected, case)
        if problem is None:
            continue
        failed.append((case, got))
        if first is None:
            first = CaseFailure(
                case=case.id,
                note=case.note,
                call=_describe_call(case),
                expected=_describe_expected(case),
                got=summarize(got),
                problem=problem,
            )
    if first is None:
        if len(cases) == 1:
            message = f"{qid}: the 1 public case passes."
        else:
            message = f"{qid}: all {len(cases)} public cases pass."
        return CheckResult(
            question=qid,
            title=question.title,
            status="passed",
            message=message + " These are public cases only; the graded tests check more.",
            n_cases=len(cases),
        )
    mistake = _matching_mistake(refs.mistakes_of(qid), outcomes)
    upstream = _upstream_note(refs, qid, namespace or {}, mistake)
    return CheckResult(
        question=qid,
        title=question.title,
        status="failed",
        message=f"{qid}: public case `{first.case}` failed "
        f"({len(failed)} of {len(cases)} public cases failed)",
        hint=mistake.hint if mistake else "",
        mistake=mistake.title if mistake else "",
        n_cases=len(cases),
        n_failed=len(failed),
        failure=first,
        upstream=upstream,
    )
