"""Tests for quantkit.checks: the public self-checks a student runs in a notebook.

The public reference file is written here, in the layout of docs/architecture.md ("Reference
files"), with the wire format's own encoder (quantkit._wire). Every expected output is the closed form
of the function the question asks for: double(x) = 2·x, clip01(x) = min(max(x, 0), 1) and a
ValueError on NaN, answer = 2**10 = 1024; the known mistakes' outputs are those closed forms with the
mistake applied (2 ^ 10 = 8 is Python's bitwise exclusive or: 0b0010 ^ 0b1010 = 0b1000).
"""

from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from quantkit import _wire
from quantkit._compare import describe_mismatch
from quantkit.checks import (
    Checker,
    CheckFailed,
    CheckResult,
    CheckUsageError,
    _checker,
    as_html,
    as_text,
    check_result,
    checker,
    demo,
    install_not_implemented_handler,
)

SLUG = "09_demo"
PASS_TAIL = "These are public cases only; the graded tests check more."
TOY_REFS = Path(__file__).resolve().parents[1] / "autograder" / "toy" / "public_refs" / "00_toy.json"

QUESTIONS = {
    "q1": {"title": "double a number", "names": ["double"]},
    "q2": {"title": "clip to the unit interval", "names": ["clip01"]},
    "q3": {"title": "a graded value", "names": ["answer"]},
    "q4": {"title": "indices and back", "names": ["to_index", "from_index"]},
    "q5": {"title": "hidden cases only", "names": ["secret"]},
}


def _outcome(value: Any) -> Any:
    """A recorded outcome: an exception class is stored as {"__error__": name}, anything else as wire."""
    if isinstance(value, type) and issubclass(value, BaseException):
        return {"__error__": value.__name__}
    return _wire.encode(value)


def _case(case_id: str, question: str, expected: Any, *, call: str | None = None, value: str | None = None,
          args: tuple[Any, ...] = (), note: str = "", rtol: float = 0.0, atol: float = 0.0) -> dict[str, Any]:
    return {
        "id": case_id, "question": question, "call": call, "value": value,
        "args": [_wire.encode(a) for a in args], "kwargs": {}, "rtol": rtol, "atol": atol,
        "note": note, "expected": _outcome(expected),
    }


def _mistake(
    mistake_id: str, question: str, title: str, hint: str, outputs: dict[str, Any]
) -> dict[str, Any]:
    return {"id": mistake_id, "questions": [question], "title": title, "hint": hint,
            "outputs": {cid: _outcome(out) for cid, out in outputs.items()}}


CASES = [
    _case("q1_int", "q1", 6, call="double", args=(3,), note="an integer stays an integer"),
    _case("q1_float_array", "q1", np.array([1.0, -2.5]), call="double", args=(np.array([0.5, -1.25]),),
          note="a float array"),
    _case("q1_int_matrix", "q1", np.arange(6).reshape(2, 3) * 2, call="double",
          args=(np.arange(6).reshape(2, 3),), note="a 2-D integer array keeps its shape and dtype"),
    _case("q2_outside", "q2", np.array([0.0, 0.5, 1.0]), call="clip01", args=(np.array([-1.0, 0.5, 2.0]),),
          note="values outside [0, 1] go to the nearest end"),
    _case("q2_nan", "q2", ValueError, call="clip01", args=(np.array([0.1, np.nan]),),
          note="NaN input raises ValueError"),
    _case("q3_answer", "q3", 1024, value="answer", note="the value of answer"),
    _case("q4_to", "q4", np.array([0, 1]), call="to_index", args=(np.array([0.2, 0.7]),), note="rounding"),
    _case("q4_from", "q4", np.array([0.0, 1.0]), call="from_index", args=(np.array([0, 1]),), note="back"),
]
MISTAKES = [
    _mistake("clip_no_upper", "q2", "forgets the upper bound", "Values above 1 must be clipped too.",
             {"q2_outside": np.array([0.0, 0.5, 2.0]), "q2_nan": ValueError}),
    _mistake("clip_no_nan_check", "q2", "does not reject NaN", "What should happen when the input has NaN?",
             {"q2_outside": np.array([0.0, 0.5, 1.0]), "q2_nan": np.array([0.1, np.nan])}),
    _mistake("answer_xor", "q3", "uses ^ for a power", "In Python, ^ is exclusive or; the power is **.",
             {"q3_answer": 8}),
]


