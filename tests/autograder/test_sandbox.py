"""Tests for autograder/sandbox.py: what student code can and cannot do inside the sandbox.

Each bubblewrap test runs a small Python program through ``Sandbox.wrap`` with ``subprocess`` and
checks what it reports (one JSON line on stdout). The bubblewrap tests skip, saying why, where
bwrap cannot run (macOS, Windows, containers without namespaces); on the Linux CI they run.
Every started process tree is killed in a ``finally`` (``start_new_session`` + ``os.killpg``).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from autograder import sandbox as sandbox_module
from autograder.sandbox import ENV_VAR, SANDBOX_UID, ProcessLimits, Sandbox, SandboxError

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# ProcessLimits small enough to hit quickly, large enough for numpy and a kernel (RLIMIT_AS counts
# address space: CPython + numpy + OpenBLAS with one thread reserve well under 512 MiB).
SMALL = ProcessLimits(memory_mb=512, nproc=32, file_size_mb=1, cpu_seconds=60, tmp_mb=16)


@pytest.fixture(autouse=True)
def _no_forced_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own QUANTGRADE_SANDBOX must not change what these tests see."""
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def bwrap_sandbox() -> Sandbox:
    """A bubblewrap sandbox with small limits, or a skip that says why there is none."""
    sandbox = Sandbox.detect(SMALL, kind="auto")
    if sandbox.kind != "bubblewrap":
        pytest.skip(f"bubblewrap is not usable here: {sandbox.reason}")
    return sandbox


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def run(
    sandbox: Sandbox, workdir: Path, code: str, *, timeout: float = 60, popen_env: dict | None = None
) -> dict:
    """Run ``code`` in ``sandbox``; check it exits 0 and return the JSON object it printed last."""
    argv, preexec = sandbox.wrap([sys.executable, "-c", textwrap.dedent(code)], workdir=workdir)
    proc = subprocess.Popen(
        argv,
        preexec_fn=preexec,
        env=sandbox.environ(workdir) if popen_env is None else popen_env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        _kill_tree(proc)
    lines = out.strip().splitlines()
    assert lines, f"the sandboxed program printed nothing (exit {proc.returncode}); stderr:\n{err}"
    assert proc.returncode == 0, f"the sandboxed program failed (exit {proc.returncode}); stderr:\n{err}"
    return json.loads(lines[-1])


def _kill_tree(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=30)


# Shared by the programs below: try something, record the exception's type (or "ok").
TRY = """
import errno, json, os, sys
def attempt(fn):
    try:
        fn()
        return "ok"
    except BaseException as exc:
        return type(exc).__name__
"""


# ---------------------------------------------------------------------------- ProcessLimits


def test_limits_defaults_are_the_documented_ones() -> None:
    # The values the kernel runner relies on, as documented in ProcessLimits' docstring.
    limits = ProcessLimits()
    assert (limits.memory_mb, limits.nproc, limits.file_size_mb, limits.cpu_seconds) == (2048, 256, 64, None)
    assert limits.rlimits() == {"RLIMIT_CORE": 0, "RLIMIT_AS": 2048 * MIB, "RLIMIT_FSIZE": 64 * MIB}


@pytest.mark.parametrize("field", ["memory_mb", "nproc", "file_size_mb", "cpu_seconds", "tmp_mb"])
@pytest.mark.parametrize(
    ("value", "error"),
    [(0, ValueError), (-5, ValueError), (1.5, TypeError), ("64", TypeError), (True, TypeError)],
)
def test_limits_reject_bad_values(field: str, value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=field):
        ProcessLimits(**{field: value})


# ---------------------------------------------------------------------------- choosing


@pytest.mark.parametrize("how", ["parameter", "environment"])
def test_fallback_can_be_forced(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "environment":
        monkeypatch.setenv(ENV_VAR, "none")
        sandbox = Sandbox.detect(SMALL)
    else:
        sandbox = Sandbox.detect(SMALL, kind="none")
    assert sandbox.kind == "unsandboxed"
    assert ("QUANTGRADE_SANDBOX=none" if how == "environment" else "kind=") in sandbox.reason


def test_auto_falls_back_and_says_why_when_bwrap_is_missing(tmp_path: Path) -> None:
    sandbox = Sandbox.detect(SMALL, bwrap=tmp_path / "no-such-bwrap")
    assert sandbox.kind == "unsandboxed"
    assert "not found" in sandbox.reason


@pytest.mark.parametrize("how", ["parameter", "environment"])
def test_forcing_bubblewrap_where_it_cannot_run_is_an_error(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = None
    if how == "environment":
        monkeypatch.setenv(ENV_VAR, "bubblewrap")
    else:
        kind = "bubblewrap"
    with pytest.raises(SandboxError, match=r"bubblewrap was requested.*not found"):
        Sandbox.detect(SMALL, kind=kind, bwrap=tmp_path / "no-such-bwrap")


def test_forcing_bubblewrap_with_a_broken_bwrap_reports_the_probe_failure(tmp_path: Path) -> None:
    # A "bwrap" that exits 1 like a kernel without user namespaces does: detect must run it, not
    # trust that the file exists.
    fake = tmp_path / "bwrap"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --help ]; then echo "--perms --size --disable-userns"; exit 0; fi\n'
        "echo 'bwrap: No permissions to create new namespace' >&2\n"
        "exit 1\n"
    )
    fake.chmod(0o755)
    if not sys.platform.startswith("linux"):
        pytest.skip("the probe only runs on Linux")
    with pytest.raises(SandboxError, match="No permissions to create new namespace"):
        Sandbox.detect(SMALL, kind="bubblewrap", bwrap=fake)


@pytest.mark.parametrize("kind", ["docker", "", "firejail"])
def test_unknown_kind_is_rejected(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="unknown sandbox kind"):
        Sandbox.detect(SMALL, kind=kind)  # type: ignore[arg-type]
    if kind:  # an empty variable means "not set", i.e. auto
        monkeypatch.setenv(ENV_VAR, kind)
        with pytest.raises(ValueError, match=ENV_VAR):
            Sandbox.detect(SMALL)


def test_readable_paths_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        Sandbox.detect(SMALL, readable=[tmp_path / "missing"], kind="none")
    with pytest.raises(ValueError, match="inside the hidden folder"):
        Sandbox.detect(SMALL, readable=[REPO / "autograder" / "course"], kind="none")


# ---------------------------------------------------------------------------- wrap's arguments


@pytest.mark.parametrize("kind", ["none", "auto"])
def test_wrap_rejects_bad_arguments(kind: str, workdir: Path) -> None:
    sandbox = Sandbox.detect(SMALL, kind=kind)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of strings"):
        sandbox.wrap("python -c pass", workdir=workdir)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="argv is empty"):
        sandbox.wrap([], workdir=workdir)
    with pytest.raises(ValueError, match="absolute"):
        sandbox.wrap(["true"], workdir="relative/work")
    with pytest.raises(ValueError, match="not an existing folder"):
        sandbox.wrap(["true"], workdir=workdir / "missing")
    with pytest.raises(ValueError, match="hidden folder"):
        sandbox.wrap(["true"], workdir=REPO / "autograder")
    # wrap() makes workdir private (chmod 0700): shared folders must be refused, not locked.
    for shared in ("/", "/tmp", tempfile.gettempdir(), Path.home(), sys.prefix):
        with pytest.raises(ValueError, match="shared folder"):
            sandbox.wrap(["true"], workdir=shared)
    assert Path(tempfile.gettempdir()).stat().st_mode & 0o777 != 0o700


