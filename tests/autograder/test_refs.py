"""Tests of autograder.refs: the toy's committed reference files are exactly what `refs` generates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import refs
from autograder.kernel import Limits
from autograder.spec import Course
from autograder.testing import load_refs

pytestmark = pytest.mark.slow

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")


@pytest.fixture(scope="module")
def generated() -> refs.RefsText:
    return refs.generate(TOY_COURSE, "00_toy")


def test_regenerating_the_toy_refs_gives_the_committed_bytes(generated: refs.RefsText) -> None:
    assert generated.public == TOY_COURSE.public_refs_path("00_toy").read_text(encoding="utf-8")
    assert generated.hidden == TOY_COURSE.hidden_refs_path("00_toy").read_text(encoding="utf-8")


def test_public_and_hidden_files_split_the_cases(generated: refs.RefsText) -> None:
    public = load_refs(TOY_COURSE.public_refs_path("00_toy"))
    hidden = load_refs(TOY_COURSE.hidden_refs_path("00_toy"))
    cases = TOY_COURSE.cases("00_toy")
    assert [c.id for c in public.all_cases] == [c.id for c in cases if c.public]
    assert [c.id for c in hidden.all_cases] == [c.id for c in cases if not c.public]
    assert hidden.mistakes == ()
    # Each mistake records its outputs on exactly the public cases of its questions.
    for mistake in public.mistakes:
        want = {c.id for c in cases if c.public and c.question in mistake.questions}
        assert set(mistake.outputs) == want


def test_recorded_outputs_follow_the_solution_and_the_mistakes() -> None:
    public = load_refs(TOY_COURSE.public_refs_path("00_toy"))
    # double(3) = 6, an int (cases.py: q1_int_scalar); the double_float mistake gives 6.0.
    assert public.case("q1_int_scalar").expected == 6 and type(public.case("q1_int_scalar").expected) is int
    mistakes = {m.id: m for m in public.mistakes}
    assert mistakes["double_float"].outputs["q1_int_scalar"] == 6.0
    assert type(mistakes["double_float"].outputs["q1_int_scalar"]) is float
    # clip01 raises ValueError on NaN (the solution), the mistake without the check returns an array.
    assert public.case("q2_nan").raises == "ValueError"
    assert mistakes["clip_no_nan_check"].outputs["q2_nan"].shape == (2,)
    # 2 ^ 10 is 8 in Python (bitwise exclusive or), but q3's only case is hidden: nothing recorded.
    assert mistakes["answer_xor"].outputs == {}


def _copy_toy(tmp_path: Path) -> Course:
    root = tmp_path / "toy"
    shutil.copytree(TOY, root)
    return Course(root=root, spec_dir=root / "course", public_refs_dir=root / "public_refs")


def test_check_mode_reports_stale_and_missing_files(
    tmp_path: Path,
    generated: refs.RefsText,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(refs, "generate", lambda course, slug, **kw: generated)
    course = _copy_toy(tmp_path)
    assert refs.main(course=course, check=True) == 0
    course.hidden_refs_path("00_toy").write_text("{}", encoding="utf-8")
    course.public_refs_path("00_toy").unlink()
    assert refs.main(course=course, check=True) == 1
    err = capsys.readouterr().err
    assert "hidden_refs.json is stale" in err and "00_toy.json is missing" in err
    assert not course.public_refs_path("00_toy").exists()  # check mode writes nothing
    assert refs.main(course=course) == 0
    assert course.public_refs_path("00_toy").read_text(encoding="utf-8") == generated.public
    assert course.hidden_refs_path("00_toy").read_text(encoding="utf-8") == generated.hidden
    assert refs.main(course=course, check=True) == 0


def test_a_notebook_named_twice_is_generated_once(
    generated: refs.RefsText, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(refs, "generate", lambda course, slug, **kw: calls.append(slug) or generated)
    assert refs.main(course=TOY_COURSE, slugs=["00_toy", "00_toy"], check=True) == 0
    assert calls == ["00_toy"]


def test_unknown_slug(capsys: pytest.CaptureFixture[str]) -> None:
    assert refs.main(course=TOY_COURSE, slugs=["99_nope"], check=True) == 1
    assert "unknown notebook(s) ['99_nope']" in capsys.readouterr().err


def test_a_failing_solution_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = _copy_toy(tmp_path)
    path = course.solution_path("00_toy")
    path.write_text(
        path.read_text(encoding="utf-8").replace("return 2 * x", "return 2 * x)"), encoding="utf-8"
    )
    assert refs.main(course=course, check=True) == 1
    err = capsys.readouterr().err
    assert "the solution of 00_toy does not run cleanly: q1_double (SyntaxError)" in err


def test_committed_course_refs_are_current() -> None:
    """Every notebook's committed public and hidden references are what `quantgrade refs` generates.

    The course's refs are regenerated from the solution notebooks and every known mistake (a kernel
    each), so this is the slowest test of the suite; it is what makes a stale reference file fail CI.
    """
    from autograder.spec import default_course

    course = default_course(Path(__file__).resolve().parents[2])
    assert course.slugs(), "the course has no notebooks"
    for slug in course.slugs():
        generated = refs.generate(course, slug)
        assert generated.public == course.public_refs_path(slug).read_text(encoding="utf-8"), (
            f"{slug}: public references are stale: run `make refs`"
        )
        assert generated.hidden == course.hidden_refs_path(slug).read_text(encoding="utf-8"), (
            f"{slug}: hidden references are stale: run `make refs`"
        )


def _insert_cell(course: Course, after: str, source: str) -> None:
    """Insert an ungraded code cell (narrative code) after the cell with grade id ``after``."""
    path = course.solution_path("00_toy")
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == after)
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def _set_mistakes(course: Course, body: str, *, keep: bool) -> None:
    """Write the copied toy's mistakes.py: the toy's catalogue (``keep``) or none, then ``body``."""
    path = course.spec_path("00_toy", "mistakes.py")
    empty = "from autograder.spec import Mistake\n\nMISTAKES: list[Mistake] = []\n"
    head = path.read_text(encoding="utf-8") if keep else empty
    path.write_text(head + body, encoding="utf-8")


# A narrative cell after q1 that uses double(): slicing needs an int (double_float breaks it) and
# double of an array needs array arithmetic (double_int_only below breaks it).
_NARRATIVE = (
    "first_six = list(range(10))[: double(3)]\n"
    "doubled = double(np.array([1, 2]))\n"
    "print(first_six, doubled)\n"
)

_DOUBLE_INT_ONLY = """
MISTAKES.append(
    Mistake(
        id="double_int_only",
        questions=("q1",),
        cell="q1_double",
        old="return 2 * x",
        new="return 2 * int(x)",
        title="converts to int",
        hint="x may be an array.",
    )
)
"""


def test_a_mistake_may_break_later_cells(tmp_path: Path, generated: refs.RefsText) -> None:
    """Cells after a mistake's own cell may raise; its outputs on the cases are recorded as usual."""
    course = _copy_toy(tmp_path)
    _insert_cell(course, "q1_double_tests", _NARRATIVE)
    _set_mistakes(course, _DOUBLE_INT_ONLY, keep=True)
    text = refs.generate(course, "00_toy")
    # The narrative cell changes no outcome: the hidden file, and the public one without the added
    # mistake, are byte for byte the committed toy files (which double_float now breaks in that cell).
    assert text.hidden == generated.hidden
    public = json.loads(text.public)
    added = public["mistakes"].pop()
    assert refs.render(public) == generated.public
    # double(3) = 2 * int(3) = 6; int() of a 3-element array raises TypeError, recorded as such.
    assert added["id"] == "double_int_only"
    assert added["outputs"] == {"q1_int_scalar": 6, "q1_float_array": {"__error__": "TypeError"}}


