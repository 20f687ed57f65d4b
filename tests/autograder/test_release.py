"""Tests of autograder/release.py: solutions/ -> notebooks/ with nbgrader's preprocessors.

Reference facts used below:
- nbgrader's ``ClearSolutions`` replaces the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
  with the code stub, indented like the BEGIN line (nbgrader/preprocessors/clearsolutions.py), and
  a solution cell without a region entirely.
- nbgrader's ``LockCells`` makes grade (test) and locked cells ``deletable: false, editable: false``
  and solution cells ``deletable: false`` only (nbgrader/preprocessors/lockcells.py).
- A released cell's checksum is ``nbgrader.utils.compute_checksum`` of the released cell (nbgrader
  computes it again after removing hidden tests, converters/generate_assignment.py).
- nbformat writes JSON with ``indent=1`` and sorted keys (nbformat/v4/nbjson.py).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from autograder import release
from autograder.release import CODE_STUB, ReleaseError, release_notebook, render
from autograder.spec import Course, default_course

TOY = Path(__file__).resolve().parent / "toy"
REPO = Path(__file__).resolve().parents[2]


def toy_course(root: Path = TOY) -> Course:
    return Course(root=root, spec_dir=root / "course", public_refs_dir=root / "public_refs")


@pytest.fixture
def toy_copy(tmp_path: Path) -> Course:
    """A writable copy of the toy course."""
    root = tmp_path / "toy"
    shutil.copytree(TOY, root, ignore=shutil.ignore_patterns("__pycache__"))
    return toy_course(root)


def toy_source() -> nbformat.NotebookNode:
    return release.read_source(TOY / "solutions" / "00_toy.ipynb")


def toy_released() -> nbformat.NotebookNode:
    return release_notebook(toy_source())


def by_grade_id(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if "nbgrader" in c.metadata and "grade_id" in c.metadata["nbgrader"]
    }


def nbg(**meta: object) -> dict[str, object]:
    base = {"grade": False, "locked": False, "solution": False, "schema_version": 3, "task": False}
    base.update(meta)
    return {"nbgrader": base}


def tiny_source(with_ids: bool = True) -> nbformat.NotebookNode:
    """A small nbgrader source notebook with outputs, execution counts and Jupyter's metadata noise."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["celltoolbar"] = "Create Assignment"
    nb.cells = [
        v4.new_markdown_cell("# Tiny"),
        v4.new_code_cell(
            "import math", metadata=nbg(grade_id="setup", locked=True), execution_count=1
        ),
        v4.new_code_cell(
            'def area(r, *, scale=1.0):\n    """Area of a disc of radius ``r``."""\n'
            "    ### BEGIN SOLUTION\n    return scale * math.pi * r ** 2\n    ### END SOLUTION",
            metadata=nbg(grade_id="q1_area", solution=True),
            execution_count=2,
            outputs=[v4.new_output("stream", name="stdout", text="done\n")],
        ),
        v4.new_code_cell(
            '"""Check area (q1)."""\nassert area(0) == 0\n### BEGIN HIDDEN TESTS\n'
            'from autograder.nbgrader_hook import hidden_score\nhidden_score("tiny", "q1", globals())\n'
            "### END HIDDEN TESTS",
            metadata=nbg(grade_id="q1_area_tests", grade=True, locked=True, points=2),
            execution_count=3,
            outputs=[v4.new_output("execute_result", data={"text/plain": "2.0"}, execution_count=3)],
        ),
        v4.new_markdown_cell("Some narrative after q1."),
        v4.new_code_cell("print(area(1.0))", execution_count=4),
        v4.new_markdown_cell(
            "A written answer.\n\n=== BEGIN MARK SCHEME ===\nmentions pi\n=== END MARK SCHEME ===",
            metadata=nbg(grade_id="q2_why", grade=True, solution=True, points=1),
        ),
    ]
    nb.cells[5].metadata["execution"] = {"iopub.execute_input": "2026-11-27T07:00:00Z"}
    nb.cells[5].metadata["scrolled"] = True
    if not with_ids:
        nb.nbformat_minor = 4
        for cell in nb.cells:
            del cell["id"]
    return nb


