"""Tests of autograder.verify's static demo-cell check: what a later cell reads from a demo cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import release, scaffold, verify
from autograder.spec import Course


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        # a name bound before it is read is not a read; one read first is
        ("t = 1\nprint(t)", {"print"}),
        ("print(t)\nt = 1", {"print", "t"}),
        ("x = x + 1", {"x"}),
        # the demo pattern: bindings inside a with block count, in order
        ('with demo("a"):\n    fig, ax = plt.subplots()\n    ax.plot(y)', {"demo", "plt", "y"}),
        # a function's parameters and locals are not reads, its globals are
        ("def f(a):\n    b = a + c\n    return [k * d for k in b]", {"c", "d"}),
        ("g = lambda u: u * scale", {"scale"}),
        # a loop target is bound inside the loop
        ("for i in range(3):\n    j = i + w", {"range", "w"}),
        ("%matplotlib inline\nimport numpy as np\nnp.sin(q)", {"q"}),
    ],
)
def test_global_reads(source: str, reads: set[str]) -> None:
    assert verify._global_reads(source) == reads


def _course_with_demo(tmp_path: Path, demo: str, later: str) -> tuple[Course, str]:
    for folder in ("solutions", "notebooks", "autograder/course", "quantkit/checks/refs"):
        (tmp_path / folder).mkdir(parents=True)
    course = Course(
        root=tmp_path,
        spec_dir=tmp_path / "autograder" / "course",
        public_refs_dir=tmp_path / "quantkit" / "checks" / "refs",
    )
    slug = "06_rounding"
    scaffold.write_skeleton(course, slug, "Rounding")
    path = course.solution_path(slug)
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(demo)
    cell.metadata["tags"] = ["demo"]
    nb.cells += [cell, nbformat.v4.new_code_cell(later)]
    nbformat.write(nb, path)
    assert release.main(course=course, slugs=[slug]) == 0
    return course, slug


def _demo_row(course: Course, slug: str) -> verify.CheckRow:
    return next(r for r in verify.static_checks(course, slug).rows if r.check == "demo cells")


def test_a_demo_cell_whose_name_a_later_cell_reads_is_refused(tmp_path: Path) -> None:
    course, slug = _course_with_demo(tmp_path, "level = 3\nprint(level)", "print(level + 1)")
    row = _demo_row(course, slug)
    assert not row.ok and "defines ['level'], used later" in row.detail


def test_a_name_the_later_cell_binds_first_or_keeps_local_is_fine(tmp_path: Path) -> None:
    later = "level = 5\nprint(level)\n\ndef f(x):\n    fig = x\n    return fig\n"
    course, slug = _course_with_demo(tmp_path, "level = 3\nfig = 1\nprint(level, fig)", later)
    assert _demo_row(course, slug).ok