def test_the_solution_must_run_without_any_error(tmp_path: Path) -> None:
    course = _copy_toy(tmp_path)
    _insert_cell(course, "q1_double_tests", "list(range(10))[: double(3.0)]\n")  # 6.0 is no slice index
    _set_mistakes(course, "", keep=False)
    with pytest.raises(
        refs.RefsError, match=r"the solution of 00_toy does not run cleanly: cell 6 \(TypeError\)"
    ):
        refs.generate(course, "00_toy")


def test_a_mistake_must_not_break_its_own_cell(tmp_path: Path) -> None:
    course = _copy_toy(tmp_path)
    body = (
        'MISTAKES.append(Mistake(id="answer_name", questions=("q3",), cell="q3_answer", '
        'old="2 ** 10", new="two ** 10", title="t", hint="h"))\n'
    )
    _set_mistakes(course, body, keep=False)
    with pytest.raises(
        refs.RefsError, match=r"mistake answer_name of 00_toy does not run cleanly: q3_answer \(NameError\)"
    ):
        refs.generate(course, "00_toy")


def test_a_mistake_must_not_hang_a_later_cell(tmp_path: Path) -> None:
    """A timeout is never tolerated: what the cells after it define would depend on the machine's load."""
    course = _copy_toy(tmp_path)
    _insert_cell(course, "q1_double_tests", "while double(1) != 2:\n    pass\n")
    _set_mistakes(course, _DOUBLE_INT_ONLY.replace('"return 2 * int(x)"', '"return 2 * x + 1"'), keep=False)
    with pytest.raises(
        refs.RefsError, match=r"mistake double_int_only of 00_toy does not run cleanly: cell 6 \(timeout\)"
    ):
        refs.generate(course, "00_toy", limits=Limits(cell_timeout=2.0))
