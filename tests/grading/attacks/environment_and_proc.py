"""Look for grader secrets in the environment, /proc of other processes and the kernel's parents."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import os

_hits = [k for k in os.environ if k not in (
    "HOME", "PATH", "LANG", "TMPDIR", "PYTHONNOUSERSITE", "PYTHONDONTWRITEBYTECODE", "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "QUANTKIT_GRADING", "MPLBACKEND", "MPLCONFIGDIR", "IPYTHONDIR",
    "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS",
    "PYTHONHASHSEED", "PWD", "SHLVL", "_", "JPY_PARENT_PID", "PYDEVD_USE_FRAME_EVAL", "CLICOLOR",
    "FORCE_COLOR", "CLICOLOR_FORCE", "TERM", "PAGER", "GIT_PAGER", "JPY_SESSION_NAME", "MPLBACKEND")]
for _pid in os.listdir("/proc"):
    if _pid.isdigit():
        try:
            with open(f"/proc/{_pid}/cmdline", "rb") as _fh:
                _cmd = _fh.read().decode(errors="replace")
        except OSError:
            continue
        if "quantgrade" in _cmd and "ipykernel" not in _cmd or "autograder" in _cmd or "pytest" in _cmd:
            _hits.append(_pid)

def sample(signal, fs, duration):
    raise NotImplementedError()

raise type("SECRETS_%d" % len(_hits) if _hits else "NOTHING_FOUND", (Exception,), {})()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded", "reason": "NOTHING_FOUND"}
