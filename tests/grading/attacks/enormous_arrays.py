"""Return enormous arrays: a 16 GB broadcast view, 100 million floats, a 10**6-dimensional shape."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import numpy as np

def sample(signal, fs, duration):
    return np.broadcast_to(np.float64(0.0), (2**31,)), np.broadcast_to(np.float64(0.0), (2**31,))

def alias_frequency(f, fs):
    return np.zeros(100_000_000)

def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    return [[[[[[[[[[[[[[[[[[[[0.0]]]]]]]]]]]]]]]]]]]]

def best_clip_factor(x, n_bits, factors):
    return "x" * 50_000_000
""",
}
EXPECT = {"at_most": "stubs"}
