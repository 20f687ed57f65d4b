"""Return ndarray subclasses whose comparisons are always true and whose views lie about their data."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import numpy as np

class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)
    def __array_finalize__(self, obj):
        pass
    def __reduce__(self):
        return (np.zeros, (3,))
    def tobytes(self, *args, **kwargs):
        return b"\\x00" * 8 * self.size

def sample(signal, fs, duration):
    n = int(round(duration * fs))
    return np.zeros(n).view(Liar), np.zeros(n).view(Liar)

def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    return np.asarray(x, dtype=float).view(Liar)

sqnr_slope = np.float64(0.0).view(Liar)
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
