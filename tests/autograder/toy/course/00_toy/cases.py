"""Inputs on which the toy notebook's graded names are compared with the solution."""

from __future__ import annotations

import numpy as np

from autograder.spec import Case


def cases() -> list[Case]:
    """The toy's public and hidden cases (public ones ship in ``public_refs/00_toy.json``)."""
    return [
        Case(
            "q1_int_scalar", "q1", call="double", args=(3,), public=True, note="an integer stays an integer"
        ),
        Case(
            "q1_float_array",
            "q1",
            call="double",
            args=(np.array([0.5, -1.25, 0.0]),),
            public=True,
            note="a float array",
        ),
        Case(
            "q1_int_matrix",
            "q1",
            call="double",
            args=(np.arange(6, dtype=np.int64).reshape(2, 3),),
            note="a 2-D integer array keeps its shape and dtype",
        ),
        Case("q1_negative_float", "q1", call="double", args=(-2.5,), note="a negative float"),
        Case(
            "q2_inside",
            "q2",
            call="clip01",
            args=(np.array([0.0, 0.25, 1.0]),),
            public=True,
            note="values inside [0, 1] are unchanged",
        ),
        Case(
            "q2_outside",
            "q2",
            call="clip01",
            args=(np.array([-1.0, 0.5, 2.0]),),
            public=True,
            note="values outside [0, 1] go to the nearest end",
        ),
        Case(
            "q2_nan",
            "q2",
            call="clip01",
            args=(np.array([0.1, np.nan]),),
            public=True,
            note="NaN input raises ValueError",
        ),
        Case("q2_list", "q2", call="clip01", args=([1.5, -0.5, 0.75],), note="a list is accepted"),
        Case(
            "q2_int_matrix",
            "q2",
            call="clip01",
            args=(np.array([[-3, 0], [1, 3]]),),
            note="integer input gives floats of the same shape",
        ),
        Case("q3_answer", "q3", value="answer", note="the value of answer"),
    ]
