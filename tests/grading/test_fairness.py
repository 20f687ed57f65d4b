"""Fairness of the hardened grader: correct answers in any style get full marks, known mistakes lose points.

One class is built (:mod:`corpus`): every case of ``fairness/`` (correct submissions written in
different styles, without looking at the solution), one submission per known mistake of every
notebook, and the honest baselines (the solution as handed in, the released stubs). It is graded
once, with ``jobs=2``, through :func:`autograder.grade.grade_submissions` (sandboxed kernels,
default limits); each test below checks one case's grade against its one-line expectation. The
real ``quantgrade grade`` command is run once too, on the fairness cases and the baselines.

The fast tests at the end check the corpus machinery itself on made-up results, so that each
expectation can fail.

Slow: about 40 notebooks run in kernels (see the report in the module's table test).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import corpus
import nbformat
import pytest

from autograder.results import QuestionResult, SubmissionResult
from autograder.submission import grade_id

HERE = Path(__file__).resolve().parent
COURSE = corpus.default_course()
FAIRNESS = corpus.load_cases(HERE / "fairness")
MISTAKES = [case for slug in COURSE.slugs() for case in corpus.mistake_cases(COURSE, slug)]
BASELINES = corpus.baseline_cases(COURSE, COURSE.slugs())
slow = pytest.mark.slow


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fairness") / "class"
    corpus.build_class([*FAIRNESS, *MISTAKES], out, COURSE)
    return out


@pytest.fixture(scope="module")
def graded(class_dir: Path) -> dict[str, SubmissionResult]:
    """Every submission of the class, graded once by the hardened path."""
    return corpus.grade_class(class_dir, jobs=2, course=COURSE)


def _check(case: corpus.Case, graded: dict[str, SubmissionResult]) -> None:
    assert case.student in graded, f"{case.student} was not graded"
    problems = corpus.check_expect(case, graded[case.student], corpus.baselines_for(graded, case.notebook))
    assert not problems, f"{case.name} ({case.doc}): " + " | ".join(problems)


# --------------------------------------------------------------------------------- graded cases


@slow
@pytest.mark.parametrize("case", BASELINES, ids=lambda c: c.name)
def test_honest_baseline(case: corpus.Case, graded: dict[str, SubmissionResult]) -> None:
    """The solution as handed in gets full marks; the released stubs lose every autograded question."""
    _check(case, graded)


@slow
@pytest.mark.parametrize("case", corpus.pytest_params(FAIRNESS))
def test_correct_style_gets_its_expected_grade(
    case: corpus.Case, graded: dict[str, SubmissionResult]
) -> None:
    """A correct answer written in another style scores full marks on every autograded question."""
    _check(case, graded)


@slow
@pytest.mark.parametrize("case", MISTAKES, ids=lambda c: c.name)
def test_known_mistake_loses_points_on_its_questions_only(
    case: corpus.Case, graded: dict[str, SubmissionResult]
) -> None:
    _check(case, graded)


@slow
def test_table_lists_every_case(
    graded: dict[str, SubmissionResult], capsys: pytest.CaptureFixture[str]
) -> None:
    """The corpus table (case, expected, got, ok) has one row per case; shown with ``pytest -s``."""
    cases = [*FAIRNESS, *MISTAKES, *BASELINES]
    rows = corpus.table_rows(cases, graded)
    table = corpus.format_table(rows)
    with capsys.disabled():
        print("\n" + table)
    assert [r.case for r in rows] == [c.name for c in cases]
    assert all(r.got != "not graded" for r in rows)
    assert sorted(graded) == sorted(c.student for c in cases)


@slow
def test_command_line_writes_the_same_grades(
    class_dir: Path, graded: dict[str, SubmissionResult], tmp_path: Path
) -> None:
    """``quantgrade grade DIR --out OUT`` writes grades.csv rows for every student, with the API's scores."""
    small = tmp_path / "class"
    students = [c.student for c in [*FAIRNESS, *BASELINES]]
    for student in students:
        shutil.copytree(class_dir / student, small / student)
    cli = corpus.grade_cli(small, tmp_path / "reports", jobs=2)
    assert sorted(cli) == sorted(students)
    assert corpus.check_cli(cli, {s: graded[s] for s in students}) == []


