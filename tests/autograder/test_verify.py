"""Unit tests of ``quantgrade verify``'s helpers (its checks run in tests/autograder/course)."""

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


@pytest.mark.parametrize(
    ("later", "needed"),
    [
        (["fig, ax = plt.subplots()\nax.plot(x)\n"], set()),  # assigned again before it is read
        (["with demo('a'):\n    fig = plt.figure()\n    fig.show()\n"], set()),
        (["print(fig)\n"], {"fig"}),  # a real dependency on the demo cell
        (["fig = fig.copy()\n"], {"fig"}),  # read before the statement assigns it
        (["for fig in figures:\n    fig.show()\n"], set()),  # the loop variable is the loop's own
        (["fig = 1\n", "print(fig)\n"], set()),  # a later cell reassigned it first
        (["def f():\n    return fig\n"], {"fig"}),  # a function body counts where it is defined
        (["def f(fig):\n    return fig\n"], set()),  # ... but its parameters are its own
        (["def f(x):\n    for fig in x:\n        y = fig\n    return y\n"], set()),  # and its locals
        (["def f():\n    global fig\n    fig = 1\n    return fig\n"], {"fig"}),  # not a declared global
        (["print(fig)\ndef f():\n    fig = 1\n"], {"fig"}),  # a local elsewhere does not hide a read
        (["y = [fig for fig in figs]\n"], set()),  # a comprehension's variable is its own
        (["%matplotlib inline\nprint(fig)\n"], {"fig"}),
        (["def broken(:\n", "print(fig)\n"], {"fig"}),  # a cell that does not parse is skipped
    ],
)
def test_used_before_redefined(later: list[str], needed: set[str]) -> None:
    """The demo-cell check: which of a demo cell's names later cells need from it."""
    assert _used_before_redefined({"fig"}, later) == needed