def write_refs(folder: Path, *, slug: str = SLUG, questions: dict[str, Any] = QUESTIONS,
               cases: list[dict[str, Any]] = CASES, mistakes: list[dict[str, Any]] = MISTAKES) -> Path:
    """Write a public reference file as `quantgrade refs` lays it out, and return its folder."""
    data = {"format": 2, "slug": slug, "questions": questions, "cases": cases, "mistakes": mistakes}
    (folder / f"{slug}.json").write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
    return folder


@pytest.fixture
def refs_dir(tmp_path: Path) -> Path:
    return write_refs(tmp_path)


@pytest.fixture
def check(refs_dir: Path) -> Checker:
    return Checker(SLUG, refs_dir)


# The student's functions, right and wrong (names matter: check matches them by __name__).


def _good() -> dict[str, Any]:
    def double(x):
        return 2 * x

    def clip01(x):
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise ValueError("x contains NaN")
        return np.clip(x, 0.0, 1.0)

    def to_index(x):
        return np.round(np.asarray(x)).astype(np.int64)

    def from_index(i):
        return np.asarray(i, dtype=float)

    return {"double": double, "clip01": clip01, "to_index": to_index, "from_index": from_index}


def clip_no_upper(x):
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("x contains NaN")
    return np.maximum(x, 0.0)


clip_no_upper.__name__ = "clip01"


# ------------------------------------------------------------------------------------------- passing


@pytest.mark.parametrize(("qid", "names", "count"), [("q1", ["double"], 3), ("q2", ["clip01"], 2),
                                                     ("q4", ["to_index", "from_index"], 2)])
def test_all_public_cases_pass(check: Checker, capsys: pytest.CaptureFixture[str], qid: str,
                               names: list[str], count: int) -> None:
    good = _good()
    assert check(qid, *(good[n] for n in names)) is None
    assert capsys.readouterr().out == f"{qid}: all {count} public cases pass. {PASS_TAIL}\n"


def test_a_value_is_checked_by_keyword(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    check("q3", answer=2**10)
    assert capsys.readouterr().out == f"q3: the 1 public case passes. {PASS_TAIL}\n"


# ------------------------------------------------------------------------------------------- failing


def test_failure_shows_expected_vs_got_and_raises(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    def double(x):
        return 2.0 * x  # float for integer input: wrong dtype kind on q1_int and q1_int_matrix

    with pytest.raises(CheckFailed) as info:
        check("q1", double)
    assert isinstance(info.value, AssertionError)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "q1: public case `q1_int` failed (2 of 3 public cases failed)"
    assert "case:     an integer stays an integer" in out
    assert "call:     double(3)" in out
    assert "expected: int 6" in out
    assert "got:      float 6.0" in out
    assert f"why:      {describe_mismatch(6.0, 6)}" in out
    assert info.value.result.status == "failed"
    assert info.value.result.failure is not None and info.value.result.failure.case == "q1_int"


def test_failure_message_is_the_compare_sentence(check: Checker) -> None:
    def clip01(x):
        return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)[:2]  # drops the last sample

    result = check.result("q2", clip01)
    assert result.failure is not None
    expected, got = np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.5])
    assert result.failure.problem == describe_mismatch(got, expected)
    assert "shape (3,)" in result.failure.problem


def test_expected_error_not_raised(check: Checker) -> None:
    def clip01(x):
        return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)

    result = check.result("q2", clip01)
    assert result.status == "failed" and result.n_failed == 1
    assert result.failure is not None and result.failure.case == "q2_nan"
    assert result.failure.problem == "`clip01` should raise ValueError here, but it returned a result"
    assert result.failure.expected == "ValueError raised"


def test_wrong_exception_type(check: Checker) -> None:
    def clip01(x):
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise TypeError("no NaN please")
        return np.clip(x, 0.0, 1.0)

    result = check.result("q2", clip01)
    assert result.failure is not None
    assert result.failure.problem == "`clip01` should raise ValueError here, but it raised TypeError"


