"""Unit tests of ``quantgrade verify``'s helpers (its checks run in tests/autograder/course)."""

from __future__ import annotations

import pytest

from autograder.verify import _used_before_redefined


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
