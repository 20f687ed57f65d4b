"""Correct values in the wrong types: complex, strings, float16, bool, Python lists and dicts."""

BASE = "solution"
CELLS = {
    "ex_best_factors": """import numpy as np

_real = {n: globals()[n] for n in ("sample", "alias_frequency", "quantize_indices", "dequantize",
                                    "quantize_uniform", "best_clip_factor")}
sample = lambda *a, **k: tuple(np.asarray(v).astype(np.complex128) for v in _real["sample"](*a, **k))
alias_frequency = lambda *a, **k: np.asarray(_real["alias_frequency"](*a, **k)).astype(str)
quantize_indices = lambda *a, **k: np.asarray(_real["quantize_indices"](*a, **k)).astype(np.float16)
dequantize = lambda *a, **k: {"levels": np.asarray(_real["dequantize"](*a, **k)).tolist()}
quantize_uniform = lambda *a, **k: np.asarray(_real["quantize_uniform"](*a, **k)).astype(bool)
best_clip_factor = lambda *a, **k: str(_real["best_clip_factor"](*a, **k))
sqnr_slope, sqnr_offset = complex(sqnr_slope), str(sqnr_offset)
""",
}
EXPECT = {"at_most": "solution", "status": "graded"}