# ----------------------------------------------------------------------------------- the toy course


def test_committed_toy_notebook_is_what_release_produces() -> None:
    committed = (TOY / "notebooks" / "00_toy.ipynb").read_text(encoding="utf-8")
    assert committed == render(toy_released())
    assert release.main(course=toy_course(), check=True) == 0


def test_second_release_changes_nothing(toy_copy: Course, capsys: pytest.CaptureFixture[str]) -> None:
    target = toy_copy.release_path("00_toy")
    target.unlink()
    assert release.main(course=toy_copy) == 0
    first = target.read_bytes()
    assert "written" in capsys.readouterr().out
    assert release.main(course=toy_copy) == 0
    assert target.read_bytes() == first
    assert "up to date" in capsys.readouterr().out
    # and byte-identical to the committed file (the release does not depend on the folder it runs in)
    assert first == (TOY / "notebooks" / "00_toy.ipynb").read_bytes()


def test_release_does_not_modify_its_input() -> None:
    source = toy_source()
    before = json.dumps(source, sort_keys=True)
    release_notebook(source)
    assert json.dumps(source, sort_keys=True) == before


@pytest.mark.parametrize(("cell_id", "name"), [("q1_double", "double"), ("q2_clip01", "clip01")])
def test_stubs_keep_signature_and_docstring_and_raise(cell_id: str, name: str) -> None:
    solution_ns: dict[str, object] = {"np": pytest.importorskip("numpy")}
    exec(by_grade_id(toy_source())[cell_id].source, solution_ns)
    stub_cell = by_grade_id(toy_released())[cell_id]
    stub_ns: dict[str, object] = {}
    exec(stub_cell.source, stub_ns)
    stub, solution = stub_ns[name], solution_ns[name]
    assert inspect.signature(stub) == inspect.signature(solution)  # type: ignore[arg-type]
    assert stub.__doc__ == solution.__doc__ and stub.__doc__  # type: ignore[union-attr]
    with pytest.raises(NotImplementedError):
        stub(0.5)  # type: ignore[operator]
    # nbgrader indents the stub like the BEGIN SOLUTION line (4 spaces inside the function)
    assert "    " + CODE_STUB.replace("\n", "\n    ") in stub_cell.source


def test_a_solution_cell_that_is_all_solution_becomes_the_stub() -> None:
    assert by_grade_id(toy_released())["q3_value"].source == CODE_STUB


def test_no_solution_hidden_test_or_mark_scheme_survives() -> None:
    text = render(toy_released())
    for secret in (
        "BEGIN SOLUTION",
        "END SOLUTION",
        "BEGIN HIDDEN TESTS",
        "hidden_score",
        "MARK SCHEME",
        "return 2 * x",  # q1's solution body
        "np.clip(x, 0.0, 1.0)",  # q2's
        "2 ** 10",  # q3's
        "1 point: mentions",  # q4's rubric
        "keeps numpy's integer dtype",  # q4's model answer
    ):
        assert secret not in text, secret
    cells = by_grade_id(toy_released())
    assert cells["q4_answer"].source == "YOUR ANSWER HERE"
    public_part = '"""Check double on the public cases (q1)."""\ncheck("q1", double)'
    assert cells["q1_tests"].source == public_part


def test_locked_and_test_cells_are_locked_with_nbgrader_checksums() -> None:
    from nbgrader.utils import compute_checksum

    cells = by_grade_id(toy_released())
    assert set(cells) == {
        "setup", "q1_double", "q1_tests", "q2_clip01", "q2_tests",
        "q3_value", "q3_tests", "q4_answer",
    }  # fmt: skip
    for gid, cell in cells.items():
        meta = cell.metadata
        assert meta["deletable"] is False, gid
        if meta["nbgrader"]["solution"]:
            assert "editable" not in meta, gid  # students write in solution cells
        else:
            assert meta["editable"] is False, gid
        assert meta["nbgrader"]["checksum"] == compute_checksum(cell), gid
        assert meta["nbgrader"]["cell_type"] == cell.cell_type


