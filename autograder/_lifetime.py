"""Process lifetimes and private folders: what makes a grading run leave nothing behind.

- :func:`die_with_parent` / :func:`child_preexec`: ``PR_SET_PDEATHSIG`` (Linux), so that a worker
  dies with the grader and a kernel's launcher (bwrap, unshare or the kernel itself) with its worker,
  even when the parent is killed with SIGKILL and can clean up nothing.
- :func:`lock_file`: an exclusive ``flock`` (``msvcrt.locking`` on Windows) that the operating system
  releases when the process holding it dies, however it dies.
- :func:`make_run_dir` / :func:`remove_stale_run_dirs`: every run keeps its kernels' private folders
  in one ``quantgrade-run-*`` folder of the temporary directory, locked for as long as the run
  lives; a later run removes the folders whose lock is free (their run was killed).
- :func:`remove_tree`: removes a folder a student's code may have made hard to remove (mode 000
  folders), without following symbolic links.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "RUN_PREFIX",
    "child_preexec",
    "die_with_parent",
    "lock_file",
    "make_run_dir",
    "remove_stale_run_dirs",
    "remove_tree",
]

RUN_PREFIX = "quantgrade-run-"
"""Name prefix of a run's folder of private folders in the temporary directory."""

_LOCK_NAME = ".lock"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _find_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


# Looked up once, here: a preexec function runs between fork and exec and should do as little as it can.
_PRCTL = _find_prctl()

#: Whether this platform can make a child die with its parent (Linux ``PR_SET_PDEATHSIG``).
HAS_PARENT_DEATH_SIGNAL = _PRCTL is not None


_SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL


def die_with_parent(parent: int, signum: int = _SIGKILL) -> bool:
    """Make this process receive ``signum`` when its parent dies; exit at once if it already has.

    Parameters
    ----------
    parent : int
        The pid the parent had (``os.getppid()`` in the parent is not good enough: the parent may
        already be gone by the time this runs, and then this process has been re-parented).
    signum : int, default SIGKILL

    Returns
    -------
    bool
        False where the platform has no such signal (anything but Linux).
    """
    if _PRCTL is None:
        return False
    _PRCTL(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the call above: nobody would signal us
        os._exit(1)
    return True


def child_preexec(then: Callable[[], None] | None = None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that ties the child to this thread's life, resets SIGINT/SIGTERM, then ``then()``.

    ``PR_SET_PDEATHSIG`` fires when the *thread* that started the child exits, so start children from
    a thread that outlives them (the grader starts kernels from its main thread). The signal
    dispositions are reset because a worker ignores SIGINT (Ctrl-C is the grader's to handle), and an
    ignored signal stays ignored across ``exec``. None on Windows, which has no ``preexec_fn``.
    """
    if os.name == "nt":  # pragma: no cover - Windows
        return then
    parent = os.getpid()

    def preexec() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(parent)
        if then is not None:
            then()

    return preexec


def lock_file(path: str | os.PathLike[str], *, blocking: bool = False, create: bool = True) -> int | None:
    """Open ``path`` (made if missing and ``create``) and lock it exclusively: its descriptor, None if held.

    The lock belongs to the open file: it is released when the descriptor is closed, which the
    operating system does when the process dies, however it dies (SIGKILL included). The descriptor
    is not inherited by child processes (``O_CLOEXEC``), so no kernel can keep a lock alive.

    Raises
    ------
    OSError
        If the file cannot be opened or locked for another reason than another holder.
    """
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | (os.O_CREAT if create else 0)
    fd = os.open(os.fspath(path), flags, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return None
        raise
    return fd


def _rmtree_error(function: Callable[..., object], path: str, _exc: object) -> None:
    """Make a folder a student's code locked (mode 000) removable, then retry once."""
    parent = os.path.dirname(path)
    for folder in (parent, path):
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.lstat(folder).st_mode):
                os.chmod(folder, 0o700)
    with contextlib.suppress(OSError):
        function(path)


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove a folder and everything in it, never following links; silently if it is gone."""
    path = os.fspath(path)
    if not os.path.lexists(path):
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_rmtree_error)
    else:  # pragma: no cover - Python 3.11
        shutil.rmtree(path, onerror=lambda f, p, e: _rmtree_error(f, p, e))
    if os.path.lexists(path):  # what could still not be removed: ignore, a later run tries again
        with contextlib.suppress(OSError):
            shutil.rmtree(path, ignore_errors=True)


def make_run_dir(parent: str | os.PathLike[str] | None = None) -> tuple[Path, int]:
    """A new ``quantgrade-run-*`` folder in the temporary directory, locked by this process.

    Returns
    -------
    folder : Path
        Mode 0700; the kernels' private folders go inside it.
    fd : int
        The lock's descriptor: keep it open for as long as the run lives.
    """
    # Made under another name and renamed once locked, so that no other run ever sees it unlocked.
    new = Path(tempfile.mkdtemp(prefix="quantgrade-new-", dir=parent)).resolve()
    fd = lock_file(new / _LOCK_NAME)
    assert fd is not None, "a folder just made cannot be locked by anyone else"
    folder = new.with_name(RUN_PREFIX + new.name[len("quantgrade-new-") :])
    os.rename(new, folder)
    return folder, fd


def remove_stale_run_dirs(parent: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove the run folders whose run is gone (their lock is free); return what was removed.

    A folder whose lock is held belongs to a run still going (this one, or a concurrent one) and is
    left alone; so is anything that is not a run folder or is a symbolic link.
    """
    base = Path(parent if parent is not None else tempfile.gettempdir())
    removed = []
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(RUN_PREFIX) or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            fd = lock_file(entry / _LOCK_NAME, create=False)
        except OSError:  # no lock file: not a folder this module made
            continue
        if fd is None:
            continue  # a live run
        try:
            remove_tree(entry)
        finally:
            os.close(fd)
        removed.append(entry)
    return removed
