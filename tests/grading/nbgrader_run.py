"""Run the real nbgrader as an instructor would, with the shipped ``autograder/nbgrader_config.py``.

Shared by tests/autograder/test_nbgrader_path.py (the toy course) and
tests/grading/test_nbgrader_mistakes.py (notebook 01 with every known mistake). Neither folder is a
package (pytest runs with ``--import-mode=importlib``), so both load this file by path.

An nbgrader course folder is ``source/<assignment>/<assignment>.ipynb`` (the solution),
``submitted/<student>/<assignment>/<assignment>.ipynb``; ``nbgrader generate_assignment`` writes
``release/`` and the gradebook, ``nbgrader autograde`` writes ``autograded/`` and the scores.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def config_path() -> Path:
    """The shipped nbgrader configuration, ``autograder/nbgrader_config.py``."""
    import autograder

    return Path(autograder.__file__).resolve().parent / "nbgrader_config.py"


def nbgrader(course_dir: Path, *args: str, spec_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in ``course_dir`` with the shipped config copied in as ``nbgrader_config.py``.

    Parameters
    ----------
    course_dir : Path
        The nbgrader course folder (the working directory).
    *args : str
        nbgrader's arguments (``"autograde", "00_toy"``).
    spec_dir : Path
        The course's spec folder, given to the hidden-test hook through
        :data:`autograder.nbgrader_hook.SPEC_DIR_ENV`.

    Returns
    -------
    subprocess.CompletedProcess
        Its output; an ``AssertionError`` with the output if nbgrader failed.
    """
    from autograder.nbgrader_hook import SPEC_DIR_ENV

    shutil.copy(config_path(), course_dir / "nbgrader_config.py")
    env = dict(os.environ)
    # nbgrader runs `alembic` (its gradebook migrations) from PATH: the virtual environment's bin.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env[SPEC_DIR_ENV] = str(spec_dir)
    env.pop("QUANTKIT_GRADING", None)  # the config must set it itself
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    assert done.returncode == 0, f"nbgrader {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done


def new_course(course_dir: Path, assignment: str, solution: Path, spec_dir: Path) -> Path:
    """Make an nbgrader course folder holding ``solution`` as the source and run generate_assignment."""
    source = course_dir / "source" / assignment
    source.mkdir(parents=True)
    shutil.copy(solution, source / f"{assignment}.ipynb")
    nbgrader(course_dir, "generate_assignment", assignment, spec_dir=spec_dir)
    return course_dir


def submit(course_dir: Path, assignment: str, notebooks: Mapping[str, str | bytes]) -> list[str]:
    """Write ``submitted/<student>/<assignment>/<assignment>.ipynb`` for each student; return them sorted."""
    for student, content in notebooks.items():
        folder = course_dir / "submitted" / student / assignment
        folder.mkdir(parents=True)
        path = folder / f"{assignment}.ipynb"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return sorted(notebooks)


def gradebook_scores(
    course_dir: Path, assignment: str, students: Iterable[str], questions: Iterable[Any]
) -> dict[str, dict[str, float | None]]:
    """Student -> question id -> the auto score nbgrader recorded for the question's grade id.

    ``questions`` are :class:`autograder.spec.Question` objects (their ``id`` and ``grade_id``).
    """
    from nbgrader.api import Gradebook

    questions = list(questions)
    scores: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        for student in students:
            scores[student] = {
                q.id: gb.find_grade(q.grade_id, assignment, assignment, student).auto_score for q in questions
            }
    return scores
