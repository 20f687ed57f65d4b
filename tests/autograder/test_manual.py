"""Tests of autograder.manual: the instructor's written-answer scores, read and applied, never rewritten."""

from __future__ import annotations

from pathlib import Path

from autograder.manual import apply_manual_scores, manual_template, read_manual_scores
from autograder.results import QuestionResult, SubmissionResult


def _result(student: str, written: str = "manual") -> SubmissionResult:
    return SubmissionResult(
        student=student,
        notebook="00_toy",
        path=f"{student}/00_toy.ipynb",
        status="graded",
        sandbox="bubblewrap",
        questions=[
            QuestionResult("q1", "double", "auto", 2.0, 2.0, "passed"),
            QuestionResult("q4", "why", "manual", 0.0, 1.0, written),  # type: ignore[arg-type]
        ],
    )


RESULTS = [_result("alice"), _result("bob"), _result("=eve"), _result("dan", written="error")]


def test_valid_scores_are_applied_and_bad_rows_reported(tmp_path: Path) -> None:
    path = tmp_path / "manual_scores.csv"
    path.write_text(
        "\ufeffstudent,notebook,question,score,comment\n"  # a BOM, as spreadsheets save it
        "alice,00_toy,q4,1,clear\n"
        "bob,00_toy,q4,0.5,\n"
        "'=eve,00_toy,q4,,still to read\n"  # empty: pending (the name as grades.csv quotes it)
        "carl,00_toy,q4,1,\n"  # no such submission
        "alice,00_toy,q1,2,\n"  # not a written question
        "bob,00_toy,q4,1.5,\n"  # more than the points (also a second score for bob)
        "dan,00_toy,q4,one,\n",  # not a number
        encoding="utf-8",
    )
    scores, warnings = read_manual_scores(path, RESULTS)
    assert scores == {("alice", "00_toy", "q4"): 1.0, ("bob", "00_toy", "q4"): 0.5}
    assert [w.split(": ", 1)[1] for w in warnings] == [
        "no graded submission has this written question; row ignored",
        "no graded submission has this written question; row ignored",
        "score 1.5 is not between 0 and 1; row ignored",
        "score 'one' is not a number; row ignored",
    ]
    assert "line 5 (carl, 00_toy, q4)" in warnings[0]
    applied = {r.student: r.questions[1] for r in apply_manual_scores(RESULTS, scores)}
    assert (applied["alice"].score, applied["alice"].status) == (1.0, "passed")
    assert (applied["bob"].score, applied["bob"].status) == (0.5, "partial")
    assert applied["=eve"].status == "manual" and applied["dan"].status == "error"
    assert RESULTS[0].questions[1].status == "manual"  # the originals are not changed


def test_a_missing_file_means_no_scores_and_a_missing_column_is_said(tmp_path: Path) -> None:
    assert read_manual_scores(tmp_path / "absent.csv", RESULTS) == ({}, [])
    (tmp_path / "bad.csv").write_text("student,question,score\nalice,q4,1\n", encoding="utf-8")
    scores, warnings = read_manual_scores(tmp_path / "bad.csv", RESULTS)
    assert scores == {} and "lacks the column(s) notebook" in warnings[0]


def test_the_template_lists_the_pending_written_answers() -> None:
    # In grades.csv's order (case-insensitive; "=" sorts before letters), formula-like names quoted.
    assert manual_template(RESULTS) == (
        "student,notebook,question,score\n'=eve,00_toy,q4,\nalice,00_toy,q4,\nbob,00_toy,q4,\n"
    )
    assert manual_template([_result("dan", written="error")]) is None
