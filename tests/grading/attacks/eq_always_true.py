"""Return objects whose __eq__ (and every comparison) is always true, from functions and values."""

BASE = "stubs"
CELLS = {
    "q1_sample": """class Anything(float):
    def __eq__(self, other):
        return True
    __le__ = __ge__ = __lt__ = __gt__ = __eq__
    def __ne__(self, other):
        return False
    def __array__(self, *args, **kwargs):
        import numpy
        return numpy.zeros(3)
    __hash__ = float.__hash__

class Everything(list):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False

def sample(signal, fs, duration):
    return Anything(0.0), Everything([Anything(0.0)])

def alias_frequency(f, fs):
    return Anything(0.0)
""",
    "q6_sqnr_fit": "sqnr_slope = Anything(0.0)\nsqnr_offset = Everything()",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
