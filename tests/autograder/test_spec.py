"""Tests for autograder.spec: manifests, cases, mistakes and course paths."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autograder.spec import Case, Course, Mistake, SpecError, default_course, floor_to_step, load_manifest

GOOD_MANIFEST = """
slug = "00_demo"
title = "Demo"

[[questions]]
id = "q1"
title = "Double a number"
names = ["double"]
points = 2

[[questions]]
id = "q2"
title = "Explain"
points = 1.5

[[questions]]
id = "q3"
title = "Quadruple"
names = ["quadruple"]
points = 1
uses = ["double"]
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
    """Kind and grade ids are derived: a question with names is autograded (<id>_tests), else written."""
    course = _write_course(tmp_path)
    manifest = course.manifest("00_demo")
    assert [q.id for q in manifest.questions] == ["q1", "q2", "q3"]
    assert manifest.question("q1").names == ("double",)
    assert manifest.question("q2").names == ()
    assert [q.kind for q in manifest.questions] == ["auto", "manual", "auto"]
    assert [q.grade_id for q in manifest.questions] == ["q1_tests", "q2_answer", "q3_tests"]
    assert manifest.total_points == 4.5
    assert [q.id for q in manifest.auto_questions] == ["q1", "q3"]
    assert manifest.owner("quadruple").id == "q3"
    assert [q.id for q in manifest.users("q1")] == ["q3"]
    assert manifest.partial_step is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("points = 2", "points = 0"), "points must be a positive number"),
        (('title = "Explain"', 'title = "Explain"\nkind = "manual"'), "unknown keys ['kind']"),
        (('names = ["quadruple"]', 'names = ["double"]'), "belongs to both q1 and q3"),
        (('uses = ["double"]', 'uses = ["nothing"]'), "not a graded name of an earlier question"),
        (('title = "Explain"', 'title = "Explain"\nuses = ["double"]'), "written answer but lists uses"),
        (('id = "q2"', 'id = "q1"'), "duplicate question ids"),
        (('title = "Double a number"\n', ""), "lacks ['title']"),
        (('title = "Demo"', 'title = "Demo"\npartial_step = -1'), "partial_step must be a positive"),
    ],
)
def test_manifest_errors_say_what_is_wrong(
    tmp_path: Path, edit: tuple[str, str], message: str | None
) -> None:
    if message is None:
        return  # (placeholder row: kind is no longer a key)
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
    with pytest.raises(SpecError, match="public cases only"):
        Case(id="c", question="q1", call="f", props={"sorted": True})
    assert Case(id="c", question="q1", call="f", args=(1,)).name == "f"
    assert Case(id="c", question="q1", value="v").name == "v"


CASES = """
import numpy as np
from autograder.spec import Cases

cases = Cases()
g = cases.group("double", points=1.5, doc="double agrees with the reference", atol=1e-12, note=" (1e-12)")
g.public("small", "a small integer", 3)
g.hidden("array", "an array", np.arange(3))
g.public_props("shape", "keeps the shape", np.zeros((2, 3)), props={"shape": [2, 3]})
g.row("loose", "a float, loosely", args=(0.5,), atol=0.1)
q = cases.group("quadruple", points=0.5, doc="quadruple agrees")
q.hidden("one", "one", 1)
"""


def test_cases_are_tables_of_groups(tmp_path: Path) -> None:
    """Ids are <qid>_<suffix>, the question comes from the name, group defaults fill the rows."""
    course = _write_course(tmp_path, cases=CASES)
    cases, groups = course.cases_and_groups("00_demo")
    assert [c.id for c in cases] == ["q1_small", "q1_array", "q1_shape", "q1_loose", "q3_one"]
    assert [(c.public, c.atol, c.group) for c in cases][:4] == [
        (True, 1e-12, "double"),
        (False, 1e-12, "double"),
        (True, 1e-12, "double"),
        (False, 0.1, "double"),
    ]
    assert cases[0].note == "a small integer (1e-12)" and cases[2].props == {"shape": [2, 3]}
    assert [(g.id, g.question, g.points, g.cases) for g in groups] == [
        ("double", "q1", 1.5, ("q1_small", "q1_array", "q1_shape", "q1_loose")),
        ("quadruple", "q3", 0.5, ("q3_one",)),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'cases = Cases()\ncases.group("triple", points=1, doc="d").hidden("a", "a", 1)',
            "not a graded name",
        ),
        (
            'cases = Cases()\ncases.group("double", points=1, doc="d").public("a", "a", 1)',
            "has no hidden row",
        ),
        (
            'cases = Cases()\ng = cases.group("double", points=1, doc="d")\ng.hidden("a", "a", 1)\n'
            'g.calling("quadruple").hidden("b", "b", 1)',
            "exactly one question",
        ),
        (
            'cases = Cases()\ncases.group("double", points=1, doc="d").hidden("a", "a", 1)\n'
            'cases.group("double", points=1, doc="d").hidden("b", "b", 1)',
            "two groups have the id",
        ),
        (
            'cases = Cases()\ng = cases.group("double", points=1, doc="d")\ng.hidden("a", "a", 1)\n'
            'g.hidden("a", "again", 2)',
            "duplicate case id",
        ),
        ('cases = Cases()\ncases.group("double", points=0, doc="d")', "points must be a positive number"),
        ('cases = Cases()\ncases.group("double", points=1, doc="two\\nlines")', "one line"),
        ('cases = Cases()\ncases.group(points=1, doc="d")', "needs an id"),
        (
            'cases = Cases()\ng = cases.group("double", points=1, doc="d")\n'
            'g.public_props("a", "a", props={"big": 1})',
            "unknown properties",
        ),
        ("cases = [1, 2]", "must define"),
    ],
)
def test_case_table_errors_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    course = _write_course(tmp_path, cases="from autograder.spec import Cases\n" + text + "\n")
    with pytest.raises(SpecError, match=message):
        course.cases_and_groups("00_demo")


