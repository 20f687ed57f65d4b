"""Fairness of the nbgrader path, every notebook: known mistakes lose points, correct styles do not.

The real ``nbgrader generate_assignment`` and ``nbgrader autograde`` run with the shipped
``autograder/nbgrader_config.py`` (as in tests/autograder/test_nbgrader_path.py, through the shared
``nbgrader_run.py``) on, per notebook: one representative known mistake per question (the first of
its catalogue; every mistake with ``QUANTGRADE_FULL=1``, which ``make test-full`` sets), every correct
style, the solution as handed in and the released stubs, all built by :mod:`corpus`. The points
nbgrader records in its gradebook must show the loss each case expects (the hardened grader checks
every mistake in tests/autograder/course/test_course.py).

nbgrader autograde grades one submission after the other (a kernel per notebook), so the students
are split over two nbgrader course folders autograded side by side. Slow: minutes.
"""

from __future__ import annotations

import os
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
SLUGS = COURSE.slugs()
FULL = os.environ.get("QUANTGRADE_FULL") == "1"
WORKERS = 2


def _representative(cases: list[corpus.Case]) -> list[corpus.Case]:
    """Every mistake with QUANTGRADE_FULL=1, else the first of each question's catalogue."""
    if FULL:
        return cases
    seen: set[str] = set()
    out = []
    for case in cases:
        if case.mistake.question not in seen:
            seen.add(case.mistake.question)
            out.append(case)
    return out


def _cases(slug: str) -> list[corpus.Case]:
    return [
        *corpus.baseline_cases(COURSE, [slug]),
        *corpus.style_cases(COURSE, slug),
        *_representative(corpus.mistake_cases(COURSE, slug)),
    ]


CASES = {slug: _cases(slug) for slug in SLUGS}
PARAMS = [(slug, case) for slug in SLUGS for case in CASES[slug]]


def _autograde_part(slug: str, root: Path, students: dict[str, str]) -> dict[str, dict[str, float | None]]:
    course_dir = nbgrader_run.new_course(root, slug, COURSE.solution_path(slug), COURSE.spec_dir)
    names = nbgrader_run.submit(course_dir, slug, students)
    nbgrader_run.nbgrader(course_dir, "autograde", slug, spec_dir=COURSE.spec_dir)
    for student in names:  # nbgrader must have run every test cell to its score, not crashed on it
        graded = nbformat.read(course_dir / "autograded" / student / slug / f"{slug}.ipynb", as_version=4)
        for cell in graded.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
                assert ("stream", "stderr") not in kinds, (student, meta["grade_id"], cell.outputs)
                assert ("execute_result", None) in kinds, (student, meta["grade_id"], cell.outputs)
    return nbgrader_run.gradebook_scores(course_dir, slug, names, COURSE.manifest(slug).questions)


_SCORES: dict[str, dict[str, dict[str, float | None]]] = {}


def nbgrader_scores(
    slug: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, float | None]]:
    """Student -> question -> nbgrader's recorded auto score, for every case of ``slug`` (once)."""
    if slug in _SCORES:
        return _SCORES[slug]
    texts = {}
    for case in CASES[slug]:
        built = corpus.build_submission(case, COURSE)
        assert isinstance(built, nbformat.NotebookNode), case.name
        texts[case.student] = render(built)
    students = sorted(texts)
    parts = [{s: texts[s] for s in students[k::WORKERS]} for k in range(WORKERS)]
    roots = [tmp_path_factory.mktemp(f"nbgrader-{slug}-{k}") for k in range(WORKERS)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = list(pool.map(_autograde_part, [slug] * WORKERS, roots, parts))
    seconds = time.perf_counter() - start
    print(f"\nnbgrader {slug}: {len(students)} submissions autograded in {seconds:.0f} s ({WORKERS} folders)")
    scores: dict[str, dict[str, float | None]] = {}
    for part in found:
        scores.update(part)
    _SCORES[slug] = scores
    return scores


def _as_result(slug: str, student: str, scores: dict[str, float | None]) -> SubmissionResult:
    """nbgrader's gradebook points as a SubmissionResult, so corpus.check_expect reads them."""
    questions = []
    for q in COURSE.manifest(slug).questions:
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
    return SubmissionResult(student=student, notebook=slug, path="", status="graded", questions=questions)


@pytest.mark.parametrize(("slug", "case"), PARAMS, ids=[f"{s}-{c.name}" for s, c in PARAMS])
def test_nbgrader_gives_the_expected_loss(
    slug: str, case: corpus.Case, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Mistakes lose points in their question (only there unless they propagate); styles get full marks."""
    scores = nbgrader_scores(slug, tmp_path_factory)
    assert case.student in scores
    problems = corpus.check_expect(case, _as_result(slug, case.student, scores[case.student]), {})
    assert not problems, f"{case.name} ({case.doc}): " + " | ".join(problems)


@pytest.mark.parametrize("slug", SLUGS)
def test_nbgrader_table(
    slug: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture
) -> None:
    """The nbgrader path's table (case, expected, got, ok); shown with ``pytest -s``."""
    scores = nbgrader_scores(slug, tmp_path_factory)
    results = {s: _as_result(slug, s, v) for s, v in scores.items()}
    rows = corpus.table_rows(CASES[slug], results)
    with capsys.disabled():
        print("\n" + corpus.format_table(rows))
    assert len(rows) == len(CASES[slug]) == len(scores)


@pytest.mark.parametrize("slug", SLUGS)
def test_manual_questions_await_a_person(slug: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Written answers: None (ungraded) for a filled-in answer, 0 for the released stub (its checksum)."""
    scores = nbgrader_scores(slug, tmp_path_factory)
    manual = [q.id for q in COURSE.manifest(slug).questions if q.kind == "manual"]
    assert manual
    for case in CASES[slug]:
        expected = 0.0 if case.base == "stubs" else None
        assert [scores[case.student][q] for q in manual] == [expected] * len(manual), case.name
