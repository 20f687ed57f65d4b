"""Monkeypatch quantkit's comparison, checks and wire encoder inside the kernel."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import quantkit
import quantkit._compare
import quantkit._wire
import quantkit.checks

quantkit._compare.describe_mismatch = lambda *args, **kwargs: None
check = lambda *args, **kwargs: print("all public cases pass")
quantkit.checks.checker = lambda *args, **kwargs: check
_real_dumps = quantkit._wire.dumps

def _dumps(value, *args, **kwargs):
    # Whatever the function returns, send an empty tuple of two arrays.
    import numpy
    return _real_dumps((numpy.zeros(0), numpy.zeros(0)))

quantkit._wire.dumps = _dumps

def sample(signal, fs, duration):
    return None
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