def test_value_rows_are_hidden_with_a_public_plausibility_check(tmp_path: Path) -> None:
    manifest = GOOD_MANIFEST.replace('names = ["double"]', 'names = ["double", "answer"]')
    course = _write_course(
        tmp_path,
        manifest,
        cases="""
        from autograder.spec import Cases
        cases = Cases()
        group = cases.group(id="values", points=1, doc="d")
        group.value("answer", "the answer", "answer", plausible=(1, 100))
        """,
    )
    public, hidden = sorted(course.cases("00_demo"), key=lambda c: not c.public)
    assert (public.id, public.value, public.props) == (
        "q1_answer_plausible",
        "answer",
        {"number": True, "range": [1.0, 100.0]},
    )
    assert (hidden.id, hidden.value, hidden.public, hidden.props) == ("q1_answer", "answer", False, None)


MISTAKES = """
from autograder.spec import Mistake as M
MISTAKES = {
    "q1_double": [M("times_three", "2 *", "3 *", "times three", "Double means two.")],
    "q3_quadruple": [M("times_two", "4 *", "2 *", "times two", "Four.", propagates="why")],
}
"""


def test_mistakes_are_grouped_by_the_cell_they_edit(tmp_path: Path) -> None:
    """A mistake's cell and question come from the dict key; nothing else says which question."""
    course = _write_course(tmp_path, mistakes=MISTAKES)
    assert course.mistakes("00_demo") == [
        Mistake(
            "times_three", "2 *", "3 *", "times three", "Double means two.", cell="q1_double", question="q1"
        ),
        Mistake(
            "times_two",
            "4 *",
            "2 *",
            "times two",
            "Four.",
            propagates="why",
            cell="q3_quadruple",
            question="q3",
        ),
    ]
    assert course.mistakes("00_demo")[0].questions == ("q1",)
    assert course.slugs() == ["00_demo"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('MISTAKES = {"q2_explain": [M("m", "a", "b", "t", "h")]}', "not an autograded question"),
        ('MISTAKES = {"q1_double": [M("m", "", "b", "t", "h")]}', "needs old text"),
        ('MISTAKES = {"q1_double": [M("m", "a", "b", "t", "h"), M("m", "c", "d", "t", "h")]}', "duplicate"),
        ('MISTAKES = {"q1_double": ["not a mistake"]}', "not a Mistake"),
        ("MISTAKES = []", "MISTAKES = {"),
    ],
)
def test_mistake_catalogue_errors_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    course = _write_course(tmp_path, mistakes="from autograder.spec import Mistake as M\n" + text + "\n")
    with pytest.raises(SpecError, match=message):
        course.mistakes("00_demo")


def test_styles_load_with_their_docstring(tmp_path: Path) -> None:
    course = _write_course(tmp_path)
    folder = course.spec_dir / "00_demo" / "styles"
    folder.mkdir()
    (folder / "loops.py").write_text(
        '"""Loops."""\nCELLS = {"q1_double": "def double(x):\\n    return x + x"}\n'
    )
    (folder / "_helper.py").write_text("X = 1\n")
    (style,) = course.styles("00_demo")
    assert (style.name, style.doc, dict(style.cells)) == (
        "loops",
        "Loops.",
        {"q1_double": "def double(x):\n    return x + x"},
    )
    (folder / "bad.py").write_text("CELLS = {}\n")
    with pytest.raises(SpecError, match="docstring"):
        course.styles("00_demo")


def test_floor_to_step_rounds_partial_credit_down() -> None:
    assert floor_to_step(1.5, 24 / 25, 0.25) == 1.25
    assert floor_to_step(1.0, 0.75, 0.25) == 0.75
    assert floor_to_step(1.0, 0.74, 0.25) == 0.5
    assert floor_to_step(2.0, 0.999, None) == 0.0
    assert floor_to_step(2.0, 1.0, None) == 2.0
    assert floor_to_step(2.0, 0.0, 0.25) == 0.0


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
