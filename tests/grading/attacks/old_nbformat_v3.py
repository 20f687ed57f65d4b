"""The correct solution saved in the old nbformat 3 (worksheets), which the grader converts."""

import nbformat


def build(nb):
    return nbformat.writes(nbformat.convert(nb, 3), version=3).encode("utf-8")


EXPECT = {"at_most": "solution", "status": "graded"}
