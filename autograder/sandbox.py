"""The grader's sandbox: run a student's kernel with no network, a minimal read-only view and limits.

The hardened grading path starts every submission's Jupyter kernel in a fresh sandbox. This module
only *builds the command*; the kernel runner starts it::

    from autograder.sandbox import ProcessLimits, Sandbox

    sandbox = Sandbox.detect(ProcessLimits(memory_mb=2048), readable=[course_data])
    argv, preexec = sandbox.wrap([python, "-m", "ipykernel_launcher", "-f", str(workdir / "kernel.json")],
                                 workdir=workdir, env={"QUANTKIT_GRADING": "1"})
    proc = subprocess.Popen(argv, preexec_fn=preexec, env=sandbox.environ(workdir, {"QUANTKIT_GRADING": "1"}),
                            cwd=workdir, start_new_session=True)

``Sandbox.detect`` picks bubblewrap (``/usr/bin/bwrap``) when a real probe run works, else the
``unsandboxed`` fallback, and says why in ``sandbox.reason``. ``QUANTGRADE_SANDBOX=none|bubblewrap|auto``
(or ``detect(kind=...)``, which wins) forces a choice; forcing bubblewrap where it cannot run raises
:class:`SandboxError` with bwrap's own complaint.

What the bubblewrap sandbox isolates
------------------------------------
- **Network**: a new network namespace (``--unshare-net``): only its own loopback, no route out, no
  DNS (no ``/etc/resolv.conf`` either). A server listening on the host's 127.0.0.1 is unreachable,
  and so are the host's abstract unix sockets.
- **Processes**: new PID, IPC, UTS (hostname ``quantgrade``) and, where possible, cgroup namespaces.
  The student sees only its own processes in ``/proc``; ``--die-with-parent`` kills the sandbox when
  the process that started bwrap dies, and killing bwrap tears the whole PID namespace down.
  ``--new-session`` detaches it from the grader's terminal (no ``TIOCSTI`` keystroke injection).
- **Files**: an allow-list, not "bind / and hide things". The root is an empty tmpfs into which are
  bound, read-only: ``/usr`` and the ``/bin``, ``/sbin``, ``/lib*`` links or folders; from ``/etc``
  only ``ld.so.cache``, ``passwd``, ``group``, ``nsswitch.conf``, ``localtime``, ``timezone``,
  ``alternatives``, ``ssl/certs`` and ``python3*`` (no ``shadow``, no ``resolv.conf``, no ``hosts``,
  no ``machine-id``, no ssh or ssl private keys); the Python installation (``sys.base_prefix``,
  exactly that folder, e.g. ``/root/.pyenv/versions/3.11.7`` and not ``/root``); the virtual
  environment (``sys.prefix``); the folders that installed packages point to (setuptools editable
  finders and ``.pth`` path lines, e.g. quantkit's package folder, found with
  ``importlib.util.find_spec``); and the caller's ``readable`` paths. The folders leading to them
  are empty skeleton directories, so ``/root`` lists only ``.pyenv`` and ``/work/main`` only
  ``.venv`` and ``quantkit``. ``/proc`` is the sandbox's own, ``/dev`` a minimal one (null, zero,
  random, urandom, tty, pts), ``/tmp`` and ``/dev/shm`` private size-limited tmpfs. ``workdir`` is
  the only host folder bound read-write, at the same absolute path (the kernel's ipc sockets live
  there), and ``HOME`` points at it. Hidden folders (the ``autograder`` package, i.e. the hidden
  tests and references, the repository's ``solutions/`` and whatever the caller passes as
  ``hidden``) are never bound; if one lies inside an allowed folder (``autograder`` installed into
  the virtual environment, say) an empty read-only tmpfs is mounted over it. ``.pth`` or editable
  paths that contain a hidden folder (the repository root of a legacy editable install) are left
  out and listed in ``sandbox.notes``.
- **User**: when the grader runs as root, the student's code runs as uid/gid 65534 (``nobody``)
  *on the host*, with no supplementary groups, no capabilities (permitted, effective, ambient and
  bounding sets empty) and ``no_new_privs`` (set-uid binaries and file capabilities do nothing).
  The outer bwrap runs as root without a user namespace (root is needed to reach a Python
  installed under ``/root``) and keeps only ``CAP_SETUID``/``CAP_SETGID``; a few lines of Python
  (the *shim*, run with ``python -I -S``) drop to 65534; then a second, unprivileged bwrap puts the
  command in a user namespace owned by 65534 (mapped to itself) with ``--disable-userns``, so the
  student cannot create user namespaces of its own. Files the student writes belong to 65534 and
  root's exemption from ``RLIMIT_NPROC`` no longer applies. ``workdir`` is chowned to 65534 by
  :meth:`Sandbox.prepare_workdir`; the Python installation and the virtual environment must be
  world-readable (the probe checks it by running the environment's Python as 65534). If the inner
  bwrap cannot run (user namespaces disabled on the host), the sandbox works without it,
  ``blocks_userns`` is False and ``notes`` says so. As a normal user, bwrap itself uses an
  unprivileged user namespace with ``--disable-userns``, and the code keeps the user's uid.
- **Resources** (:class:`ProcessLimits`): ``RLIMIT_AS`` (memory), ``RLIMIT_FSIZE`` (largest file),
  ``RLIMIT_CORE = 0`` and optionally ``RLIMIT_CPU`` are set in ``preexec`` and inherited by the whole
  tree, with soft = hard so the student cannot raise them. ``RLIMIT_NPROC`` is set by the shim
  inside the sandbox's user namespace: the kernel counts it per user *per user namespace*, so
  there it counts only this sandbox's tasks, whereas set outside it would count every process of
  a developer's account, or every uid-65534 task on the host including other sandboxes.

What it does not isolate
------------------------
- It is the host's kernel: there is no seccomp filter, so kernel bugs are attack surface.
- No cgroups: memory is limited per process (address space, not resident memory, and a tree of
  ``nproc`` processes may use ``nproc * memory_mb``), CPU time per process only; the wall-clock
  timeout is the kernel runner's job. Threads count towards ``nproc``.
- In root mode uid 65534 is shared with the host's own ``nobody`` processes and with the other
  sandboxes (the PID and user namespaces keep them from seeing or signalling each other). Without
  the inner bwrap (``blocks_userns`` False) ``RLIMIT_NPROC`` counts all of their tasks together.
- Disk: ``RLIMIT_FSIZE`` bounds each file, the tmpfs mounts are size-limited, but the number of
  files in ``workdir`` is not (no quota).
- Everything bound read-only is readable: system files, all installed packages (including the
  metadata of ``quantkit-autograder``, e.g. its ``RECORD`` file names, but not its contents), the
  host's account names in ``/etc/passwd``; ``/proc/cpuinfo``, ``/proc/meminfo`` and the kernel
  version are visible.
- ``workdir`` is student-controlled after the run: it may contain symlinks to anything, so the
  grader must not follow links out of it or trust what it finds there.
- ``unsandboxed`` (no bwrap: macOS, Windows, containers without namespaces, or forced): the same
  limits where the OS supports them (none on Windows), a private ``0700`` working folder with
  ``HOME``/``TMPDIR`` inside it and a minimal environment; the code can read everything the grader
  can and use the network. ``sandbox.reason`` says why; report it. ``quantgrade grade`` uses it only
  when told to (``--unsandboxed``); :func:`how_to_fix` says what to do instead.

Process lifetime
----------------
Nothing a sandboxed command starts may outlive it. With bubblewrap, ``--unshare-pid`` puts the whole
tree in a PID namespace whose init is bwrap's child, and ``--die-with-parent`` kills bwrap (and so the
namespace) when the thread that started it dies, whatever the student's code does (double fork,
``setsid``): when a PID namespace's init dies, the kernel kills every process in it. Unsandboxed on
Linux, :meth:`Sandbox.wrap` runs the command under ``unshare --pid --fork --kill-child`` (with
``--user --map-current-user`` when the grader is not root) where a probe run shows that works, for
the same guarantee; ``sandbox.pid_namespace`` says whether it does. Where it does not (macOS,
Windows, a Linux that allows no namespaces) the launcher still dies with its parent
(``PR_SET_PDEATHSIG``, set by the kernel runner) and the grader kills the launcher's process group,
but a process the student's code detached into a session of its own can survive the run; this is
said in ``sandbox.notes``.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

try:  # Unix only; Windows has no resource limits we can set.
    import resource
except ImportError:  # pragma: no cover - exercised on Windows only
    resource = None  # type: ignore[assignment]

__all__ = [
    "ENV_VAR",
    "SANDBOX_GID",
    "SANDBOX_UID",
    "ProcessLimits",
    "Sandbox",
    "SandboxError",
    "how_to_fix",
]

ENV_VAR = "QUANTGRADE_SANDBOX"
"""Environment variable that forces the sandbox kind: ``none``, ``bubblewrap`` or ``auto``."""

SANDBOX_UID = 65534
"""The uid student code runs as when the grader is root (``nobody`` on Debian, Fedora, Alpine)."""

SANDBOX_GID = 65534
"""The gid that goes with :data:`SANDBOX_UID` (``nogroup`` / ``nobody``)."""

_MIB = 1024 * 1024
_KINDS = ("auto", "bubblewrap", "none")
_HOSTNAME = "quantgrade"

# System folders bound read-only (or re-created as the same symlink when they are one, as on
# merged-/usr systems where /bin -> usr/bin).
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

# The part of /etc that Python, numpy and a Jupyter kernel need: the dynamic loader's cache,
# user and group names (getpwuid), the name-service switch, time zone, Debian's alternatives
# symlinks, public CA certificates and Debian's python config. Found by trial; nothing secret.
_ETC_PATHS = (
    "/etc/ld.so.cache",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/alternatives",
    "/etc/ssl/certs",
    "/etc/python3",
    f"/etc/python{sys.version_info.major}.{sys.version_info.minor}",
)

# Runs inside the sandbox before the command (python -I -S: no site, no environment): drop to the
# sandbox uid (root mode), set RLIMIT_NPROC, enter the working folder (which only the sandbox uid
# may: it is 0700 and bwrap's root has no CAP_DAC_OVERRIDE), then exec the command. In root mode it
# runs twice, around the inner bwrap (see Sandbox._command); see the module docstring for why
# RLIMIT_NPROC is set here rather than in preexec.
_SHIM = (
    "import os, resource, sys\n"
    "uid, gid, nproc, cwd = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]\n"
    "if uid >= 0:\n"
    "    os.setgroups([]); os.setresgid(gid, gid, gid); os.setresuid(uid, uid, uid)\n"
    "if nproc > 0:\n"
    "    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))\n"
    "os.chdir(cwd)\n"
    "os.execvp(sys.argv[5], sys.argv[5:])\n"
)

_PROBE_OUTPUT = "quantgrade-sandbox-ok"


class SandboxError(RuntimeError):
    """Bubblewrap was required (forced) but cannot run here; the message says why."""


def _check_limit(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"ProcessLimits.{name} must be a whole number or None, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"ProcessLimits.{name} must be positive (or None for no limit), got {value}")


@dataclass(frozen=True)
class ProcessLimits:
    """Resource limits for the sandboxed process tree.

    Each limit is set with soft = hard, so student code cannot raise it again. ``None`` means no
    limit. Sizes are in mebibytes (MiB, 2**20 bytes).

    Parameters
    ----------
    memory_mb : int or None, default 2048
        Address space per process (``RLIMIT_AS``). Allocations beyond it fail with
        ``MemoryError``. Virtual, not resident, memory: thread stacks and malloc arenas count,
        which is why the sandbox environment sets ``OPENBLAS_NUM_THREADS=1`` and friends.
    nproc : int or None, default 256
        Processes *and threads* of the sandbox's user (``RLIMIT_NPROC``); a fork bomb stops here.
        A Jupyter kernel uses about ten threads.
    file_size_mb : int or None, default 64
        Largest file a process may write (``RLIMIT_FSIZE``); Python then raises ``OSError``
        (``EFBIG``), since it ignores ``SIGXFSZ``.
    cpu_seconds : int or None, default None
        CPU time per process (``RLIMIT_CPU``); the process is killed when it runs out. Wall-clock
        timeouts are the kernel runner's business, so this is off by default.
    tmp_mb : int, default 256
        Size of the private ``/tmp`` and ``/dev/shm`` tmpfs mounts (bubblewrap only).

    ``RLIMIT_CORE`` is always 0: no core dumps.

    Examples
    --------
    >>> ProcessLimits(memory_mb=512, nproc=32).nproc
    32
    """

    memory_mb: int | None = 2048
    nproc: int | None = 256
    file_size_mb: int | None = 64
    cpu_seconds: int | None = None
    tmp_mb: int = 256

    def __post_init__(self) -> None:
        for name in ("memory_mb", "nproc", "file_size_mb", "cpu_seconds"):
            _check_limit(name, getattr(self, name))
        if self.tmp_mb is None:
            raise TypeError("ProcessLimits.tmp_mb must be a whole number of MiB (a tmpfs always has a size)")
        _check_limit("tmp_mb", self.tmp_mb)

    def rlimits(self) -> dict[str, int]:
        """The ``RLIMIT_*`` values applied from outside the sandbox (``RLIMIT_NPROC`` excluded).

        Returns
        -------
        dict of str to int
            Resource name (``"RLIMIT_AS"``, ...) to the value in bytes or seconds; limits that
            are ``None`` are absent. ``RLIMIT_CORE`` is always 0.
        """
        values = {"RLIMIT_CORE": 0}
        if self.memory_mb is not None:
            values["RLIMIT_AS"] = self.memory_mb * _MIB
        if self.file_size_mb is not None:
            values["RLIMIT_FSIZE"] = self.file_size_mb * _MIB
        if self.cpu_seconds is not None:
            values["RLIMIT_CPU"] = self.cpu_seconds
        return values


@dataclass(frozen=True)
class _Mount:
    """One entry of the sandbox's file system, in bwrap terms."""

    kind: Literal["ro", "rw", "mask", "symlink", "proc", "dev", "tmpfs"]
    dest: str
    src: str = ""


