"""Tests for autograder.verify's static helpers (the rest is exercised by tests/autograder/course/)."""

from __future__ import annotations

import pytest

from autograder.verify import _loaded_names


@pytest.mark.parametrize(
    ("source", "read"),
    [
        ("y = x + 1", {"x"}),
        ("x = 1\ny = x + 1", set()),  # bound before it is read
        ("x = x + 1", {"x"}),  # read before it is rebound
        ("x += 1", {"x"}),
        ("for img in images:\n    show(img)", {"images", "show"}),  # a loop variable of its own
        ("show(img)\nfor img in images:\n    pass", {"show", "img", "images"}),
        ("def f(img, n=width):\n    k = img + n\n    return k * scale", {"width", "scale"}),
        ("def f():\n    return table\ntable = 3", set()),  # a free name the cell itself binds
        ("g = lambda img: img * gain", {"gain"}),
        ("squares = [v * v for v in values]", {"values"}),
        ("with demo('this figure'):\n    out = f(img)\nprint(out)", {"demo", "f", "img", "print"}),
        ("import numpy as np\nnp.zeros(3)", set()),
        ("a[0] = 1", {"a"}),  # item assignment reads the object
    ],
)
def test_loaded_names_are_what_a_cell_reads_from_the_namespace(source, read):
    assert _loaded_names(source) == read


def test_loaded_names_of_a_cell_that_does_not_parse_is_empty():
    assert _loaded_names("def (") == set()
