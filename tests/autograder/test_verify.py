"""Tests for autograder.verify's static helpers (the checks as a whole run in tests/autograder/course/)."""

from __future__ import annotations

import pytest

from autograder.verify import _loaded_names, _used_before_redefined


@pytest.mark.parametrize(
    ("source", "read"),
    [
        ("y = x + 1", {"x"}),
        ("def f(img, n=width):\n    h, w = img.shape\n    return w * n * scale", {"width", "scale"}),
        ("g = lambda img: img * gain", {"gain"}),
        ("squares = [v * v for v in values]", {"values"}),
        ("def f():\n    return table", {"table"}),  # a free name of a function is read from the notebook
        ("import numpy as np\nnp.zeros(3)", {"np"}),
    ],
)
def test_loaded_names_leave_out_what_is_local(source, read):
    assert _loaded_names(source) == read


def test_a_later_function_with_locals_of_the_same_name_does_not_need_a_demo_cell():
    later = ["def window(values, center, width):\n    c = center - 0.5\n    w = width - 1\n    return c + w"]
    assert _used_before_redefined({"c", "w"}, later) == set()
    assert _used_before_redefined({"c"}, ["print(c)"]) == {"c"}
