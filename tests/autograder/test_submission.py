"""Tests of autograder.submission: finding, reading and restoring submissions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from autograder.spec import Course
from autograder.submission import (
    SubmissionError,
    answer_text,
    find_submissions,
    grade_id,
    read_submission,
    restore,
    submission_from_path,
)

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")


@pytest.fixture
def released() -> nbformat.NotebookNode:
    return nbformat.read(TOY_COURSE.release_path("00_toy"), as_version=4)


def _ids(nb: nbformat.NotebookNode) -> list[str | None]:
    return [grade_id(c) for c in nb.cells]


def _cell(nb: nbformat.NotebookNode, gid: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if grade_id(c) == gid)


def _write(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- finding


def test_find_plain_layout(tmp_path: Path) -> None:
    _write(tmp_path / "bob" / "00_toy.ipynb")
    _write(tmp_path / "alice" / "00_toy.ipynb")
    _write(tmp_path / "alice" / "notes.ipynb")  # not a course notebook
    _write(tmp_path / "alice" / ".ipynb_checkpoints" / "00_toy-checkpoint.ipynb")
    _write(tmp_path / ".hidden" / "00_toy.ipynb")
    found = find_submissions(tmp_path, TOY_COURSE)
    assert [(s.student, s.slug) for s in found] == [("alice", "00_toy"), ("bob", "00_toy")]
    assert found[0].path == tmp_path / "alice" / "00_toy.ipynb"


def test_find_nbgrader_layout(tmp_path: Path) -> None:
    _write(tmp_path / "submitted" / "carol" / "ps0" / "00_toy.ipynb")
    _write(tmp_path / "submitted" / "dave" / "ps0" / "00_toy.ipynb")
    found = find_submissions(tmp_path, TOY_COURSE)
    assert [(s.student, s.slug) for s in found] == [("carol", "00_toy"), ("dave", "00_toy")]
    # Pointing at submitted/ itself works as well.
    assert [s.student for s in find_submissions(tmp_path / "submitted", TOY_COURSE)] == ["carol", "dave"]


def test_find_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_submissions(tmp_path / "nope", TOY_COURSE)


def test_submission_from_path() -> None:
    assert submission_from_path(Path("/x/submitted/erin/ps0/00_toy.ipynb")).student == "erin"
    sub = submission_from_path(Path("/x/frank/00_toy.ipynb"))
    assert (sub.student, sub.slug) == ("frank", "00_toy")


# ------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "no list of cells"),
        (b'{"cells": "nope"}', "no list of cells"),
        (
            b'{"cells": [], "nbformat": 99, "nbformat_minor": 0, "metadata": {}}',
            "nbformat 99 notebook",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "00_toy.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=words):
        read_submission(path)


def test_too_large_and_missing(tmp_path: Path) -> None:
    path = _write(tmp_path / "00_toy.ipynb", "x" * 100)
    with pytest.raises(SubmissionError, match="larger than the limit of 10"):
        read_submission(path, max_bytes=10)
    with pytest.raises(SubmissionError, match="not a file"):
        read_submission(tmp_path / "missing.ipynb")


def test_symlinked_submissions_are_refused(tmp_path: Path) -> None:
    # A link (kept by an unpacked archive, say) would grade the solution, or another student's work,
    # as this student's.
    solution = TOY / "solutions" / "00_toy.ipynb"
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "00_toy.ipynb").symlink_to(solution)
    (tmp_path / "submitted" / "bob").mkdir(parents=True)
    (tmp_path / "submitted" / "bob" / "ps0").symlink_to(solution.parent, target_is_directory=True)
    found = find_submissions(tmp_path, TOY_COURSE)
    assert [(s.student, s.slug) for s in found] == [("alice", "00_toy"), ("bob", "00_toy")]
    for sub in found:
        with pytest.raises(SubmissionError, match="symbolic link"):
            read_submission(sub.path)
    read_submission(solution)  # the file itself is a fine notebook


def test_read_normalises_odd_cells(tmp_path: Path, released: nbformat.NotebookNode) -> None:
    raw = json.loads(nbformat.writes(released))
    raw["cells"][1]["source"] = ["import numpy as np\n", "x = 1"]
    raw["cells"][1]["metadata"]["nbgrader"] = "garbage"
    raw["cells"].append({"cell_type": "weird", "source": "?"})
    raw["cells"].append("not even a dict")
    path = _write(tmp_path / "00_toy.ipynb", json.dumps(raw))
    nb = read_submission(path)
    assert len(nb.cells) == len(released.cells)
    assert nb.cells[1].source == "import numpy as np\nx = 1"
    assert "nbgrader" not in nb.cells[1].metadata
    assert all(c.get("outputs", []) == [] for c in nb.cells)


# ----------------------------------------------------------------------------------------- restoring


def test_untouched_release_restores_nothing(released: nbformat.NotebookNode) -> None:
    nb, notes = restore(copy.deepcopy(released), released)
    assert _ids(nb) == _ids(released)
    assert [c.source for c in nb.cells] == [c.source for c in released.cells]
    assert notes == []


def test_deleted_edited_and_moved_cells_are_restored(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    _cell(sub, "q1_double").source = "def double(x):\n    return x + x"
    _cell(sub, "q4_answer").source = "Because 2 is an int."
    _cell(sub, "q2_tests").source = "pass  # I removed the check"
    _cell(sub, "q2_tests").metadata["nbgrader"]["points"] = 100
    sub.cells = [c for c in sub.cells if grade_id(c) != "setup"]  # deleted
    q3 = next(i for i, c in enumerate(sub.cells) if grade_id(c) == "q3_tests")
    sub.cells.insert(0, sub.cells.pop(q3))  # moved to the top
    nb, notes = restore(sub, released)
    assert _ids(nb) == _ids(released)
    assert _cell(nb, "setup").source == _cell(released, "setup").source
    assert _cell(nb, "q2_tests").source == _cell(released, "q2_tests").source
    assert _cell(nb, "q2_tests").metadata == _cell(released, "q2_tests").metadata
    assert _cell(nb, "q1_double").source == "def double(x):\n    return x + x"
    assert answer_text(nb, "q4_answer") == "Because 2 is an int."
    assert (
        "restored 2 locked or test cells from the released notebook: "
        "setup (deleted), q2_tests (edited)" in notes
    )
    assert "cells were moved; they were put back in the released order" in notes


def test_solution_cell_metadata_comes_from_the_release(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    cell = _cell(sub, "q1_double")
    cell.metadata["nbgrader"]["points"] = 50
    cell.metadata["nbgrader"]["grade"] = True
    nb, _ = restore(sub, released)
    assert _cell(nb, "q1_double").metadata == _cell(released, "q1_double").metadata


def test_deleted_solution_cell_gets_the_stub_and_a_note(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    sub.cells = [c for c in sub.cells if grade_id(c) != "q2_clip01"]
    nb, notes = restore(sub, released)
    assert _cell(nb, "q2_clip01").source == _cell(released, "q2_clip01").source
    assert "solution or answer cells missing (the released stub was used): q2_clip01" in notes


def test_student_code_cells_stay_after_the_cell_they_followed(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    helper = nbformat.v4.new_code_cell("def helper(x):\n    return x")
    position = _ids(sub).index("q1_double") + 1
    sub.cells.insert(position, helper)
    sub.cells.insert(0, nbformat.v4.new_code_cell("import math"))
    sub.cells.append(nbformat.v4.new_markdown_cell("my notes"))  # markdown extras are not needed
    nb, notes = restore(sub, released)
    sources = [c.source for c in nb.cells]
    assert sources[0] == "import math"
    assert sources[_ids(nb).index("q1_double") + 1] == "def helper(x):\n    return x"
    assert "my notes" not in sources
    assert "the student added 2 code cells; they were run too" in notes
    ids = [c.get("id") for c in nb.cells]
    assert len(ids) == len(set(ids))


def test_duplicated_solution_cell_runs_after_the_first(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    first = _cell(sub, "q1_double")
    first.source = "def double(x):\n    return 0"
    second = copy.deepcopy(first)
    second.source = "def double(x):\n    return 2 * x"
    sub.cells.insert(_ids(sub).index("q1_double") + 1, second)
    nb, _ = restore(sub, released)
    index = _ids(nb).index("q1_double")
    assert nb.cells[index].source == "def double(x):\n    return 0"
    assert nb.cells[index + 1].source == "def double(x):\n    return 2 * x"  # the later one wins when run


def test_empty_notebook_becomes_the_release(released: nbformat.NotebookNode) -> None:
    sub = copy.deepcopy(released)
    sub.cells = []
    nb, notes = restore(sub, released)
    assert [c.source for c in nb.cells] == [c.source for c in released.cells]
    assert any("deleted" in n for n in notes)


def test_unlocked_code_cells_without_grade_id_are_matched_by_cell_id(released: nbformat.NotebookNode) -> None:
    rel = copy.deepcopy(released)
    demo = nbformat.v4.new_code_cell("plot_demo()")
    demo["id"] = "demo-plot"
    rel.cells.insert(_ids(rel).index("q1_double"), demo)
    sub = copy.deepcopy(rel)
    next(c for c in sub.cells if c.get("id") == "demo-plot").source = "plot_demo(zoom=2)"
    nb, notes = restore(sub, rel)
    sources = [c.source for c in nb.cells]
    assert sources.count("plot_demo(zoom=2)") == 1  # the student's edit, run once, in place
    assert "plot_demo()" not in sources
    assert not any("added" in n for n in notes)
    # Deleted: the released cell comes back, so later cells that need it still work.
    sub.cells = [c for c in sub.cells if c.get("id") != "demo-plot"]
    nb, _ = restore(sub, rel)
    assert [c.source for c in nb.cells].count("plot_demo()") == 1


def test_read_keeps_cell_ids(tmp_path: Path, released: nbformat.NotebookNode) -> None:
    path = tmp_path / "00_toy.ipynb"
    nbformat.write(released, path)
    assert [c.get("id") for c in read_submission(path).cells] == [c.get("id") for c in released.cells]