# --------------------------------------------------------------------------- the corpus itself


#: The solution cells that define each graded name (a style must rewrite all of them).
DEFINING_CELLS = {
    "sample": "q1_sample",
    "alias_frequency": "q2_alias_frequency",
    "quantize_indices": "q3_quantize_indices",
    "dequantize": "q3_dequantize",
    "quantize_uniform": "q4_quantize_uniform",
    "sqnr_slope": "q6_sqnr_fit",
    "sqnr_offset": "q6_sqnr_fit",
    "best_clip_factor": "q7_best_clip_factor",
}


def test_every_graded_name_has_three_independent_correct_styles() -> None:
    names = [n for q in COURSE.manifest(corpus.DEFAULT_NOTEBOOK).auto_questions for n in q.names]
    assert sorted(names) == sorted(DEFINING_CELLS)
    for name, cell in DEFINING_CELLS.items():
        styles = [c.name for c in FAIRNESS if c.expect.get("full") and not c.known_issue and cell in c.cells]
        assert len(styles) >= 3, f"{name}: only {styles} rewrite {cell}"
        assert all(f"{name}" in c.cells[cell] for c in FAIRNESS if cell in c.cells), name


def test_mistake_cases_cover_the_catalogue() -> None:
    ids = [m.id for slug in COURSE.slugs() for m in COURSE.mistakes(slug)]
    assert [c.name for c in MISTAKES] == [f"mistake_{i}" for i in ids]
    assert all(c.expect == {"lost": list(c.mistake.questions)} for c in MISTAKES)


def test_fairness_submissions_replace_the_solution_cells(tmp_path: Path) -> None:
    """A style's cells really are in its submission (not the solution's text)."""
    for case in FAIRNESS:
        nb = corpus.build_submission(case, COURSE)
        assert isinstance(nb, nbformat.NotebookNode)
        sources = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
        for gid, source in case.cells.items():
            assert sources[gid] == source, (case.name, gid)


def _result(scores: dict[str, tuple[float, float]], status: str = "graded", **kw: Any) -> SubmissionResult:
    questions = [
        QuestionResult(
            question=q,
            title=q,
            kind="auto",
            score=s,
            max_score=m,
            status="passed" if s == m else "partial",
            messages=[] if s == m else [f"{q} is wrong"],
        )
        for q, (s, m) in scores.items()
    ]
    return SubmissionResult(student="x", notebook="nb", path="x", status=status, questions=questions, **kw)  # type: ignore[arg-type]


def _case(expect: dict[str, Any]) -> corpus.Case:
    return corpus.Case(name="c", doc="d", notebook="nb", student="x", expect=expect)


FULL = {"q1": (2.0, 2.0), "q2": (3.0, 3.0)}
LOST_Q2 = {"q1": (2.0, 2.0), "q2": (1.0, 3.0)}


@pytest.mark.parametrize(
    ("expect", "result", "ok"),
    [
        ({"full": True}, _result(FULL), True),
        ({"full": True}, _result(LOST_Q2), False),
        ({"full": True}, _result(FULL, status="error"), False),
        ({"lost": ["q2"]}, _result(LOST_Q2), True),
        ({"lost": ["q1"]}, _result(LOST_Q2), False),
        ({"lost": ["q1", "q2"]}, _result(LOST_Q2), False),
        ({"lost": ["q2"]}, _result(FULL), False),
        ({"lost": ["q9"]}, _result(FULL), False),
        ({"at_most": "stubs"}, _result({"q1": (0.0, 2.0), "q2": (0.0, 3.0)}), True),
        ({"at_most": "stubs"}, _result(LOST_Q2), False),
        ({"status": "unreadable"}, _result({}, status="unreadable"), True),
        ({"status": "unreadable"}, _result({}, status="error"), False),
        ({"reason": "timed out"}, _result({}, status="error", reason="cell 3 timed out"), True),
        ({"reason": "restored"}, _result(FULL, notes=["restored 1 locked cell"]), True),
        ({"reason": "timed out"}, _result(FULL, notes=["restored 1 locked cell"]), False),
    ],
)
def test_check_expect(expect: dict[str, Any], result: SubmissionResult, ok: bool) -> None:
    stubs = _result({"q1": (0.0, 2.0), "q2": (0.0, 3.0)})
    problems = corpus.check_expect(_case(expect), result, {"stubs": stubs})
    assert (problems == []) == ok, problems