def test_a_student_exception_is_reported_not_raised(check: Checker) -> None:
    def double(x):
        return x.double()  # AttributeError on an int

    result = check.result("q1", double)
    assert result.status == "failed"
    assert result.failure is not None and result.failure.problem.startswith("`double` raised AttributeError")


def test_unreadable_output_is_a_failure(check: Checker) -> None:
    def double(x):
        return {2 * x}  # a set: the grader's wire format cannot carry it

    result = check.result("q1", double)
    assert result.status == "failed"
    assert result.failure is not None and "cannot read a set" in result.failure.problem


# ---------------------------------------------------------------------------------- known mistakes


def test_known_mistake_hint(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CheckFailed):
        check("q2", clip_no_upper)
    out = capsys.readouterr().out
    assert "hint:     Values above 1 must be clipped too. (known mistake: forgets the upper bound)" in out


def test_value_mistake_hint(check: Checker) -> None:
    result = check.result("q3", answer=2 ^ 10)
    assert (result.status, result.mistake) == ("failed", "uses ^ for a power")
    assert result.hint == "In Python, ^ is exclusive or; the power is **."


def test_the_mistake_explaining_most_failures_wins(tmp_path: Path) -> None:
    """Two catalogued mistakes agree with the student on case a; only the second also on case b."""
    cases = [
        _case("q1_a", "q1", 6, call="double", args=(3,)),
        _case("q1_b", "q1", 10, call="double", args=(5,)),
    ]
    mistakes = [
        _mistake("plus_three", "q1", "adds three", "Doubling is not adding.", {"q1_a": 6 + 3, "q1_b": 5 + 3}),
        _mistake("triples", "q1", "triples", "Twice, not three times.", {"q1_a": 9, "q1_b": 15}),
    ]
    check = Checker(SLUG, write_refs(tmp_path, cases=cases, mistakes=mistakes))

    def double(x):
        return 3 * x

    result = check.result("q1", double)
    assert (result.n_failed, result.mistake) == (2, "triples")


def test_a_mistake_of_this_question_beats_one_inherited_from_another(tmp_path: Path) -> None:
    """Same outputs on q1's cases: the mistake that concerns q1 only is the likelier explanation."""
    cases = [_case("q1_a", "q1", 6, call="double", args=(3,))]
    mistakes = [
        {**_mistake("earlier_helper", "q1", "a helper's mistake", "Check the helper.", {"q1_a": 9}),
         "questions": ["q0", "q1"]},
        _mistake("triples", "q1", "triples", "Twice, not three times.", {"q1_a": 9}),
    ]
    check = Checker(SLUG, write_refs(tmp_path, cases=cases, mistakes=mistakes))

    def double(x):
        return 3 * x

    assert check.result("q1", double).mistake == "triples"


def test_no_hint_when_no_mistake_matches(check: Checker) -> None:
    def clip01(x):
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise ValueError("x contains NaN")
        return np.clip(x, 0.0, 0.5)  # wrong, but not a catalogued mistake

    result = check.result("q2", clip01)
    assert result.status == "failed"
    assert (result.hint, result.mistake) == ("", "")


def test_two_mistakes_at_once_still_get_a_hint(check: Checker) -> None:
    def clip01(x):
        return np.maximum(np.asarray(x, dtype=float), 0.0)  # no upper bound and no NaN check

    result = check.result("q2", clip01)
    assert result.n_failed == 2
    assert result.mistake == "forgets the upper bound"


# -------------------------------------------------------------------- not implemented, missing, misuse


