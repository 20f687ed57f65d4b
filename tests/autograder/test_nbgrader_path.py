"""The nbgrader path end to end, on the toy course, with the shipped configuration.

In a temporary nbgrader course folder, with autograder/nbgrader_config.py copied in as its
``nbgrader_config.py`` (the documented way): ``nbgrader generate_assignment``, then
``nbgrader autograde`` of five submissions (the correct one, one known mistake for each autograded
question, the blank notebook), and the points nbgrader recorded in its gradebook compared,
question by question, with the hardened grader's
``autograder.grade.grade_submissions`` on the same files. Also: nbgrader's own release of the
solution is the notebook ``quantgrade release`` writes.

Slow: nbgrader starts one kernel per submission (seconds each).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from autograder import demo, grade, release
from autograder.spec import Course, default_course

pytestmark = pytest.mark.slow

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")
ASSIGNMENT = "00_toy"
# One mistake per autograded function question and the graded value (toy mistakes.py).
MISTAKE_IDS = ("double_float", "clip_no_upper", "answer_xor")


def _nbgrader_run() -> ModuleType:
    """tests/grading/nbgrader_run.py, the nbgrader runner shared with tests/grading/, imported by path."""
    path = Path(__file__).resolve().parents[1] / "grading" / "nbgrader_run.py"
    spec = importlib.util.spec_from_file_location("nbgrader_run", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nbgrader(course_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run nbgrader as an instructor would, with the shipped config copied into ``course_dir``."""
    return _nbgrader_run().nbgrader(course_dir, *args, spec_dir=TOY_COURSE.spec_dir)


def without_ids(text: str) -> dict:
    data = json.loads(text)
    for cell in data["cells"]:
        cell.pop("id", None)
    return data


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nbgrader-course")
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(TOY_COURSE.solution_path(ASSIGNMENT), source / f"{ASSIGNMENT}.ipynb")
    nbgrader(root, "generate_assignment", ASSIGNMENT)
    return root


def test_generate_assignment_gives_what_release_writes(nbgrader_course: Path) -> None:
    theirs = (nbgrader_course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    ours = (TOY / "notebooks" / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")
    # the toy's source cells all carry ids already, so even the bytes agree
    assert theirs == ours


def test_generate_assignment_agrees_on_every_course_notebook(tmp_path: Path) -> None:
    """The same for the real course's notebooks (cell ids aside: release gives id-less cells one)."""
    course = default_course(Path(__file__).resolve().parents[2])
    slugs = course.slugs()
    assert slugs, "the course has no notebooks"
    for slug in slugs:
        (tmp_path / "source" / slug).mkdir(parents=True)
        shutil.copy(course.solution_path(slug), tmp_path / "source" / slug / f"{slug}.ipynb")
        nbgrader(tmp_path, "generate_assignment", slug)
        theirs = (tmp_path / "release" / slug / f"{slug}.ipynb").read_text(encoding="utf-8")
        ours = release.render(release.release_notebook(release.read_source(course.solution_path(slug))))
        ours_data, theirs_data = without_ids(ours), without_ids(theirs)
        for data in (ours_data, theirs_data):  # release drops Jupyter's editor-only metadata
            data["metadata"].pop("widgets", None)
            for cell in data["cells"]:
                for key in ("execution", "ExecuteTime", "collapsed", "scrolled"):
                    cell["metadata"].pop(key, None)
        assert ours_data == theirs_data, slug


def _submissions() -> dict[str, nbformat.NotebookNode]:
    solution = release.read_source(TOY_COURSE.solution_path(ASSIGNMENT))
    mistakes = {m.id: m for m in TOY_COURSE.mistakes(ASSIGNMENT)}
    from autograder.variants import apply_mistake

    students = {"alice_correct": demo.submission_from_solution(solution)}
    for mistake_id in MISTAKE_IDS:
        students[f"mistake_{mistake_id}"] = demo.submission_from_solution(
            apply_mistake(solution, mistakes[mistake_id])
        )
    students["blank"] = release.release_notebook(solution)
    return students


def test_autograde_scores_match_the_hardened_grader(nbgrader_course: Path, tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    submitted = nbgrader_course / "submitted"
    for student, nb in _submissions().items():
        folder = submitted / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(release.render(nb), encoding="utf-8")
    nbgrader(nbgrader_course, "autograde", ASSIGNMENT)

    manifest = TOY_COURSE.manifest(ASSIGNMENT)
    students = sorted(p.name for p in submitted.iterdir())
    nbgrader_scores: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{nbgrader_course / 'gradebook.db'}") as gb:
        for student in students:
            nbgrader_scores[student] = {
                q.id: gb.find_grade(q.grade_id, ASSIGNMENT, ASSIGNMENT, student).auto_score
                for q in manifest.questions
            }
    # nbgrader's cells must not have failed for a grader reason: no stderr, no error, a score output
    for student in students:
        graded = nbformat.read(
            nbgrader_course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
        )
        for cell in graded.cells:
            if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
                kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
                assert ("stream", "stderr") not in kinds, (student, cell.metadata.nbgrader.grade_id)
                if student != "blank":  # blank: `check("q3", answer=answer)` is a NameError, as it should be
                    assert ("execute_result", None) in kinds, (student, cell.metadata.nbgrader.grade_id)

    paths = [submitted / s / ASSIGNMENT / f"{ASSIGNMENT}.ipynb" for s in students]
    hardened = {r.student: r for r in grade.grade_submissions(paths, course=TOY_COURSE)}
    assert sorted(hardened) == students
    for student in students:
        for result in hardened[student].questions:
            question = manifest.question(result.question)
            theirs = nbgrader_scores[student][question.id]
            if question.kind == "manual":
                # nbgrader: None awaits a person; 0 for an answer cell left as released (its checksum)
                assert result.status == "manual", (student, question.id)
                assert theirs == (0.0 if student == "blank" else None), (student, question.id)
            else:
                assert theirs == pytest.approx(result.score, abs=1e-9), (student, question.id)

    # and the scores are the expected ones, not merely equal
    auto = {q.id: q.points for q in manifest.auto_questions}
    assert {q: nbgrader_scores["alice_correct"][q] for q in auto} == auto
    assert {q: nbgrader_scores["blank"][q] for q in auto} == dict.fromkeys(auto, 0.0)
    for mistake in TOY_COURSE.mistakes(ASSIGNMENT):
        if mistake.id in MISTAKE_IDS:
            scores = nbgrader_scores[f"mistake_{mistake.id}"]
            for qid, points in auto.items():
                assert (scores[qid] < points) == (qid in mistake.questions), (mistake.id, qid)