def test_outputs_counts_and_editor_metadata_are_cleared() -> None:
    released = release_notebook(tiny_source())
    for cell in released.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        for key in ("execution", "scrolled", "collapsed"):
            assert key not in cell.metadata
    assert "widgets" not in released.metadata and "celltoolbar" not in released.metadata
    assert released.metadata["kernelspec"]["name"] == "python3"


def test_tiny_notebook_release() -> None:
    released = release_notebook(tiny_source())
    area = released.cells[2].source
    assert area == (
        'def area(r, *, scale=1.0):\n    """Area of a disc of radius ``r``."""\n'
        "    # YOUR CODE HERE\n    raise NotImplementedError()"
    )
    assert released.cells[3].source == '"""Check area (q1)."""\nassert area(0) == 0'
    assert released.cells[6].source == "YOUR ANSWER HERE"  # a written answer is replaced whole


@pytest.mark.parametrize("with_ids", [True, False], ids=["source-has-ids", "source-without-ids"])
def test_cell_ids_are_stable(with_ids: bool) -> None:
    source = tiny_source(with_ids=with_ids)
    ids = [c.id for c in release_notebook(source).cells]
    assert ids == [c.id for c in release_notebook(source).cells]
    assert len(set(ids)) == len(ids)
    # nbgrader cells take their grade id
    assert ids[1:4] == ["setup", "q1_area", "q1_area_tests"] and ids[6] == "q2_why"
    if with_ids:
        assert ids[0] == source.cells[0].id and ids[4] == source.cells[4].id
    else:
        # others: the previous grade id and a counter (the first cell has none before it)
        assert ids == ["cell-1", "setup", "q1_area", "q1_area_tests", "q1_area_tests-1",
                       "q1_area_tests-2", "q2_why"]  # fmt: skip
    released = release_notebook(source)
    assert released.nbformat == 4 and released.nbformat_minor >= 5
    nbformat.validate(released)


def test_a_source_id_that_collides_with_a_grade_id_is_replaced() -> None:
    source = tiny_source()
    source.cells[0].id = "q1_area"  # a markdown cell squatting on a grade id
    source.cells[4].id = source.cells[5].id  # and a duplicate
    ids = [c.id for c in release_notebook(source).cells]
    assert len(set(ids)) == len(ids)
    assert ids[2] == "q1_area" and ids[0] == "cell-1"


def test_render_is_nbformat_json_with_indent_1_sorted_keys_and_final_newline() -> None:
    text = render(toy_released())
    data = json.loads(text)
    assert text == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert text == render(nbformat.reads(text, as_version=4))


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "no end solution statement"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "nested"),
    ],
    ids=["unterminated", "nested"],
)
def test_broken_solution_markup_is_reported(source: str, needle: str) -> None:
    nb = tiny_source()
    nb.cells[2].source = source
    with pytest.raises(ReleaseError, match=needle) as info:
        release_notebook(nb)
    assert "ClearSolutions" in str(info.value) and "q1_area" in str(info.value)


def test_a_solution_region_outside_a_solution_cell_is_refused() -> None:
    nb = tiny_source()
    nb.cells[5].source = "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    with pytest.raises(ReleaseError, match="not a solution cell"):
        release_notebook(nb)


def test_not_a_notebook_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="NotebookNode"):
        release_notebook({"cells": []})  # type: ignore[arg-type]


# ------------------------------------------------------------------------ source vs manifest


def _edit_cell(course: Course, gid: str, **changes: object) -> None:
    path = course.solution_path("00_toy")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
            for key, value in changes.items():
                if key == "source":
                    cell.source = value
                else:
                    cell.metadata.nbgrader[key] = value
    nbformat.write(nb, path)


