"""Tests of autograder.verify's demo-cell check: what a later cell reads of what a demo cell defines."""

from __future__ import annotations

import pytest

from autograder import verify


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("print(t)", {"print", "t"}),
        ("x = x + 1", {"x"}),
        # a function's parameters and locals are not reads, the globals it refers to are
        ("def f(a):\n    b = a + c\n    u = round(b)\n    return [k * d for k in (u,)]", {"c", "d", "round"}),
        ("g = lambda u: u * scale", {"scale"}),
        ("def f():\n    global level\n    level = 1", set()),
        ("%matplotlib inline\nimport numpy as np\nnp.sin(q)", {"np", "q"}),
    ],
)
def test_loaded_names_follow_pythons_scoping(source: str, reads: set[str]) -> None:
    assert verify._loaded_names(source) == reads


@pytest.mark.parametrize(
    ("later", "needed"),
    [
        ("print(level)", {"level"}),
        ("level = 5\nprint(level)", set()),  # bound again before it is read
        ('with demo("x"):\n    fig, ax = plt.subplots()\n    ax.plot(level)', {"level"}),
        # notebook 02's graded functions use `u`, `t`, `y` as locals: not reads of a demo cell's names
        ("def f(x):\n    u = round(x)\n    t = u - x\n    return t", set()),
        ("def f(x):\n    return x + level", {"level"}),
    ],
)
def test_used_before_redefined(later: str, needed: set[str]) -> None:
    assert verify._used_before_redefined({"level", "u", "t", "ax"}, [later]) == needed
