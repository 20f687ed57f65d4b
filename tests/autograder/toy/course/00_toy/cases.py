"""Cases of the toy notebook: one group per graded name, one graded value."""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases

cases = Cases()

d = cases.group("double", points=1.5, doc="double agrees with the reference on integers, floats and arrays")
d.public("int_scalar", "an integer stays an integer", 3)
d.public("float_array", "a float array", np.array([0.5, -1.25, 0.0]))
d.hidden("int_matrix", "a 2-D integer array keeps its shape and dtype", np.arange(6, dtype=np.int64).reshape(2, 3))
d.hidden("negative_float", "a negative float", -2.5)

c = cases.group("clip01", points=1, doc="clip01 agrees with the reference inside, outside and at the ends of [0, 1]")
c.public("inside", "values inside [0, 1] are unchanged", np.array([0.0, 0.25, 1.0]))
c.public("outside", "values outside [0, 1] go to the nearest end", np.array([-1.0, 0.5, 2.0]))
c.public("nan", "NaN input raises ValueError", np.array([0.1, np.nan]))
c.hidden("list", "a list is accepted", [1.5, -0.5, 0.75])
c.hidden("int_matrix", "integer input gives floats of the same shape", np.array([[-3, 0], [1, 3]]))

v = cases.group(id="answer", points=1, doc="answer equals the reference value")
v.value("answer", "the value of answer", "answer", plausible=(1, 10_000))
