"""Reverse the order of every cell of the solution (definitions after their uses, tests first)."""

BASE = "solution"


def build(nb):
    nb.cells = list(reversed(nb.cells))
    return nb


EXPECT = {"full": True, "reason": "put back in the released order"}
