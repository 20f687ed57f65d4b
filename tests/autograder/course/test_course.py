"""Every notebook's whole contract, one parametrized module over ``Course.slugs()``: ``quantgrade verify``.

Fast tests run verify's static checks (spec, release, graded names, points, public answers, demo cells,
back-links) and grade the solution and the released stubs in-process (the solution's cells exec'd, as
the nbgrader path calls them). Slow tests regenerate the references and grade one batch per notebook
with the hardened grader (solution, released stubs, every known mistake, every correct style), once,
and check each submission of it; ``quantgrade grade`` on the command line must agree with the API.

A notebook's own test file (``test_<slug>.py``) holds only what is specific to it: hand-worked examples.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from course_helpers import notebook_namespace

from autograder import verify
from autograder.release import release_notebook
from autograder.spec import Course
from autograder.testing import InProcessStudent, run_hidden_tests

REPO = Path(__file__).resolve().parents[3]
COURSE = Course(root=REPO)
SLUGS = COURSE.slugs()
STATIC = ("spec", "release", "graded names", "points", "public answers", "demo cells")
MISTAKES = [(slug, m) for slug in SLUGS for m in COURSE.mistakes(slug)]
STYLES = [(slug, s) for slug in SLUGS for s in COURSE.styles(slug)]

_STATIC: dict[str, verify.Report] = {}
_BATCH: dict[str, verify.Batch] = {}


def static_report(slug: str) -> verify.Report:
    if slug not in _STATIC:
        _STATIC[slug] = verify.static_checks(COURSE, slug)
    return _STATIC[slug]


def batch(slug: str) -> verify.Batch:
    """The notebook's verification batch, graded once per test session (the slow part)."""
    if slug not in _BATCH:
        _BATCH[slug] = verify.grade_batch(COURSE, slug, jobs=2)
    return _BATCH[slug]


def test_the_course_has_notebooks() -> None:
    assert "01_sampling_quantization" in SLUGS


# ------------------------------------------------------------------------------------ static checks


@pytest.mark.parametrize("check", STATIC)
@pytest.mark.parametrize("slug", SLUGS)
def test_static_check(slug: str, check: str) -> None:
    """One row of `quantgrade verify --static`."""
    rows = {r.check: r for r in static_report(slug).rows}
    assert check in rows, f"{slug}: verify stopped before {check}: {static_report(slug).rows}"
    assert rows[check].ok, f"{slug} {check}: {rows[check].detail}"


