"""The demo class: a small, deterministic set of submissions to try the grader on.

For every notebook of the course, :func:`build_demo_class` writes ``out/<student>/<slug>.ipynb`` for

==========================  ==================================================================
``alice_correct``           the solution, as a student would hand it in (solution code in place,
                            hidden tests and mark schemes gone, no outputs: graders run it)
``mistake_<id>``            the same with one known mistake of ``mistakes.py`` applied (through
                            :func:`autograder.variants.apply_mistake`)
``blank``                   the released notebook, untouched
``broken_file``             a notebook cut off halfway (not JSON)
``endless_loop``            the correct submission with ``while True: pass`` at the top of its
                            first solution cell (the per-cell timeout must stop it)
==========================  ==================================================================

``make grade`` builds it into ``grading-out/demo-class`` and grades it. The same files come out
every time; an existing folder is only replaced if it holds nothing but demo students.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbformat import NotebookNode

from autograder.release import read_source, release_notebook, render
from autograder.spec import Course, default_course

__all__ = ["FIXED_STUDENTS", "build_demo_class", "main", "submission_from_solution"]

#: Students every notebook has, besides one ``mistake_<id>`` per known mistake.
FIXED_STUDENTS = ("alice_correct", "blank", "broken_file", "endless_loop")

_ENDLESS = "while True:  # demo class: an endless loop the grader's cell timeout must stop\n    pass\n"


def _is_demo_student(name: str) -> bool:
    """Whether a folder name is one this module writes (mistakes come and go with the catalogue)."""
    return name in FIXED_STUDENTS or name.startswith("mistake_")


def _is_demo_folder(path: Path) -> bool:
    """Whether ``path`` is a demo student's folder a previous build wrote, safe to remove.

    A real folder (not a symbolic link, which may lead anywhere) with a demo student's name that
    holds only notebook files: a folder with anything else in it is somebody's, not ours.
    """
    if path.is_symlink() or not path.is_dir() or not _is_demo_student(path.name):
        return False
    return all(f.suffix == ".ipynb" and f.is_file() and not f.is_symlink() for f in path.iterdir())


def _is_solution(cell: NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def _answer_text(cell: NotebookNode) -> str:
    """A solution cell's content without the solution marker lines and any mark-scheme region.

    Line-based, as nbgrader's own ``ClearSolutions`` and ``ClearMarkScheme`` find their delimiters.
    """
    lines: list[str] = []
    in_scheme = False
    for line in cell.source.split("\n"):
        if "BEGIN MARK SCHEME" in line:
            in_scheme = True
        elif "END MARK SCHEME" in line:
            in_scheme = False
        elif not in_scheme and "BEGIN SOLUTION" not in line and "END SOLUTION" not in line:
            lines.append(line)
    return "\n".join(lines).strip("\n")


def submission_from_solution(source_nb: NotebookNode) -> NotebookNode:
    """The notebook a student who solved everything like ``source_nb`` would hand in.

    Parameters
    ----------
    source_nb : NotebookNode
        A solution notebook (nbgrader source format), possibly with a known mistake applied.

    Returns
    -------
    NotebookNode
        The released notebook with every solution cell holding the solution's text (markers and
        mark schemes removed); hidden tests gone, no outputs, the released metadata and cell ids.
    """
    released = release_notebook(source_nb)
    for source_cell, cell in zip(source_nb.cells, released.cells, strict=True):
        if _is_solution(source_cell):
            cell.source = _answer_text(source_cell)
    return released


def _students(course: Course, slug: str) -> dict[str, str]:
    """Student name → notebook text for one notebook, in a fixed order."""
    from autograder.variants import apply_mistake

    solution = read_source(course.solution_path(slug))
    correct = submission_from_solution(solution)
    correct_text = render(correct)
    students = {"alice_correct": correct_text}
    for mistake in course.mistakes(slug):
        students[f"mistake_{mistake.id}"] = render(submission_from_solution(apply_mistake(solution, mistake)))
    students["blank"] = render(release_notebook(solution))
    students["broken_file"] = correct_text[: len(correct_text) // 2]
    looping = submission_from_solution(solution)
    for cell in looping.cells:
        if cell.cell_type == "code" and _is_solution(cell):
            cell.source = _ENDLESS + cell.source
            break
    else:
        raise ValueError(f"{slug} has no solution code cell to put the endless loop in")
    students["endless_loop"] = render(looping)
    return students


def build_demo_class(out: str | Path, course: Course | None = None) -> list[Path]:
    """Write the demo class to ``out/<student>/<slug>.ipynb`` and return the files written.

    Parameters
    ----------
    out : str or Path
        Folder to write. Created if missing; if it exists it may hold only demo student folders
        (``alice_correct``, ``mistake_*``, ...: a previous demo class, each a real folder holding
        only ``.ipynb`` files), which are all removed first, so no stale submission survives.
    course : autograder.spec.Course, optional
        The course; default :func:`autograder.spec.default_course`.

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    ValueError
        If ``out`` holds anything that is not a demo student folder (it is then left untouched).
    """
    course = course if course is not None else default_course()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} exists and is not a folder")
    slugs = course.slugs()
    if not slugs:
        raise ValueError(f"the course at {course.root} has no notebooks (solutions/ with a manifest)")
    classes = {slug: _students(course, slug) for slug in slugs}
    if out.is_dir():
        strangers = sorted(p.name for p in out.iterdir() if not _is_demo_folder(p))
        if strangers:
            raise ValueError(
                f"{out} holds files that are not demo submissions ({', '.join(strangers[:5])}); "
                "choose an empty or new folder"
            )
        for entry in out.iterdir():
            shutil.rmtree(entry)
    written: list[Path] = []
    for slug, students in classes.items():
        for name, text in students.items():
            path = out / name / f"{slug}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
    return sorted(written)


def main(*, out: str | Path, course: Course | None = None) -> int:
    """Build the demo class into ``out`` and say what was written; return 0.

    Parameters
    ----------
    out : str or Path
        Folder to write (see :func:`build_demo_class`).
    course : autograder.spec.Course, optional
        The course; default :func:`autograder.spec.default_course`.
    """
    written = build_demo_class(out, course)
    students = sorted({p.parent.name for p in written})
    print(f"demo class: {len(written)} submissions from {len(students)} students in {out}")
    for name in students:
        print(f"  {name}")
    return 0