def _inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it (both absolute, normalised)."""
    return path == folder or folder == "/" or path.startswith(folder.rstrip("/") + "/")


def _overlaps(a: str, b: str) -> bool:
    return _inside(a, b) or _inside(b, a)


def _norm(path: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def _default_hidden() -> list[str]:
    """The grader's own folders: the autograder package and, next to it, the solutions."""
    package = Path(__file__).resolve().parent
    hidden = [str(package)]
    solutions = package.parent / "solutions"
    if solutions.is_dir():
        hidden.append(str(solutions))
    return hidden


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    dirs = []
    for key in ("purelib", "platlib"):
        folder = paths.get(key)
        if folder and os.path.isdir(folder) and _norm(folder) not in dirs:
            dirs.append(_norm(folder))
    return dirs


def _editable_mapping(finder: Path) -> list[str]:
    """The package folders a setuptools ``__editable___*_finder.py`` maps names to."""
    try:
        tree = ast.parse(finder.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "MAPPING" and node.value is not None:
            try:
                mapping = ast.literal_eval(node.value)
            except ValueError:
                return []
            if isinstance(mapping, dict):
                return [str(v) for v in mapping.values() if isinstance(v, str)]
    return []


def _package_paths() -> list[str]:
    """Folders outside the environment that installed packages import from.

    Path lines of ``.pth`` files, the targets of setuptools' editable finders, and quantkit's
    package folder (wherever it is installed).
    """
    found: list[str] = []
    for site_dir in _site_dirs():
        for pth in sorted(Path(site_dir).glob("*.pth")):
            try:
                lines = pth.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for line in lines:
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                folder = os.path.join(site_dir, line)
                if os.path.isdir(folder):
                    found.append(folder)
        for finder in sorted(Path(site_dir).glob("__editable___*_finder.py")):
            found.extend(p for p in _editable_mapping(finder) if os.path.exists(p))
    spec = importlib.util.find_spec("quantkit")
    if spec is not None and spec.submodule_search_locations:
        found.extend(spec.submodule_search_locations)
    return found


def _python_paths() -> list[str]:
    """The Python installation and the environment, as given and resolved."""
    paths = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix]
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        folder = sysconfig.get_paths().get(key)
        if folder:
            paths.append(folder)
    if sys.executable:
        paths.append(os.path.dirname(_real(sys.executable)))
    return [p for p in paths if p and os.path.exists(p)]


