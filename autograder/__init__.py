"""The instructor side of the course: release, references, verification, grading and reports.

Modules, by layer (docs/architecture.md is the contract; docs/adding-a-notebook.md the walk-through):

Contract
    ``spec``          the course: manifests, grouped cases, mistakes, styles, paths (each fact once)
    ``inputs``        random case inputs that do not move with the NumPy version (``stable_rng``)
    ``results``       what grading produces: one SubmissionResult, one QuestionResult per question
    ``testing``       the hidden-test API: ``@question``, ``credit``, ``@upstream``, ``@follow_through``,
                      the generic reference test per group, and ``run_hidden_tests``
Engine
    ``submission``    reading a submitted notebook and restoring its locked cells
    ``kernel``        sandboxed kernels, their limits and the notebook runner
    ``sandbox``       bubblewrap around a kernel (what is and is not isolated)
    ``proxy``         calling a student's function in its kernel, plain data back (the wire format)
    ``variants``      a known mistake applied to the solution notebook
Commands (one module per verb, each with a keyword-only ``main``)
    ``release``       solutions/ → notebooks/ (and the manifest's points into both)
    ``refs``          the public and hidden reference outputs
    ``verify``        everything a notebook must satisfy, in one table
    ``grade``         grade a folder of submissions; ``report`` writes grades.csv, feedback, the class report
    ``selfcheck``     a self-learner's public checks on their own notebook (``quantgrade check``)
    ``demo``          the demo class
    ``scaffold``      a working skeleton of a new notebook (``quantgrade new``)
nbgrader integration
    ``nbgrader_hook`` the hidden block of every test cell (``hidden_score``); ``nbgrader_config.py``
Command line
    ``cli``           ``quantgrade``, a thin argparse layer over the verbs (``python -m autograder``)
"""

__version__ = "0.1.0"
