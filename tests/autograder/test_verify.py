"""Tests for autograder.verify's static helpers that need no course (the whole checks: test_course.py)."""

from __future__ import annotations

from autograder import verify


def test_loaded_names_are_the_globals_a_cell_reads() -> None:
    source = (
        "def f(x, n_bits):\n"
        "    edges = x + offset\n"  # edges, x and n_bits are f's own; offset is the notebook's
        "    return [e * scale for e in edges]\n"  # e is the comprehension's; scale the notebook's
        "%matplotlib inline\n"
        "print(f(data, 3), len, [x for x in data])\n"
        "n_bits\n"  # a top-level read, although f has a parameter of that name
    )
    assert verify._loaded_names(source) == {"offset", "scale", "print", "f", "data", "len", "n_bits"}
    assert verify._loaded_names("def broken(:\n") == set()


def test_a_later_functions_own_locals_do_not_need_a_demo_cells_names() -> None:
    """A demo cell's loop variables may share names with the locals of a function defined later."""
    demo_names = {"k", "step", "counts", "sigma"}
    later = [
        "def quantize(x, step):\n    k = np.floor(x / step)\n    counts = np.bincount(k)\n    return k\n",
        "for k in range(3):\n    print(quantize(k, 0.5))\n",  # k assigned by the loop before it is read
        "print(sigma)\n",
    ]
    assert verify._used_before_redefined(demo_names, later) == {"sigma"}
    assert verify._used_before_redefined({"step"}, ["def g(x):\n    return x * step\n"]) == {"step"}
