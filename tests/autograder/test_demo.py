"""Tests of autograder/demo.py (the demo class of submissions), on the toy course.

The expected students follow from the toy's catalogue (tests/autograder/toy/course/00_toy/mistakes.py:
four mistakes) plus the four fixed students the module documents.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import demo
from autograder.release import read_source, release_notebook, render
from autograder.spec import Course

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")
MISTAKES = {m.id: m for m in TOY_COURSE.mistakes("00_toy")}
STUDENTS = sorted([*demo.FIXED_STUDENTS, *(f"mistake_{m}" for m in MISTAKES)])


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "class"
    demo.build_demo_class(out, TOY_COURSE)
    return out


def read(out: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(out / student / "00_toy.ipynb", as_version=4)


def grade_ids(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def test_one_folder_per_student_with_readable_names(tmp_path: Path) -> None:
    written = demo.build_demo_class(tmp_path / "out", TOY_COURSE)
    assert written == sorted(tmp_path / "out" / s / "00_toy.ipynb" for s in STUDENTS)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == STUDENTS
    assert "alice_correct" in STUDENTS and "mistake_double_float" in STUDENTS


def test_correct_submission_is_the_solution_as_handed_in(demo_class: Path) -> None:
    text = (demo_class / "alice_correct" / "00_toy.ipynb").read_text(encoding="utf-8")
    secrets = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "hidden_score", "MARK SCHEME", "1 point:")
    for hidden in secrets:
        assert hidden not in text, hidden
    submitted = grade_ids(read(demo_class, "alice_correct"))
    released = grade_ids(release_notebook(read_source(TOY_COURSE.solution_path("00_toy"))))
    assert submitted["q1_double"].source == (
        "def double(x):\n"
        '    """Return twice ``x`` (a number or a numpy array); integer input stays integer."""\n'
        "    return 2 * x"
    )
    assert submitted["q3_value"].source == "answer = 2 ** 10"
    assert submitted["q4_answer"].source.startswith("Multiplying by the integer 2 keeps")
    assert submitted["q4_answer"].source.endswith("promote the result to float.")
    for gid, cell in released.items():  # everything but the answers is the released notebook's
        if not cell.metadata["nbgrader"]["solution"]:
            assert submitted[gid] == cell, gid
        else:
            assert submitted[gid].metadata == cell.metadata, gid
    assert all(c.get("outputs", []) == [] for c in read(demo_class, "alice_correct").cells)


@pytest.mark.parametrize("mistake_id", sorted(MISTAKES))
def test_each_mistake_changes_only_its_cell(demo_class: Path, mistake_id: str) -> None:
    mistake = MISTAKES[mistake_id]
    correct = grade_ids(read(demo_class, "alice_correct"))
    wrong = grade_ids(read(demo_class, f"mistake_{mistake_id}"))
    assert set(wrong) == set(correct)
    changed = [gid for gid in correct if wrong[gid] != correct[gid]]
    assert changed == [mistake.cell]
    assert correct[mistake.cell].source.replace(mistake.old, mistake.new) == wrong[mistake.cell].source


def test_blank_is_the_released_notebook(demo_class: Path) -> None:
    blank = (demo_class / "blank" / "00_toy.ipynb").read_bytes()
    assert blank == (TOY / "notebooks" / "00_toy.ipynb").read_bytes()


def test_broken_file_is_not_json(demo_class: Path) -> None:
    text = (demo_class / "broken_file" / "00_toy.ipynb").read_text(encoding="utf-8")
    assert text  # a cut-off file, not an empty one
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_endless_loop_is_in_the_first_solution_cell(demo_class: Path) -> None:
    looping = grade_ids(read(demo_class, "endless_loop"))
    correct = grade_ids(read(demo_class, "alice_correct"))
    assert looping["q1_double"].source.startswith("while True:")
    assert looping["q1_double"].source.endswith(correct["q1_double"].source)
    assert [g for g in correct if looping[g] != correct[g]] == ["q1_double"]
    compile(looping["q1_double"].source, "q1_double", "exec")  # valid Python, loops at run time


def test_build_is_deterministic_and_replaces_a_previous_demo_class(demo_class: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(demo_class, again)
    (again / "mistake_from_an_old_catalogue").mkdir()
    (again / "mistake_from_an_old_catalogue" / "00_toy.ipynb").write_text("{}", encoding="utf-8")
    demo.build_demo_class(again, TOY_COURSE)
    assert sorted(p.name for p in again.iterdir()) == STUDENTS
    for student in STUDENTS:
        first = (demo_class / student / "00_toy.ipynb").read_bytes()
        assert (again / student / "00_toy.ipynb").read_bytes() == first, student


@pytest.mark.parametrize("stranger", ["real_student", "notes.txt"])
def test_refuses_to_overwrite_a_folder_that_is_not_a_demo_class(tmp_path: Path, stranger: str) -> None:
    out = tmp_path / "subs"
    out.mkdir()
    if stranger.endswith(".txt"):
        (out / stranger).write_text("keep me", encoding="utf-8")
    else:
        (out / stranger).mkdir()
    (out / "blank").mkdir()
    with pytest.raises(ValueError, match=f"holds files that are not demo submissions \\({stranger}\\)"):
        demo.build_demo_class(out, TOY_COURSE)
    assert sorted(p.name for p in out.iterdir()) == sorted([stranger, "blank"])


@pytest.mark.parametrize("intruder", ["file", "symlink"])
def test_a_demo_named_folder_holding_other_things_is_not_removed(tmp_path: Path, intruder: str) -> None:
    """Only folders a demo build could have written are removed: nothing of the user's is lost."""
    out = tmp_path / "subs"
    (out / "blank").mkdir(parents=True)
    (out / "blank" / "00_toy.ipynb").write_text("{}", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "00_toy.ipynb").write_text("keep me", encoding="utf-8")
    if intruder == "file":  # a student's folder that happens to have a demo name
        (out / "alice_correct").mkdir()
        (out / "alice_correct" / "notes.txt").write_text("keep me", encoding="utf-8")
    else:  # a link to a folder of notebooks somewhere else
        (out / "alice_correct").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ValueError, match=r"holds files that are not demo submissions \(alice_correct\)"):
        demo.build_demo_class(out, TOY_COURSE)
    assert sorted(p.name for p in out.iterdir()) == ["alice_correct", "blank"]
    assert (out / "blank" / "00_toy.ipynb").read_text(encoding="utf-8") == "{}"
    assert (elsewhere / "00_toy.ipynb").read_text(encoding="utf-8") == "keep me"
    if intruder == "file":
        assert (out / "alice_correct" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_main_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(out=tmp_path / "d", course=TOY_COURSE) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"demo class: {len(STUDENTS)} submissions from {len(STUDENTS)} students in ")
    assert "  mistake_clip_no_upper\n" in out


