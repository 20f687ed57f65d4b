"""Monkeypatch builtins (isinstance, callable, len, __import__) that the grader's helper may use."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import builtins

_real_import = builtins.__import__

def _import(name, *args, **kwargs):
    module = _real_import(name, *args, **kwargs)
    if name == "json":
        module.dumps = lambda *a, **k: '{"status": "ok", "result": "[1, 2]"}'
    return module

builtins.isinstance = lambda obj, cls: True
builtins.callable = lambda obj: True
builtins.len = lambda obj: 0
builtins.__import__ = _import

def sample(signal, fs, duration):
    return 0
""",
}
EXPECT = {"at_most": "stubs"}