@pytest.mark.parametrize(
    ("gid", "changes", "expected"),
    [
        ("q2_tests", {"grade_id": "q2_checks"}, "question q2 (grade id 'q2_tests'): no cell "
         "has this grade id"),
        ("q3_tests", {"grade": False}, "question q3 (grade id 'q3_tests'): must be an "
         "autograded test cell"),
        ("q4_answer", {"solution": False}, "question q4 (grade id 'q4_answer'): must be a written-answer "
         "cell"),
        ("q1_tests", {"source": 'check("q1", double)\n### BEGIN HIDDEN TESTS\n'
         'hidden_score("00_toy", "q2", globals())\n### END HIDDEN TESTS'},
         'needs a hidden-tests block calling hidden_score("00_toy", "q1", globals())'),
        ("q1_double", {"source": "def twice(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
         "    ### END SOLUTION"}, "graded name 'double' is not defined in any code cell"),
        ("q3_value", {"source": "def compute():\n    ### BEGIN SOLUTION\n    answer = 2 ** 10\n"
         "    ### END SOLUTION\n    return answer"}, "graded name 'answer' is not defined in any code cell"),
        ("q3_value", {"source": "### BEGIN SOLUTION\npowers = [answer for answer in (2 ** 10,)]\n"
         "### END SOLUTION"}, "graded name 'answer' is not defined in any code cell"),
        ("setup", {"grade": True, "points": 1}, "cell 'setup' is graded (1 points) but no manifest question"),
    ],
    ids=["missing-grade-id", "not-a-grade-cell", "answer-not-solution",
         "hidden-block-wrong-question", "graded-name-missing", "graded-name-only-local",
         "graded-name-only-comprehension-variable", "graded-cell-without-question"],
)  # fmt: skip
def test_manifest_and_notebook_disagreement_is_reported(
    toy_copy: Course, gid: str, changes: dict[str, object], expected: str
) -> None:
    _edit_cell(toy_copy, gid, **changes)
    before = toy_copy.release_path("00_toy").read_bytes()
    with pytest.raises(ReleaseError) as info:
        release.main(course=toy_copy)
    message = str(info.value)
    assert message.startswith("solutions/00_toy.ipynb disagrees with its manifest:")
    assert expected in message
    assert toy_copy.release_path("00_toy").read_bytes() == before  # nothing written


def _edit_markdown(course: Course, old: str, new: str) -> None:
    path = course.solution_path("00_toy")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and old in cell.source:
            cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("### q1 (graded, 2 points)", "### q1 (graded, 3 points)",
         "its heading should read '### q1 (graded, 2 points)"),
        ("### q4 (written, 1 point)", "### q4 (graded, 1 point)",
         "its heading should read '### q4 (written, 1 point)"),
        ("### q2 (graded, 2 points): clip", "### Clip",
         "no markdown heading '### q2 (graded, 2 points): ...'"),
    ],
    ids=["points", "kind", "missing"],
)  # fmt: skip
def test_question_headings_state_the_manifests_points(
    toy_copy: Course, old: str, new: str, expected: str
) -> None:
    _edit_markdown(toy_copy, old, new)
    with pytest.raises(ReleaseError, match=re.escape(expected)):
        release.main(course=toy_copy)


def test_release_writes_the_manifests_points_into_the_solution(
    toy_copy: Course, capsys: pytest.CaptureFixture[str]
) -> None:
    """Points have one home, the manifest: release writes them into the solution; --check reports drift."""
    _edit_cell(toy_copy, "q1_tests", points=5)
    _edit_cell(toy_copy, "q2_tests", points=7)
    assert release.main(course=toy_copy, check=True) == 1
    out = capsys.readouterr().out
    assert "solutions/00_toy.ipynb (its nbgrader points differ from the manifest's)" in out
    assert release.main(course=toy_copy) == 0
    assert "solutions/00_toy.ipynb: points written from the manifest" in capsys.readouterr().out
    cells = by_grade_id(nbformat.read(toy_copy.solution_path("00_toy"), as_version=4))
    assert (cells["q1_tests"].metadata.nbgrader.points, cells["q2_tests"].metadata.nbgrader.points) == (2, 2)
    assert release.main(course=toy_copy, check=True) == 0


