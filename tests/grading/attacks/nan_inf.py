"""Return NaN and infinities (arrays and scalars), which fool careless comparisons."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import numpy as np

def sample(signal, fs, duration):
    n = int(round(duration * fs))
    return np.full(n, np.nan), np.full(n, np.nan)

def alias_frequency(f, fs):
    return np.full(np.shape(f), np.inf) if np.ndim(f) else float("nan")

def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    return np.where(np.isfinite(np.asarray(x, dtype=float)), np.nan, -np.inf)

def best_clip_factor(x, n_bits, factors):
    return float("nan")
""",
    "q6_sqnr_fit": "sqnr_slope, sqnr_offset = float('nan'), float('inf')",
}
# NaN arrays of round(duration * fs) values: the count test gives its 0.5 honestly.
EXPECT = {"at_most": "stubs", "earns": {"q1": 0.5}, "status": "graded"}
