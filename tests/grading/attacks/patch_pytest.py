"""Monkeypatch pytest (approx, raises, fail, assertion rewriting) from a solution cell."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import sys
import types

try:
    import pytest
except ImportError:
    pytest = types.ModuleType("pytest")
    sys.modules["pytest"] = pytest

class _Anything:
    def __eq__(self, other):
        return True

pytest.approx = lambda *args, **kwargs: _Anything()
pytest.fail = lambda *args, **kwargs: None
pytest.skip = lambda *args, **kwargs: None
try:
    import _pytest.assertion.rewrite as _rewrite
    _rewrite.AssertionRewritingHook.find_spec = lambda *args, **kwargs: None
except ImportError:
    pass

def sample(signal, fs, duration):
    return [0.0], [0.0]
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
