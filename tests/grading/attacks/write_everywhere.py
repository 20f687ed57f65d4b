"""Write into every writable place it can find: other submissions, the output folder, the grader's files."""

BASE = "solution"
CELLS = {
    "ex_best_factors": """import socket as _socket
if _socket.gethostname() != "quantgrade":  # not in the grader's sandbox: do no harm to this machine
    raise SystemExit("not sandboxed; the attack is not set off")
import os

_home = os.path.realpath(os.environ.get("HOME", os.getcwd()))
_private = (_home, "/tmp", "/dev", "/proc", "/sys", "/run")
_written = []
for _root, _dirs, _files in os.walk("/"):
    if _root.startswith(("/proc", "/sys", "/dev", "/usr/share", "/usr/include", "/usr/lib", "/usr/bin")):
        _dirs[:] = []
        continue
    if os.path.basename(_root) == "site-packages":  # read-only like the rest: try our packages only
        _dirs[:] = [d for d in _dirs if d.startswith(("autograder", "quantkit", "__editable"))]
    for _name in _files:
        _path = os.path.join(_root, _name)
        if _name.endswith((".ipynb", ".csv", ".json", ".html", ".py", ".txt")):
            try:
                with open(_path, "a") as _fh:
                    _fh.write("PWNED")
                _written.append(_path)
            except OSError:
                pass
    try:
        with open(os.path.join(_root, "PWNED.txt"), "w") as _fh:
            _fh.write("PWNED")
        _written.append(_root)
    except OSError:
        pass
_outside = [p for p in _written if not os.path.realpath(p).startswith(_private)]
raise type("WROTE_OUTSIDE_%d" % len(_outside), (Exception,), {})()
""",
}
EXPECT = {"full": True, "reason": "WROTE_OUTSIDE_0"}
