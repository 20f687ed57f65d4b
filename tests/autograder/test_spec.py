"""Tests for autograder.spec: manifests, cases, mistakes and course paths."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autograder.spec import Case, Course, Mistake, SpecError, default_course, load_manifest

GOOD_MANIFEST = """
slug = "00_demo"
title = "Demo"

[[questions]]
id = "q1"
title = "Double a number"
kind = "auto"
names = ["double"]
points = 2
grade_id = "q1_double_tests"

[[questions]]
id = "q2"
title = "Explain"
kind = "manual"
points = 1.5
grade_id = "q2_explain"
"""


def _write_course(root: Path, manifest: str = GOOD_MANIFEST, cases: str = "", mistakes: str = "") -> Course:
    spec = root / "course" / "00_demo"
    spec.mkdir(parents=True)
    (root / "solutions").mkdir()
    (root / "solutions" / "00_demo.ipynb").write_text("{}", encoding="utf-8")
    (spec / "manifest.toml").write_text(manifest, encoding="utf-8")
    if cases:
        (spec / "cases.py").write_text(textwrap.dedent(cases), encoding="utf-8")
    if mistakes:
        (spec / "mistakes.py").write_text(textwrap.dedent(mistakes), encoding="utf-8")
    return Course(root=root, spec_dir=root / "course", public_refs_dir=root / "public")


def test_manifest_reads_questions_in_order(tmp_path: Path) -> None:
    course = _write_course(tmp_path)
    manifest = course.manifest("00_demo")
    assert [q.id for q in manifest.questions] == ["q1", "q2"]
    assert manifest.question("q1").names == ("double",)
    assert manifest.question("q2").names == ()
    assert manifest.total_points == 3.5
    assert [q.id for q in manifest.auto_questions] == ["q1"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("points = 2", "points = 0"), "points must be a positive number"),
        (('kind = "auto"', 'kind = "robot"'), "kind must be"),
        (('names = ["double"]', "names = []"), "names no graded function"),
        (('grade_id = "q2_explain"', 'grade_id = "q1_double_tests"'), "duplicate grade ids"),
        (('id = "q2"', 'id = "q1"'), "duplicate question ids"),
        (('title = "Double a number"\n', ""), "lacks ['title']"),
    ],
)
def test_manifest_errors_say_what_is_wrong(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text(GOOD_MANIFEST.replace(*edit, 1), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_manifest(path)
    assert message in str(info.value)


def test_manifest_slug_must_match_folder(tmp_path: Path) -> None:
    course = _write_course(tmp_path, GOOD_MANIFEST.replace('slug = "00_demo"', 'slug = "99_other"'))
    with pytest.raises(SpecError, match="slug"):
        course.manifest("00_demo")


def test_unreadable_manifest_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text("slug = ", encoding="utf-8")
    with pytest.raises(SpecError, match="cannot read manifest"):
        load_manifest(path)


def test_case_needs_exactly_one_of_call_and_value() -> None:
    with pytest.raises(SpecError, match="exactly one"):
        Case(id="c", question="q1")
    with pytest.raises(SpecError, match="exactly one"):
        Case(id="c", question="q1", call="f", value="v")
    with pytest.raises(SpecError, match="takes no arguments"):
        Case(id="c", question="q1", value="v", args=(1,))
    assert Case(id="c", question="q1", call="f", args=(1,)).name == "f"
    assert Case(id="c", question="q1", value="v").name == "v"


def test_cases_are_checked_against_the_manifest(tmp_path: Path) -> None:
    course = _write_course(
        tmp_path,
        cases="""
        from autograder.spec import Case
        def cases():
            return [Case(id="a", question="q1", call="triple", args=(1,))]
        """,
    )
    with pytest.raises(SpecError, match="not a graded name of q1"):
        course.cases("00_demo")


def test_cases_and_mistakes_load(tmp_path: Path) -> None:
    course = _write_course(
        tmp_path,
        cases="""
        from autograder.spec import Case
        def cases():
            return [Case(id="a", question="q1", call="double", args=(1,), public=True)]
        """,
        mistakes="""
        from autograder.spec import Mistake
        MISTAKES = [Mistake(id="m", questions=("q1",), cell="q1_double", old="2 *", new="3 *",
                            title="times three", hint="Double means two.")]
        """,
    )
    assert [c.id for c in course.cases("00_demo")] == ["a"]
    assert course.mistakes("00_demo") == [
        Mistake(id="m", questions=("q1",), cell="q1_double", old="2 *", new="3 *",
                title="times three", hint="Double means two.")
    ]
    assert course.slugs() == ["00_demo"]


def test_mistake_naming_an_unknown_question_is_rejected(tmp_path: Path) -> None:
    course = _write_course(
        tmp_path,
        mistakes="""
        from autograder.spec import Mistake
        MISTAKES = [Mistake(id="m", questions=("q9",), cell="c", old="a", new="b", title="t", hint="h")]
        """,
    )
    with pytest.raises(KeyError, match="no question 'q9'"):
        course.mistakes("00_demo")


def test_course_paths(tmp_path: Path) -> None:
    course = _write_course(tmp_path)
    assert course.solution_path("00_demo") == tmp_path / "solutions" / "00_demo.ipynb"
    assert course.release_path("00_demo") == tmp_path / "notebooks" / "00_demo.ipynb"
    assert course.hidden_tests_path("00_demo") == tmp_path / "course" / "00_demo" / "hidden_tests.py"
    assert course.hidden_refs_path("00_demo") == tmp_path / "course" / "00_demo" / "hidden_refs.json"
    assert course.public_refs_path("00_demo") == tmp_path / "public" / "00_demo.json"
    assert course.mistakes("00_demo") == []


def test_default_course_is_this_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUANTGRADE_ROOT", raising=False)
    monkeypatch.chdir(Path(__file__).parent)
    course = default_course()
    assert (course.root / "solutions").is_dir()
    assert course.spec_dir == course.root / "autograder" / "course"
    assert course.public_dir.parts[-3:] == ("quantkit", "checks", "refs")


def test_default_course_honours_quantgrade_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QUANTGRADE_ROOT", str(tmp_path))
    course = default_course()
    assert course.root == tmp_path.resolve()
    # No specs or references of its own: the installed packages' are used.
    assert course.spec_dir == Path(__file__).resolve().parents[2] / "autograder" / "course"
    assert course.public_refs_dir is None


def test_another_checkout_uses_its_own_specs_and_references(tmp_path: Path) -> None:
    """`--root other-checkout` must not mix that checkout's solutions with this installation's specs."""
    (tmp_path / "autograder" / "course").mkdir(parents=True)
    (tmp_path / "quantkit" / "checks" / "refs").mkdir(parents=True)
    course = default_course(tmp_path)
    assert course.spec_dir == tmp_path.resolve() / "autograder" / "course"
    assert course.public_dir == tmp_path.resolve() / "quantkit" / "checks" / "refs"


def test_default_course_outside_a_course_says_how_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("QUANTGRADE_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("autograder.spec.PACKAGE_DIR", tmp_path / "pkg")
    with pytest.raises(SpecError, match="QUANTGRADE_ROOT"):
        default_course()
