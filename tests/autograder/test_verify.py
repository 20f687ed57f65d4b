"""Tests for autograder.verify's static helpers that need no course (the whole checks: test_course.py)."""

from __future__ import annotations

import nbformat

from autograder import verify


def _cell(source: str, *, demo: bool = False) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if demo:
        cell.metadata["tags"] = ["demo"]
    return cell


def test_loaded_names_are_the_globals_a_cell_reads() -> None:
    source = (
        "def f(x, n_bits):\n"
        "    edges = x + offset\n"  # edges, x, n_bits are f's own; offset is the notebook's
        "    return [e * scale for e in edges]\n"  # e is the comprehension's; scale the notebook's
        "%matplotlib inline\n"
        "print(f(data, 3), len)\n"
    )
    assert verify._loaded_names(source) == {"offset", "scale", "print", "f", "data", "len"}
    assert verify._loaded_names("def broken(:\n") == set()


def test_demo_cells_may_feed_later_demo_cells_only() -> None:
    code = [
        _cell("sigma = 2.0\nfor n in range(3):\n    print(n)", demo=True),
        _cell("print(sigma)", demo=True),  # demo after demo: both skipped by the grader
        _cell("def g(n):\n    return 2 * n\nfor n in (1, 2):\n    print(g(n))"),
    ]
    assert verify._demo_cell_problems(code, ["g"]) == [
        "code cell 1 is tagged demo but defines ['n'], used later"  # the loop's n is read at top level
    ]
    code[2] = _cell("def g(n):\n    return 2 * n")  # g's parameter n is not the notebook's n
    assert verify._demo_cell_problems(code, ["g"]) == []
    code.append(_cell("print(sigma)"))
    assert verify._demo_cell_problems(code, ["g"]) == [
        "code cell 1 is tagged demo but defines ['sigma'], used later"
    ]
    assert verify._demo_cell_problems([_cell("g = 1", demo=True)], ["g"]) == [
        "code cell 1 is tagged demo but defines graded ['g']"
    ]