def test_submission_from_solution_keeps_released_ids() -> None:
    solution = read_source(TOY_COURSE.solution_path("00_toy"))
    submission = demo.submission_from_solution(solution)
    assert [c.id for c in submission.cells] == [c.id for c in release_notebook(solution).cells]
    assert render(submission) == render(demo.submission_from_solution(solution))


@pytest.mark.slow
def test_grading_the_demo_class_gives_the_expected_scores(demo_class: Path, tmp_path: Path) -> None:
    """End to end with the engine: full marks, zero, unreadable, timeout, and each mistake's loss."""
    grade = pytest.importorskip("autograder.grade", reason="the engine's autograder.grade is not there yet")
    from autograder.kernel import GradingLimits
    from autograder.submission import find_submissions

    paths = [s.path for s in find_submissions(demo_class, TOY_COURSE)]
    limits = GradingLimits(cell_timeout=5.0)  # the endless loop needs the cell timeout; keep the test short
    results = {r.student: r for r in grade.grade_submissions(paths, course=TOY_COURSE, limits=limits)}
    assert sorted(results) == STUDENTS
    manifest = TOY_COURSE.manifest("00_toy")
    auto = {q.id: q.points for q in manifest.auto_questions}

    def auto_scores(student: str) -> dict[str, float]:
        return {q.question: q.score for q in results[student].questions if q.question in auto}

    assert auto_scores("alice_correct") == auto
    assert set(auto_scores("blank").values()) == {0.0}
    assert results["broken_file"].status == "unreadable"
    assert set(auto_scores("broken_file").values()) == {0.0}
    assert auto_scores("endless_loop")["q1"] == 0.0
    assert any("q1_double" in note for note in results["endless_loop"].notes), "the stopped cell is not noted"
    for mistake in MISTAKES.values():
        scores = auto_scores(f"mistake_{mistake.id}")
        for qid, points in auto.items():
            if qid in mistake.questions:
                assert scores[qid] < points, (mistake.id, qid)
            else:
                assert scores[qid] == points, (mistake.id, qid)
