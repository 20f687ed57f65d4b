"""Run a student's notebook in its own kernel: start, execute cells with time limits, stop.

Every submission gets an ``ipykernel`` process of its own, talking to the grader over unix sockets
(jupyter's ``ipc`` transport) in a private working folder, so the sandbox can cut the network. The
kernel gets a minimal environment (no grader secrets) with ``QUANTKIT_GRADING=1`` and
``MPLBACKEND=Agg``. The kernel runs inside :mod:`autograder.sandbox`'s sandbox (bubblewrap, or its
unsandboxed fallback when the caller chose that; the result says which).

API
---
``GradingLimits``
    Per-cell timeout (30 s), whole notebook (120 s), per-call timeout (10 s), output cap (1 MB per
    submission), memory (2 GiB), kernel start-up timeout (60 s), largest call result (16 MiB).
``Kernel(workdir=None, limits=GradingLimits(), sandbox=None, extra_env=None)``
    ``launch()`` spawns the process and returns at once (so the next submission's kernel can start
    while the current one is graded); ``wait_ready()`` blocks until it answers; ``start()`` does
    both. ``execute(code, timeout=...) -> Execution`` runs code, interrupting it after ``timeout``
    seconds (and killing the kernel if the interrupt does not stop it); ``run_notebook(nb) ->
    NotebookRun`` runs a notebook's code cells in order with the per-cell and whole-notebook limits,
    carrying on after a failing cell as a person clicking "Run all" with errors allowed would;
    ``alive`` tells whether the process still runs; ``shutdown()`` stops it and removes the working
    folder if the kernel created it. A ``Kernel`` is a context manager.
``is_test_cell(cell)``
    True for nbgrader test cells (``grade`` and not ``solution``): the grader skips them, since only
    the hidden tests decide the grade.
``KernelSupply(limits=..., sandbox=...)``
    ``take(more=True)`` hands out a launched kernel and launches the next one ahead of time.
``get_sandbox(limits, kind=None, hidden=())``
    ``autograder.sandbox.Sandbox.detect`` with the memory limit; ``kernel.sandbox_kind`` says which
    one ran. An error importing :mod:`autograder.sandbox` is an error, never a silent fallback.
``stop_all_kernels(reason)``
    Kill every kernel this process launched and has not shut down (a stopping grader's last act).

Every kernel's launcher (bwrap, unshare or the kernel itself) gets ``PR_SET_PDEATHSIG`` (Linux): it
is killed when the thread that launched it exits, so a grader or worker killed with SIGKILL takes
its kernels with it (:func:`autograder._lifetime.child_preexec`).

Example
-------
>>> with Kernel() as kernel:                                       # doctest: +SKIP
...     run = kernel.run_notebook(nbformat.read("submission.ipynb", as_version=4))
...     kernel.execute("x = 1").status
'ok'
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nbformat import NotebookNode

from autograder._lifetime import child_preexec

__all__ = [
    "CellRun",
    "Execution",
    "GradingLimits",
    "Kernel",
    "KernelError",
    "KernelSupply",
    "NotebookRun",
    "get_sandbox",
    "is_test_cell",
    "stop_all_kernels",
]

MiB = 1024 * 1024


@dataclass(frozen=True)
class GradingLimits:
    """Resource limits for grading one submission.

    Parameters
    ----------
    cell_timeout : float, default 30
        Seconds one notebook cell may run before it is interrupted.
    notebook_timeout : float, default 120
        Seconds the whole notebook may run; later cells are not run.
    call_timeout : float, default 10
        Seconds one call of a graded function (from a hidden test) may take.
    output_cap : int, default 1_000_000
        Bytes of output (prints, displays, tracebacks) kept per submission; the rest is dropped and
        a note says so.
    memory : int, default 2 GiB
        Memory limit for the kernel (enforced by the sandbox).
    startup_timeout : float, default 60
        Seconds a kernel may take to start.
    max_result_bytes : int, default 16 MiB
        Largest result (wire JSON) one call may return. A message from the kernel larger than
        ``2 * max_result_bytes + output_cap`` raw bytes (:attr:`max_message_bytes`) is dropped
        without being decoded.
    tests_timeout : float, default 120
        Seconds all the calls of the hidden tests (and of the hints) may take together; once used
        up, the remaining calls fail at once with a message saying so.
    """

    cell_timeout: float = 30.0
    notebook_timeout: float = 120.0
    call_timeout: float = 10.0
    output_cap: int = 1_000_000
    memory: int = 2 * 1024 * MiB
    startup_timeout: float = 60.0
    max_result_bytes: int = 16 * MiB
    tests_timeout: float = 120.0

    def __post_init__(self) -> None:
        for name in ("cell_timeout", "notebook_timeout", "call_timeout", "startup_timeout", "tests_timeout"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"GradingLimits.{name} must be a positive number of seconds, got {value!r}")
        for name in ("output_cap", "memory", "max_result_bytes"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value > 0):
                raise ValueError(f"GradingLimits.{name} must be a positive number of bytes, got {value!r}")

    @property
    def max_message_bytes(self) -> int:
        """Largest kernel message (raw bytes, all frames) that is decoded; larger ones are dropped."""
        return 2 * self.max_result_bytes + self.output_cap


class KernelError(RuntimeError):
    """The kernel could not be started or talked to."""


def get_sandbox(
    limits: GradingLimits, *, kind: str | None = None, hidden: tuple[str | os.PathLike[str], ...] = ()
) -> Any:
    """The sandbox to run kernels in.

    ``autograder.sandbox.Sandbox.detect`` with this memory limit (bubblewrap where it works,
    ``QUANTGRADE_SANDBOX`` can force a kind). Whether an unsandboxed result may be used is the
    caller's decision (``quantgrade grade`` refuses it unless told, see :mod:`autograder.grade`).

    Parameters
    ----------
    limits : GradingLimits
        Only ``memory`` is used here.
    kind : {"auto", "bubblewrap", "none"} or None, default None
        Force a kind (None: ``$QUANTGRADE_SANDBOX``, else auto).
    hidden : tuple of path-like, default ()
        Folders the student's code must not see even if they lie in an allowed folder (the
        submissions folder, the grader's output folder).
    """
    # No fallback on ImportError: a broken sandbox module must stop grading, not silently disable it.
    from autograder.sandbox import ProcessLimits, Sandbox

    memory_mb = max(1, limits.memory // MiB)
    return Sandbox.detect(ProcessLimits(memory_mb=memory_mb), hidden=hidden, kind=kind)  # type: ignore[arg-type]


def is_test_cell(cell: Mapping[str, Any]) -> bool:
    """True for an nbgrader autograded test cell (``grade: true``, ``solution: false``)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not bool(meta.get("solution"))


