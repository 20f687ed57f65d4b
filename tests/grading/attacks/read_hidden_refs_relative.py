"""Read the solution and hidden files by relative paths: from the cwd, HOME and quantkit's own folder."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import os
from pathlib import Path

import quantkit

_targets = [
    "solutions/01_sampling_quantization.ipynb",
    "autograder/course/01_sampling_quantization/hidden_refs.json",
    "autograder/course/01_sampling_quantization/hidden_tests.py",
    "autograder/course/01_sampling_quantization/mistakes.py",
]
_starts = [Path("."), Path(os.environ.get("HOME", ".")), Path(quantkit.__file__).parent]
_read = []
for _start in _starts:
    for _up in range(8):
        for _t in _targets:
            _p = _start / ("../" * _up) / _t
            try:
                _read.append((_p, _p.read_text()[:100]))
            except OSError:
                pass

def sample(signal, fs, duration):
    raise NotImplementedError()

raise type("READ_%d_FILES" % len(_read) if _read else "NOTHING_FOUND", (Exception,), {})()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded", "reason": "NOTHING_FOUND"}
