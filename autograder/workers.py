"""Grading worker processes: they grade what they are given, stop when told and die with the grader.

:class:`WorkerPool` grades submissions in ``jobs`` processes (multiprocessing's *spawn* start method:
a fresh interpreter each, nothing inherited). The grader's own process only hands out submissions,
two at a time per worker (the one being graded and the next, whose kernel the worker starts ahead),
and receives each result the moment it is ready, so that it can be journaled at once. It never runs
student code, so it can always react to a signal.

Lifetimes, whatever happens:

- a worker sets ``PR_SET_PDEATHSIG`` (SIGKILL) first thing, so it dies when the grader dies, even of
  SIGKILL; its kernels' launchers carry the same signal towards the worker
  (:func:`autograder._lifetime.child_preexec`), and the sandbox's PID namespace takes every process
  of a kernel with it (:mod:`autograder.sandbox`, "Process lifetime");
- a worker ignores SIGINT (Ctrl-C at a terminal reaches the whole process group; stopping is the
  grader's decision) and on SIGTERM kills its kernels and exits at once;
- :meth:`WorkerPool.stop` sends SIGTERM, waits up to ``grace`` seconds, then SIGKILLs; what results
  the workers had already sent are still delivered; :meth:`WorkerPool.kill_now` is the second Ctrl-C.

A submission whose file no longer exists when its turn comes is reported as *vanished*; a worker that
dies unexpectedly costs only the submission it was grading (reported as a crash) and is replaced.

The kernels' private folders live in the run's folder (``run_dir``, from
:func:`autograder._lifetime.make_run_dir`), which each worker makes its ``tempfile.tempdir``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder._lifetime import die_with_parent

__all__ = ["PoolError", "WorkerPool"]

_SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL

# How many submissions a worker holds at once: the one it grades and the next (kernel prestarted).
_AHEAD = 2
# Unexpected worker deaths tolerated in one run before the grader gives up.
_MAX_CRASHES = 3


class PoolError(RuntimeError):
    """The workers cannot grade (they cannot start, or the course data cannot be loaded)."""


# ------------------------------------------------------------------------------------ worker side


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: kill its kernels, exit at once (nothing else to save: results are sent)."""
    from autograder.kernel import stop_all_kernels

    stop_all_kernels("the grading run was stopped")
    os._exit(0)


