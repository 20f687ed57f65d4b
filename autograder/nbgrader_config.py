"""nbgrader configuration shipped for instructors who grade this course with nbgrader itself.

How to use it
-------------
nbgrader works on a course folder laid out by assignment. Put each solution notebook in its own
assignment folder named after its slug, give nbgrader this configuration, then release and
autograde as usual::

    mkdir -p mycourse/source/01_sampling_quantization
    cp solutions/01_sampling_quantization.ipynb mycourse/source/01_sampling_quantization/
    cp "$(python -c 'import autograder.nbgrader_config as c; print(c.__file__)')" mycourse/nbgrader_config.py
    cd mycourse
    nbgrader generate_assignment 01_sampling_quantization
    # students' work goes in submitted/<student>/01_sampling_quantization/01_sampling_quantization.ipynb
    nbgrader autograde 01_sampling_quantization

Copying the file into the course folder as ``nbgrader_config.py`` is the simplest way: nbgrader reads
that file by itself. To use it in place instead, pass its path without the ``.py`` (nbgrader 0.9 has
no ``--config`` option; this is the Jupyter application setting underneath)::

    nbgrader autograde 01_sampling_quantization --JupyterApp.config_file=/path/to/autograder/nbgrader_config

``generate_assignment`` gives the same student notebook as ``quantgrade release`` (same
preprocessors, same stub; a test checks it); the course's own ``notebooks/`` are made by
``quantgrade release``. The autograding kernels need ``quantkit`` and ``quantkit-autograder``
installed, since each test cell's hidden block imports :mod:`autograder.nbgrader_hook`.

What it sets
------------
- ``CourseDirectory.root``: the current folder; ``source/``, ``release/``, ``submitted/``,
  ``autograded/``, ``feedback/`` inside it (nbgrader's default names).
- ``ClearSolutions.code_stub``: ``# YOUR CODE HERE`` / ``raise NotImplementedError()``, the stub of
  ``quantgrade release`` (:data:`autograder.release.CODE_STUB`).
- ``Execute.timeout``: 30 s per cell, as the hardened grader; ``Execute.interrupt_on_timeout``.
- ``QUANTKIT_GRADING=1`` in the environment, which the autograding kernels inherit, so the public
  ``check()`` calls in test cells print their report but never raise: only the hidden tests, run by
  :func:`autograder.nbgrader_hook.hidden_score` in each test cell's hidden block, decide the points.

Not tamper-proof
----------------
On this path the hidden tests run *inside the student's kernel*, after the student's code, exactly
as nbgrader's own hidden tests do: a student who knows how can redefine what the tests see or print
a score. Use it where you already trust nbgrader. The recommended path is ``quantgrade grade``,
which runs each notebook in a sandboxed kernel and the tests in the grader's own process.

This file is executed by traitlets as Python, with ``c`` (the configuration) in its namespace.
"""

from __future__ import annotations

import os
from typing import Any

#: Seconds a single cell may run during ``nbgrader autograde`` (the hardened grader's default too).
CELL_TIMEOUT = 30

#: Same text as :data:`autograder.release.CODE_STUB` (kept literal so this file also works when
#: copied somewhere autograder cannot be imported from; a test checks the two agree).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def configure(c: Any) -> None:
    """Fill an nbgrader (traitlets) configuration object ``c`` and export ``QUANTKIT_GRADING=1``."""
    c.CourseDirectory.root = os.getcwd()
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    c.Execute.timeout = CELL_TIMEOUT
    c.Execute.interrupt_on_timeout = True
    # Kernels started by nbgrader inherit this process's environment.
    os.environ["QUANTKIT_GRADING"] = "1"


if "get_config" in globals():  # loaded by nbgrader / traitlets as a configuration file
    configure(get_config())  # noqa: F821 - traitlets puts get_config in the file's namespace
