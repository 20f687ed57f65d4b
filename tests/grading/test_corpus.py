"""The grading corpus's own machinery: case files, generated cases, expectations, tables.

The corpus is graded by the hardened grader in tests/grading/test_attacks.py (attacks) and, for every
notebook's styles and mistakes, by `quantgrade verify`'s batch in tests/autograder/course/test_course.py;
these fast tests check that each expectation can fail and that case files are read strictly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corpus
import nbformat
import pytest

from autograder.results import QuestionResult, SubmissionResult
from autograder.submission import grade_id

COURSE = corpus.default_course()
STYLES = [case for slug in COURSE.slugs() for case in corpus.style_cases(COURSE, slug)]
MISTAKES = [case for slug in COURSE.slugs() for case in corpus.mistake_cases(COURSE, slug)]


def test_mistake_cases_cover_the_catalogue() -> None:
    """One case per mistake: it must lose points in its own question (only there, unless it propagates)."""
    mistakes = [m for slug in COURSE.slugs() for m in COURSE.mistakes(slug)]
    assert [c.mistake for c in MISTAKES] == mistakes
    for case in MISTAKES:
        want = (
            {"loses": [case.mistake.question]}
            if case.mistake.propagates
            else {"lost": [case.mistake.question]}
        )
        assert case.expect == want, case.name


def test_style_submissions_replace_the_solution_cells(tmp_path: Path) -> None:
    """A style's cells really are in its submission (not the solution's text)."""
    for case in STYLES:
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
        ({"loses": ["q2"]}, _result(LOST_Q2), True),
        ({"loses": ["q1"]}, _result(LOST_Q2), False),
        ({"loses": ["q2"]}, _result({"q1": (0.0, 2.0), "q2": (1.0, 3.0)}), True),
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
