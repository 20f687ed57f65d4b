"""Every graded function loops forever when called: each call times out."""

BASE = "stubs"
CELLS = {
    "q7_best_clip_factor": """def _spin(*args, **kwargs):
    while True:
        pass


sample = alias_frequency = quantize_indices = dequantize = quantize_uniform = best_clip_factor = _spin""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