def test_detect_probes_once_and_caches(bwrap_sandbox: Sandbox) -> None:
    # The fixture's detect() already ran the probe; the same request again must not re-run bwrap.
    before = sandbox_module._probe.cache_info()
    again = Sandbox.detect(SMALL, kind="auto")
    after = sandbox_module._probe.cache_info()
    assert again.kind == "bubblewrap" and "works here" in again.reason
    assert after.misses == before.misses and after.hits > before.hits


def test_wrap_refuses_a_workdir_over_read_only_paths(bwrap_sandbox: Sandbox) -> None:
    # Binding quantkit or a system folder read-write would let student code change what the next
    # submission runs; binding over /etc/ssl or /dev/shm would replace what the sandbox provides.
    import quantkit

    for path in (Path(quantkit.__file__).parent, "/usr/share", "/etc/ssl", "/dev/shm", "/proc/sys"):
        with pytest.raises(ValueError, match="overlaps"):
            bwrap_sandbox.wrap(["true"], workdir=path)


def test_bubblewrap_command_unshares_everything(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    argv, preexec = bwrap_sandbox.wrap(["/bin/true"], workdir=workdir)
    assert argv[0] == bwrap_sandbox.bwrap
    for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                 "--new-session", "--clearenv"):  # fmt: skip
        assert flag in argv
    assert argv[argv.index("--bind") + 1 : argv.index("--bind") + 3] == [str(workdir), str(workdir)]
    assert argv.count("--bind") == 1, "workdir must be the only read-write bind"
    assert argv[-1] == "/bin/true"
    assert callable(preexec)


