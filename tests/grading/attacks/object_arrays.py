"""Return object arrays (of always-equal objects) and structured arrays instead of numbers."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import numpy as np

class Anything:
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.0

def sample(signal, fs, duration):
    n = int(round(duration * fs))
    return np.array([Anything()] * n, dtype=object), np.array([Anything()] * n, dtype=object)

def alias_frequency(f, fs):
    return np.zeros(np.shape(f), dtype=[("a", "<f8"), ("b", "O")])

def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    return np.asarray(x, dtype=object)
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
