"""Course tests: make ``course_helpers`` importable (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parent / "course_helpers.py"
if "course_helpers" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("course_helpers", _PATH)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["course_helpers"] = _module
    _spec.loader.exec_module(_module)
