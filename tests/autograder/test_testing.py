"""Tests of autograder.testing: the hidden-test API and run_hidden_tests (in-process student)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder.spec import Course, load_manifest
from autograder.testing import (
    HiddenTestsError,
    InProcessStudent,
    RefCase,
    StudentError,
    check_case,
    check_cases,
    expect_error,
    load_refs,
    prefetched,
    question,
    run_hidden_tests,
)

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")


def _solution_namespace() -> dict:
    def double(x):
        return 2 * x

    def clip01(x):
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise ValueError("x contains NaN")
        return np.clip(x, 0.0, 1.0)

    return {"double": double, "clip01": clip01, "answer": 2**10, "np": np}


def _case(**kw) -> RefCase:
    base = dict(
        id="c1", question="q1", call="f", value=None, args=(), kwargs={}, rtol=0.0, atol=0.0, note="a note",
        expected=None, raises=None, public=False,
    )  # fmt: skip
    base.update(kw)
    return RefCase(**base)


# --------------------------------------------------------------------------------- InProcessStudent


def test_in_process_student_passes_data_through_the_wire() -> None:
    seen = {}

    def f(a, *, scale):
        seen["a"] = a
        a *= scale  # an in-place edit must not reach the caller's array
        return a

    original = np.arange(3)
    student = InProcessStudent({"f": f})
    out = student.call("f", original, scale=2)
    np.testing.assert_array_equal(original, [0, 1, 2])
    assert seen["a"] is not original
    np.testing.assert_array_equal(out, [0, 2, 4])


@pytest.mark.parametrize(
    ("namespace", "kind", "words"),
    [
        ({}, "not_defined", "`f` is not defined"),
        ({"f": 3}, "not_defined", "should be a function, but it is a int"),
        (
            {"f": lambda: (_ for _ in ()).throw(NotImplementedError())},
            "not_implemented",
            "not implemented yet",
        ),
        ({"f": lambda: 1 / 0}, "raised", "`f` raised ZeroDivisionError"),
        ({"f": lambda: np.array([object()])}, "bad_output", "object array"),
        ({"f": lambda: np.ma.masked_array([1.0])}, "bad_output", "subclass of numpy.ndarray"),
    ],
)
def test_in_process_student_errors(namespace: dict, kind: str, words: str) -> None:
    with pytest.raises(StudentError, match=words) as info:
        InProcessStudent(namespace).call("f")
    assert info.value.kind == kind


def test_raised_error_carries_the_class_hierarchy() -> None:
    class MyError(ValueError):
        pass

    def f():
        raise MyError("secret input 42")

    with pytest.raises(StudentError) as info:
        InProcessStudent({"f": f}).call("f")
    assert info.value.exc_type == "MyError"
    assert "ValueError" in info.value.exc_types
    assert "secret" not in info.value.message  # the student's own message could echo a hidden input


def test_value_reads_variables_and_treats_ellipsis_as_not_set() -> None:
    student = InProcessStudent({"answer": np.float64(1.5), "todo": ...})
    assert student.value("answer") == 1.5
    with pytest.raises(StudentError, match="not set yet"):
        student.value("todo")


def test_student_error_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown StudentError kind"):
        StudentError("oops", "x")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- check_case and friends


def test_check_case_passes_and_fails_with_the_note() -> None:
    student = InProcessStudent({"f": lambda x: x * 2})
    check_case(student, _case(args=(np.arange(3),), expected=np.arange(3) * 2))
    with pytest.raises(AssertionError) as info:
        check_case(
            student, _case(args=(np.arange(3),), expected=np.arange(3) * 3, note="ties at half a step")
        )
    msg = str(info.value)
    assert msg == "`f`, ties at half a step: 2 of 3 values differ"  # hidden: no expected values shown


def test_check_case_public_shows_values() -> None:
    student = InProcessStudent({"f": lambda: 8})
    with pytest.raises(AssertionError, match="expected 1024, got 8"):
        check_case(student, _case(expected=1024, public=True))


def test_check_case_expected_error() -> None:
    raising = InProcessStudent({"f": lambda: int("x")})
    check_case(raising, _case(expected=None, raises="ValueError"))
    with pytest.raises(AssertionError, match="should raise TypeError, but it raised ValueError"):
        check_case(raising, _case(expected=None, raises="TypeError"))
    with pytest.raises(AssertionError, match="should raise ValueError, but it returned a result"):
        check_case(InProcessStudent({"f": lambda: 1}), _case(expected=None, raises="ValueError"))


def test_check_case_on_a_value_case() -> None:
    student = InProcessStudent({"answer": 1024})
    check_case(student, _case(call=None, value="answer", expected=1024))
    with pytest.raises(AssertionError, match="differs"):
        check_case(student, _case(call=None, value="answer", expected=1000))


def test_in_process_call_many_is_the_calls_in_order() -> None:
    student = InProcessStudent(_solution_namespace())
    requests = [
        ("double", (np.arange(3),), {}),
        ("clip01", ([np.nan],), {}),
        ("nope", (), {}),
        ("double", (4,), {}),
    ]
    outcomes = student.call_many(requests)
    assert len(outcomes) == 4
    np.testing.assert_array_equal(outcomes[0], student.call("double", np.arange(3)))
    assert isinstance(outcomes[1], StudentError) and outcomes[1].kind == "raised"
    assert outcomes[1].exc_type == "ValueError"
    assert isinstance(outcomes[2], StudentError) and outcomes[2].kind == "not_defined"
    assert outcomes[3] == 8


def test_check_cases_stops_at_the_first_failure() -> None:
    calls: list[int] = []

    def f(x):
        calls.append(x)
        return x * 2

    student = InProcessStudent({"f": f})
    ok = [_case(args=(1,), expected=2), _case(args=(2,), expected=4)]
    check_cases(student, ok)
    assert calls == [1, 2]
    calls.clear()
    cases = [
        _case(args=(1,), expected=2),
        _case(args=(2,), expected=5, note="second"),
        _case(args=(3,), expected=6),
    ]
    with pytest.raises(AssertionError, match="`f`, second: "):
        check_cases(student, cases)
    assert calls == [1, 2]  # the third case is not called


class _PrefetchingStudent(InProcessStudent):
    """An in-process student that records what it is asked to prefetch (the kernel proxy's interface)."""

    def __init__(self, namespace: dict) -> None:
        super().__init__(namespace)
        self.log: list[object] = []

    def prefetch(self, requests: list) -> int:
        self.log.append(("prefetch", [(name, tuple(args), dict(kwargs)) for name, args, kwargs in requests]))
        return len(requests)

    def clear_prefetched(self) -> None:
        self.log.append("clear")


def test_prefetched_announces_the_calls_and_always_clears() -> None:
    student = _PrefetchingStudent({"f": lambda x: x, "v": 5})
    cases = [
        _case(args=(1,), expected=1),
        _case(call=None, value="v", expected=5),
        _case(args=(2,), expected=3, note="last"),
    ]
    with pytest.raises(AssertionError, match="`f`, last: "):
        check_cases(student, cases)
    # The value case is not prefetched; the failing case still clears the prefetched replies.
    assert student.log == [("prefetch", [("f", (1,), {}), ("f", (2,), {})]), "clear"]
    plain = InProcessStudent({"f": lambda x: x})
    with prefetched(plain, [("f", (1,), {})]):  # a student without prefetch just runs the block
        assert plain.call("f", 1) == 1


def test_expect_error() -> None:
    student = InProcessStudent({"f": lambda x: np.sqrt(x) if x >= 0 else (_ for _ in ()).throw(ValueError())})
    expect_error(student, ValueError, "f", -1)
    expect_error(student, Exception, "f", -1)  # a subclass is accepted
    with pytest.raises(AssertionError, match="should raise ValueError here, but it returned a result"):
        expect_error(student, ValueError, "f", 4)
    with pytest.raises(AssertionError, match="is not defined"):
        expect_error(student, ValueError, "g", 4)


def test_question_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="points must be a positive number"):
        question("q1", points=0)
    with pytest.raises(TypeError, match="question id"):
        question("", points=1)


