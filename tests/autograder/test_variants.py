"""Tests of autograder.variants.apply_mistake on the toy course's catalogue."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from autograder.spec import Course, Mistake
from autograder.variants import MistakeError, apply_mistake

TOY = Path(__file__).resolve().parent / "toy"
TOY_COURSE = Course(root=TOY, spec_dir=TOY / "course", public_refs_dir=TOY / "public_refs")


@pytest.fixture
def solution() -> nbformat.NotebookNode:
    return nbformat.read(TOY_COURSE.solution_path("00_toy"), as_version=4)


def _source(nb: nbformat.NotebookNode, gid: str) -> str:
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


@pytest.mark.parametrize("mistake", TOY_COURSE.mistakes("00_toy"), ids=lambda m: m.id)
def test_every_toy_mistake_applies_to_its_cell_only(
    solution: nbformat.NotebookNode, mistake: Mistake
) -> None:
    before = copy.deepcopy(solution)
    variant = apply_mistake(solution, mistake)
    assert solution == before  # the input is not modified
    for cell, original in zip(variant.cells, solution.cells, strict=True):
        gid = original.metadata.get("nbgrader", {}).get("grade_id")
        if gid == mistake.cell:
            assert cell.source == original.source.replace(mistake.old, mistake.new)
            assert cell.source != original.source
        else:
            assert cell == original


def _mistake(**kw: str) -> Mistake:
    base = dict(
        id="m", question="q1", cell="q1_double", old="return 2 * x", new="return x", title="t", hint="h"
    )
    base.update(kw)
    return Mistake(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        (_mistake(cell="nope"), "has 0 cells with grade id 'nope'"),
        (_mistake(old="return 3 * x"), "occurs 0 times"),
        (_mistake(old="x"), "occurs [2-9] times"),
        (_mistake(old=""), "empty"),
    ],
)
def test_mistakes_that_do_not_apply(solution: nbformat.NotebookNode, mistake: Mistake, words: str) -> None:
    with pytest.raises(MistakeError, match=words):
        apply_mistake(solution, mistake)


def test_a_mistake_must_be_a_mistake(solution: nbformat.NotebookNode) -> None:
    with pytest.raises(TypeError, match=r"autograder\.spec\.Mistake"):
        apply_mistake(solution, {"id": "m"})  # type: ignore[arg-type]
