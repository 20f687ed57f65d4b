"""Tests of autograder._lifetime: children dying with their parent, locks the OS releases, stale folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder import _lifetime
from autograder._lifetime import RUN_PREFIX, lock_file, make_run_dir, remove_stale_run_dirs, remove_tree

linux = pytest.mark.skipif(not _lifetime.HAS_PARENT_DEATH_SIGNAL, reason="PR_SET_PDEATHSIG is Linux only")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@linux
def test_a_child_dies_with_its_parent_even_when_the_parent_is_sigkilled(tmp_path: Path) -> None:
    # parent: starts a child with child_preexec (which sleeps), prints the child's pid, then sleeps.
    parent_code = textwrap.dedent(
        """
        import subprocess, sys, time
        from autograder._lifetime import child_preexec
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                 preexec_fn=child_preexec(), start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    with subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(child), "the child outlived its SIGKILLed parent (a new session does not help it)"


@linux
def test_child_preexec_resets_the_signals_a_worker_ignores() -> None:
    code = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        done = subprocess.run([sys.executable, "-c", code], preexec_fn=_lifetime.child_preexec(),
                              capture_output=True, text=True, check=True)  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, previous)
    assert done.stdout.strip() == "False"


def test_a_lock_is_exclusive_and_released_with_its_descriptor(tmp_path: Path) -> None:
    fd = lock_file(tmp_path / "lock")
    assert fd is not None
    assert lock_file(tmp_path / "lock") is None  # another open file description: refused
    os.close(fd)
    again = lock_file(tmp_path / "lock")
    assert again is not None
    os.close(again)


def test_lock_without_create_raises_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        lock_file(tmp_path / "absent", create=False)


def test_only_the_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    mine, fd = make_run_dir(tmp_path)
    assert mine.name.startswith(RUN_PREFIX) and (mine / ".lock").is_file()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from autograder._lifetime import make_run_dir; "
         "print(make_run_dir(sys.argv[1])[0], flush=True); time.sleep(60)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        theirs = Path(holder.stdout.readline().strip())
        (theirs / "k-1" / "locked").mkdir(parents=True)
        (theirs / "k-1" / "locked").chmod(0)  # as a student's code could leave it
        unrelated = tmp_path / "quantgrade-k-old"  # not a run folder: never touched
        unrelated.mkdir()
        stray = tmp_path / f"{RUN_PREFIX}nolock"  # no lock file: not ours either
        stray.mkdir()
        assert remove_stale_run_dirs(tmp_path) == []  # both runs alive
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert remove_stale_run_dirs(tmp_path) == [theirs]
        assert not theirs.exists() and mine.is_dir() and unrelated.is_dir() and stray.is_dir()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
        os.close(fd)
    remove_tree(mine)
    assert not mine.exists()
