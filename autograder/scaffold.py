"""``quantgrade new SLUG --title TITLE``: a working skeleton of a new notebook, like nbgrader's quickstart.

It writes, and refuses to overwrite:

====================================================  =================================================
``solutions/<slug>.ipynb``                            the nbgrader source notebook: title, locked set-up
                                                      cell, one graded function (``round_to_step``) with
                                                      its test cell, a written answer with its rubric
``autograder/course/<slug>/manifest.toml``            the two questions and their points
``autograder/course/<slug>/cases.py``                 one group of public and hidden cases
``autograder/course/<slug>/mistakes.py``              three known mistakes with hints
``autograder/course/<slug>/hidden_tests.py``          one property test with partial credit
``autograder/course/<slug>/styles/*.py``              three correct styles
====================================================  =================================================

then releases the notebook (``notebooks/<slug>.ipynb``) and generates its references, so that
``quantgrade verify <slug>`` passes straight away. Replace the example by the real questions, one at a
time, running ``quantgrade verify <slug>`` after each (docs/adding-a-notebook.md walks through it).
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat import v4

from autograder.release import render
from autograder.spec import Course, default_course

__all__ = ["ScaffoldError", "main", "write_skeleton"]

_SLUG = re.compile(r"^[0-9]{2}_[a-z][a-z0-9_]*$")


class ScaffoldError(ValueError):
    """The skeleton cannot be written (a bad slug, or files that already exist)."""


def _meta(**fields: object) -> dict[str, object]:
    base = {"grade": False, "locked": False, "solution": False, "schema_version": 3, "task": False}
    base.update(fields)
    return {"nbgrader": base}


def _code(source: str, cell_id: str, **meta: object) -> nbformat.NotebookNode:
    cell = v4.new_code_cell(textwrap.dedent(source).strip("\n"), metadata=_meta(**meta) if meta else {})
    cell["id"] = cell_id
    return cell


def _markdown(source: str, cell_id: str, **meta: object) -> nbformat.NotebookNode:
    cell = v4.new_markdown_cell(textwrap.dedent(source).strip("\n"), metadata=_meta(**meta) if meta else {})
    cell["id"] = cell_id
    return cell


def skeleton_notebook(slug: str, title: str) -> nbformat.NotebookNode:
    """The solution notebook of the skeleton (nbgrader source format)."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        _markdown(
            f"""
            # {slug[:2]} · {title}

            **Learning objectives.** After this notebook you can round values to a grid of step $\\Delta$.

            **Estimated time:** 20–30 minutes.

            **How this notebook works.** Run the cells from top to bottom. Cells marked **(graded)** ask you
            to write a function; the cell after each one runs public self-checks with `check(...)`, which
            raises when a public case fails. There are 3 points: 2 graded automatically, 1 for a written
            answer.
            """,
            "title",
        ),
        _code(
            f"""
            import numpy as np
            import matplotlib.pyplot as plt
            from quantkit.checks import checker

            check = checker("{slug}")
            """,
            "setup",
            grade_id="setup",
            locked=True,
        ),
        _markdown(
            """
            ### q1 (graded, 2 points): `round_to_step(x, step)`

            Write `round_to_step(x, step)` returning $\\Delta \\lfloor x / \\Delta + \\tfrac12 \\rfloor$
            (ties round **up**, as the textbook mid-tread formula), a float array with the shape of `x`.
            It raises `ValueError` when `step` is not positive.
            """,
            "q1_text",
        ),
        _code(
            '''
            def round_to_step(x, step):
                """Round ``x`` to the nearest multiple of ``step``; ties round up.

                Parameters
                ----------
                x : float or array_like
                    Values, any shape.
                step : float
                    The grid's step, positive.

                Returns
                -------
                numpy.ndarray of float64
                    ``step * floor(x / step + 1/2)``, with the shape of ``x``.

                Raises
                ------
                ValueError
                    If ``step`` is not positive.
                """
                ### BEGIN SOLUTION
                if not step > 0:
                    raise ValueError(f"step must be positive, got {step!r}")
                return step * np.floor(np.asarray(x, dtype=np.float64) / step + 0.5)
                ### END SOLUTION
            ''',
            "q1_round_to_step",
            grade_id="q1_round_to_step",
            solution=True,
        ),
        _code(
            f"""
            \"\"\"Check round_to_step on the public cases (q1).\"\"\"
            check("q1", round_to_step)
            ### BEGIN HIDDEN TESTS
            from autograder.nbgrader_hook import hidden_score
            hidden_score("{slug}", "q1", globals())
            ### END HIDDEN TESTS
            """,
            "q1_tests",
            grade_id="q1_tests",
            grade=True,
            locked=True,
            points=2,
        ),
        _markdown(
            """
            ### q2 (written, 1 point): why round ties up?

            In one or two sentences: what would change if ties rounded half to even instead?
            """,
            "q2_text",
        ),
        _markdown(
            """
            Half to even sends $0.5\\Delta$ to $0$ and $1.5\\Delta$ to $2\\Delta$: ties no longer all move
            the same way, so the mean error over many ties is zero instead of $+\\Delta/2$.

            === BEGIN MARK SCHEME ===
            1 point: says that half to even rounds ties alternately down and up (to the even multiple), and
            that this removes the bias of always rounding up. Half a point for the rule without the bias.
            === END MARK SCHEME ===
            """,
            "q2_answer",
            grade_id="q2_answer",
            grade=True,
            solution=True,
            points=1,
        ),
    ]
    return nb


