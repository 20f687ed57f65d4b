"""Test-session set-up shared by every test.

Jupyter, IPython and matplotlib must not write into the user's home during the tests, so their
configuration, data and runtime folders point at one temporary folder for the session. This runs at
import time, before any test module imports matplotlib or jupyter_core.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SANDBOX_HOME = Path(tempfile.mkdtemp(prefix="quantkit-tests-"))

for _var, _sub in {
    "JUPYTER_CONFIG_DIR": "jupyter-config",
    "JUPYTER_DATA_DIR": "jupyter-data",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    os.environ[_var] = str(_SANDBOX_HOME / _sub)
    (_SANDBOX_HOME / _sub).mkdir(parents=True, exist_ok=True)
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"  # the future default; silences the migration warning
os.environ["MPLBACKEND"] = "Agg"
os.environ.pop("QUANTKIT_GRADING", None)  # the self-checks must behave as they do for a student

REPO_ROOT = Path(__file__).resolve().parents[1]
