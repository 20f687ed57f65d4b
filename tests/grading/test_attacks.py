"""The attack corpus against the hardened grader: every attack contained, no one else affected.

``tests/grading/attacks/*.py`` are submissions that monkeypatch the test machinery, return objects
built to fool comparisons, read the hidden files or other submissions, write everywhere, kill things,
loop, sleep, hoard memory, fork, print 100 MB, use the network, and mangle the notebook file. One
class holds them all with the two honest baselines, graded once (``attack_table.grade_attacks``,
small limits so the endless loops stay cheap). An attack is contained when:

* it scores no more than its honest baseline and gets the status (and reason) its case expects;
* its grading took no longer than its own limits allow (:func:`attack_table.time_allowance`);
* the baselines graded among the attackers get exactly the rows they get graded alone;
* no submission file changed and nothing appeared in the class folder or in an output folder that
  existed during grading;
* grades.csv and the feedback have rows for every student, formula-like names neutralised.

The hardened path needs the bubblewrap sandbox (several attacks are only harmless inside it; the
fork bomb and the write-everywhere case do nothing outside it), so without bubblewrap the module
is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path
from typing import Any

import attack_table  # registered by conftest.py, like corpus
import corpus
import pytest

from autograder.grade import grade_submissions
from autograder.kernel import get_sandbox
from autograder.report import write_reports

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


LIMITS = attack_table.attack_limits()
CASES = corpus.load_cases(HERE / "attacks")


def _hashes(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (folders listed too, as "dir")."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _comparable(result: Any) -> dict[str, Any]:
    """A result without what legitimately differs between two runs: timings and the file's path."""
    data = result.to_dict()
    data.pop("timings", None)
    data.pop("path", None)
    return data


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, course: Any) -> dict[str, Any]:
    """The attack class graded once: cases, results, files before and after, reports."""
    if get_sandbox(LIMITS).kind != "bubblewrap":
        pytest.skip("the hardened path's attack corpus needs the bubblewrap sandbox")
    root = tmp_path_factory.mktemp("attacks")
    class_dir = root / "class"
    # An output folder from an earlier run that exists while the class is graded: no attack may touch it.
    old_out = root / "reports"
    (old_out / "feedback").mkdir(parents=True)
    (old_out / "grades.csv").write_text("student,notebook,question,score,max_score,status\n", "utf-8")
    (old_out / "feedback" / "canary.html").write_text("<p>canary</p>\n", encoding="utf-8")
    out_before = _hashes(old_out)
    corpus.build_class(CASES, class_dir, course)
    class_before = _hashes(class_dir)
    start = time.perf_counter()
    results = {r.student: r for r in grade_submissions(class_dir, course=course, jobs=2, limits=LIMITS)}
    seconds = time.perf_counter() - start
    class_after = _hashes(class_dir)
    out_after = _hashes(old_out)

    clean_dir = root / "clean"
    corpus.build_class(corpus.baseline_cases(course, {c.notebook for c in CASES}), clean_dir, course)
    clean = {r.student: r for r in grade_submissions(clean_dir, course=course, jobs=1, limits=LIMITS)}

    reports = root / "new-reports"
    write_reports(list(results.values()), out=reports, course=course)
    rows = attack_table.attack_rows(CASES, results, LIMITS)
    print("\n" + attack_table.format_markdown(rows))
    print(f"\n{len(results)} submissions graded in {seconds:.0f} s")
    return {
        "results": results,
        "clean": clean,
        "class_before": class_before,
        "class_after": class_after,
        "out_before": out_before,
        "out_after": out_after,
        "reports": reports,
        "rows": rows,
    }


# ------------------------------------------------------------------------------------ containment


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_attack_is_contained(graded: dict[str, Any], case: Any) -> None:
    results = graded["results"]
    assert case.student in results, f"{case.name} was not graded"
    problems = corpus.check_expect(case, results[case.student], corpus.baselines_for(results, case.notebook))
    assert not problems, f"{case.name} ({case.doc}): " + "; ".join(problems)


def test_every_attack_has_a_clear_status(graded: dict[str, Any], course: Any) -> None:
    for case in CASES:
        result = graded["results"][case.student]
        assert result.status in ("graded", "error", "unreadable"), case.name
        # One row per question of the manifest, always.
        assert len(result.questions) == len(course.manifest(case.notebook).questions), case.name
        if result.status != "graded":
            assert result.reason.strip(), f"{case.name}: status {result.status} without a reason"
            assert not result.reason.startswith("internal grader error"), f"{case.name}: {result.reason}"


def test_no_submission_takes_longer_than_its_own_limits(graded: dict[str, Any]) -> None:
    allowance = attack_table.time_allowance(LIMITS)
    slow = {
        student: round(r.timings.get("total", 0.0))
        for student, r in graded["results"].items()
        if r.timings.get("total", 0.0) > allowance
    }
    assert not slow, f"over the allowance of {allowance:g} s: {slow}"
    # Every graded submission is timed (one turned away before its notebook ran may not be).
    timed = [r for r in graded["results"].values() if r.status == "graded"]
    assert timed and all("total" in r.timings for r in timed)


def test_baselines_are_graded_as_when_alone(graded: dict[str, Any], course: Any) -> None:
    clean = graded["clean"]
    slugs = sorted({c.notebook for c in CASES})
    assert set(clean) == {corpus.baseline_student(base, slug) for slug in slugs for base in corpus.BASES}
    for student, alone in clean.items():
        assert _comparable(graded["results"][student]) == _comparable(alone), student
    for slug in slugs:  # every autograded point of the notebook's manifest.toml
        auto = sum(q.points for q in course.manifest(slug).auto_questions)
        assert graded["results"][corpus.baseline_student("solution", slug)].score == auto, slug


def test_no_file_of_the_class_or_of_an_output_folder_changed(graded: dict[str, Any]) -> None:
    before, after = graded["class_before"], graded["class_after"]
    assert set(after) == set(before), f"files appeared or vanished: {sorted(set(after) ^ set(before))}"
    changed = [path for path in before if before[path] != after[path]]
    assert not changed, f"changed during grading: {changed}"
    assert graded["out_after"] == graded["out_before"]


def test_the_write_everywhere_attack_ran_and_found_nothing_outside(graded: dict[str, Any]) -> None:
    # Its marker exception proves the walk ran inside the sandbox (and wrote only to its own folders).
    notes = graded["results"]["write_everywhere"].notes
    assert any("WROTE_OUTSIDE_0" in note for note in notes), notes


def test_reports_have_every_student_with_formulas_neutralised(graded: dict[str, Any], course: Any) -> None:
    reports = graded["reports"]
    with (reports / "grades.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students = {row["student"] for row in rows}
    for student in graded["results"]:
        shown = "'" + student if student.startswith(("=", "+", "-", "@", "\t", "\r")) else student
        assert shown in students, student
    assert all(not s.startswith(("=", "+", "-", "@", "\t", "\r")) for s in students)
    # One row per question of each submission's notebook.
    assert len(rows) == sum(len(course.manifest(r.notebook).questions) for r in graded["results"].values())
    feedback = list((reports / "feedback").rglob("*.html"))
    assert len(feedback) == len(graded["results"])


def test_feedback_never_shows_hidden_inputs(graded: dict[str, Any]) -> None:
    # leak_inputs_via_errors raises exception classes named after the hidden inputs it is given.
    result = graded["results"]["leak_inputs_via_errors"]
    shown = [m for q in result.questions for m in q.messages]
    assert shown, "the leaking attack got no feedback at all"
    assert not [m for m in shown if "LEAKED_" in m], shown