def _bwrap_help(bwrap: str) -> str:
    try:
        proc = subprocess.run(
            [bwrap, "--help"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout + proc.stderr


@functools.lru_cache(maxsize=16)
def _bwrap_features(bwrap: str) -> frozenset[str]:
    """Which optional bwrap options this bwrap knows (from its ``--help``)."""
    text = _bwrap_help(bwrap)
    return frozenset(opt for opt in ("--size", "--disable-userns", "--perms") if opt in text)


@functools.lru_cache(maxsize=16)
def _probe(argv: tuple[str, ...]) -> str | None:
    """Run a real sandboxed Python once; ``None`` if it worked, else why it did not (cached)."""
    try:
        proc = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired:
        return "a test run of bwrap did not finish within 60 s"
    except OSError as exc:
        return f"bwrap could not be started: {exc}"
    if proc.returncode == 0 and _PROBE_OUTPUT in proc.stdout:
        return None
    detail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:]) or "no message"
    return f"a test run of bwrap failed (exit status {proc.returncode}): {detail}"


@functools.lru_cache(maxsize=4)
def _unshare_prefix(euid: int) -> tuple[tuple[str, ...], str]:
    """The ``unshare`` command prefix that gives a command its own PID namespace here, or why none does.

    ``--fork`` makes the command the namespace's init, ``--kill-child`` kills it when unshare dies
    (and the kernel then kills the whole namespace). As root that is all; otherwise the namespace
    needs a user namespace too (mapped to the user's own uid, or to root where util-linux is older).
    Each candidate is tried once with a real run (cached).
    """
    if not sys.platform.startswith("linux"):
        return (), f"no PID namespaces on {sys.platform}"
    exe = shutil.which("unshare")
    true = shutil.which("true") or "/bin/true"
    if exe is None:
        return (), "unshare (util-linux) not found"
    base = ("--pid", "--fork", "--kill-child")
    candidates = [base]
    if euid != 0:
        candidates = [("--user", "--map-current-user", *base), ("--user", "--map-root-user", *base)]
    why = "unshare cannot create a PID namespace here"
    for options in candidates:
        try:
            done = subprocess.run(
                [exe, *options, "--", true], capture_output=True, text=True, timeout=10, check=False,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            return (), f"unshare could not be run: {exc}"
        if done.returncode == 0:
            return (exe, *options, "--"), ""
        why = f"unshare cannot create a PID namespace here: {done.stderr.strip() or done.returncode}"
    return (), why


_INSTALL_BWRAP = (
    "install bubblewrap (Debian, Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
    "`sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`; openSUSE: `sudo zypper install "
    "bubblewrap`)"
)
_UNSANDBOXED = (
    "or, if you trust every submission, grade without the sandbox with `quantgrade grade ... --unsandboxed` "
    "(or QUANTGRADE_UNSANDBOXED=1; `make grade UNSANDBOXED=1`): student code then runs with your "
    "permissions and network, and every report says so"
)


def how_to_fix(reason: str, platform: str = sys.platform) -> str:
    """What an instructor can do when the bubblewrap sandbox is not usable, in plain words.

    Parameters
    ----------
    reason : str
        Why not (``Sandbox.reason`` of the fallback, or a :class:`SandboxError`'s message).
    platform : str, default sys.platform

    Returns
    -------
    str
        What is missing and how to get it, ending with the ``--unsandboxed`` way out.

    Examples
    --------
    >>> print(how_to_fix("bwrap on PATH not found (install the bubblewrap package)", "linux"))
    ... # doctest: +ELLIPSIS
    bubblewrap is not installed: install bubblewrap (Debian, Ubuntu: `sudo apt-get install bubblewrap`; ...
    """
    text = reason.lower()
    if platform == "darwin" or platform.startswith(("win", "cygwin")):
        what = "macOS" if platform == "darwin" else "Windows"
        head = (
            f"the sandbox (bubblewrap) needs Linux and this is {what}: grade on a Linux machine or in a "
            "Linux virtual machine or container that allows user namespaces (Docker: "
            "`--security-opt seccomp=unconfined --security-opt apparmor=unconfined`), with bubblewrap "
            "installed"
        )
    elif "not found" in text:
        head = f"bubblewrap is not installed: {_INSTALL_BWRAP}"
    elif "too old" in text:
        head = f"bubblewrap is too old (0.8 or newer is needed): {_INSTALL_BWRAP} from a newer release"
    elif any(w in text for w in ("namespace", "not permitted", "permission denied", "setting up uid")):
        head = (
            "bubblewrap cannot create the namespaces it needs: user namespaces are disabled or restricted on "
            "this machine (enable them: `sudo sysctl -w kernel.unprivileged_userns_clone=1` on Debian, "
            "`sudo sysctl -w user.max_user_namespaces=15000` where that is 0, "
            "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` on Ubuntu 24.04; in a "
            "container, allow them, e.g. Docker's `--security-opt seccomp=unconfined`)"
        )
    elif "world-readable" in text:
        head = (
            "the sandbox's user cannot read the Python installation or the virtual environment: make them "
            "world-readable (`chmod -R a+rX` on them) or install them outside /root"
        )
    else:
        head = f"the bubblewrap sandbox does not work here ({reason})"
    return f"{head}; {_UNSANDBOXED}."


def _user_tasks(uid: int) -> int | None:
    """Processes and threads of ``uid`` right now (Linux ``/proc``), or None if unknown."""
    if not os.path.isdir("/proc/self/task"):
        return None
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            total += int(fields.get("Threads", "1").strip() or 1)
    return total


def _clamp(name: str, value: int) -> tuple[int, int] | None:
    """(soft, hard) to set for ``RLIMIT_<name>``: ``value``, or the current hard limit if lower."""
    if resource is None or not hasattr(resource, name):
        return None
    res = getattr(resource, name)
    _soft, hard = resource.getrlimit(res)
    if hard != resource.RLIM_INFINITY and hard < value:
        value = hard
    return (value, value)


@dataclass
class Sandbox:
    """How student code is run: ``"bubblewrap"`` or ``"unsandboxed"``; build it with :meth:`detect`.

    Attributes
    ----------
    kind : {"bubblewrap", "unsandboxed"}
        What :meth:`wrap` produces. Record it in ``SubmissionResult.sandbox``.
    reason : str
        Why this kind was chosen, in plain words (for the grading report).
    limits : ProcessLimits
        The resource limits applied.
    uid : int or None
        The uid the student's code runs as on the host when it differs from the grader's
        (:data:`SANDBOX_UID` when the grader is root and bubblewrap is used), else None.
    readable : tuple of str
        Extra read-only paths, as bound.
    hidden : tuple of str
        Folders never visible inside (masked if they lie inside an allowed folder).
    notes : list of str
        Things the instructor should know (paths left out, limits that could not be set).
    blocks_userns : bool
        Whether student code is stopped from creating user namespaces (``--disable-userns``).

    Used in: the hardened grading path (the kernel runner), see the module docstring.
    """

    kind: Literal["bubblewrap", "unsandboxed"]
    reason: str
    limits: ProcessLimits
    uid: int | None = None
    readable: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    blocks_userns: bool = False
    bwrap: str | None = field(default=None, repr=False)
    _inner: bool = field(default=False, repr=False)
    _mounts: tuple[_Mount, ...] = field(default=(), repr=False)
    _features: frozenset[str] = field(default=frozenset(), repr=False)
    _pidns: tuple[str, ...] = field(default=(), repr=False)

    @property
    def pid_namespace(self) -> bool:
        """Whether the command gets a PID namespace of its own (always with bubblewrap)."""
        return self.kind == "bubblewrap" or bool(self._pidns)

    # ------------------------------------------------------------------ detection

    @classmethod
    def detect(
        cls,
        limits: ProcessLimits | None = None,
        readable: Iterable[str | os.PathLike[str]] = (),
        *,
        hidden: Iterable[str | os.PathLike[str]] = (),
        kind: Literal["auto", "bubblewrap", "none"] | None = None,
        bwrap: str | os.PathLike[str] | None = None,
    ) -> Sandbox:
        """Choose the sandbox for this machine, probing bubblewrap with a real run (cached).

        Parameters
        ----------
        limits : ProcessLimits, optional
            Resource limits; default ``ProcessLimits()``.
        readable : iterable of path-like, default ()
            Extra paths the student's code may read (course data, say). Each must exist and must
            not lie inside a hidden folder; hidden folders inside it are masked.
        hidden : iterable of path-like, default ()
            Folders that must stay invisible in addition to the autograder package and the
            repository's ``solutions/`` (pass the grader's output folder and the submissions
            folder). Only matters when they lie inside an allowed folder: everything that is not
            allowed is invisible anyway.
        kind : {"auto", "bubblewrap", "none"}, optional
            Force a choice; default: ``$QUANTGRADE_SANDBOX``, else ``"auto"``.
        bwrap : path-like, optional
            The bwrap executable; default ``shutil.which("bwrap")``.

        Returns
        -------
        Sandbox

        Raises
        ------
        SandboxError
            ``"bubblewrap"`` was forced and cannot run here (the message says why).
        ValueError
            An unknown kind, a ``readable`` path that does not exist or lies in a hidden folder.
        """
        limits = ProcessLimits() if limits is None else limits
        if not isinstance(limits, ProcessLimits):
            raise TypeError(f"limits must be a ProcessLimits, got {type(limits).__name__}")
        source = "detect(kind=...)"
        if kind is None:
            kind = os.environ.get(ENV_VAR, "").strip().lower() or "auto"  # type: ignore[assignment]
            source = f"{ENV_VAR}={kind}"
        if kind not in _KINDS:
            raise ValueError(f"unknown sandbox kind {kind!r} (from {source}); use one of {', '.join(_KINDS)}")

        hidden_paths = tuple(
            dict.fromkeys(p for h in [*_default_hidden(), *hidden] for p in (_norm(h), _real(h)))
        )
        readable_paths: list[str] = []
        for path in readable:
            norm = _norm(path)
            if not os.path.exists(norm):
                raise ValueError(f"readable path {norm} does not exist")
            for secret in hidden_paths:
                if _inside(norm, secret) or _inside(_real(norm), secret):
                    raise ValueError(f"readable path {norm} lies inside the hidden folder {secret}")
            readable_paths.append(norm)

        fallback = cls(
            kind="unsandboxed",
            reason="",
            limits=limits,
            readable=tuple(readable_paths),
            hidden=hidden_paths,
        )
        fallback._pid_namespace()
        if kind == "none":
            fallback.reason = f"sandbox disabled ({source}): student code runs unsandboxed"
            return fallback

        why_not, sandbox = cls._try_bubblewrap(limits, readable_paths, hidden_paths, bwrap)
        if sandbox is not None:
            return sandbox
        if kind == "bubblewrap":
            raise SandboxError(f"bubblewrap was requested ({source}) but cannot be used: {why_not}")
        fallback.reason = f"bubblewrap unavailable, student code runs unsandboxed: {why_not}"
        return fallback

    @classmethod
    def _try_bubblewrap(
        cls,
        limits: ProcessLimits,
        readable: list[str],
        hidden: tuple[str, ...],
        bwrap: str | os.PathLike[str] | None,
    ) -> tuple[str, Sandbox | None]:
        if not sys.platform.startswith("linux"):
            return f"bubblewrap needs Linux, this is {sys.platform}", None
        exe = shutil.which(os.fspath(bwrap)) if bwrap is not None else shutil.which("bwrap")
        if exe is None:
            where = os.fspath(bwrap) if bwrap is not None else "bwrap on PATH"
            return f"{where} not found (install the bubblewrap package)", None
        if not sys.executable:
            return "sys.executable is empty, so there is no Python to run inside", None
        notes: list[str] = []
        mounts = cls._plan(readable, hidden, notes)
        uid = SANDBOX_UID if os.geteuid() == 0 else None
        sandbox = cls(
            kind="bubblewrap",
            reason="",
            limits=limits,
            uid=uid,
            readable=tuple(readable),
            hidden=hidden,
            notes=notes,
            bwrap=exe,
            _mounts=mounts,
            _features=_bwrap_features(exe),
        )
        if "--perms" not in sandbox._features:
            return f"{exe} is too old (no --perms option; bubblewrap 0.8 or newer is needed)", None
        # The probe runs the environment's own Python with its site-packages, as the student's
        # kernel will: it fails if bwrap cannot build the namespaces or the files are unreadable.
        program = [sys.executable, "-c", f"print({_PROBE_OUTPUT!r})"]
        probe_env = {"PATH": "/usr/bin:/bin"}
        if uid is not None and "--disable-userns" in sandbox._features:
            # Root mode: try the inner unprivileged bwrap that stops nested user namespaces.
            sandbox._inner = True
            inner_failure = _probe(tuple(sandbox._command(program, None, probe_env)))
            if inner_failure is None:
                sandbox.blocks_userns = True
                return "", sandbox._works(exe)
            sandbox._inner = False
            notes.append(
                "student code may create user namespaces (more kernel attack surface): the inner "
                f"bwrap that disables them could not run: {inner_failure}"
            )
        elif uid is None:
            sandbox.blocks_userns = "--disable-userns" in sandbox._features
        failure = _probe(tuple(sandbox._command(program, None, probe_env)))
        if failure is not None:
            if uid is not None:
                failure += (
                    f" (student code runs as uid {uid}: the Python installation {sys.base_prefix} and "
                    f"the environment {sys.prefix} must be world-readable)"
                )
            return failure, None
        return "", sandbox._works(exe)

    def _pid_namespace(self) -> None:
        """Unsandboxed: run commands in a PID namespace of their own where unshare can make one."""
        prefix, why_not = _unshare_prefix(os.geteuid() if hasattr(os, "geteuid") else -1)
        self._pidns = prefix
        if not prefix:
            self._note(
                "student code runs in the grader's PID namespace "
                f"({why_not}): a process it detaches (double fork and setsid) can outlive the run"
            )

    def _works(self, exe: str) -> Sandbox:
        who = f"as uid {self.uid}" if self.uid is not None else f"as uid {os.geteuid()} in a user namespace"
        self.reason = f"bubblewrap ({exe}) works here; student code runs {who}, without network"
        return self

    @staticmethod
    def _plan(readable: list[str], hidden: tuple[str, ...], notes: list[str]) -> tuple[_Mount, ...]:
        """The sandbox's file system, except ``workdir`` (added by :meth:`wrap`)."""
        mounts: list[_Mount] = []
        for folder in _SYSTEM_DIRS:
            if os.path.islink(folder):
                mounts.append(_Mount("symlink", folder, os.readlink(folder)))
            elif os.path.isdir(folder):
                mounts.append(_Mount("ro", folder, folder))
        for path in _ETC_PATHS:
            if os.path.islink(path) and os.path.isabs(os.readlink(path)):
                mounts.append(_Mount("symlink", path, os.readlink(path)))
            elif os.path.exists(path):
                mounts.append(_Mount("ro", path, _real(path)))
        mounts += [
            _Mount("proc", "/proc"),
            _Mount("dev", "/dev"),
            _Mount("tmpfs", "/tmp"),
            _Mount("tmpfs", "/dev/shm"),
        ]

        wanted: list[str] = []
        for path in _python_paths():
            wanted += [_norm(path), _real(path)]
        for path in _package_paths():
            real = _real(path)
            if any(_inside(real, secret) for secret in hidden):
                continue  # the autograder package itself (its editable finder): hidden
            if any(_inside(secret, real) for secret in hidden):
                notes.append(f"not exposed to student code: {real} (it contains a hidden folder)")
                continue
            wanted.append(real)
        wanted += readable

        bound: list[str] = []
        for path in sorted(dict.fromkeys(wanted), key=lambda p: (p.count("/"), p)):
            if any(_inside(path, b) for b in bound) or any(
                _inside(path, m.dest) for m in mounts if m.kind == "ro"
            ):
                continue  # already visible through a folder bound above it
            src = _real(path)
            if any(_inside(src, secret) for secret in hidden):
                continue
            mounts.append(_Mount("ro", path, src))
            bound.append(path)
        for secret in hidden:
            inside = any(_inside(secret, m.dest) and secret != m.dest for m in mounts if m.kind == "ro")
            if inside and os.path.exists(secret):
                mounts.append(_Mount("mask", secret))
        return tuple(mounts)

    # ------------------------------------------------------------------ running

    def _check_workdir(self, workdir: str | os.PathLike[str]) -> str:
        if not isinstance(workdir, (str, os.PathLike)):
            raise TypeError(f"workdir must be a path, got {type(workdir).__name__}")
        raw = os.fspath(workdir)
        if not os.path.isabs(raw):
            raise ValueError(
                f"workdir must be an absolute path (the kernel's sockets live there), got {raw!r}"
            )
        path = _norm(raw)
        if not os.path.isdir(path):
            raise ValueError(f"workdir {path} is not an existing folder")
        if os.path.islink(raw.rstrip("/")):
            raise ValueError(f"workdir {path} is a symlink; give the folder itself")
        # It is chmodded 0700 (and chowned), so it must be a folder of its own: never /tmp, a home
        # folder, the Python installation or anything holding them.
        shared = {tempfile.gettempdir(), os.path.expanduser("~"), sys.prefix, sys.base_prefix}
        if len(Path(path).parts) < 3 or any(_inside(_norm(p), path) for p in shared):
            raise ValueError(
                f"workdir {path} is a shared folder; give a dedicated one at least two levels deep, "
                "e.g. tempfile.mkdtemp(prefix='quantgrade-') + '/work'"
            )
        for secret in self.hidden:
            if _overlaps(path, secret):
                raise ValueError(f"workdir {path} overlaps the hidden folder {secret}")
        for mount in self._mounts:
            if _inside(mount.dest, path) or (mount.kind != "tmpfs" and _inside(path, mount.dest)):
                raise ValueError(
                    f"workdir {path} overlaps {mount.dest}, which the sandbox provides itself; "
                    "use a fresh folder, e.g. under /tmp"
                )
        for path_ro in self.readable:
            if _overlaps(path, path_ro):
                raise ValueError(f"workdir {path} overlaps the read-only path {path_ro}")
        return path

    def prepare_workdir(self, workdir: str | os.PathLike[str]) -> None:
        """Make ``workdir`` private to the sandboxed user (``wrap`` calls it).

        The folder becomes mode 0700. When the student's code runs as another uid (the grader is
        root), the folder and everything already in it (the connection file, say) are chowned to
        that uid without following symlinks; call this again for files written after ``wrap``.
        The unsandboxed fallback also gets a ``.tmp`` folder for ``TMPDIR``.

        Parameters
        ----------
        workdir : path-like
            An existing folder, absolute.
        """
        path = self._check_workdir(workdir)
        os.chmod(path, 0o700)
        if self.kind == "unsandboxed":
            os.makedirs(os.path.join(path, ".tmp"), mode=0o700, exist_ok=True)
        if self.uid is None:
            return
        os.chown(path, self.uid, SANDBOX_GID, follow_symlinks=False)
        # fwalk works on directory descriptors, so a student swapping a folder for a symlink while
        # this runs cannot redirect a chown to a host file.
        for _root, dirs, files, dir_fd in os.fwalk(path, follow_symlinks=False):
            for name in dirs + files:
                os.chown(name, self.uid, SANDBOX_GID, dir_fd=dir_fd, follow_symlinks=False)

    def environ(
        self, workdir: str | os.PathLike[str], env: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The whole environment of the sandboxed process: a minimal base plus ``env``.

        Pass it to ``Popen(env=...)``. With bubblewrap the same variables are also enforced
        inside (``--clearenv``), so nothing of the grader's environment leaks in either way.

        Parameters
        ----------
        workdir : path-like
            The working folder; ``HOME`` points at it.
        env : mapping of str to str, optional
            Extra variables (``QUANTKIT_GRADING=1``, ``MPLBACKEND``...); they override the base.

        Returns
        -------
        dict of str to str
            ``HOME``, ``PATH``, ``LANG``, ``TMPDIR``, ``PYTHONNOUSERSITE=1``,
            ``PYTHONDONTWRITEBYTECODE=1``, ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``/
            ``MKL_NUM_THREADS=1`` (BLAS thread pools reserve address space and count towards
            ``nproc``), then ``env``.
        """
        home = _norm(workdir)
        if self.kind == "bubblewrap":
            path = os.pathsep.join([os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
            tmp = "/tmp"
        else:
            path = os.pathsep.join([os.path.dirname(sys.executable), os.defpath])
            tmp = os.path.join(home, ".tmp")
        base = {
            "HOME": home,
            "PATH": path,
            "LANG": "C.UTF-8",
            "TMPDIR": tmp,
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        if sys.platform == "win32":  # pragma: no cover - Windows fallback only
            base.update({"TEMP": tmp, "TMP": tmp, "USERPROFILE": home})
            for name in ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT"):
                if name in os.environ:
                    base[name] = os.environ[name]
        for key, value in (env or {}).items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"env must map str to str, got {key!r}: {type(value).__name__}")
            if not key or "=" in key or "\0" in key + value:
                raise ValueError(f"env has an invalid variable name or value: {key!r}")
            base[key] = value
        return base

    def wrap(
        self,
        argv: Sequence[str | os.PathLike[str]],
        workdir: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
    ) -> tuple[list[str], Callable[[], None] | None]:
        """Build the command that runs ``argv`` in this sandbox with ``workdir`` writable.

        Also prepares ``workdir`` (:meth:`prepare_workdir`): write the connection file into it
        *before* calling ``wrap``, or call ``prepare_workdir`` again afterwards.

        Parameters
        ----------
        argv : sequence of str or path-like
            The command, e.g. ``[python, "-m", "ipykernel_launcher", "-f", connection_file]``.
            Use absolute paths; a bare name is looked up on the sandbox's ``PATH``.
        workdir : path-like
            Existing absolute folder, bound read-write at the same path inside; the only host
            folder the student's code can write to. It must not overlap a read-only or hidden path.
        env : mapping of str to str, optional
            Extra environment variables (see :meth:`environ`).

        Returns
        -------
        argv : list of str
            The command to give ``subprocess.Popen``.
        preexec : callable or None
            Give it as ``preexec_fn``: it sets the resource limits (and, unsandboxed, changes to
            ``workdir``). None where the OS has no resource limits (Windows). Also pass
            ``env=sandbox.environ(workdir, env)``, ``cwd=workdir`` and ``start_new_session=True``
            (so the grader can ``os.killpg`` the whole tree). bwrap's ``--die-with-parent``
            kills the sandbox when the *thread* that started it exits, so start kernels from a
            thread that outlives them.

        Raises
        ------
        TypeError, ValueError
            ``argv`` empty or not strings; ``workdir`` relative, missing or overlapping a
            read-only or hidden path.
        """
        if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence):
            raise TypeError("argv must be a list of strings (the command and its arguments), not a string")
        if not argv:
            raise ValueError("argv is empty: give the command to run")
        command = []
        for arg in argv:
            if not isinstance(arg, (str, os.PathLike)):
                raise TypeError(f"argv items must be strings or paths, got {type(arg).__name__}")
            command.append(os.fspath(arg))
        path = self._check_workdir(workdir)
        environ = self.environ(path, env)
        self.prepare_workdir(path)
        preexec = self._preexec(path)
        if self.kind == "unsandboxed":
            return [*self._pidns, *command], preexec
        return self._command(command, path, environ), preexec

    def _command(self, argv: list[str], workdir: str | None, environ: Mapping[str, str]) -> list[str]:
        """The bwrap command line (``workdir=None`` for the probe)."""
        assert self.bwrap is not None
        args = [
            self.bwrap,
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", _HOSTNAME,
            "--die-with-parent", "--new-session",
        ]  # fmt: skip
        if self.uid is None:
            args.append("--unshare-user")
            if "--disable-userns" in self._features:
                args.append("--disable-userns")
        else:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        mounts = list(self._mounts)
        if workdir is not None:
            mounts.append(_Mount("rw", workdir, _real(workdir)))
        args += self._mount_args(mounts)
        args += ["--chdir", "/", "--clearenv"]
        for key, value in environ.items():
            args += ["--setenv", key, value]
        uid = -1 if self.uid is None else self.uid
        gid = -1 if self.uid is None else SANDBOX_GID
        cwd = workdir or "/"
        nproc = str(self.limits.nproc or 0)
        shim = [_real(sys.executable), "-I", "-S", "-c", _SHIM]
        if not self._inner:
            return [*args, "--", *shim, str(uid), str(gid), nproc, cwd, *argv]
        # Root mode: the shim drops to the sandbox uid, then an unprivileged bwrap puts the command
        # in a user namespace owned by that uid (mapped to itself) that cannot create more, and a
        # second shim sets RLIMIT_NPROC in there, where the kernel counts only this sandbox's tasks
        # (set before, it would count every uid-65534 task on the host, other sandboxes included).
        inner = [self.bwrap, "--unshare-user", "--disable-userns", "--uid", str(uid), "--gid", str(gid)]
        inner += ["--dev-bind", "/", "/", "--die-with-parent", "--chdir", cwd]
        return [
            *args,
            "--",
            *shim,
            str(uid),
            str(gid),
            "0",
            cwd,
            *inner,
            "--",
            *shim,
            "-1",
            "-1",
            nproc,
            cwd,
            *argv,
        ]

    def _mount_args(self, mounts: list[_Mount]) -> list[str]:
        """bwrap options for ``mounts``, parents first, with 0755 skeleton folders leading to them."""
        args: list[str] = []
        made: set[str] = {"/"}
        bound: list[str] = []
        size = str(self.limits.tmp_mb * _MIB)
        for mount in sorted(mounts, key=lambda m: m.dest.count("/")):
            parents = Path(mount.dest).parents
            for parent in reversed([str(p) for p in parents]):
                if parent in made or any(_inside(parent, b) for b in bound):
                    continue
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
            if mount.kind == "ro":
                args += ["--ro-bind", mount.src, mount.dest]
                bound.append(mount.dest)
            elif mount.kind == "rw":
                args += ["--bind", mount.src, mount.dest]
                bound.append(mount.dest)
            elif mount.kind == "symlink":
                args += ["--symlink", mount.src, mount.dest]
            elif mount.kind == "proc":
                args += ["--proc", mount.dest]
            elif mount.kind == "dev":
                args += ["--dev", mount.dest]
            elif mount.kind == "tmpfs":
                args += ["--perms", "1777"]
                if "--size" in self._features:
                    args += ["--size", size]
                args += ["--tmpfs", mount.dest]
            elif mount.kind == "mask":
                if os.path.isdir(mount.dest):
                    args += ["--perms", "0755", "--tmpfs", mount.dest, "--remount-ro", mount.dest]
                else:
                    args += ["--ro-bind", "/dev/null", mount.dest]
            made.add(mount.dest)
        return args

    def _preexec(self, workdir: str) -> Callable[[], None] | None:
        """The ``preexec_fn`` setting the limits (and, unsandboxed, the working folder)."""
        if resource is None:  # pragma: no cover - Windows
            if "resource limits" not in " ".join(self.notes):
                self.notes.append("resource limits are not available on this OS; none were set")
            return None
        settings: list[tuple[int, tuple[int, int]]] = []
        for name, value in self.limits.rlimits().items():
            pair = _clamp(name, value)
            if pair is None:
                self._note(f"{name} is not supported here; not set")
                continue
            if pair[0] != value:
                self._note(f"{name} lowered to the current hard limit {pair[0]}")
            settings.append((getattr(resource, name), pair))
        chdir = None
        if self.kind == "unsandboxed":
            chdir = workdir
            nproc = self._fallback_nproc()
            if nproc is not None and hasattr(resource, "RLIMIT_NPROC"):
                pair = _clamp("RLIMIT_NPROC", nproc)
                if pair is not None:
                    settings.append((resource.RLIMIT_NPROC, pair))

        if self.kind == "unsandboxed" and sys.platform == "darwin":
            self._note("macOS may refuse or not enforce RLIMIT_AS: memory may be unlimited")
        strict = self.kind == "bubblewrap"  # Linux: every limit must apply, or the start fails

        def preexec() -> None:
            for res, pair in settings:
                try:
                    resource.setrlimit(res, pair)
                except (ValueError, OSError):
                    if strict:
                        raise
            if chdir is not None:
                os.chdir(chdir)

        return preexec

    def _fallback_nproc(self) -> int | None:
        """RLIMIT_NPROC for the unsandboxed case: the user's current tasks plus ``limits.nproc``."""
        if self.limits.nproc is None:
            return None
        if os.geteuid() == 0:
            self._note("RLIMIT_NPROC is not enforced: the grader runs as root, which the kernel exempts")
            return None
        current = _user_tasks(os.getuid())
        if current is None:
            self._note("RLIMIT_NPROC not set: cannot count this user's processes on this OS")
            return None
        return current + self.limits.nproc

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