# ---------------------------------------------------------------------------- bubblewrap: isolation


def test_no_network(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    try:
        result = run(
            bwrap_sandbox,
            workdir,
            TRY
            + f"""
import socket
def connect():
    socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
def dns():
    socket.getaddrinfo("example.org", 80)
print(json.dumps({{"connect": attempt(connect), "dns": attempt(dns)}}))
""",
        )
        listener.setblocking(False)
        try:
            connection, _address = listener.accept()
        except BlockingIOError:
            reached = False
        else:
            connection.close()
            reached = True
    finally:
        listener.close()
    assert not reached, "the sandboxed program reached a server on the host's 127.0.0.1"
    assert result["connect"] in ("ConnectionRefusedError", "OSError", "TimeoutError"), result
    assert result["dns"] == "gaierror", result


def test_hidden_folders_are_invisible(bwrap_sandbox: Sandbox, tmp_path: Path, workdir: Path) -> None:
    other = tmp_path / "submissions" / "bob" / "01_sampling_quantization.ipynb"
    out = tmp_path / "out" / "grades.csv"
    for path in (other, out):
        path.parent.mkdir(parents=True)
        path.write_text("secret")
    targets = [
        REPO / "autograder",
        REPO / "autograder" / "spec.py",
        REPO / "solutions",
        REPO / "tests",
        REPO / "pyproject.toml",
        other.parent,
        other,
        out.parent,
        out,
    ]
    result = run(
        bwrap_sandbox,
        workdir,
        TRY
        + f"""
targets = {[str(t) for t in targets]!r}
seen = {{t: attempt(lambda t=t: os.listdir(t) if os.path.isdir(t) else open(t).read()) for t in targets}}
seen["isdir"] = [t for t in targets if os.path.exists(t)]
def imp():
    import autograder.spec
seen["import autograder"] = attempt(imp)
print(json.dumps(seen))
""",
    )
    assert result["isdir"] == [], f"visible inside the sandbox: {result['isdir']}"
    for target in targets:
        assert result[str(target)] == "FileNotFoundError", (target, result[str(target)])
    assert result["import autograder"] == "ModuleNotFoundError"


def test_root_shows_only_the_way_to_python(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    # Every folder leading to an allowed path is an empty skeleton: /root holds only the path to
    # the Python installation (e.g. /root/.pyenv/versions/3.11.7), nothing else of root's home.
    result = run(
        bwrap_sandbox,
        workdir,
        TRY
        + """
listing = {}
for folder, dirs, files in os.walk("/"):
    if folder.startswith((sys.base_prefix, sys.prefix, "/proc", "/dev", "/usr", "/etc/", os.getcwd())):
        dirs[:] = []
        continue
    listing[folder] = sorted(dirs + files)
print(json.dumps(listing))
""",
    )
    import quantkit

    allowed_top = {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "proc", "dev", "tmp"}
    allowed_top |= {Path(p).parts[1] for p in (sys.base_prefix, sys.prefix, quantkit.__file__, workdir)}
    assert set(result["/"]) <= allowed_top, set(result["/"]) - allowed_top
    base = Path(sys.base_prefix)
    if base.is_relative_to("/root"):
        chain = [Path("/root"), *reversed([p for p in base.parents if p.is_relative_to("/root")])]
        for folder in dict.fromkeys(chain):
            below = [
                p.relative_to(folder).parts[0]
                for p in (base, Path(sys.prefix))
                if p.is_relative_to(folder) and p != folder
            ]
            assert result[str(folder)] == sorted(set(below)), (folder, result[str(folder)])
    else:
        assert "/root" not in result or result["/root"] == []
    # The /etc allow-list of autograder/sandbox.py (files that exist on this host show up).
    expected_etc = {"ld.so.cache", "passwd", "group", "nsswitch.conf", "localtime", "timezone"}
    expected_etc |= {
        "alternatives",
        "ssl",
        "python3",
        f"python{sys.version_info.major}.{sys.version_info.minor}",
    }
    assert set(result["/etc"]) <= expected_etc
    assert not {"shadow", "gshadow", "resolv.conf", "hosts", "machine-id", "ssh"} & set(result["/etc"])


def test_only_workdir_is_writable(bwrap_sandbox: Sandbox, workdir: Path, tmp_path: Path) -> None:
    import quantkit

    marker = f"quantgrade-marker-{os.getpid()}"
    outside = [
        "/marker",
        "/usr/marker",
        "/etc/marker",
        f"{sys.prefix}/marker",
        f"{sys.base_prefix}/marker",
        str(Path(quantkit.__file__).parent / "marker"),
        str(tmp_path / "marker"),
    ]
    result = run(
        bwrap_sandbox,
        workdir,
        TRY
        + f"""
def write(path):
    with open(path, "w") as fh:
        fh.write("x")
seen = {{p: attempt(lambda p=p: write(p)) for p in {outside!r}}}
seen["workdir"] = attempt(lambda: write("mine.txt"))
seen["tmp"] = attempt(lambda: write("/tmp/{marker}"))
def big():
    with open("big.bin", "wb") as fh:
        fh.write(b"x" * (2 * 1024 * 1024))   # twice file_size_mb
seen["big"] = attempt(big)
print(json.dumps(seen))
""",
    )
    for path in outside:
        assert result[path] in ("PermissionError", "OSError", "FileNotFoundError"), (path, result[path])
        assert not os.path.exists(path)
    assert result["workdir"] == "ok"
    assert (workdir / "mine.txt").read_text() == "x"
    assert result["tmp"] == "ok"  # the sandbox's private /tmp ...
    assert not Path("/tmp", marker).exists()  # ... is not the host's
    assert result["big"] == "OSError"  # RLIMIT_FSIZE: EFBIG (Python ignores SIGXFSZ)
    assert (workdir / "big.bin").stat().st_size <= 1 * MIB


def test_student_code_does_not_run_as_root(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    result = run(
        bwrap_sandbox,
        workdir,
        """
import json, os
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
open("owned", "w").close()
print(json.dumps({"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
                  "caps": [status[k].strip() for k in ("CapPrm", "CapEff", "CapAmb")],
                  "bounding": status["CapBnd"].strip(),
                  "nnp": status["NoNewPrivs"].strip()}))
""",
    )
    owner = (workdir / "owned").stat().st_uid  # the uid as the host sees it
    assert result["caps"] == ["0000000000000000"] * 3
    assert result["nnp"] == "1"
    if IS_ROOT and bwrap_sandbox.blocks_userns:
        assert result["bounding"] == "0000000000000000"  # dropped by the inner bwrap
    if IS_ROOT:
        assert (result["uid"], result["euid"], result["gid"], result["groups"]) == (
            SANDBOX_UID,
            SANDBOX_UID,
            65534,
            [],
        )
        assert owner == SANDBOX_UID
    else:
        assert owner == os.getuid() != 0


def test_no_nested_user_namespaces(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    # A user namespace would give student code (namespaced) root and more kernel attack surface.
    if not bwrap_sandbox.blocks_userns:
        pytest.skip(f"this bwrap cannot disable user namespaces: {bwrap_sandbox.notes}")
    result = run(
        bwrap_sandbox,
        workdir,
        """
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.unshare(0x10000000)   # CLONE_NEWUSER, from <linux/sched.h>
print(json.dumps({"unshare": rc, "errno": ctypes.get_errno()}))
""",
    )
    # bwrap --disable-userns sets user.max_user_namespaces so that creating one fails with ENOSPC.
    assert (result["unshare"], result["errno"]) == (-1, errno.ENOSPC)


def test_grader_environment_does_not_leak_in(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    # Even when the caller hands bwrap its own environment, --clearenv leaves only environ().
    env = dict(os.environ, QUANTGRADE_SECRET_TOKEN="do-not-leak")
    argv, _ = bwrap_sandbox.wrap(["true"], workdir=workdir, env={"QUANTKIT_GRADING": "1"})
    result = run(
        bwrap_sandbox,
        workdir,
        "import json, os; print(json.dumps(dict(os.environ)))",
        popen_env=env,
    )
    assert result.pop("PWD", str(workdir)) == str(workdir)  # bwrap --chdir sets PWD
    assert result == bwrap_sandbox.environ(workdir)
    assert result["HOME"] == str(workdir)
    assert argv[argv.index("QUANTKIT_GRADING") - 1 : argv.index("QUANTKIT_GRADING") + 2] == [
        "--setenv",
        "QUANTKIT_GRADING",
        "1",
    ]


def test_workdir_is_handed_over_without_following_links(
    bwrap_sandbox: Sandbox, tmp_path: Path, workdir: Path
) -> None:
    grader_file = tmp_path / "grader-only.txt"
    grader_file.write_text("grader")
    grader_file.chmod(0o600)
    (workdir / "k-1").mkdir()
    (workdir / "k-1" / "kernel.json").write_text("{}")
    (workdir / "k-1" / "kernel.json").chmod(0o600)  # as jupyter_client writes it
    (workdir / "link").symlink_to(grader_file)  # as a student could leave behind
    bwrap_sandbox.prepare_workdir(workdir)
    assert workdir.stat().st_mode & 0o777 == 0o700
    if bwrap_sandbox.uid is not None:
        for path in (workdir, workdir / "k-1", workdir / "k-1" / "kernel.json"):
            assert path.stat().st_uid == bwrap_sandbox.uid, path
        assert (workdir / "link").lstat().st_uid == bwrap_sandbox.uid
    assert grader_file.stat().st_uid == os.getuid(), "prepare_workdir followed a symlink"


def test_numpy_and_quantkit_import(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    import numpy

    import quantkit

    result = run(
        bwrap_sandbox,
        workdir,
        """
import json, numpy, quantkit
print(json.dumps({"numpy": numpy.__version__, "quantkit": quantkit.__file__,
                  "sum": int(numpy.arange(5).sum())}))
""",
    )
    assert result["numpy"] == numpy.__version__
    assert result["quantkit"] == quantkit.__file__
    assert result["sum"] == 10  # 0 + 1 + 2 + 3 + 4


def test_readable_paths_are_read_only_and_hidden_ones_masked(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "secret").mkdir(parents=True)
    (course / "data.txt").write_text("public")
    (course / "secret" / "answers.txt").write_text("hidden")
    course.chmod(0o777)  # world-writable on the host: only the read-only bind stops the write
    sandbox = Sandbox.detect(SMALL, readable=[course], hidden=[course / "secret"], kind="auto")
    if sandbox.kind != "bubblewrap":
        pytest.skip(f"bubblewrap is not usable here: {sandbox.reason}")
    workdir = tmp_path / "work"
    workdir.mkdir()
    result = run(
        sandbox,
        workdir,
        TRY
        + f"""
course = {str(course)!r}
def write(path):
    try:
        open(path, "w").close()
        return "ok"
    except OSError as exc:
        return errno.errorcode[exc.errno]
print(json.dumps({{
    "data": open(course + "/data.txt").read(),
    "write": write(course + "/new.txt"),
    "secret": os.listdir(course + "/secret"),
    "answers": attempt(lambda: open(course + "/secret/answers.txt").read()),
}}))
""",
    )
    assert result["data"] == "public"
    assert result["write"] == "EROFS"
    assert not (course / "new.txt").exists()
    assert result["secret"] == []
    assert result["answers"] == "FileNotFoundError"


# ---------------------------------------------------------------------------- bubblewrap: limits


@pytest.mark.parametrize("how", ["bytearray", "numpy"])
def test_memory_beyond_the_limit_fails(bwrap_sandbox: Sandbox, workdir: Path, how: str) -> None:
    alloc = {"bytearray": "bytearray(1024 * 1024 * 1024)", "numpy": "numpy.ones(2**27)"}[how]  # 1 GiB each
    result = run(
        bwrap_sandbox,
        workdir,
        TRY
        + f"""
import numpy, resource
small = attempt(lambda: bytearray(64 * 1024 * 1024))   # well under the 512 MiB limit
big = attempt(lambda: {alloc})
print(json.dumps({{"small": small, "big": big, "as": resource.getrlimit(resource.RLIMIT_AS),
                  "cpu": resource.getrlimit(resource.RLIMIT_CPU),
                  "core": resource.getrlimit(resource.RLIMIT_CORE)}}))
""",
    )
    assert result["as"] == [SMALL.memory_mb * MIB] * 2
    assert result["cpu"] == [SMALL.cpu_seconds] * 2
    assert result["core"] == [0, 0]
    assert result["small"] == "ok"
    assert result["big"] in ("MemoryError", "_ArrayMemoryError")  # numpy's subclass of MemoryError


def test_fork_bomb_is_contained(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    # Children sleep for a minute: the run finishing at all shows the PID namespace is torn down
    # when its main process exits. Forking stops at nproc (32) with EAGAIN; the loop's own cap
    # of 200 would only be reached if RLIMIT_NPROC were not enforced.
    result = run(
        bwrap_sandbox,
        workdir,
        """
import errno, json, os, resource, time
forked, error = 0, None
try:
    while forked < 200:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        forked += 1
except OSError as exc:
    error = exc.errno
print(json.dumps({"forked": forked, "errno": error, "nproc": resource.getrlimit(resource.RLIMIT_NPROC)}))
""",
        timeout=30,
    )
    assert result["nproc"] == [SMALL.nproc] * 2
    assert result["errno"] == errno.EAGAIN
    assert result["forked"] < SMALL.nproc
    if bwrap_sandbox.uid is None or bwrap_sandbox.blocks_userns:
        # RLIMIT_NPROC is counted in the sandbox's own user namespace: only the program itself
        # and its children count, not the host's (or other sandboxes') processes of that uid.
        assert result["forked"] >= SMALL.nproc - 4


# ---------------------------------------------------------------------------- the fallback


def test_fallback_sets_limits_and_a_private_folder(workdir: Path) -> None:
    if sandbox_module.resource is None:
        pytest.skip("no resource limits on this OS")
    sandbox = Sandbox.detect(SMALL, kind="none")
    result = run(
        sandbox,
        workdir,
        TRY
        + """
import resource, tempfile
def big():
    with open("big.bin", "wb") as fh:
        fh.write(b"x" * (2 * 1024 * 1024))
print(json.dumps({
    "cwd": os.getcwd(), "home": os.environ["HOME"], "tmp": tempfile.gettempdir(),
    "as": resource.getrlimit(resource.RLIMIT_AS), "core": resource.getrlimit(resource.RLIMIT_CORE),
    "memory": attempt(lambda: bytearray(1024 * 1024 * 1024)), "big": attempt(big),
    "leaked": sorted(k for k in os.environ if k.startswith(("JUPYTER", "PYTEST", "MPL"))),
}))
""",
    )
    assert result["cwd"] == result["home"] == str(workdir)
    assert result["tmp"] == str(workdir / ".tmp")
    assert oct(workdir.stat().st_mode & 0o777) == oct(0o700)
    assert result["as"] == [SMALL.memory_mb * MIB] * 2
    assert result["core"] == [0, 0]
    assert result["memory"] == "MemoryError"
    assert result["big"] == "OSError"
    assert result["leaked"] == [], "the grader's environment must not leak into student code"


# ---------------------------------------------------------------------------- the kernel runner's case


@pytest.mark.slow
def test_ipykernel_runs_inside_over_ipc(bwrap_sandbox: Sandbox, tmp_path: Path, workdir: Path) -> None:
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file

    # The grader writes the connection file (mode 0600, owned by the grader) before wrap(), which
    # hands workdir to the sandbox user; the kernel then creates its ipc sockets in workdir.
    connection_file, info = write_connection_file(
        fname=str(workdir / "kernel.json"),
        ip=str(workdir / "kernel"),
        transport="ipc",
        key=b"quantgrade-sandbox-test-key",
    )
    sockets = [Path(f"{info['ip']}-{info[name]}") for name in ("shell_port", "iopub_port", "hb_port")]
    sandbox = Sandbox.detect(ProcessLimits(), kind="bubblewrap")  # the documented defaults
    argv, preexec = sandbox.wrap(
        [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file], workdir=workdir
    )
    log_path = tmp_path / "kernel.log"
    outputs: list[dict] = []
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            argv,
            preexec_fn=preexec,
            env=sandbox.environ(workdir),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # Connect once the kernel has bound its sockets (the client's heartbeat check would
            # otherwise call a kernel that is still importing "dead" on a busy machine).
            for _ in range(600):  # at most 60 s
                if proc.poll() is not None or all(p.is_socket() for p in sockets):
                    break
                time.sleep(0.1)
            assert proc.poll() is None, f"the kernel exited early:\n{log_path.read_text()}"
            assert all(p.is_socket() for p in sockets), f"no ipc sockets after 60 s:\n{log_path.read_text()}"
            client.start_channels()
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(
                "1+1", timeout=30, output_hook=outputs.append, allow_stdin=False
            )
        finally:
            client.stop_channels()
            _kill_tree(proc)
    assert reply["content"]["status"] == "ok", log_path.read_text()
    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    assert results == ["2"], log_path.read_text()


# ---------------------------------------------------------------------------- process lifetime, advice


def _pid_ns_members(ns: str) -> dict[int, str]:
    """pid -> start time of every process in the PID namespace ``ns`` (proc(5))."""
    members = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == ns:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    members[int(entry)] = stat.rsplit(")", 1)[1].split()[19]  # start time, field 22
            except OSError:
                continue
    return members


def test_unsandboxed_commands_get_a_pid_namespace_that_dies_with_them(workdir: Path) -> None:
    # A student's daemon (double fork, setsid) outlives a plain process group; in its own PID
    # namespace it dies with the namespace's init when unshare is killed (--kill-child).
    sandbox = Sandbox.detect(SMALL, kind="none")
    if not sandbox.pid_namespace:
        pytest.skip(f"no PID namespace for unsandboxed commands here: {sandbox.notes}")
    daemon = textwrap.dedent(
        """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(60)
            os._exit(0)
        os.wait()
        print("ready", flush=True)
        time.sleep(60)
        """
    )
    argv, preexec = sandbox.wrap([sys.executable, "-c", daemon], workdir=workdir)
    assert os.path.basename(argv[0]) == "unshare" and {"--pid", "--fork", "--kill-child"} <= set(argv)
    proc = subprocess.Popen(argv, preexec_fn=preexec, env=sandbox.environ(workdir), cwd=workdir,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        (init,) = (int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split())
        ns = os.readlink(f"/proc/{init}/ns/pid")
        assert ns != os.readlink("/proc/self/ns/pid")
        members = _pid_ns_members(ns)
        assert len(members) == 2  # the program (the namespace's init) and its daemon
        proc.send_signal(signal.SIGKILL)  # unshare only, as a killed grader's death signal would
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_pid_ns_members(ns).get(pid) == start for pid, start in members.items()):
            assert time.monotonic() < deadline, "a process of the namespace outlived unshare"
            time.sleep(0.05)
    finally:
        _kill_tree(proc)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.parametrize(
    ("reason", "platform", "expected"),
    [
        ("bwrap on PATH not found (install the bubblewrap package)", "linux", "apt-get install bubblewrap"),
        ("a test run of bwrap failed (exit status 1): bwrap: No permissions to create new namespace", "linux",
         "user namespaces are disabled"),
        ("a test run of bwrap failed (exit status 1): setting up uid map: Permission denied", "linux",
         "sysctl"),
        ("/usr/bin/bwrap is too old (no --perms option; bubblewrap 0.8 or newer is needed)", "linux",
         "too old"),
        ("bubblewrap needs Linux, this is darwin", "darwin", "needs Linux and this is macOS"),
        ("bubblewrap needs Linux, this is win32", "win32", "needs Linux and this is Windows"),
        ("something new", "linux", "does not work here (something new)"),
    ],
)  # fmt: skip
def test_how_to_fix_says_what_is_missing_and_the_way_out(reason: str, platform: str, expected: str) -> None:
    advice = sandbox_module.how_to_fix(reason, platform)
    assert expected in advice
    assert "--unsandboxed" in advice and "UNSANDBOXED=1" in advice