_MANIFEST = """\
# Notebook {slug}: {title}. Points live here only (`quantgrade release` writes them into the notebooks).
slug = "{slug}"
title = "{title}"
partial_step = 0.25

[[questions]]
id = "q1"
title = "round to a grid"
names = ["round_to_step"]
points = 2

[[questions]]
id = "q2"
title = "why round ties up"
points = 1
"""

_CASES = '''\
"""Cases of notebook {slug}: inputs on which its graded names are compared with the solution.

Steps are powers of two, so every tie (x / step exactly half-way) is exact in binary floating point.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases, stable_rng

cases = Cases()
rng = stable_rng(1)

r = cases.group("round_to_step", points=1,
                doc="round_to_step agrees with the reference on ties, signs and shapes")
r.public("halves", "ties at half a step round up", np.array([0.5, 1.5, -0.5, -1.5]), 1.0)
r.public("quarter_step", "a step of 0.25", np.array([0.1, 0.2, -0.3]), 0.25)
r.public("bad_step", "step = 0 raises ValueError", 1.0, 0.0)
r.hidden("ties", "ties round up, where half to even would round down", np.array([0.125, 0.625, -0.375]), 0.25)
r.hidden("negative_ties", "negative ties round up too", np.array([-2.5, -0.25, -0.125]), 0.25)
r.hidden("matrix", "a 2-D array keeps its shape", np.array([[0.3, 0.7], [1.1, -1.1]]), 0.5)
r.hidden("scalar", "a scalar gives a 0-d array", 2.3, 2.0)
r.hidden("random", "random values on a step of 1/8", rng.uniform(-4.0, 4.0, 50), 0.125)
r.hidden("negative_step", "a negative step raises ValueError", 1.0, -1.0)
'''

_MISTAKES = '''\
"""Known mistakes of notebook {slug}, by the solution cell each one edits."""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {{
    "q1_round_to_step": [
        M("round_half_even", "np.floor(np.asarray(x, dtype=np.float64) / step + 0.5)",
          "np.round(np.asarray(x, dtype=np.float64) / step)", "np.round rounds ties half to even",
          "np.round(0.5) is 0.0: the question rounds ties up. Where does the + 1/2 go?"),
        M("floor_only", " + 0.5)", ")", "floor without the half step",
          "Rounding to the nearest multiple is floor(u + 1/2), not floor(u)."),
        M("no_validation",
          "    if not step > 0:\\n        raise ValueError(f\\"step must be positive, got {{step!r}}\\")\\n",
          "", "accepts a step that is not positive", "What should step = 0 do? Read the question again."),
    ],
}}
'''

