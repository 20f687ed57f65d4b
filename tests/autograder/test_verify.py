"""Unit tests of ``quantgrade verify``'s helpers (its checks run in tests/autograder/course)."""

from __future__ import annotations

import pytest

from autograder.verify import _loaded_names


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        # bound by the cell itself before it is read: no earlier cell's name is needed
        ("fig, ax = plt.subplots()\nax.plot(x)\n", {"plt", "x"}),
        ("with skip_stubs('a'):\n    w2 = model.weights[1]\n    print(w2)\n",
         {"skip_stubs", "model", "print"}),
        ("x = x + 1\n", {"x"}),  # read before the statement binds it
        ("def f(a):\n    b = a + c\n    return b\nf(1)\n", {"c"}),  # parameters and locals are the function's
        ("y = [w * 2 for w in ws]\n", {"ws"}),  # a comprehension's variable is its own
        ("import numpy as np\nnp.ones(3)\n", set()),
        # unsure: counts as read
        ("for i in range(3):\n    total = total + i\n", {"range", "total"}),
        ("for i in range(3):\n    t = i\nprint(t)\n", {"range", "print", "t"}),  # the loop may not run
        ("if c:\n    z = 1\nelse:\n    print(z)\n", {"c", "print", "z"}),
        ("if c:\n    z = 1\nelse:\n    z = 2\nprint(z)\n", {"c", "print"}),  # both branches bind it
        ("try:\n    a = f()\nexcept ValueError as e:\n    print(e, a)\n", {"f", "ValueError", "print", "a"}),
        ("%matplotlib inline\nprint(q)\n", {"print", "q"}),
        ("def broken(:\n", set()),
    ],
)
def test_loaded_names_are_the_names_a_cell_reads_before_binding_them(source: str, reads: set[str]) -> None:
    """The demo-cell check asks which names a later cell needs from earlier cells."""
    assert _loaded_names(source) == reads
