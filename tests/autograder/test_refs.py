"""Tests of autograder.refs: the toy's committed reference files are exactly what `refs` generates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import refs
from autograder.kernel import GradingLimits
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
    # 2 ^ 10 is 8 in Python (bitwise exclusive or): recorded on q3's public plausibility check (the
    # graded value itself is hidden, and the check shows no reference value).
    assert mistakes["answer_xor"].outputs == {"q3_answer_plausible": 8}
    assert public.case("q3_answer_plausible").props == {"number": True, "range": [1.0, 10000.0]}
    assert public.case("q3_answer_plausible").expected is None


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


def _perturbed(text: str, case_id: str, factor: float) -> str:
    """The reference text with one case's float output multiplied by ``factor``."""
    from quantkit import _wire

    doc = json.loads(text)
    for case in doc["cases"]:
        if case["id"] == case_id:
            case["expected"] = _wire.encode(_wire.decode(case["expected"]) * factor)
    return refs.render(doc)


def test_staleness_is_judged_within_each_outputs_tolerance(tmp_path: Path, generated: refs.RefsText) -> None:
    """Another CPU's last bits do not make a file stale, nor rewrite it; a real change does."""
    # q1_float_array is double(0.5, -1.25, 0.0), compared exactly (atol = rtol = 0): any change counts.
    assert refs.differences(generated.public, generated.public) == []
    exact = _perturbed(generated.public, "q1_float_array", 1 + 2**-52)
    assert refs.differences(generated.public, exact) == ["case q1_float_array: the expected output differs"]
    doc = json.loads(generated.public)
    for case in doc["cases"]:
        if case["id"] == "q1_float_array":
            case["atol"] = 1e-9
    loose = refs.render(doc)
    assert refs.differences(loose, _perturbed(loose, "q1_float_array", 1 + 2**-52)) == []
    assert refs.differences(loose, _perturbed(loose, "q1_float_array", 1.5)) != []
    assert refs.differences(loose, loose.replace("a float array", "a float vector")) == [
        "case q1_float_array: note differs"
    ]


def test_refs_leaves_a_file_alone_when_its_values_agree(
    tmp_path: Path, generated: refs.RefsText, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = _copy_toy(tmp_path)
    doc = json.loads(generated.public)
    for case in doc["cases"]:
        if case["id"] == "q1_float_array":
            case["atol"] = 1e-9
    committed = refs.render(doc)
    course.public_refs_path("00_toy").write_text(committed, encoding="utf-8")
    regenerated = refs.RefsText(
        "00_toy", _perturbed(committed, "q1_float_array", 1 + 2**-52), generated.hidden
    )
    monkeypatch.setattr(refs, "generate", lambda course, slug, **kw: regenerated)
    assert refs.main(course=course, check=True) == 0
    assert refs.main(course=course) == 0
    assert course.public_refs_path("00_toy").read_text(encoding="utf-8") == committed  # not rewritten


def _with_uses(course: Course, qid: str, names: str) -> None:
    """Give question ``qid`` of the copied toy's manifest ``uses = [names]`` (it calls them)."""
    path = course.spec_path("00_toy", "manifest.toml")
    text = path.read_text(encoding="utf-8")
    marker = f'id = "{qid}"\n'
    head, tail = text.split(marker, 1)
    path.write_text(head + marker + f"uses = [{names}]\n" + tail, encoding="utf-8")


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
    empty = "from autograder.spec import Mistake as M\n\nMISTAKES = {}\n"
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
MISTAKES.setdefault("q1_double", []).append(
    M("double_int_only", "return 2 * x", "return 2 * int(x)", "converts to int", "x may be an array.")
)
"""


def test_a_mistake_may_break_later_cells(tmp_path: Path, generated: refs.RefsText) -> None:
    """Cells after a mistake's own cell may raise; its outputs on the cases are recorded as usual."""
    course = _copy_toy(tmp_path)
    _insert_cell(course, "q1_tests", _NARRATIVE)
    _set_mistakes(course, _DOUBLE_INT_ONLY, keep=True)
    _with_uses(course, "q2", '"double"')  # so a q1 mistake's run goes on to q2's cells, past the narrative
    text = refs.generate(course, "00_toy")
    # The narrative cell changes no outcome: the hidden file and the public one without the added
    # mistake agree with the committed toy files but for q2's `uses` (double_float breaks that cell).
    assert refs.differences(generated.hidden, text.hidden) == ["questions differs"]
    public = json.loads(text.public)
    (added,) = [m for m in public["mistakes"] if m["id"] == "double_int_only"]
    public["mistakes"].remove(added)
    assert refs.differences(generated.public, refs.render(public)) == [
        "questions differs",  # q2's uses
        "mistake double_float: questions differs",  # now recorded on q2's cases too
        "mistake double_float: recorded on other cases",
    ]
    # double(3) = 2 * int(3) = 6; int() of a 3-element array raises TypeError, recorded as such; q2
    # uses double, so its public cases are recorded too (clip01 is right there).
    assert added["id"] == "double_int_only" and added["questions"] == ["q1", "q2"]
    assert added["outputs"]["q1_int_scalar"] == 6
    assert added["outputs"]["q1_float_array"] == {"__error__": "TypeError"}
    assert sorted(added["outputs"]) == [
        "q1_float_array",
        "q1_int_scalar",
        "q2_inside",
        "q2_nan",
        "q2_outside",
    ]


def test_the_solution_must_run_without_any_error(tmp_path: Path) -> None:
    course = _copy_toy(tmp_path)
    _insert_cell(course, "q1_tests", "list(range(10))[: double(3.0)]\n")  # 6.0 is no slice index
    _set_mistakes(course, "", keep=False)
    with pytest.raises(
        refs.RefsError, match=r"the solution of 00_toy does not run cleanly: cell 6 \(TypeError\)"
    ):
        refs.generate(course, "00_toy")


def test_a_mistake_must_not_break_its_own_cell(tmp_path: Path) -> None:
    course = _copy_toy(tmp_path)
    body = 'MISTAKES["q3_value"] = [M("answer_name", "2 ** 10", "two ** 10", "t", "h")]\n'
    _set_mistakes(course, body, keep=False)
    with pytest.raises(
        refs.RefsError, match=r"mistake answer_name of 00_toy does not run cleanly: q3_value \(NameError\)"
    ):
        refs.generate(course, "00_toy")


def test_a_mistake_must_not_hang_a_later_cell(tmp_path: Path) -> None:
    """A timeout is never tolerated: what the cells after it define would depend on the machine's load.

    (A mistake's run stops after the last solution cell of its question and the questions that use
    it: here q2 uses double, so the run reaches the looping cell.)
    """
    course = _copy_toy(tmp_path)
    _with_uses(course, "q2", '"double"')
    _insert_cell(course, "q1_tests", "while double(1) != 2:\n    pass\n")
    _set_mistakes(course, _DOUBLE_INT_ONLY.replace('"return 2 * int(x)"', '"return 2 * x + 1"'), keep=False)
    with pytest.raises(
        refs.RefsError, match=r"mistake double_int_only of 00_toy does not run cleanly: cell 6 \(timeout\)"
    ):
        refs.generate(course, "00_toy", limits=GradingLimits(cell_timeout=2.0))
