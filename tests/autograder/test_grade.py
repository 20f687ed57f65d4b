"""End-to-end tests of autograder.grade on the toy course: real kernels, hidden tests, hints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from autograder import grade
from autograder.kernel import GradingLimits
from autograder.results import SubmissionResult
from autograder.spec import Course, Mistake
from autograder.variants import apply_mistake

pytestmark = pytest.mark.slow

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")
LIMITS = GradingLimits(call_timeout=2.0, cell_timeout=10.0, notebook_timeout=30.0)


def _edit(cell: str, old: str, new: str) -> Mistake:
    return Mistake(id="edit", old=old, new=new, title="", hint="", cell=cell)


def _make_class(root: Path) -> Path:
    """A class of submissions covering every outcome (see the comments)."""
    solution = nbformat.read(TOY_COURSE.solution_path("00_toy"), as_version=4)
    released = nbformat.read(TOY_COURSE.release_path("00_toy"), as_version=4)
    mistakes = {m.id: m for m in TOY_COURSE.mistakes("00_toy")}

    def put(student: str, nb: nbformat.NotebookNode | bytes) -> None:
        folder = root / student
        folder.mkdir(parents=True)
        if isinstance(nb, bytes):
            (folder / "00_toy.ipynb").write_bytes(nb)
        else:
            nbformat.write(nb, folder / "00_toy.ipynb")

    put("alice", solution)  # everything right
    put("bob", released)  # nothing done
    put("carol", apply_mistake(solution, mistakes["double_float"]))
    put("dave", b"\x00 not a notebook")
    # eve's clip01 never returns: every call times out
    put(
        "eve",
        apply_mistake(solution, _edit("q2_clip01", "x = np.asarray(x, dtype=float)", "while True: pass")),
    )
    # frank's notebook kills its own kernel in q3
    put("frank", apply_mistake(solution, _edit("q3_value", "answer = 2 ** 10", "import os; os._exit(3)")))
    put("gina", b"")  # an empty file
    variant = apply_mistake(solution, mistakes["clip_no_nan_check"])
    put("hugo", apply_mistake(variant, mistakes["answer_xor"]))  # two mistakes at once
    return root


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_class(tmp_path_factory.mktemp("submissions"))


@pytest.fixture(scope="module")
def results(class_dir: Path) -> dict[str, SubmissionResult]:
    out = grade.grade_submissions(class_dir, course=TOY_COURSE, limits=LIMITS)
    return {r.student: r for r in out}


def _scores(result: SubmissionResult) -> dict[str, tuple[str, float]]:
    return {q.question: (q.status, q.score) for q in result.questions}


def test_every_submission_has_one_row_per_question(results: dict[str, SubmissionResult]) -> None:
    assert sorted(results) == ["alice", "bob", "carol", "dave", "eve", "frank", "gina", "hugo"]
    for r in results.values():
        assert [q.question for q in r.questions] == ["q1", "q2", "q3", "q4"]
        assert r.max_score == 6.0  # manifest.toml: 2 + 2 + 1 + 1


def test_the_solution_gets_full_marks_and_its_answer_is_shown(results: dict[str, SubmissionResult]) -> None:
    alice = results["alice"]
    assert alice.status == "graded" and alice.reason == ""
    assert _scores(alice) == {
        "q1": ("passed", 2.0),
        "q2": ("passed", 2.0),
        "q3": ("passed", 1.0),
        "q4": ("manual", 0.0),
    }
    assert alice.questions[3].answer.startswith("Multiplying by the integer 2")
    assert all(not q.messages and not q.hints for q in alice.questions)
    assert set(alice.timings) >= {"kernel_start", "notebook", "tests", "total"}


def test_the_released_stubs_score_nothing(results: dict[str, SubmissionResult]) -> None:
    bob = results["bob"]
    assert bob.status == "graded"
    assert _scores(bob) == {
        "q1": ("failed", 0.0),
        "q2": ("failed", 0.0),
        "q3": ("failed", 0.0),
        "q4": ("manual", 0.0),
    }
    assert any("not implemented yet" in m for m in bob.questions[0].messages)
    assert bob.questions[3].answer == "YOUR ANSWER HERE"


def test_a_known_mistake_loses_points_on_its_question_and_gets_its_hint(
    results: dict[str, SubmissionResult],
) -> None:
    carol = results["carol"]
    assert _scores(carol)["q1"] == ("partial", 0.5)  # hidden_tests.py: only the additivity test (0.5) passes
    assert _scores(carol)["q2"] == ("passed", 2.0) and _scores(carol)["q3"] == ("passed", 1.0)
    assert carol.questions[0].hints == [TOY_COURSE.mistakes("00_toy")[0].hint]
    assert carol.questions[0].messages == [
        "`double`, a 2-D integer array keeps its shape and dtype: "
        "expected an int array of shape (2, 3), got float64 of shape (2, 3) (1 of 2 cases failed)"
    ]


def test_two_mistakes_two_questions(results: dict[str, SubmissionResult]) -> None:
    hugo = results["hugo"]
    assert _scores(hugo)["q1"] == ("passed", 2.0)
    assert _scores(hugo)["q2"] == ("partial", 1.0)
    assert _scores(hugo)["q3"] == ("failed", 0.0)
    hints = {m.id: m.hint for m in TOY_COURSE.mistakes("00_toy")}
    assert hugo.questions[1].hints == [hints["clip_no_nan_check"]]  # not clip_no_upper's
    # q3's public check tests plausibility only, and 8 is plausible: nothing tells the mistake apart there
    assert hugo.questions[2].hints == []
    assert hugo.questions[2].messages == [
        "`answer`, the value of answer: the value differs from the expected one"
    ]


@pytest.mark.parametrize(("student", "reason"), [("dave", "not valid JSON"), ("gina", "the file is empty")])
def test_unreadable_submissions_get_zero_rows_with_the_reason(
    results: dict[str, SubmissionResult], student: str, reason: str
) -> None:
    r = results[student]
    assert r.status == "unreadable" and reason in r.reason
    assert all(q.score == 0 and q.status == "error" and reason in q.messages[0] for q in r.questions)


def test_timeouts_fail_only_the_looping_function(results: dict[str, SubmissionResult]) -> None:
    eve = results["eve"]
    assert eve.status == "graded"
    assert _scores(eve)["q1"] == ("passed", 2.0) and _scores(eve)["q3"] == ("passed", 1.0)
    assert _scores(eve)["q2"] == ("failed", 0.0)
    assert all("did not finish within 2 s" in m for m in eve.questions[1].messages)
    assert any("hit the 2 s limit" in n for n in eve.notes)


def test_a_dead_kernel_fails_the_submission_with_the_reason(results: dict[str, SubmissionResult]) -> None:
    frank = results["frank"]
    assert frank.status == "error"
    assert frank.reason == "the notebook's kernel stopped: it exited with status 3"
    assert frank.score == 0.0
    assert all("kernel stopped" in m for q in frank.questions[:3] for m in q.messages)
    assert frank.questions[3].status == "manual"


def test_feedback_never_contains_hidden_inputs(results: dict[str, SubmissionResult]) -> None:
    hidden = json.loads(TOY_COURSE.hidden_refs_path("00_toy").read_text(encoding="utf-8"))
    # Timings are measured floats whose digits could contain anything; they are not feedback.
    text = json.dumps([{k: v for k, v in r.to_dict().items() if k != "timings"} for r in results.values()])
    for case in hidden["cases"]:
        for arg in case["args"]:
            if isinstance(arg, dict) and "__ndarray__" in arg:
                assert arg["__ndarray__"]["data"] not in text
    assert not re.search(r"(?<![\d.])1024(?![\d])", text)  # the hidden value of `answer`, as a number


def test_jobs_give_identical_results(class_dir: Path, results: dict[str, SubmissionResult]) -> None:
    parallel = grade.grade_submissions(class_dir, course=TOY_COURSE, limits=LIMITS, jobs=2)
    assert [r.student for r in parallel] == sorted(results)

    def strip(r: SubmissionResult) -> dict:
        d = r.to_dict()
        d.pop("timings")
        return d

    assert [strip(r) for r in parallel] == [strip(results[r.student]) for r in parallel]


def test_main_writes_reports_and_exits_0(class_dir: Path, tmp_path: Path, results, monkeypatch) -> None:
    # Re-grading is covered above; here main() only has to hand the results to the journal and reports.
    def graded(self, items, *, on_result, on_vanished, on_crash):
        for index, sub in items:
            on_result(index, results[sub.student])

    monkeypatch.setattr(grade.WorkerPool, "run", graded)
    out = tmp_path / "out"
    assert grade.main(submissions=class_dir, out=out, course=TOY_COURSE, progress=False) == 0
    assert (out / "grades.csv").is_file() and (out / "results.json").is_file()
    assert (out / "journal.jsonl").read_bytes().count(b"\n") == len(results) + 1  # and the "complete" line


def test_main_with_no_submissions_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert (
        grade.main(submissions=tmp_path / "empty", out=tmp_path / "out", course=TOY_COURSE, progress=False)
        == 1
    )
    assert "no submissions found" in capsys.readouterr().err


def test_bad_jobs() -> None:
    with pytest.raises(ValueError, match="jobs must be a positive whole number"):
        grade.grade_submissions([], course=TOY_COURSE, jobs=0)


def test_progress_prints_plain_lines_when_not_a_terminal(
    results: dict[str, SubmissionResult], capsys: pytest.CaptureFixture[str]
) -> None:
    bar = grade._Progress(2, enabled=True)
    bar.update(results["alice"])
    bar.update(results["dave"])
    assert capsys.readouterr().err.splitlines() == [
        "graded 1/2 alice/00_toy: 5/6",
        "graded 2/2 dave/00_toy: 0/6 (unreadable)",
    ]


def test_collect_takes_files_as_given_and_searches_folders(class_dir: Path) -> None:
    subs = grade.collect_submissions([class_dir / "alice" / "00_toy.ipynb", class_dir], TOY_COURSE)
    assert [s.student for s in subs] == ["alice", "bob", "carol", "dave", "eve", "frank", "gina", "hugo"]


def test_collect_says_when_a_second_file_for_the_same_student_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two sections that both have an "alice": rows are keyed by student and notebook, so only the
    # first can be graded, but the other must not vanish without a word.
    for section in ("a", "b"):
        (tmp_path / section / "alice").mkdir(parents=True)
        (tmp_path / section / "alice" / "00_toy.ipynb").write_text("{}", encoding="utf-8")
    first = tmp_path / "a" / "alice" / "00_toy.ipynb"
    subs = grade.collect_submissions([first, tmp_path / "a", tmp_path / "b"], TOY_COURSE)
    assert [s.path for s in subs] == [first]
    err = capsys.readouterr().err
    assert err.count("skipping") == 1
    assert str(tmp_path / "b" / "alice" / "00_toy.ipynb") in err and "already found" in err
