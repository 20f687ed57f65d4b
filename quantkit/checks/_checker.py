"""The self-check a notebook creates in its set-up cell: ``check = checker("01_sampling_quantization")``."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from quantkit.checks._ipython import install_not_implemented_handler
from quantkit.checks._public_refs import PublicRefs, load_refs, refs_path
from quantkit.checks._render import show
from quantkit.checks._run import CheckResult, run_question

__all__ = ["CheckFailed", "CheckUsageError", "Checker", "check_result", "checker", "grading"]


def grading() -> bool:
    """True when the grader runs the notebook (``QUANTKIT_GRADING=1``): checks report but never raise."""
    return os.environ.get("QUANTKIT_GRADING") == "1"


class CheckFailed(AssertionError):
    """A question's public self-check failed (the report above the error says how).

    IPython shows only the message, not a traceback: the traceback would point into quantkit, which is
    not where the student's mistake is.
    """

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result

    def _render_traceback_(self) -> list[str]:
        return [f"CheckFailed: {self.result.message}"]


class CheckUsageError(TypeError):
    """``check`` itself was called the wrong way (or has no reference file to check against)."""

    def _render_traceback_(self) -> list[str]:
        return [f"CheckUsageError: {self}"]


class Checker:
    """The public self-checks of one notebook; call it as ``check(qid, *functions, **values)``.

    Parameters
    ----------
    slug : str
        The notebook's slug (``"01_sampling_quantization"``).
    refs_dir : str or path-like or None, default None
        Folder holding ``<slug>.json``; None means the files shipped inside quantkit.

    Notes
    -----
    The reference file is read on the first check, once. Used in: every notebook's set-up cell
    (``check = checker("<slug>")``) and test cells (``check("q3", quantize_indices, dequantize)``).
    """

    def __init__(self, slug: str, refs_dir: str | os.PathLike[str] | None = None) -> None:
        if not isinstance(slug, str) or not slug:
            raise TypeError(f"checker() needs the notebook's name as a string, got {slug!r}")
        self.slug = slug
        self.path: Path = refs_path(slug, refs_dir)
        self._refs: PublicRefs | None = None

    def __repr__(self) -> str:
        return f"Checker({self.slug!r}, refs={str(self.path)!r})"

    @property
    def refs(self) -> PublicRefs:
        """The decoded public reference file (read on first use)."""
        if self._refs is None:
            self._refs = load_refs(self.path)
        return self._refs

    def __call__(self, qid: str, *functions: Callable[..., Any], **values: Any) -> None:
        """Check question ``qid`` on its public cases and show a short report.

        Parameters
        ----------
        qid : str
            Question id, ``"q1"``, ``"q2"``, ...
        *functions : callable
            The graded functions the question asks for, matched by their ``__name__``.
        **values
            Graded values by name, ``check("q5", sqnr_slope=sqnr_slope)``.

        Raises
        ------
        CheckFailed
            If a public case fails or a needed function is missing (never when ``QUANTKIT_GRADING=1``).
        CheckUsageError
            If ``check`` is called the wrong way, e.g. with a result instead of a function (never when
            ``QUANTKIT_GRADING=1``: then the report says so instead).
        """
        caller = sys._getframe(1).f_globals  # the notebook's namespace, for the functions q uses
        if grading():
            # Under the grader the report decides nothing, and nbgrader scores a test cell with any
            # stderr output as 0: a warning from the student's function (numpy's "divide by zero in
            # log", say) must not cost the question there.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = self._result(qid, functions, values, caller)
        else:
            result = self._result(qid, functions, values, caller)
        if result.status == "error" and not grading():
            raise CheckUsageError(result.message)  # its message is the whole report
        show(result)
        if not grading() and result.status in ("failed", "missing"):
            raise CheckFailed(result)

    def result(self, qid: str, *functions: Callable[..., Any], **values: Any) -> CheckResult:
        """Check question ``qid`` like calling the checker does, but return the outcome silently.

        Returns
        -------
        CheckResult
            Never raises for a student's mistake or a wrong call: those are results too.
        """
        return self._result(qid, functions, values, None)

    def _result(
        self,
        qid: str,
        functions: tuple[Callable[..., Any], ...],
        values: Mapping[str, Any],
        namespace: Mapping[str, Any] | None,
    ) -> CheckResult:
        refs_or_error = self._refs_or_error(qid)
        if isinstance(refs_or_error, CheckResult):
            return refs_or_error
        refs = refs_or_error
        question = refs.questions[qid]
        fn_names, value_names = self._needed(refs, qid)

        def error(message: str) -> CheckResult:
            return CheckResult(
                question=qid, title=question.title, status="error", message=f"{qid}: {message}"
            )

        example = _example_call(qid, fn_names, value_names)
        given_functions: dict[str, Callable[..., Any]] = {}
        for obj in functions:
            if not callable(obj):
                return error(
                    f"check expects the function itself, not {_a(type(obj).__name__)}: write {example} "
                    "(the name without parentheses, not the result of calling it)"
                )
            name = getattr(obj, "__name__", None)
            if not isinstance(name, str) or name not in question.names:
                shown = f"`{name}`" if isinstance(name, str) else f"this {type(obj).__name__}"
                return error(
                    f"{shown} is not one of the functions {qid} checks "
                    f"({_names(question.names) or 'none'}): write {example}. "
                    "Did you rename the function? Keep the name the question gives."
                )
            given_functions[name] = obj
        given_values: dict[str, Any] = {}
        for name, obj in values.items():
            if name not in question.names:
                return error(
                    f"`{name}` is not a value {qid} checks ({_names(question.names)}): write {example}"
                )
            if name in fn_names:
                if not callable(obj):
                    kind = _a(type(obj).__name__)
                    return error(f"`{name}` should be a function, got {kind}: write {example}")
                given_functions[name] = obj
            else:
                given_values[name] = obj
        missing = [n for n in fn_names if n not in given_functions] + [
            n for n in value_names if n not in given_values
        ]
        if missing:
            return CheckResult(
                question=qid,
                title=question.title,
                status="missing",
                message=f"{qid} also needs {_names(missing)}: write {example}",
            )
        return run_question(refs, qid, given_functions, given_values, namespace)

    def result_from(self, qid: str, namespace: Mapping[str, Any]) -> CheckResult:
        """Check question ``qid`` with the graded names looked up in ``namespace`` (a notebook's globals).

        Every graded name of the question must be defined, public cases or not: one that is not gives
        status ``missing``; a value still set to ``...`` gives ``not_implemented``.
        """
        refs_or_error = self._refs_or_error(qid)
        if isinstance(refs_or_error, CheckResult):
            return refs_or_error
        fn_names, value_names = self._needed(refs_or_error, qid)
        absent = [n for n in refs_or_error.questions[qid].names if n not in namespace]
        if absent:
            return CheckResult(
                question=qid,
                title=refs_or_error.questions[qid].title,
                status="missing",
                message=f"{qid}: {_names(absent)} not defined: run (or write) the cell that defines "
                + ("it" if len(absent) == 1 else "them"),
            )
        # By keyword: the notebook's name counts, even for a function whose __name__ differs
        # (``double = lambda x: 2 * x``).
        return self._result(qid, (), {n: namespace[n] for n in (*fn_names, *value_names)}, namespace)

    def _refs_or_error(self, qid: str) -> PublicRefs | CheckResult:
        if not isinstance(qid, str):
            return CheckResult(
                question=str(qid),
                title="",
                status="error",
                message=f'check needs the question id as a string first, like check("q1", ...); got {qid!r}',
            )
        try:
            refs = self.refs
        except (OSError, ValueError) as exc:
            return CheckResult(question=qid, title="", status="error", message=f"{qid}: {exc}")
        if qid not in refs.questions:
            return CheckResult(
                question=qid,
                title="",
                status="error",
                message=f"{self.slug} has no self-checked question {qid!r}; "
                f"it has {', '.join(refs.questions) or 'none'}",
            )
        return refs

    @staticmethod
    def _needed(refs: PublicRefs, qid: str) -> tuple[list[str], list[str]]:
        """The graded functions and values the question's public cases use, in manifest order."""
        cases = refs.cases_of(qid)
        calls = {c.call for c in cases if c.call is not None}
        reads = {c.value for c in cases if c.value is not None}
        names = refs.questions[qid].names
        return [n for n in names if n in calls], [n for n in names if n in reads]


def _a(noun: str) -> str:
    """``noun`` with its indefinite article (``"an ndarray"``, ``"a float"``)."""
    vowel_sound = noun[:1].lower() in "aeiou" or noun == "ndarray"
    return f"{'an' if vowel_sound else 'a'} {noun}"


def _names(names: list[str] | tuple[str, ...]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1] if quoted else ""


def _example_call(qid: str, fn_names: list[str], value_names: list[str]) -> str:
    parts = [f'"{qid}"', *fn_names, *(f"{n}={n}" for n in value_names)]
    return f"check({', '.join(parts)})"


_CACHE: dict[tuple[str, str], Checker] = {}


def checker(slug: str, refs_dir: str | os.PathLike[str] | None = None) -> Checker:
    """Create the self-check of one notebook (its set-up cell does ``check = checker("<slug>")``).

    Under IPython this also installs, once, a handler that shows a ``NotImplementedError`` raised by
    one of the student's stubs as one polite line instead of a traceback.

    Parameters
    ----------
    slug : str
        The notebook's slug, e.g. ``"01_sampling_quantization"``.
    refs_dir : str or path-like or None, default None
        Folder of the public reference files; None means those shipped inside quantkit.

    Returns
    -------
    Checker
        Call it as ``check(qid, *functions, **values)``.

    Examples
    --------
    >>> check = checker("01_sampling_quantization")
    >>> check  # doctest: +ELLIPSIS
    Checker('01_sampling_quantization', refs='...01_sampling_quantization.json')

    Used in: every notebook's set-up cell (notebooks/*.ipynb)
    """
    install_not_implemented_handler()
    return Checker(slug, refs_dir)


def check_result(
    slug: str, qid: str, namespace: Mapping[str, Any], *, refs_dir: str | os.PathLike[str] | None = None
) -> CheckResult:
    """The public self-check of ``qid`` as data, graded names taken from ``namespace``.

    This is what ``quantgrade check`` runs inside a student's kernel after their notebook: it never
    prints and never raises for a student's mistake.

    Parameters
    ----------
    slug : str
        The notebook's slug.
    qid : str
        Question id.
    namespace : mapping
        Where the graded functions and values are defined (the notebook's ``globals()``).
    refs_dir : str or path-like or None, default None
        Folder of the public reference files; None means those shipped inside quantkit.

    Returns
    -------
    CheckResult
        Status ``passed``, ``failed``, ``not_implemented``, ``missing`` or ``error``.
    """
    key = (slug, str(refs_path(slug, refs_dir)))
    if key not in _CACHE:
        _CACHE[key] = Checker(slug, refs_dir)
    return _CACHE[key].result_from(qid, namespace)