def test_table_formats_and_describes() -> None:
    result = _result(LOST_Q2)
    assert corpus.describe_result(result) == "graded 3/5, lost q2"
    assert corpus.describe_expect({"lost": ["q2"], "at_most": "solution"}) == "lost q2, <= solution"
    table = corpus.format_table([corpus.Row("a_case", "full", "graded 5/5", "ok")]).splitlines()
    assert table[0].split() == ["case", "expected", "got", "ok"]
    assert table[2].split() == ["a_case", "full", "graded", "5/5", "ok"]


def _write_case(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('EXPECT = {"full": True}\n', "docstring"),
        ('"""Doc."""\n', "no EXPECT"),
        ('"""Doc."""\nEXPECT = {"fulll": True}\n', "unknown keys"),
        ('"""Doc."""\nEXPECT = {"lost": "q1"}\n', "list of question ids"),
        ('"""Doc."""\nEXPECT = {"full": True, "status": "error"}\n', "imply status"),
        ('"""Doc."""\nBASE = "answers"\nEXPECT = {"full": True}\n', "BASE"),
        ('"""Doc."""\nSTUDENT = "../x"\nEXPECT = {"full": True}\n', "STUDENT"),
        ('"""Doc."""\nimport nonexistent_module_xyz\nEXPECT = {"full": True}\n', "importing it raised"),
    ],
)
def test_malformed_case_files_are_reported(tmp_path: Path, text: str, words: str) -> None:
    path = _write_case(tmp_path, "bad_case", text)
    with pytest.raises(corpus.CaseFileError, match=words) as info:
        corpus.load_case(path)
    assert str(path) in str(info.value)


def test_unknown_grade_id_in_cells_is_an_error_of_the_case(tmp_path: Path) -> None:
    path = _write_case(
        tmp_path, "typo", '"""Doc."""\nCELLS = {"q1_sampel": "pass"}\nEXPECT = {"full": True}\n'
    )
    with pytest.raises(corpus.CaseFileError, match=r"'q1_sampel'.*does not have") as info:
        corpus.build_submission(corpus.load_case(path), COURSE)
    assert str(path) in str(info.value)


def test_build_class_writes_bytes_verbatim_and_refuses_duplicate_students(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    _write_case(
        folder,
        "raw",
        '"""Doc."""\nSTUDENT = "Zoë M"\ndef build(nb):\n    return b"{oops"\n'
        'EXPECT = {"status": "unreadable"}\n',
    )
    _write_case(folder, "stub", '"""Doc."""\nBASE = "stubs"\nEXPECT = {"at_most": "stubs"}\n')
    written = corpus.build_class(corpus.load_cases(folder), tmp_path / "class", COURSE)
    assert sorted(written) == sorted(["Zoë M", "stub", "_baseline_solution", "_baseline_stubs"])
    assert written["Zoë M"].read_bytes() == b"{oops"
    released = nbformat.read(str(COURSE.release_path(corpus.DEFAULT_NOTEBOOK)), as_version=4)
    assert nbformat.read(str(written["stub"]), as_version=4) == released
    _write_case(folder, "raw_again", '"""Doc."""\nSTUDENT = "Zoë M"\nEXPECT = {"full": True}\n')
    with pytest.raises(corpus.CaseFileError, match="also"):
        corpus.build_class(corpus.load_cases(folder), tmp_path / "class2", COURSE)