def test_not_implemented_does_not_raise(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    def double(x):
        raise NotImplementedError()

    assert check("q1", double) is None
    out = capsys.readouterr().out
    assert out.startswith("q1: not implemented yet")
    assert "`double`" in out


def test_question_without_public_cases(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    assert check("q5", secret=42) is None
    assert capsys.readouterr().out == "q5: no public case to check here; the graded tests check it.\n"
    assert check_result(SLUG, "q5", {}, refs_dir=check.path.parent).status == "missing"
    assert check_result(SLUG, "q5", {"secret": 1}, refs_dir=check.path.parent).status == "unchecked"


def test_value_left_as_ellipsis_is_not_implemented(check: Checker) -> None:
    assert check.result("q3", answer=...).status == "not_implemented"


def test_missing_function(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CheckFailed) as info:
        check("q4", _good()["to_index"])
    assert info.value.result.status == "missing"
    assert 'q4 also needs `from_index`: write check("q4", to_index, from_index)' in capsys.readouterr().out


def test_unknown_function_name(check: Checker) -> None:
    def my_double(x):
        return 2 * x

    with pytest.raises(CheckUsageError, match="`my_double` is not one of the functions q1 checks") as info:
        check("q1", my_double)
    assert isinstance(info.value, TypeError)
    assert "Keep the name the question gives" in str(info.value)


def test_result_instead_of_function(check: Checker) -> None:
    double = _good()["double"]
    with pytest.raises(CheckUsageError, match=r"not an int: write check\(\"q1\", double\)"):
        check("q1", double(3))
    with pytest.raises(CheckUsageError, match="not an ndarray"):
        check("q1", double(np.ones(3)))


def test_unknown_question(check: Checker) -> None:
    message = "09_demo has no self-checked question 'q9'; it has q1, q2, q3, q4, q5"
    with pytest.raises(CheckUsageError, match=message):
        check("q9", _good()["double"])


def test_question_id_must_be_a_string(check: Checker) -> None:
    with pytest.raises(CheckUsageError, match="question id as a string"):
        check(_good()["double"])  # type: ignore[arg-type]


def test_unknown_value_name(check: Checker) -> None:
    with pytest.raises(CheckUsageError, match="`answr` is not a value q3 checks"):
        check("q3", answr=1024)


def test_checker_needs_a_slug() -> None:
    with pytest.raises(TypeError, match="notebook's name as a string"):
        checker(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ grading mode


def test_grading_mode_reports_but_never_raises(check: Checker, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUANTKIT_GRADING", "1")
    assert check("q2", clip_no_upper) is None
    assert check("q4", _good()["to_index"]) is None
    assert check("q1", 6) is None  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "q2: public case `q2_outside` failed" in out
    assert "q4 also needs `from_index`" in out
    assert "check expects the function itself" in out


def test_grading_mode_silences_warnings_of_the_students_code(
    check: Checker, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """nbgrader scores a test cell with stderr output as 0: under the grader a warning stays quiet."""

    def double(x):
        warnings.warn("divide by zero encountered in log", RuntimeWarning, stacklevel=1)
        return _good()["double"](x)

    monkeypatch.setenv("QUANTKIT_GRADING", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escaped would raise here
        check("q1", double)
    assert "q1: all" in capsys.readouterr().out
    monkeypatch.setenv("QUANTKIT_GRADING", "0")
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        check("q1", double)  # a student working in the notebook still sees it


def test_grading_mode_only_when_set_to_1(check: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUANTKIT_GRADING", "0")
    with pytest.raises(CheckFailed):
        check("q2", clip_no_upper)


# ------------------------------------------------------------------------------------ input safety


def test_inputs_are_not_mutated(check: Checker, capsys: pytest.CaptureFixture[str]) -> None:
    def double(x):
        x *= 2  # edits the caller's array in place
        return x

    before = [np.array(a, copy=True) for a in check.refs.cases[1].args]
    check("q1", double)
    check("q1", double)  # with shared inputs, the second run would see doubled inputs and fail
    assert capsys.readouterr().out.count("all 3 public cases pass") == 2
    for kept, original in zip(check.refs.cases[1].args, before, strict=True):
        np.testing.assert_array_equal(kept, original)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_dtype_kind_and_shape(tmp_path: Path, dtype: type, shape: tuple[int, ...]) -> None:
    """2·x keeps x's dtype (numpy's promotion rules: a Python int is 'weak'); 2.0·x makes ints float."""
    x = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    case = _case("q1_typed", "q1", 2 * x, call="double", args=(x,))
    check = Checker(SLUG, write_refs(tmp_path, cases=[case], mistakes=[]))

    def double(x):
        return 2 * x

    assert check.result("q1", double).status == "passed"

    def double(x):
        return 2.0 * x

    result = check.result("q1", double)
    if np.dtype(dtype).kind == "f":
        assert result.status == "passed"
    else:
        assert result.status == "failed"
        assert result.failure is not None and result.failure.problem.startswith("expected an int")

    def double(x):
        return (2 * x).reshape(-1, 1)

    result = check.result("q1", double)
    assert result.status == "failed"
    assert result.failure is not None and f"shape {(x.size, 1)}" in result.failure.problem


# --------------------------------------------------------------------------------- reference file


def test_refs_are_read_lazily_and_missing_file_is_explained(tmp_path: Path) -> None:
    check = checker("nowhere", refs_dir=tmp_path)  # no error yet: nothing is read
    with pytest.raises(CheckUsageError, match=r"no public checks found for this notebook: .*nowhere\.json"):
        check("q1", _good()["double"])


def test_refs_are_read_once(refs_dir: Path) -> None:
    check = Checker(SLUG, refs_dir)
    first = check.refs
    (refs_dir / f"{SLUG}.json").unlink()
    assert check.refs is first
    assert check.result("q1", _good()["double"]).status == "passed"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", "cannot read the public checks"),
        ('{"format": 1, "questions": {}, "cases": []}', "not a public reference file of format 2"),
        ('{"format": 2, "questions": {}}', "malformed"),
        ('{"format": 2, "questions": {}, "cases": [{"id": "c", "question": "q1", "call": "f", "args": '
         '[{"__ndarray__": {"dtype": "|O8", "shape": [1], "data": ""}}], "expected": 1}]}',
         "cannot decode an argument of case c"),
    ],
)
def test_broken_refs_file(tmp_path: Path, content: str, match: str) -> None:
    (tmp_path / f"{SLUG}.json").write_text(content, encoding="utf-8")
    with pytest.raises(CheckUsageError, match=match):
        Checker(SLUG, tmp_path)("q1", _good()["double"])


# ----------------------------------------------------------------------------- structured results


def test_check_result_from_a_namespace(refs_dir: Path) -> None:
    namespace: dict[str, Any] = {**_good(), "answer": 1024}
    assert check_result(SLUG, "q1", namespace, refs_dir=refs_dir).status == "passed"
    assert check_result(SLUG, "q3", namespace, refs_dir=refs_dir).status == "passed"
    del namespace["from_index"]
    missing = check_result(SLUG, "q4", namespace, refs_dir=refs_dir)
    assert (missing.status, missing.message) == (
        "missing", "q4: `from_index` not defined: run (or write) the cell that defines it"
    )
    namespace["answer"] = ...
    assert check_result(SLUG, "q3", namespace, refs_dir=refs_dir).status == "not_implemented"


def test_result_round_trips_through_json(check: Checker) -> None:
    result = check.result("q2", clip_no_upper)
    again = CheckResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result
    assert not again.ok


def test_html_report_is_escaped(check: Checker) -> None:
    def double(x):
        return "<script>alert(1)</script>"

    result = check.result("q1", double)
    page = as_html(result)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "quantkit-check-failed" in page and "<table" in page
    passed = as_html(check.result("q1", _good()["double"]))
    assert "<table" not in passed and "quantkit-check-passed" in passed
    assert as_text(check.result("q1", _good()["double"])) == f"q1: all 3 public cases pass. {PASS_TAIL}"


# ------------------------------------------------------------------------------------------- IPython


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def _setup_cell(refs_dir: Path) -> str:
    """A notebook's locked set-up cell, pointed at the test's reference folder."""
    return f"from quantkit.checks import checker\ncheck = checker({SLUG!r}, refs_dir={str(refs_dir)!r})"


def _run(shell: Any, capsys: pytest.CaptureFixture[str], code: str) -> tuple[Any, str]:
    result = shell.run_cell(code)
    return result, _ANSI.sub("", capsys.readouterr().out)


def test_ipython_not_implemented_is_one_polite_line(shell: Any, refs_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _run(shell, capsys, _setup_cell(refs_dir))
    assert shell.custom_exceptions == (NotImplementedError,)
    code = "def quantize_uniform(x):\n    raise NotImplementedError()\n\nquantize_uniform(1.0)\n"
    result, out = _run(shell, capsys, code)
    assert isinstance(result.error_in_exec, NotImplementedError)
    assert out.strip() == (
        "not implemented yet: `quantize_uniform` — write its body in the cell with `def quantize_uniform`, "
        "run that cell, then this one again"
    )
    _, out = _run(shell, capsys, "raise NotImplementedError()")
    assert out.strip().startswith("not implemented yet: this cell")


def test_ipython_library_not_implemented_keeps_its_traceback(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "qk_test_lib.py").write_text(
        "def unsupported():\n    raise NotImplementedError('the library does not do this')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert install_not_implemented_handler(shell)
    _, out = _run(shell, capsys, "import qk_test_lib\nqk_test_lib.unsupported()")
    assert "the library does not do this" in out
    assert "qk_test_lib" in out and "not implemented yet" not in out


def test_ipython_handler_installed_once_and_respects_others(shell: Any) -> None:
    assert install_not_implemented_handler(shell)
    handler = shell.CustomTB
    assert install_not_implemented_handler(shell)
    assert shell.CustomTB is handler
    shell.set_custom_exc((ValueError,), lambda *args, **kwargs: None)
    assert not install_not_implemented_handler(shell)
    assert shell.custom_exceptions == (ValueError,)


def test_ipython_check_failed_shows_no_traceback(shell: Any, refs_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _run(shell, capsys, _setup_cell(refs_dir))
    _, out = _run(shell, capsys, "def double(x):\n    return 2.0 * x\n\ncheck('q1', double)")
    assert "Traceback" not in out
    assert "CheckFailed: q1: public case `q1_int` failed" in out
    assert "expected: int 6" in out
    _, out = _run(shell, capsys, "check('q1', double(3))")
    assert "Traceback" not in out and out.startswith("CheckUsageError: q1: check expects the function itself")


def test_ipython_report_offers_html_and_text(shell: Any, refs_dir: Path) -> None:
    from IPython.core.displaypub import DisplayPublisher

    seen: list[dict[str, str]] = []

    class Recorder(DisplayPublisher):
        def publish(self, data, metadata=None, *args, **kwargs):
            seen.append(data)

    shell.display_pub = Recorder(shell=shell)
    shell.run_cell(_setup_cell(refs_dir))
    shell.run_cell("def double(x):\n    return 2 * x\n\ncheck('q1', double)")
    assert len(seen) == 1
    assert seen[0]["text/plain"] == f"q1: all 3 public cases pass. {PASS_TAIL}"
    assert "quantkit-check-passed" in seen[0]["text/html"]


# ------------------------------------------------------------------------------- the toy's refs


def test_toy_public_refs(capsys: pytest.CaptureFixture[str]) -> None:
    """The engine's toy notebook (tests/autograder/toy): solution passes, catalogued mistakes get hints."""
    check = Checker("00_toy", TOY_REFS.parent)
    counts = {qid: len(check.refs.cases_of(qid)) for qid in ("q1", "q2")}
    assert counts["q1"] >= 1 and counts["q2"] >= 1

    def double(x):
        return 2 * x

    def clip01(x):
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise ValueError("x contains NaN")
        return np.clip(x, 0.0, 1.0)

    check("q1", double)
    check("q2", clip01)
    assert capsys.readouterr().out.splitlines() == [
        f"q{i}: all {counts[f'q{i}']} public cases pass. {PASS_TAIL}" for i in (1, 2)
    ]

    def double(x):  # the toy's mistake double_float
        return 2.0 * x

    result = check.result("q1", double)
    assert result.status == "failed" and result.mistake == "multiplies by a float"


def test_import_is_light() -> None:
    """Importing the checks (every notebook's set-up cell does) pulls in neither IPython nor matplotlib."""
    code = (
        "import sys, quantkit.checks; "
        "assert 'IPython' not in sys.modules and 'matplotlib' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_checker, verbose=False)
    assert tried >= 1 and failures == 0


def test_namespace_names_count_not_dunder_names(refs_dir: Path) -> None:
    namespace = {"double": lambda x: 2 * x}
    assert check_result(SLUG, "q1", namespace, refs_dir=refs_dir).status == "passed"
    namespace = {"double": 6}  # the learner overwrote the function with a result
    result = check_result(SLUG, "q1", namespace, refs_dir=refs_dir)
    assert (result.status, result.message) == (
        "error", 'q1: `double` should be a function, got an int: write check("q1", double)'
    )




# --- demo(): Run All goes on past a demonstration that needs an unwritten function -----------------


def test_demo_prints_one_line_for_a_stub_and_closes_its_figures(capsys):
    import matplotlib.pyplot as plt


    def requantize(x, n_bits):
        raise NotImplementedError()

    before = plt.get_fignums()
    with demo("this figure"):
        plt.figure()
        requantize([0.5], 8)
        raise AssertionError("not reached")  # pragma: no cover
    assert capsys.readouterr().out.strip() == (
        "not implemented yet: write `requantize` first to see this figure; the notebook goes on"
    )
    assert plt.get_fignums() == before


def test_demo_names_the_innermost_stub_and_lets_other_errors_through(capsys):

    def tpdf_dither(n, step, rng):
        raise NotImplementedError

    def dithered_requantize(x):
        return tpdf_dither(1, 0.1, 0)

    with demo():
        dithered_requantize(0.0)
    assert "write `tpdf_dither` first to see this cell's result" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError), demo():
        1 / 0  # noqa: B018
    # A blank exercise raises at the top level of its cell (module code, as in a notebook cell).
    exec(compile("with demo():\n    raise NotImplementedError()\n", "<cell>", "exec"), {"demo": demo})
    assert "optional exercise not done yet" in capsys.readouterr().out


def test_demo_doctest_runs():
    from quantkit.checks import _demo

    failures, tried = doctest.testmod(_demo, verbose=False)
    assert tried >= 1 and failures == 0


# --- follow-through: a question that uses an earlier graded function says when that one fails ------


def _uses_refs(tmp_path: Path) -> Checker:
    questions = {**QUESTIONS, "q6": {"title": "quadruple", "names": ["quadruple"], "uses": ["double"]}}
    cases = [*CASES, _case("q6_two", "q6", 8, call="quadruple", args=(2,), note="quadruple(2) is 8")]
    mistakes = [
        *MISTAKES,
        {"id": "triples", "question": "q1", "questions": ["q1", "q6"], "title": "triples instead",
         "hint": "Double means two.", "outputs": {"q1_int": 9, "q6_two": 18}},
    ]
    write_refs(tmp_path, questions=questions, cases=cases, mistakes=mistakes)
    return Checker(SLUG, tmp_path)


def test_a_failing_upstream_is_named_in_the_downstream_report(tmp_path: Path) -> None:
    check = _uses_refs(tmp_path)

    def double(x):
        return 3 * x  # the catalogued mistake of q1

    def quadruple(x):
        return double(double(x))  # right, for this double

    result = check._result("q6", (quadruple,), {}, {"double": double, "quadruple": quadruple})
    assert result.status == "failed"
    assert result.upstream == (
        "consistent with your `double`; but `double` itself fails q1's public checks "
        "(known mistake: triples instead): fix q1 first"
    )
    assert "note:" in as_text(result)

    def other_double(x):
        return x + 1  # wrong, and not catalogued

    def quadruple(x):  # the same name on purpose: check matches functions by name
        return other_double(other_double(x))

    result = check._result("q6", (quadruple,), {}, {"double": other_double})
    assert result.upstream.startswith("`double` fails q1's public checks, and q6 uses it: fix q1 first")


def test_a_right_upstream_adds_no_note(tmp_path: Path) -> None:
    check = _uses_refs(tmp_path)

    def double(x):
        return 2 * x

    def quadruple(x):
        return 5 * x

    result = check._result("q6", (quadruple,), {}, {"double": double})
    assert result.status == "failed" and result.upstream == ""
    assert check.result("q6", quadruple).upstream == ""  # no namespace, no note