_HIDDEN = '''\
"""Hidden property tests of notebook {slug} (the reference comparisons are the groups of cases.py)."""

from __future__ import annotations

import numpy as np

from autograder.testing import prefetched, question


@question("q1", points=1)
def test_round_to_step_properties(student, credit):
    """The result is on the grid, within half a step of x, and rounding twice changes nothing."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-10.0, 10.0, 500)
    steps = (1.0, 0.5, 2.0**-6)
    with prefetched(student, [("round_to_step", (x, s), {{}}) for s in steps]):
        for step in steps:
            with credit.part():
                y = np.asarray(student.call("round_to_step", x, step), dtype=np.float64)
                assert y.shape == x.shape, "round_to_step should keep the shape of x"
                assert np.all(np.abs(y - x) <= step / 2 + 1e-12), "the result is more than half a step from x"
                assert np.array_equal(y / step, np.round(y / step)), "the result is not on the grid"
                again = np.asarray(student.call("round_to_step", y, step), dtype=np.float64)
                assert np.array_equal(again, y), "rounding twice should change nothing"
'''

_STYLES = {
    "loops": (
        "Correct answers written as a plain Python loop over the flattened input.",
        '''def round_to_step(x, step):
    """A loop, element by element."""
    import math

    if not step > 0:
        raise ValueError("step must be positive")
    a = np.asarray(x, dtype=np.float64)
    out = np.empty(a.shape)
    for i, v in enumerate(a.flat):
        out.flat[i] = step * math.floor(v / step + 0.5)
    return out''',
    ),
    "ceil": (
        "Correct answers with another formula: -ceil(-u - 1/2) rounds ties up too.",
        '''def round_to_step(x, step):
    """floor(u + 1/2) = -ceil(-u - 1/2)."""
    if step <= 0:
        raise ValueError(f"bad step {step}")
    u = np.asarray(x, dtype=np.float64) / step
    return -np.ceil(-u - 0.5) * step''',
    ),
    "remainder": (
        "Correct answers from the remainder: subtract x mod step, add a step when past the middle.",
        '''def round_to_step(x, step):
    """x - (x mod step), plus one step where the remainder is at least half a step."""
    if not (isinstance(step, (int, float)) and step > 0):
        raise ValueError("step must be a positive number")
    x = np.asarray(x, dtype=np.float64)
    k = np.floor(x / step)
    r = x / step - k
    return (k + (r >= 0.5)) * step''',
    ),
}


def write_skeleton(course: Course, slug: str, title: str) -> list[Path]:
    """Write the skeleton's files (see the module docstring) and return them.

    Raises
    ------
    ScaffoldError
        If the slug is not ``NN_words`` or any of the files exists already.
    """
    if not _SLUG.match(slug):
        raise ScaffoldError(f"slug {slug!r} must look like 06_vector_quantization (2 digits, _, lower case)")
    if not title.strip() or '"' in title:
        raise ScaffoldError("the title must be non-empty and hold no double quote")
    spec = course.spec_dir / slug
    files = {
        course.solution_path(slug): render(skeleton_notebook(slug, title)),
        spec / "manifest.toml": _MANIFEST.format(slug=slug, title=title),
        spec / "cases.py": _CASES.format(slug=slug),
        spec / "mistakes.py": _MISTAKES.format(slug=slug),
        spec / "hidden_tests.py": _HIDDEN.format(slug=slug),
    }
    for name, (doc, source) in _STYLES.items():
        body = "CELLS = {\n    \"q1_round_to_step\": '''\n" + source + "\n''',\n}\n"
        files[spec / "styles" / f"{name}.py"] = f'"""{doc}"""\n\n' + body
    existing = [str(p) for p in files if p.exists()]
    if existing or course.release_path(slug).exists():
        raise ScaffoldError(f"{slug} exists already: {', '.join(existing) or course.release_path(slug)}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return list(files)


def main(*, course: Course | None = None, slug: str, title: str) -> int:
    """Write the skeleton, release it and generate its references; print what to do next.

    Returns
    -------
    int
        0 when done, 1 when the skeleton could not be written or its references not generated.
    """
    from autograder import refs, release

    course = course or default_course()
    try:
        written = write_skeleton(course, slug, title)
    except ScaffoldError as exc:
        print(f"quantgrade new: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    release.main(course=course, slugs=[slug])
    status = refs.main(course=course, slugs=[slug])
    if status == 0:
        print(f"next: `quantgrade verify {slug}`, then replace the example question by your own "
              "(docs/adding-a-notebook.md)")
    return status
