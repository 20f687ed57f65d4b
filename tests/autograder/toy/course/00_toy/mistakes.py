"""Known mistakes of the toy notebook (each a one-place edit of a solution cell)."""

from __future__ import annotations

from autograder.spec import Mistake

MISTAKES: list[Mistake] = [
    Mistake(
        id="double_float",
        questions=("q1",),
        cell="q1_double",
        old="return 2 * x",
        new="return 2.0 * x",
        title="multiplies by a float",
        hint="Integer input should give integer output: what is the dtype of 2.0 * 3?",
    ),
    Mistake(
        id="clip_no_nan_check",
        questions=("q2",),
        cell="q2_clip01",
        old='    if np.isnan(x).any():\n        raise ValueError("x contains NaN")\n',
        new="",
        title="does not reject NaN",
        hint="What should happen when the input contains NaN? Read the question again.",
    ),
    Mistake(
        id="clip_no_upper",
        questions=("q2",),
        cell="q2_clip01",
        old="np.clip(x, 0.0, 1.0)",
        new="np.maximum(x, 0.0)",
        title="forgets the upper bound",
        hint="Values above 1 must be clipped too.",
    ),
    Mistake(
        id="answer_xor",
        questions=("q3",),
        cell="q3_answer",
        old="2 ** 10",
        new="2 ^ 10",
        title="uses ^ for a power",
        hint="In Python, ^ is bitwise exclusive or; the power operator is **.",
    ),
]