@dataclass
class Execution:
    """What one ``execute`` gave.

    ``status`` is ``ok``, ``error`` (the code raised; ``ename`` says what), ``timeout`` (interrupted)
    or ``died`` (the kernel process is gone). ``data`` holds the display data of the given MIME
    type, if one was asked for. ``dropped`` counts the messages larger than
    ``GradingLimits.max_message_bytes``, dropped without being decoded.
    """

    status: Literal["ok", "error", "timeout", "died"]
    ename: str = ""
    data: list[Any] = field(default_factory=list)
    seconds: float = 0.0
    dropped: int = 0


@dataclass
class CellRun:
    """One code cell of a notebook run."""

    index: int
    grade_id: str
    status: Literal["ok", "error", "timeout", "died", "skipped", "not_run"]
    ename: str = ""


@dataclass
class NotebookRun:
    """A whole notebook's run: per-cell status, notes for the instructor, the (capped) output."""

    cells: list[CellRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    output: str = ""
    truncated: bool = False
    timed_out: bool = False
    died: bool = False
    seconds: float = 0.0


def _grading_env(workdir: Path, extra: Mapping[str, str] | None) -> dict[str, str]:
    """The variables the grader adds to the sandbox's minimal environment."""
    env = {
        "QUANTKIT_GRADING": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workdir / ".config" / "matplotlib"),
        "IPYTHONDIR": str(workdir / ".ipython"),
        "JUPYTER_CONFIG_DIR": str(workdir / ".jupyter"),
        "JUPYTER_DATA_DIR": str(workdir / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(workdir / ".jupyter-runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONHASHSEED": "0",
    }
    env.update(extra or {})
    return env


def _get_msg(channel: Any, timeout: float, limit: int) -> tuple[dict[str, Any] | None, int]:
    """The next message of a jupyter_client channel, its raw size checked before it is decoded.

    jupyter_client's own ``get_msg`` parses whatever arrives; a student's kernel can send a message of
    any size (a 100 MB print, a huge ``set_next_input`` payload), so the frames are read here and
    only decoded if they take at most ``limit`` bytes together.

    Returns
    -------
    msg : dict or None
        The decoded message, or None if it was larger than ``limit`` (dropped unread).
    size : int
        Its raw size in bytes.

    Raises
    ------
    queue.Empty
        If nothing arrives within ``timeout`` seconds.
    """
    socket = channel.socket
    if socket is None or not socket.poll(int(timeout * 1000)):
        raise queue.Empty
    frames = socket.recv_multipart(copy=False)
    size = sum(len(frame) for frame in frames)
    if size > limit:
        return None, size
    session = channel.session
    _idents, parts = session.feed_identities(frames, copy=False)
    return session.deserialize(parts, content=True, copy=False), size


def _child_pids(pid: int) -> list[int]:
    """The direct children of process ``pid`` (Linux ``/proc``; empty where it cannot be read)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(p) for p in text.split() if p.isdigit()]


class Kernel:
    """An ipykernel process for one submission (see the module docstring).

    Parameters
    ----------
    workdir : Path or None, default None
        The kernel's private working folder (created if missing). None makes a temporary one that
        :meth:`shutdown` removes.
    limits : GradingLimits, default GradingLimits()
        Time and size limits.
    sandbox : object or None, default None
        An ``autograder.sandbox.Sandbox``; None picks :func:`get_sandbox`.
    extra_env : mapping or None, default None
        More environment variables for the kernel.
    prefix : str, default "quantgrade-k-"
        Name prefix of the temporary working folder (in ``tempfile.gettempdir()``). Keep it short in a
        deep folder: the kernel's unix sockets live in it, and their paths may have only 107 bytes.
    """

    def __init__(
        self,
        *,
        workdir: Path | None = None,
        limits: GradingLimits | None = None,
        sandbox: Any = None,
        extra_env: Mapping[str, str] | None = None,
        prefix: str = "quantgrade-k-",
    ) -> None:
        self.limits = limits or GradingLimits()
        self._own_workdir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix)) if workdir is None else Path(workdir)
        self.sandbox = sandbox if sandbox is not None else get_sandbox(self.limits)
        self.extra_env = dict(extra_env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self.client: Any = None
        self.output_bytes = 0
        self.truncated = False
        self._output: list[str] = []
        self._kept_bytes = 0
        self._ready = False
        self._died_reason = ""

    # -- life cycle ---------------------------------------------------------------------------------

    @property
    def sandbox_kind(self) -> str:
        """``"bubblewrap"`` or ``"unsandboxed"``."""
        return str(getattr(self.sandbox, "kind", "unsandboxed"))

    def launch(self) -> None:
        """Spawn the kernel process and return without waiting for it to answer."""
        from jupyter_client.connect import write_connection_file

        if self.proc is not None:
            raise KernelError("this kernel was already launched")
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "tmp").mkdir(exist_ok=True)
        self.workdir = self.workdir.resolve()
        conn_dir = Path(tempfile.mkdtemp(prefix="k-", dir=self.workdir))
        self._conn_file, _ = write_connection_file(
            fname=str(conn_dir / "connection.json"),
            transport="ipc",
            ip=str(conn_dir / "s"),
            key=secrets.token_hex(16).encode("ascii"),
            signature_scheme="hmac-sha256",
            kernel_name="python3",
        )
        argv = [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            self._conn_file,
            "--HistoryManager.enabled=False",
        ]
        env = _grading_env(self.workdir, self.extra_env)
        # The kernel's own stdout/stderr (not the notebook's output, which travels over iopub): kept
        # so that a kernel failing to start can say why. RLIMIT_FSIZE (sandbox) bounds its size. It is
        # an anonymous file outside the work folder: a path inside it could be swapped by the student
        # for a symlink to a hidden file, whose tail would then end up in the feedback.
        log = tempfile.TemporaryFile()
        self._log_file = log
        argv2, preexec = self.sandbox.wrap(argv, self.workdir, env)
        self.proc = subprocess.Popen(
            argv2,
            cwd=self.workdir,
            env=self.sandbox.environ(self.workdir, env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Dies with the thread launching it (even if that one is SIGKILLed), then the sandbox's limits.
            preexec_fn=child_preexec(preexec),
        )
        _LIVE.add(self)

    def wait_ready(self) -> None:
        """Block until the kernel answers a ``kernel_info`` request.

        Raises
        ------
        KernelError
            If it exits or does not answer within ``limits.startup_timeout`` seconds.
        """
        from jupyter_client.blocking import BlockingKernelClient

        if self.proc is None:
            self.launch()
        if self._ready:
            return
        deadline = time.monotonic() + self.limits.startup_timeout
        client = BlockingKernelClient(connection_file=self._conn_file)
        client.load_connection_file()
        # Connect only once the kernel has bound its unix sockets: a zmq client that connects to an
        # ipc path before it exists may never reach the kernel.
        sockets = [
            Path(f"{client.ip}-{port}")
            for port in (
                client.shell_port,
                client.iopub_port,
                client.stdin_port,
                client.control_port,
                client.hb_port,
            )
        ]
        while not all(p.exists() for p in sockets):
            if not self.alive:
                self._died_reason = "it exited while starting"
                raise KernelError(f"the kernel exited while starting{self._log_tail()}")
            if time.monotonic() > deadline:
                raise KernelError(
                    f"the kernel did not start within {self.limits.startup_timeout:g} s{self._log_tail()}"
                )
            time.sleep(0.02)
        client.start_channels()
        self.client = client
        # Every request sent counts: a reply later than the 1 s wait below arrives while the next
        # request is out, and matching only the newest id would stay one reply behind for ever.
        sent: set[str] = set()
        while True:
            if not self.alive:
                self._died_reason = "it exited while starting"
                raise KernelError(f"the kernel exited while starting{self._log_tail()}")
            if time.monotonic() > deadline:
                raise KernelError(
                    f"the kernel did not start within {self.limits.startup_timeout:g} s{self._log_tail()}"
                )
            sent.add(client.kernel_info())
            try:
                reply, _ = _get_msg(client.shell_channel, 1.0, self.limits.max_message_bytes)
            except queue.Empty:
                continue
            if reply is not None and reply["parent_header"].get("msg_id") in sent:
                break
        # Drain the start-up chatter on iopub.
        with contextlib.suppress(queue.Empty):
            while True:
                _get_msg(client.iopub_channel, 0.05, self.limits.max_message_bytes)
        self._ready = True

    def _log_tail(self, lines: int = 5) -> str:
        try:
            fh = self._log_file
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4000))
            text = fh.read().decode("utf-8", "replace")
        except (OSError, ValueError, AttributeError):  # no log yet, or already closed
            return ""
        tail = [ln for ln in text.splitlines() if ln.strip()][-lines:]
        return (" (kernel log: " + " | ".join(tail) + ")") if tail else ""

    def start(self) -> Kernel:
        """Launch and wait until ready; returns self."""
        self.launch()
        self.wait_ready()
        return self

    @property
    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        return self.proc is not None and self.proc.poll() is None

    @property
    def died_reason(self) -> str:
        """Why the kernel is gone, in plain words (empty while it runs)."""
        if self.alive:
            return ""
        if self._died_reason:
            return self._died_reason
        code = self.proc.returncode if self.proc is not None else None
        if code is not None and code > 128:  # bubblewrap reports a signal as 128 + its number
            code = 128 - code
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if name == "SIGKILL":
                # The memory limit (RLIMIT_AS) shows as a MemoryError, not a kill: SIGKILL comes from
                # the host's out-of-memory killer or from the notebook's own code (os.kill).
                return "it was killed (SIGKILL): it ran out of memory or the notebook's code killed it"
            return f"it was stopped by {name}"
        return f"it exited with status {code}"

    def kill(self, reason: str) -> None:
        """Kill the kernel process (and its process group) at once."""
        if self.proc is None:
            return
        self._died_reason = self._died_reason or reason
        if self.proc.poll() is None and self.sandbox_kind == "bubblewrap":
            # bwrap's child, the sandbox's init, runs in a session of its own (--new-session), so
            # killpg below misses it; and were bwrap killed first, that child would be orphaned and
            # stay a zombie ("[bwrap] <defunct>") under a host init that may never reap it. Kill the
            # child first: bwrap then reaps it and exits by itself, and the PID namespace goes with it.
            children = _child_pids(self.proc.pid)
            for child in children:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(child, signal.SIGKILL)
            if children:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=2)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def shutdown(self) -> None:
        """Stop the kernel and, if this object created the working folder, remove it."""
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop_channels()
            self.client = None
        if self.proc is not None and self.proc.poll() is None:
            self.kill("it was shut down")
        _LIVE.discard(self)
        log = getattr(self, "_log_file", None)
        if log is not None:
            log.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Kernel:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- execution ----------------------------------------------------------------------------------

    def _keep_output(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        self.output_bytes += len(data)
        if self.truncated:
            return
        # Count bytes, as the cap is in bytes (characters let non-ASCII output run up to 4 times
        # over it), and keep a running total rather than re-adding every kept piece per message.
        room = self.limits.output_cap - self._kept_bytes
        if len(data) > room:
            self._output.append(data[: max(room, 0)].decode("utf-8", "ignore"))
            self._kept_bytes = self.limits.output_cap
            self.truncated = True
        else:
            self._output.append(text)
            self._kept_bytes += len(data)

    @property
    def output(self) -> str:
        """The output kept so far (capped at ``limits.output_cap`` bytes)."""
        return "".join(self._output)

    def interrupt(self) -> None:
        """Ask the kernel to interrupt the running code (an ``interrupt_request`` on the control channel)."""
        if self.client is None or not self.alive:
            return
        msg = self.client.session.msg("interrupt_request", {})
        self.client.control_channel.send(msg)

    def execute(
        self,
        code: str,
        *,
        timeout: float | None = None,
        mime: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        per_reply: bool = False,
        max_seconds: float | None = None,
    ) -> Execution:
        """Run ``code`` in the kernel.

        Parameters
        ----------
        code : str
            Python source.
        timeout : float or None, default None
            Seconds before the code is interrupted (``limits.cell_timeout`` if None). If it still
            runs a few seconds after the interrupt, the kernel is killed.
        mime : str or None, default None
            Collect the display data of this MIME type (for the call proxy).
        metadata : mapping or None, default None
            Sent as the ``execute_request``'s metadata (JSON), where the code can read it with
            ``get_ipython().kernel.get_parent()["metadata"]``: data that need not be Python source
            (IPython tokenizes and compiles the code, which is slow for long literals).
        per_reply : bool, default False
            Give ``timeout`` seconds to each message of type ``mime`` rather than to the whole code:
            every such message restarts the clock (a batch of calls, one reply per call). After an
            interrupt, no more messages are collected, so ``data`` holds the replies that came in time;
            once the kept replies take ``limits.max_message_bytes`` together, further ones are not
            kept either (counted in ``dropped``), so a batch holds no more memory than one message.
        max_seconds : float or None, default None
            With ``per_reply``: the code is interrupted after this many seconds in any case.

        Returns
        -------
        Execution
        """
        timeout = self.limits.cell_timeout if timeout is None else timeout
        start = time.monotonic()
        if not self._ready:
            self.wait_ready()
        if not self.alive:
            return Execution("died", seconds=0.0)
        client = self.client
        content = {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        request = client.session.msg("execute_request", content, metadata=dict(metadata or {}))
        client.shell_channel.send(request)
        msg_id = request["header"]["msg_id"]
        hard_deadline = start + (max_seconds if per_reply and max_seconds is not None else math.inf)
        deadline = min(start + timeout, hard_deadline)
        interrupted_at: float | None = None
        result = Execution("ok")
        reply_bytes = 0
        while True:
            now = time.monotonic()
            if interrupted_at is None and now > deadline:
                self.interrupt()
                interrupted_at = now
                result.status = "timeout"
            if interrupted_at is not None and now > interrupted_at + 5.0:
                self.kill("it kept running after its time limit and was stopped")
                result.status = "timeout"
                break
            wait = (deadline - now) if interrupted_at is None else (interrupted_at + 5.0 - now)
            try:
                msg, size = _get_msg(
                    client.iopub_channel, max(0.01, min(wait, 0.5)), self.limits.max_message_bytes
                )
            except queue.Empty:
                if not self.alive:
                    result.status = "died"
                    break
                continue
            if msg is None:  # too large to decode: dropped, and counted as output that was not kept
                result.dropped += 1
                self.output_bytes += size
                self.truncated = True
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg.get("msg_type")
            content = msg.get("content", {})
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "stream":
                self._keep_output(str(content.get("text", "")))
            elif kind in ("display_data", "execute_result", "update_display_data"):
                data = content.get("data", {})
                if mime is not None and mime in data:
                    if per_reply and interrupted_at is not None:
                        continue  # came after the time limit
                    if per_reply:
                        deadline = min(time.monotonic() + timeout, hard_deadline)
                        reply_bytes += size
                        if result.data and reply_bytes > self.limits.max_message_bytes:
                            result.dropped += 1
                            continue
                    result.data.append(data[mime])
                else:
                    self._keep_output(str(data.get("text/plain", "")) + "\n")
            elif kind == "error":
                if result.status != "timeout":
                    result.status = "error"
                result.ename = str(content.get("ename", ""))[:100]
                self._keep_output("\n".join(map(str, content.get("traceback", []))) + "\n")
        if result.status in ("ok", "error", "timeout") and not self.alive:
            result.status = "died" if result.status != "timeout" else "timeout"
        # The execute_reply on the shell channel: read it so replies do not pile up.
        if self.alive:
            with contextlib.suppress(queue.Empty):
                for _ in range(20):
                    reply, _ = _get_msg(client.shell_channel, 0.5, self.limits.max_message_bytes)
                    if reply is not None and reply.get("parent_header", {}).get("msg_id") == msg_id:
                        break
        result.seconds = time.monotonic() - start
        return result

    def run_notebook(
        self,
        nb: NotebookNode,
        *,
        skip: Callable[[NotebookNode], bool] | None = is_test_cell,
    ) -> NotebookRun:
        """Run the notebook's code cells in order.

        A failing cell does not stop the run. A cell running longer than ``limits.cell_timeout`` is
        interrupted; once ``limits.notebook_timeout`` has passed, the remaining cells are not run.
        If the kernel dies, the run stops there.

        Parameters
        ----------
        nb : NotebookNode
            The notebook (nbformat 4).
        skip : callable or None, default is_test_cell
            Cells for which it returns True are not run.

        Returns
        -------
        NotebookRun
        """
        run = NotebookRun()
        start = time.monotonic()
        deadline = start + self.limits.notebook_timeout
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") != "code":
                continue
            grade_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
            label = grade_id or f"cell {index + 1}"
            if skip is not None and skip(cell):
                run.cells.append(CellRun(index, grade_id, "skipped"))
                continue
            remaining = deadline - time.monotonic()
            if run.died or run.timed_out or remaining <= 0:
                if not run.died and not run.timed_out:
                    run.timed_out = True
                    run.notes.append(
                        f"the notebook hit its time limit of {self.limits.notebook_timeout:g} s "
                        f"before {label}; "
                        "later cells were not run"
                    )
                run.cells.append(CellRun(index, grade_id, "not_run"))
                continue
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(source)
            timeout = min(self.limits.cell_timeout, remaining)
            ex = self.execute(str(source), timeout=timeout)
            run.cells.append(CellRun(index, grade_id, ex.status, ex.ename))
            if ex.status == "timeout":
                if timeout < self.limits.cell_timeout:
                    run.timed_out = True
                    run.notes.append(
                        f"the notebook hit its time limit of {self.limits.notebook_timeout:g} s in {label}; "
                        "later cells were not run"
                    )
                else:
                    run.notes.append(f"{label} was stopped after {self.limits.cell_timeout:g} s")
            if ex.status == "died" or not self.alive:
                run.died = True
                run.notes.append(f"the kernel stopped in {label}: {self.died_reason}")
        run.output = self.output
        run.truncated = self.truncated
        if self.truncated:
            run.notes.append(
                f"the notebook printed {self.output_bytes} bytes; "
                f"only the first {self.limits.output_cap} were kept"
            )
        run.seconds = time.monotonic() - start
        return run


#: The kernels launched in this process and not shut down yet.
_LIVE: weakref.WeakSet[Kernel] = weakref.WeakSet()


def stop_all_kernels(reason: str = "the grading run was stopped") -> int:
    """Kill every kernel this process launched and has not shut down; return how many.

    Safe to call from a signal handler of the main thread (each kill waits a few seconds at most).
    """
    kernels = list(_LIVE)
    for kernel in kernels:
        with contextlib.suppress(Exception):
            kernel.kill(reason)
        _LIVE.discard(kernel)
    return len(kernels)


class KernelSupply:
    """Hands out launched kernels, launching the next one ahead of time.

    Starting a kernel takes about a second; while one submission is run and tested, the next one's
    kernel is already starting.

    Parameters
    ----------
    limits : GradingLimits
        Given to every kernel.
    sandbox : object
        Given to every kernel (see :func:`get_sandbox`).
    prestart : bool, default True
        Launch the next kernel when one is taken.
    prefix : str, default "quantgrade-k-"
        Given to every kernel (its working folder's name prefix).
    """

    def __init__(
        self, *, limits: GradingLimits, sandbox: Any, prestart: bool = True, prefix: str = "quantgrade-k-"
    ) -> None:
        self.limits = limits
        self.sandbox = sandbox
        self.prestart = prestart
        self.prefix = prefix
        self._next: Kernel | None = None

    def _launch(self) -> Kernel:
        kernel = Kernel(limits=self.limits, sandbox=self.sandbox, prefix=self.prefix)
        try:
            kernel.launch()
        except Exception:
            kernel.shutdown()
            raise
        return kernel

    def take(self, *, more: bool = True) -> Kernel:
        """A launched kernel (call ``wait_ready`` or ``execute`` on it); ``more``: another will be taken."""
        kernel = self._next if self._next is not None else self._launch()
        self._next = None
        if self.prestart and more:
            try:
                self._next = self._launch()
            except Exception:  # the next take() retries and reports the error
                self._next = None
        return kernel

    def close(self) -> None:
        """Stop the prestarted kernel, if any."""
        if self._next is not None:
            self._next.shutdown()
            self._next = None

    def __enter__(self) -> KernelSupply:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
