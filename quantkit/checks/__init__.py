"""Public self-checks: run a question's public cases in the notebook and explain what went wrong.

Every notebook's set-up cell creates the checker, and each test cell calls it::

    from quantkit.checks import checker

    check = checker("01_sampling_quantization")
    ...
    check("q3", quantize_indices, dequantize)   # functions, matched by name
    check("q5", sqnr_slope=sqnr_slope)          # values, by keyword

A check compares type, then shape, then dtype kind, then values, with the public reference outputs
in ``quantkit/checks/refs/<slug>.json``; it prints one green line when the public cases pass, or the
first failing case (expected vs got) and the hint of any known mistake the output matches, and then
raises :class:`CheckFailed`. With ``QUANTKIT_GRADING=1`` (set by the grader) it never raises. Passing
the public cases does not mean the work is correct: the graded tests check more.

Cells that only use a student's function (figures, optional exercises) wrap their body in
``with demo("this figure"):`` so that a stub prints one polite line instead of stopping *Run All*
(:func:`demo`).
"""

from quantkit.checks._checker import Checker, CheckFailed, CheckUsageError, check_result, checker, grading
from quantkit.checks._demo import demo
from quantkit.checks._ipython import install_not_implemented_handler
from quantkit.checks._render import as_html, as_text
from quantkit.checks._run import CaseFailure, CheckResult

__all__ = [
    "CaseFailure",
    "CheckFailed",
    "CheckResult",
    "CheckUsageError",
    "Checker",
    "as_html",
    "as_text",
    "check_result",
    "checker",
    "demo",
    "grading",
    "install_not_implemented_handler",
]
