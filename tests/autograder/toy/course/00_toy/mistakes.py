"""Known mistakes of the toy notebook, by the solution cell each one edits."""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {
    "q1_double": [
        M("double_float", "return 2 * x", "return 2.0 * x", "multiplies by a float",
          "Integer input should give integer output: what is the dtype of 2.0 * 3?"),
    ],
    "q2_clip01": [
        M("clip_no_nan_check", '    if np.isnan(x).any():\n        raise ValueError("x contains NaN")\n', "",
          "does not reject NaN", "What should happen when the input contains NaN? Read the question again."),
        M("clip_no_upper", "np.clip(x, 0.0, 1.0)", "np.maximum(x, 0.0)", "forgets the upper bound",
          "Values above 1 must be clipped too."),
    ],
    "q3_value": [
        M("answer_xor", "2 ** 10", "2 ^ 10", "uses ^ for a power",
          "In Python, ^ is bitwise exclusive or; the power operator is **."),
    ],
}