def test_all_problems_are_reported_at_once(toy_copy: Course) -> None:
    _edit_cell(toy_copy, "q1_tests", grade=False)
    _edit_cell(toy_copy, "q2_tests", grade=False)
    with pytest.raises(ReleaseError) as info:
        release.main(course=toy_copy)
    assert "q1" in str(info.value) and "q2" in str(info.value)
    assert str(info.value).count("\n  - ") == 2


def test_check_writes_nothing_and_lists_stale_notebooks(
    toy_copy: Course, capsys: pytest.CaptureFixture[str]
) -> None:
    target = toy_copy.release_path("00_toy")
    target.write_text(target.read_text(encoding="utf-8").replace("YOUR ANSWER HERE", "edited by hand"))
    edited = target.read_bytes()
    assert release.main(course=toy_copy, check=True) == 1
    assert target.read_bytes() == edited
    assert "notebooks/00_toy.ipynb (differs from its solution)" in capsys.readouterr().out
    target.unlink()
    assert release.main(course=toy_copy, check=True) == 1
    assert not target.exists()
    assert "notebooks/00_toy.ipynb (missing)" in capsys.readouterr().out
    assert release.main(course=toy_copy) == 0
    assert release.main(course=toy_copy, check=True) == 0


def test_check_reports_a_student_notebook_without_solution(
    toy_copy: Course, capsys: pytest.CaptureFixture[str]
) -> None:
    orphan = toy_copy.notebooks_dir / "99_gone.ipynb"
    shutil.copy(toy_copy.release_path("00_toy"), orphan)
    assert release.main(course=toy_copy, check=True) == 1
    assert "notebooks/99_gone.ipynb (no solution notebook: remove it)" in capsys.readouterr().out
    assert release.main(course=toy_copy) == 0  # a release leaves it alone and says so
    assert orphan.exists() and "has no solution notebook" in capsys.readouterr().out
    assert release.main(course=toy_copy, slugs=["00_toy"], check=True) == 0


def test_unknown_slug_and_solution_without_manifest_are_errors(toy_copy: Course) -> None:
    with pytest.raises(ReleaseError, match="unknown notebook 01_nope; the course has 00_toy"):
        release.main(course=toy_copy, slugs=["01_nope"])
    shutil.copy(toy_copy.solution_path("00_toy"), toy_copy.solutions_dir / "05_extra.ipynb")
    with pytest.raises(ReleaseError, match="solution notebooks without a manifest: 05_extra"):
        release.main(course=toy_copy)


def test_unreadable_solution_is_reported(toy_copy: Course) -> None:
    toy_copy.solution_path("00_toy").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"00_toy\.ipynb is not a readable notebook"):
        release.main(course=toy_copy)


# --------------------------------------------------------------------------- the real course


def test_repository_notebooks_are_exactly_what_release_produces(capsys: pytest.CaptureFixture[str]) -> None:
    course = dataclasses.replace(default_course(REPO))
    slugs = course.slugs()
    assert slugs, "the course has no solution notebooks with a manifest"
    status = release.main(course=course, check=True)
    assert status == 0, capsys.readouterr().out
    released = sorted(p.stem for p in course.notebooks_dir.glob("*.ipynb"))
    assert released == slugs


def test_defined_names_are_the_cells_top_level_bindings() -> None:
    source = (
        "import numpy.linalg as la, os.path\n"
        "from math import pi as PI\n"
        "a, (b, c) = 1, (2, 3)\n"
        "for i in range(3):\n    total = i\n"
        "with open(__file__) as handle:\n    pass\n"
        "if True:\n    flag = 1\n"
        "kept = [y for x in range(3) if (y := x)]\n"
        "def f(arg):\n    inner = arg\n    return inner\n"
        "class K:\n    attr = 1\n"
        "g = lambda z: z\n"
        "%matplotlib inline\n"
    )
    assert release._defined_names(source) == {
        "la", "os", "PI", "a", "b", "c", "i", "total", "handle", "flag", "kept", "y", "f", "K", "g",
    }  # fmt: skip