def test_quantkit_back_links() -> None:
    """Every `Used in:` back-link names a notebook that uses the name, and every name used has one."""
    assert verify.backlink_problems(COURSE) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_notebook_conventions(slug: str) -> None:
    """Set-up cell first and locked; test cells open with a one-line docstring; no outputs committed;
    nbformat 4.5 with an id on every cell (else release and nbgrader's generate_assignment give
    different notebooks: each makes up its own ids)."""
    nb = nbformat.read(COURSE.solution_path(slug), as_version=4)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), f"{slug}: nbformat {nb.nbformat}.{nb.nbformat_minor}"
    assert all(cell.get("id") for cell in nb.cells), f"{slug}: cells without an id"
    first = next(c for c in nb.cells if c.cell_type == "code")
    meta = first.metadata.get("nbgrader", {})
    assert (meta.get("grade_id"), meta.get("locked"), meta.get("solution")) == ("setup", True, False)
    assert f'check = checker("{slug}")' in first.source
    manifest = COURSE.manifest(slug)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for q in manifest.auto_questions:
        line = cells[q.grade_id].source.splitlines()[0]
        assert line.startswith('"""') and line.endswith('"""') and len(line) > 6, f"{q.grade_id}: {line!r}"
        assert f'check("{q.id}"' in cells[q.grade_id].source, q.id
    for q in manifest.questions:
        if q.kind == "manual":
            assert "=== BEGIN MARK SCHEME ===" in cells[q.grade_id].source, q.id
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("slug", SLUGS)
def test_every_hidden_test_has_a_docstring(slug: str) -> None:
    """A hidden test's docstring is the feedback of last resort."""
    import ast

    tree = ast.parse(COURSE.hidden_tests_path(slug).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            assert ast.get_docstring(node), f"{slug}: {node.name} has no docstring"


# ------------------------------------------------------------------------------------ in process


def _scores(slug: str, ns: dict[str, Any]) -> dict[str, tuple[float, float, list[str]]]:
    outcomes = run_hidden_tests(
        tests_path=COURSE.hidden_tests_path(slug),
        refs_path=COURSE.hidden_refs_path(slug),
        student=InProcessStudent(ns),
        manifest=COURSE.manifest(slug),
    )
    return {qid: (o.score, o.max_score, o.messages) for qid, o in outcomes.items()}


@pytest.fixture
def grading_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUANTKIT_GRADING", "1")  # check() only reports while the cells run


@pytest.mark.parametrize("slug", SLUGS)
def test_solution_gets_full_marks_in_process(slug: str, grading_env: None) -> None:
    """The solution's functions, called in-process (as in the nbgrader path), pass every hidden test."""
    nb = nbformat.read(COURSE.solution_path(slug), as_version=4)
    for qid, (score, max_score, messages) in _scores(slug, notebook_namespace(nb)).items():
        assert score == max_score, f"{slug} {qid}: {messages}"


@pytest.mark.parametrize("slug", SLUGS)
def test_released_stubs_score_zero_in_process(slug: str, grading_env: None) -> None:
    """The released notebook's stubs (NotImplementedError, values left as ...) score 0 everywhere."""
    nb = release_notebook(nbformat.read(COURSE.solution_path(slug), as_version=4))
    for qid, (score, _max, _messages) in _scores(slug, notebook_namespace(nb)).items():
        assert score == 0, f"{slug} {qid}"


# ------------------------------------------------------------------------------------ the hardened grader


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_committed_references_are_current(slug: str) -> None:
    """The committed public and hidden references agree with a regeneration, within each tolerance."""
    report = verify.refs_check(COURSE, slug, verify.Report(slug))
    assert report.ok, report.rows[-1].detail


def _row(slug: str, check: str) -> verify.CheckRow:
    report = verify.batch_checks(batch(slug), verify.Report(slug))
    return {r.check: r for r in report.rows}[check]


@pytest.mark.slow
@pytest.mark.parametrize("check", ("solution", "released", "time"))
@pytest.mark.parametrize("slug", SLUGS)
def test_graded_batch(slug: str, check: str) -> None:
    """Solution full marks; released notebook runs and gets 0; the solution runs fast enough."""
    row = _row(slug, check)
    assert row.ok, f"{slug} {check}: {row.detail}"


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "mistake"), MISTAKES, ids=[f"{s}-{m.id}" for s, m in MISTAKES])
def test_mistake_loses_points_in_its_own_question(slug: str, mistake: Any) -> None:
    """A known mistake loses points in its question, and elsewhere only if it says why it propagates."""
    result = batch(slug).results[f"mistake_{mistake.id}"]
    lost = verify.lost_questions(result)
    assert mistake.question in lost, f"{mistake.id} loses {lost}"
    if not mistake.propagates:
        assert lost == [mistake.question], f"{mistake.id} also loses {lost}"


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "style"), STYLES, ids=[f"{s}-{st.name}" for s, st in STYLES])
def test_correct_style_gets_full_marks(slug: str, style: Any) -> None:
    """A correct answer in another style (loops, vectorized, other formulas, float32) gets full marks."""
    result = batch(slug).results[f"style_{style.name}"]
    assert result.status == "graded" and verify.lost_questions(result) == [], [
        m for q in result.questions for m in q.messages
    ]


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_command_line_agrees_with_the_api(slug: str, tmp_path: Path) -> None:
    """``quantgrade grade DIR --out OUT`` writes the API's scores for the solution, the stubs and a style."""
    import csv
    import subprocess
    import sys

    subs = verify.batch_submissions(COURSE, slug)
    styles = [s for s, (kind, _w, _t) in subs.items() if kind == "style"]
    chosen = [verify.SOLUTION, verify.STUBS, *styles[:1]]
    for student in chosen:
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / f"{slug}.ipynb").write_text(subs[student][2], encoding="utf-8")
    script = Path(sys.executable).parent / "quantgrade"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "autograder"]
    out = tmp_path / "reports"
    done = subprocess.run(
        [*command, "grade", str(tmp_path / "class"), "--out", str(out), "--jobs", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with (out / "grades.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    api = batch(slug).results
    for student in chosen:
        mine = {r["question"]: float(r["score"]) for r in rows if r["student"] == student}
        assert mine == {q.question: q.score for q in api[student].questions}, student
    shutil.rmtree(tmp_path / "class")


def _run_all(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Run every cell in order in a fresh kernel, stopping at the first error, as Run All does."""
    from nbclient import NotebookClient

    resources = {"metadata": {"path": str(workdir)}}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources)
    client.execute()
    return nb


def _stderr(nb: nbformat.NotebookNode) -> list[str]:
    return [
        out.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_solution_runs_all_without_error_or_stderr(slug: str, tmp_path: Path) -> None:
    """Run All on the solution notebook: no cell raises, nothing is written to stderr (no warnings)."""
    nb = _run_all(nbformat.read(COURSE.solution_path(slug), as_version=4), tmp_path)
    assert _stderr(nb) == [], f"{slug} writes to stderr: {_stderr(nb)[:2]}"


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_released_notebook_runs_all_without_stopping(slug: str, tmp_path: Path) -> None:
    """Run All on the student notebook, every function still a stub: no cell stops it, no traceback.

    Demonstration cells, optional exercises and graded values say "not implemented yet" or "not done
    yet" in one line (``quantkit.checks.demo``); test cells of stubs say so too, without raising.
    """
    nb = _run_all(nbformat.read(COURSE.release_path(slug), as_version=4), tmp_path)
    text = "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "not implemented yet" in text
    assert _stderr(nb) == [], f"{slug}'s student notebook writes to stderr: {_stderr(nb)[:2]}"