# ------------------------------------------------------------------------------------------- refs


def test_load_refs_of_the_toy() -> None:
    hidden = load_refs(TOY_COURSE.hidden_refs_path("00_toy"))
    public = load_refs(TOY_COURSE.public_refs_path("00_toy"))
    assert not hidden.public and public.public
    assert {c.id for c in hidden.all_cases}.isdisjoint({c.id for c in public.all_cases})
    nan_case = public.case("q2_nan")
    assert nan_case.raises == "ValueError"
    # From cases.py: double(np.arange(6).reshape(2, 3)) = 2 * arange(6), int64 kept.
    matrix = hidden.case("q1_int_matrix")
    assert matrix.expected.dtype == np.int64
    np.testing.assert_array_equal(matrix.expected, 2 * np.arange(6).reshape(2, 3))
    assert [m.id for m in public.mistakes] == [
        "double_float",
        "clip_no_nan_check",
        "clip_no_upper",
        "answer_xor",
    ]
    with pytest.raises(LookupError, match="no case for question q9"):
        hidden.cases("q9")


def test_load_refs_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `quantgrade refs`"):
        load_refs(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a reference file of format 2"):
        load_refs(bad)


# ---------------------------------------------------------------------------------- run_hidden_tests


def _write_tests(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "hidden_tests.py"
    path.write_text(
        "import numpy as np\nfrom autograder.testing import check_case, expect_error, question\n\n"
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    return path


def _toy_run(namespace: dict) -> dict:
    return run_hidden_tests(
        tests_path=TOY_COURSE.hidden_tests_path("00_toy"),
        refs_path=TOY_COURSE.hidden_refs_path("00_toy"),
        student=InProcessStudent(namespace),
        manifest=TOY_COURSE.manifest("00_toy"),
    )


def test_toy_solution_gets_full_marks() -> None:
    outcomes = _toy_run(_solution_namespace())
    assert {q: o.score for q, o in outcomes.items()} == {"q1": 2.0, "q2": 2.0, "q3": 1.0}
    assert all(not o.messages for o in outcomes.values())


def test_toy_partial_credit_and_messages() -> None:
    ns = _solution_namespace()
    ns["double"] = lambda x: 2.0 * x  # the double_float mistake
    ns["clip01"] = lambda x: np.clip(np.asarray(x, dtype=float), 0.0, 1.0)  # no NaN check
    del ns["answer"]
    outcomes = _toy_run(ns)
    assert outcomes["q1"].score == 0.5  # the additivity test (0.5) still passes
    assert outcomes["q1"].messages == [
        "`double`, a 2-D integer array keeps its shape and dtype: "
        "expected an int array of shape (2, 3), got float64 of shape (2, 3) (1 of 2 cases failed)"
    ]
    assert outcomes["q2"].score == 1.0
    assert outcomes["q2"].messages == ["`clip01` should raise ValueError here, but it returned a result"]
    assert outcomes["q3"].score == 0.0
    assert "`answer` is not defined" in outcomes["q3"].messages[0]


def test_messages_never_show_test_source_or_hidden_values(tmp_path: Path) -> None:
    tests = _write_tests(
        tmp_path,
        '''
        SECRET = 987654321

        @question("q1", points=1)
        def test_bare_assert(student):
            """double doubles a secret number."""
            assert student.call("double", SECRET) == SECRET * 3

        @question("q1", points=1)
        def test_message_assert(student):
            assert student.call("double", SECRET) == 0, "double of a large number is wrong"

        @question("q2", points=1)
        def test_crash(student):
            {}["missing"]

        @question("q2", points=1)
        def test_student_error(student):
            student.call("nope", SECRET)

        @question("q3", points=1)
        def test_skip(student):
            import pytest
            pytest.skip("not today")
        ''',
    )
    manifest = load_manifest(_manifest(tmp_path, {"q1": 2, "q2": 2, "q3": 1}))
    outcomes = run_hidden_tests(
        tests_path=tests,
        refs_path=None,
        student=InProcessStudent({"double": lambda x: 2 * x}),
        manifest=manifest,
    )
    assert outcomes["q1"].messages == [
        "failed: double doubles a secret number.",
        "double of a large number is wrong",
    ]
    assert outcomes["q2"].messages == [
        "test could not run: KeyError",
        "test could not run: `nope` is not defined: "
        "did its cell run, and is the name spelled as in the question?",
    ]
    assert outcomes["q3"].messages == ["test skipped"]
    text = repr(outcomes)
    assert "987654321" not in text and "SECRET" not in text


def _manifest(tmp_path: Path, points: dict[str, float]) -> Path:
    rows = "".join(
        f'[[questions]]\nid = "{q}"\ntitle = "t"\nnames = ["name_{q}"]\npoints = {p}\n\n'
        for q, p in points.items()
    )
    path = tmp_path / "manifest.toml"
    path.write_text(f'slug = "x"\ntitle = "x"\n\n{rows}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("def test_unmarked(student):\n    pass\n", "not marked with @question"),
        ('@question("q7", points=1)\ndef test_x(student):\n    pass\n', "not an autograded question"),
        (
            '@question("q1", points=3)\ndef test_x(student):\n    pass\n',
            "worth 3 points, the manifest says 1",
        ),
        ("import not_a_module_anywhere\n", "cannot collect"),
    ],
)
def test_broken_hidden_tests_are_reported(tmp_path: Path, body: str, words: str) -> None:
    tests = _write_tests(tmp_path, body)
    manifest = load_manifest(_manifest(tmp_path, {"q1": 1}))
    with pytest.raises(HiddenTestsError, match=words):
        run_hidden_tests(tests_path=tests, refs_path=None, student=InProcessStudent({}), manifest=manifest)


def test_repository_pytest_config_does_not_leak_in(tmp_path: Path) -> None:
    # The repository runs with warnings as errors; a student's warning must not fail a hidden test.
    tests = _write_tests(
        tmp_path,
        """
        @question("q1", points=1)
        def test_warns(student):
            assert student.call("double", 1) == 2, "wrong"
        """,
    )
    import warnings

    def double(x):
        warnings.warn("student warning", RuntimeWarning, stacklevel=1)
        return 2 * x

    manifest = load_manifest(_manifest(tmp_path, {"q1": 1}))
    outcomes = run_hidden_tests(
        tests_path=tests, refs_path=None, student=InProcessStudent({"double": double}), manifest=manifest
    )
    assert outcomes["q1"].score == 1.0


def test_questions_runs_only_the_named_questions() -> None:
    """The nbgrader path scores one question per test cell: the other questions' tests do not run."""
    ns = _solution_namespace()
    calls: list[str] = []
    double = ns["double"]

    def counting_double(x):
        calls.append("double")
        return double(x)

    ns["double"] = counting_double
    outcomes = run_hidden_tests(
        tests_path=TOY_COURSE.hidden_tests_path("00_toy"),
        refs_path=TOY_COURSE.hidden_refs_path("00_toy"),
        student=InProcessStudent(ns),
        manifest=TOY_COURSE.manifest("00_toy"),
        questions=["q3"],
    )
    assert list(outcomes) == ["q3"] and outcomes["q3"].score == 1.0
    assert calls == []  # q1's tests (the only ones calling double) were deselected
    with pytest.raises(HiddenTestsError, match="not autograded questions"):
        run_hidden_tests(
            tests_path=TOY_COURSE.hidden_tests_path("00_toy"),
            refs_path=TOY_COURSE.hidden_refs_path("00_toy"),
            student=InProcessStudent(ns),
            manifest=TOY_COURSE.manifest("00_toy"),
            questions=["q4"],
        )


# ------------------------------------------------------------------ partial credit and follow-through


FOLLOW_MANIFEST = """\
slug = "ft"
title = "follow-through"
{step}

[[questions]]
id = "q1"
title = "scale"
names = ["scale"]
points = 2

[[questions]]
id = "q2"
title = "scale twice"
names = ["scale_twice"]
points = 2
uses = ["scale"]
"""

FOLLOW_TESTS = '''
import numpy as np
from autograder.testing import follow_through, question, upstream


def _scale(x):
    return 2 * np.asarray(x, dtype=float)


@upstream("scale", reference=_scale)
def scale_is_sane(scale):
    """A usable scale keeps the shape and is linear."""
    x = np.array([1.0, 2.0, 3.0])
    y = np.asarray(scale(x))
    if y.shape != x.shape or not np.allclose(np.asarray(scale(2 * x)), 2 * y):
        return "scale is not linear"
    return None


@follow_through("scale_twice", uses=("scale",))
def scale_twice_with(scale, x):
    return np.asarray(scale(scale(x)), dtype=float)


@question("q1", points=1)
def test_scale_parts(student, credit):
    """scale(x) is 2 x on three inputs."""
    for x in (1.0, 2.0, 3.0):
        with credit.part():
            assert float(student.call("scale", x)) == 2 * x, "scale(x) should be 2 x"


@question("q2", points=1, uses=("scale",))
def test_twice_is_scale_of_scale(student, scale):
    """scale_twice(x) equals scale(scale(x)) for the quantizer it uses."""
    x = np.array([0.5, -1.0])
    assert np.allclose(student.call("scale_twice", x), scale(scale(x))), "scale_twice is not scale twice"
'''


def _json_case(cid: str, group: str, call: str, arg: float, expected: float) -> dict:
    from quantkit import _wire

    return {
        "id": cid,
        "question": cid.split("_")[0],
        "group": group,
        "call": call,
        "value": None,
        "args": [_wire.encode(np.array([arg]))],
        "kwargs": {},
        "rtol": 0.0,
        "atol": 1e-12,
        "note": f"case {cid}",
        "expected": _wire.encode(np.array([expected])),
    }


def _follow_course(tmp_path: Path, step: str) -> tuple[Path, Path, object]:
    import json

    (tmp_path / "manifest.toml").write_text(FOLLOW_MANIFEST.format(step=step), encoding="utf-8")
    tests = tmp_path / "hidden_tests.py"
    tests.write_text(FOLLOW_TESTS, encoding="utf-8")
    cases = [_json_case(f"q1_c{i}", "scale", "scale", x, 2 * x) for i, x in enumerate((1.0, 2.0, 3.0, 4.0))]
    cases += [_json_case(f"q2_c{i}", "twice", "scale_twice", x, 4 * x) for i, x in enumerate((1.0, 2.0))]
    groups = [
        {
            "id": "scale",
            "question": "q1",
            "points": 1.0,
            "doc": "scale agrees",
            "cases": [c["id"] for c in cases[:4]],
        },
        {
            "id": "twice",
            "question": "q2",
            "points": 1.0,
            "doc": "scale_twice agrees",
            "cases": [c["id"] for c in cases[4:]],
        },
    ]
    refs = tmp_path / "hidden_refs.json"
    refs.write_text(
        json.dumps(
            {"format": 2, "slug": "ft", "questions": {}, "groups": groups, "cases": cases, "mistakes": []}
        ),
        encoding="utf-8",
    )
    return tests, refs, load_manifest(tmp_path / "manifest.toml")


def _run_follow(tmp_path: Path, namespace: dict, step: str = "partial_step = 0.25") -> dict:
    tests, refs, manifest = _follow_course(tmp_path, step)
    return run_hidden_tests(
        tests_path=tests, refs_path=refs, student=InProcessStudent(namespace), manifest=manifest
    )


def _twice(x):
    return 4 * np.asarray(x, dtype=float)


def test_right_answers_get_full_marks(tmp_path: Path) -> None:
    out = _run_follow(tmp_path, {"scale": lambda x: 2 * np.asarray(x, dtype=float), "scale_twice": _twice})
    assert {q: o.score for q, o in out.items()} == {"q1": 2.0, "q2": 2.0}


def test_a_test_scores_the_fraction_of_its_parts_and_cases_rounded_down(tmp_path: Path) -> None:
    """3 of 4 cases right: 0.75 of the group; 2 of 3 parts: 0.667 of the test, rounded down to 0.5."""

    def scale(x):
        x = np.asarray(x, dtype=float)
        return np.where(x == 3.0, 0.0, 2 * x)  # wrong at 3 only

    out = _run_follow(tmp_path, {"scale": scale, "scale_twice": _twice})
    q1 = {t.nodeid.rsplit("::", 1)[-1]: t.score for t in out["q1"].tests}
    assert q1 == {"test_scale_parts": 0.5, "test_reference[scale]": 0.75}
    assert out["q1"].score == 1.25
    assert out["q1"].messages[0] == "scale(x) should be 2 x (1 of 3 parts failed)"
    assert out["q1"].messages[1].endswith("(1 of 4 cases failed)")


def test_without_a_partial_step_every_test_is_all_or_nothing(tmp_path: Path) -> None:
    def scale(x):
        x = np.asarray(x, dtype=float)
        return np.where(x == 3.0, 0.0, 2 * x)

    out = _run_follow(tmp_path, {"scale": scale, "scale_twice": _twice}, step="")
    assert out["q1"].score == 0.0


def test_follow_through_grades_the_procedure_against_the_students_own_upstream(tmp_path: Path) -> None:
    """A consistent scale_twice built on a wrong (but sane) scale loses points in q1 only."""
    scale = lambda x: 3 * np.asarray(x, dtype=float)  # noqa: E731 - wrong factor, still linear
    twice = lambda x: scale(scale(x))  # noqa: E731
    out = _run_follow(tmp_path, {"scale": scale, "scale_twice": twice})
    assert out["q1"].score == 0.0
    assert out["q2"].score == 2.0 and out["q2"].messages == []


def test_follow_through_survives_a_case_where_the_solution_raises(tmp_path: Path) -> None:
    """A bad-argument case is graded on its own terms; the other cases still follow through."""
    import json

    tests, refs, manifest = _follow_course(tmp_path, "partial_step = 0.25")
    data = json.loads(refs.read_text(encoding="utf-8"))
    bad = _json_case("q2_bad", "twice", "scale_twice", -10.0, 0.0)
    bad["expected"] = {"__error__": "ValueError"}
    data["cases"].append(bad)
    data["groups"][1]["cases"].append("q2_bad")
    refs.write_text(json.dumps(data), encoding="utf-8")

    def scale(x):  # wrong factor, still linear; rejects x < -5 as the solution does
        x = np.asarray(x, dtype=float)
        if np.any(x < -5):
            raise ValueError("x must not be below -5")
        return 3 * x

    out = run_hidden_tests(
        tests_path=tests,
        refs_path=refs,
        student=InProcessStudent({"scale": scale, "scale_twice": lambda x: scale(scale(x))}),
        manifest=manifest,
    )
    assert out["q2"].score == 2.0 and out["q2"].messages == []


def test_no_follow_through_for_an_insane_or_missing_upstream(tmp_path: Path) -> None:
    """A constant upstream fails its sanity check: the downstream is graded against the reference only."""
    scale = lambda x: np.ones_like(np.asarray(x, dtype=float))  # noqa: E731 - not linear
    twice = lambda x: scale(scale(x))  # noqa: E731
    out = _run_follow(tmp_path, {"scale": scale, "scale_twice": twice})
    assert out["q2"].score == 0.0
    out = _run_follow(tmp_path, {"scale_twice": lambda x: np.zeros(1)})
    assert out["q2"].score == 0.0 and len(out["q2"].messages) == 2


def test_a_wrong_downstream_gets_nothing_from_a_right_upstream(tmp_path: Path) -> None:
    scale = lambda x: 2 * np.asarray(x, dtype=float)  # noqa: E731
    out = _run_follow(tmp_path, {"scale": scale, "scale_twice": lambda x: 5 * np.asarray(x, dtype=float)})
    assert out["q1"].score == 2.0 and out["q2"].score == 0.0
    assert [t.points for t in out["q2"].tests] == [1.0, 1.0]  # each test counted once, not per variant


def test_uses_without_an_upstream_reference_is_a_grader_error(tmp_path: Path) -> None:
    tests, refs, manifest = _follow_course(tmp_path, "")
    tests.write_text(FOLLOW_TESTS.replace('@upstream("scale", reference=_scale)', ""), encoding="utf-8")
    with pytest.raises(HiddenTestsError, match="without an @upstream reference"):
        run_hidden_tests(tests_path=tests, refs_path=refs, student=InProcessStudent({}), manifest=manifest)
