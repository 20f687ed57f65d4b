"""Fairness of the nbgrader path on notebook 01: every known mistake loses points, correct styles do not.

The real ``nbgrader generate_assignment`` and ``nbgrader autograde`` run with the shipped
``autograder/nbgrader_config.py`` (as in tests/autograder/test_nbgrader_path.py, through the shared
``nbgrader_run.py``) on: one submission per known mistake of ``mistakes.py``, the correct styles of
``fairness/``, the solution as handed in and the released stubs, all built by :mod:`corpus`. The
points nbgrader records in its gradebook must show exactly the loss each case expects.

nbgrader autograde grades one submission after the other (a kernel per notebook), so the students
are split over two nbgrader course folders autograded side by side. Slow: minutes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import corpus
import nbformat
import nbgrader_run
import pytest

from autograder.release import render
from autograder.results import QuestionResult, SubmissionResult

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
COURSE = corpus.default_course()
SLUG = corpus.DEFAULT_NOTEBOOK
MANIFEST = COURSE.manifest(SLUG)
MISTAKES = corpus.mistake_cases(COURSE, SLUG)
STYLES = [c for c in corpus.load_cases(HERE / "fairness") if c.notebook == SLUG and c.expect.get("full")]
BASELINES = corpus.baseline_cases(COURSE, [SLUG])
CASES = [*BASELINES, *STYLES, *MISTAKES]
WORKERS = 2


def _autograde_part(root: Path, students: dict[str, str]) -> dict[str, dict[str, float | None]]:
    course_dir = nbgrader_run.new_course(root, SLUG, COURSE.solution_path(SLUG), COURSE.spec_dir)
    names = nbgrader_run.submit(course_dir, SLUG, students)
    nbgrader_run.nbgrader(course_dir, "autograde", SLUG, spec_dir=COURSE.spec_dir)
    for student in names:  # nbgrader must have run every test cell to its score, not crashed on it
        graded = nbformat.read(course_dir / "autograded" / student / SLUG / f"{SLUG}.ipynb", as_version=4)
        for cell in graded.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
                assert ("stream", "stderr") not in kinds, (student, meta["grade_id"], cell.outputs)
                assert ("execute_result", None) in kinds, (student, meta["grade_id"], cell.outputs)
    return nbgrader_run.gradebook_scores(course_dir, SLUG, names, MANIFEST.questions)


@pytest.fixture(scope="module")
def nbgrader_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float | None]]:
    """Student -> question -> nbgrader's recorded auto score, for every case."""
    texts = {}
    for case in CASES:
        built = corpus.build_submission(case, COURSE)
        assert isinstance(built, nbformat.NotebookNode), case.name
        texts[case.student] = render(built)
    students = sorted(texts)
    parts = [{s: texts[s] for s in students[k::WORKERS]} for k in range(WORKERS)]
    roots = [tmp_path_factory.mktemp(f"nbgrader-course-{k}") for k in range(WORKERS)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = list(pool.map(_autograde_part, roots, parts))
    seconds = time.perf_counter() - start
    print(f"\nnbgrader: {len(students)} submissions autograded in {seconds:.0f} s ({WORKERS} course folders)")
    scores: dict[str, dict[str, float | None]] = {}
    for part in found:
        scores.update(part)
    return scores


def _as_result(student: str, scores: dict[str, float | None]) -> SubmissionResult:
    """nbgrader's gradebook points as a SubmissionResult, so corpus.check_expect reads them."""
    questions = []
    for q in MANIFEST.questions:
        score = scores[q.id]
        questions.append(
            QuestionResult(
                question=q.id,
                title=q.title,
                kind=q.kind,
                score=0.0 if score is None else float(score),
                max_score=q.points,
                status="manual" if q.kind == "manual" else "passed",
            )
        )
    return SubmissionResult(student=student, notebook=SLUG, path="", status="graded", questions=questions)


@pytest.mark.parametrize("case", corpus.pytest_params(CASES))
def test_nbgrader_gives_the_expected_loss(
    case: corpus.Case, nbgrader_scores: dict[str, dict[str, float | None]]
) -> None:
    """Mistakes lose points on their questions only; the styles and the solution get full marks."""
    assert case.student in nbgrader_scores
    problems = corpus.check_expect(case, _as_result(case.student, nbgrader_scores[case.student]), {})
    assert not problems, f"{case.name} ({case.doc}): " + " | ".join(problems)


def test_nbgrader_table(
    nbgrader_scores: dict[str, dict[str, float | None]], capsys: pytest.CaptureFixture
) -> None:
    """The nbgrader path's table (case, expected, got, ok); shown with ``pytest -s``."""
    results = {s: _as_result(s, v) for s, v in nbgrader_scores.items()}
    rows = corpus.table_rows(CASES, results)
    with capsys.disabled():
        print("\n" + corpus.format_table(rows))
    assert len(rows) == len(CASES) == len(nbgrader_scores)


def test_manual_questions_await_a_person(nbgrader_scores: dict[str, dict[str, float | None]]) -> None:
    """Written answers: None (ungraded) for a filled-in answer, 0 for the released stub (its checksum)."""
    manual = [q.id for q in MANIFEST.questions if q.kind == "manual"]
    assert manual
    for case in CASES:
        expected = 0.0 if case.base == "stubs" else None
        assert [nbgrader_scores[case.student][q] for q in manual] == [expected] * len(manual), case.name