def _worker_main(
    conn: Any, parent: int, course: Any, limits: Any, sandbox: Any, run_dir: str, inherited: tuple[int, ...]
) -> None:
    """Body of a worker process: receive ``(index, submission)`` or None (no more), send outcomes."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    for fd in inherited:  # forked: the grader's locks and journal are not the worker's to hold
        with contextlib.suppress(OSError):
            os.close(fd)
    tempfile.tempdir = run_dir  # the kernels' folders and the hidden tests' scratch files

    from autograder.grade import _Context, _grade_one
    from autograder.kernel import KernelSupply
    from autograder.testing import HiddenTestsError

    ctx = _Context(course=course, limits=limits, sandbox=sandbox)
    conn.send(("ready",))
    pending: deque[tuple[int, Any]] = deque()
    done = False
    # "k-": the run folder is one level deeper than a kernel's usual folder, and socket paths are short.
    with KernelSupply(limits=limits, sandbox=sandbox, prefix="k-") as supply:
        while True:
            while not done and (not pending or conn.poll()):
                try:
                    message = conn.recv()
                except EOFError:  # the grader is gone
                    return
                if message is None:
                    done = True
                else:
                    pending.append(message)
            if not pending:
                return
            index, sub = pending.popleft()
            if not os.path.lexists(sub.path):
                conn.send(("vanished", index))
                continue
            more = bool(pending)
            try:
                result = _grade_one(sub, ctx, lambda more=more: supply.take(more=more))
            except HiddenTestsError as exc:
                conn.send(("fatal", index, str(exc)))
                continue
            conn.send(("result", index, result))


# ------------------------------------------------------------------------------------ grader side


@dataclass
class _Worker:
    process: Any
    conn: Any
    outstanding: deque[tuple[int, Any]] = field(default_factory=deque)
    ready: bool = False
    closed: bool = False  # its end of the pipe is closed: it died or is dying


@dataclass
class WorkerPool:
    """Grade submissions in worker processes (see the module docstring).

    Parameters
    ----------
    jobs : int
        Worker processes (at most one per submission).
    course, limits, sandbox :
        What :func:`autograder.grade._grade_one` needs (a Course, kernel GradingLimits, a Sandbox).
    run_dir : Path
        The run's folder of private folders.
    stopping : callable, default never
        Polled several times a second; once it returns True, :meth:`run` stops the workers and returns.
    grace : float, default 3
        Seconds a worker gets to kill its kernels after SIGTERM before it is killed.
    start_method : {"spawn", "fork"}, default "spawn"
        ``fork`` starts a worker in milliseconds instead of seconds (nothing to import again), but is
        safe only from a process with a single thread (``quantgrade grade``'s, not a notebook's).
    inherited : tuple of int, default ()
        With ``fork``: descriptors the workers close first thing (the grader's locks, its journal).
    """

    jobs: int
    course: Any
    limits: Any
    sandbox: Any
    run_dir: Path
    stopping: Callable[[], bool] = lambda: False
    grace: float = 3.0
    start_method: str = "spawn"
    inherited: tuple[int, ...] = ()
    _workers: list[_Worker] = field(default_factory=list, init=False)
    _started: list[Any] = field(default_factory=list, init=False)  # every process, for kill_now()
    _crashes: int = field(default=0, init=False)

    def _start(self) -> _Worker:
        mp = multiprocessing.get_context(self.start_method)
        ours, theirs = mp.Pipe(duplex=True)
        inherited = self.inherited if self.start_method == "fork" else ()
        process = mp.Process(
            target=_worker_main,
            args=(theirs, os.getpid(), self.course, self.limits, self.sandbox, str(self.run_dir), inherited),
            name="quantgrade-worker",
            daemon=True,
        )
        process.start()
        self._started.append(process)
        theirs.close()
        worker = _Worker(process=process, conn=ours)
        self._workers.append(worker)
        return worker

    def pids(self) -> list[int]:
        """The worker processes' pids."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def run(
        self,
        items: Sequence[tuple[int, Any]],
        *,
        on_result: Callable[[int, Any], None],
        on_vanished: Callable[[int], None],
        on_crash: Callable[[int, str], None],
    ) -> None:
        """Grade ``items`` (index, submission); call back in this process as outcomes arrive.

        Returns when every item has an outcome or :attr:`stopping` said so; the workers are stopped
        either way (also when a callback raises, which is then re-raised).

        Raises
        ------
        PoolError
            If workers cannot start, keep dying, or the hidden tests of a notebook cannot be loaded.
        """
        queue: deque[tuple[int, Any]] = deque(items)
        callbacks = {"result": on_result, "vanished": on_vanished}
        try:
            for _ in range(min(self.jobs, len(queue))):
                self._start()
            for _ in range(_AHEAD):  # one to each worker, then a second to each
                for worker in self._workers:
                    self._feed(worker, queue)
            while any(w.outstanding for w in self._workers) and not self.stopping():
                waitables: dict[Any, _Worker] = {}
                for w in self._workers:
                    if not w.closed:
                        waitables[w.conn] = w
                    waitables[w.process.sentinel] = w
                ready = multiprocessing.connection.wait(list(waitables), timeout=0.2)
                for obj in ready:
                    worker = waitables[obj]
                    if obj is worker.conn and not worker.closed:
                        self._receive(worker, queue, callbacks)
                for worker in list(self._workers):
                    if worker.closed:
                        worker.process.join(5)
                    if worker.process.exitcode is not None and (worker.closed or not worker.conn.poll()):
                        self._buried(worker, queue, on_crash)
        except BaseException:
            self.stop()  # a callback failed (the journal cannot be written, say): deliver nothing more
            raise
        self.stop(callbacks)

    def _feed(self, worker: _Worker, queue: deque[tuple[int, Any]]) -> None:
        if worker.closed:
            return
        if queue and len(worker.outstanding) < _AHEAD:
            item = queue.popleft()
            worker.outstanding.append(item)  # if the send fails, _buried() puts it back in the queue
            try:
                worker.conn.send(item)
            except OSError:  # it has just died
                worker.closed = True
        elif not queue and not worker.outstanding:
            with contextlib.suppress(OSError):
                worker.conn.send(None)  # nothing more: the worker closes its kernels and exits

    def _receive(self, worker: _Worker, queue: deque[tuple[int, Any]], callbacks: dict[str, Any]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.closed = True  # it died; _buried() deals with what it held
            return
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            return
        index = message[1]
        if worker.outstanding and worker.outstanding[0][0] == index:
            worker.outstanding.popleft()
        if kind == "fatal":
            raise PoolError(message[2])
        callbacks[kind](index, *message[2:])
        self._feed(worker, queue)  # the next submission, or "nothing more"

    def _buried(
        self, worker: _Worker, queue: deque[tuple[int, Any]], on_crash: Callable[[int, str], None]
    ) -> None:
        """A worker that exited: its in-flight submission is a crash, the rest goes back to the queue."""
        self._workers.remove(worker)
        worker.conn.close()
        code = worker.process.exitcode
        if not worker.outstanding:
            return  # it was done
        if not worker.ready:
            raise PoolError(f"a grading worker could not start (exit status {code}); see the messages above")
        self._crashes += 1
        why = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        index, _sub = worker.outstanding.popleft()
        on_crash(index, why)
        queue.extendleft(reversed(worker.outstanding))
        if self._crashes > _MAX_CRASHES:
            raise PoolError(f"grading workers died {self._crashes} times (the last: {why}); giving up")
        if queue:
            fresh = self._start()
            for _ in range(_AHEAD):
                self._feed(fresh, queue)

    def stop(self, callbacks: dict[str, Any] | None = None) -> None:
        """Stop every worker (SIGTERM, then SIGKILL after :attr:`grace` s) and deliver what they sent."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 0.5  # time to leave on their own when they were done anyway
        for worker in workers:
            if not worker.outstanding:
                worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in workers:
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError):
                    os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError):
                    os.kill(worker.process.pid, _SIGKILL)
                worker.process.join(5)
        for worker in workers:
            # Results sent before the stop are still in the pipe: nothing graded is lost.
            while callbacks is not None and worker.outstanding:
                try:
                    if not worker.conn.poll():
                        break
                    message = worker.conn.recv()
                except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
                    break  # a message cut short by the kill
                if message[0] in callbacks:
                    if worker.outstanding and worker.outstanding[0][0] == message[1]:
                        worker.outstanding.popleft()
                    callbacks[message[0]](message[1], *message[2:])
            worker.conn.close()

    def kill_now(self) -> None:
        """SIGKILL every worker at once (their kernels die with them); safe in a signal handler."""
        for process in self._started:  # also those stop() is busy with
            if process.pid is not None and process.exitcode is None:
                with contextlib.suppress(OSError):
                    os.kill(process.pid, _SIGKILL)
