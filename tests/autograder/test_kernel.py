"""Tests of autograder.kernel: kernels in their own working folder, time limits, output cap."""

from __future__ import annotations

import queue
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.kernel import GradingLimits, Kernel, KernelSupply, _child_pids, get_sandbox, is_test_cell

pytestmark = pytest.mark.slow

FAST = GradingLimits(cell_timeout=3.0, notebook_timeout=8.0, call_timeout=2.0, output_cap=2000)


@pytest.fixture(scope="module")
def sandbox():
    return get_sandbox(FAST)


@pytest.fixture
def kernel(sandbox) -> Iterator[Kernel]:
    k = Kernel(limits=FAST, sandbox=sandbox)
    k.start()
    yield k
    k.shutdown()


def _cell(source: str, grade_id: str | None = None, **nbgrader) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    if grade_id is not None:
        cell.metadata["nbgrader"] = {"grade_id": grade_id, **nbgrader}
    return cell


def test_limits_validate() -> None:
    with pytest.raises(ValueError, match="cell_timeout must be a positive number of seconds"):
        GradingLimits(cell_timeout=0)
    with pytest.raises(ValueError, match="output_cap must be a positive number of bytes"):
        GradingLimits(output_cap=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tests_timeout must be a positive number of seconds"):
        GradingLimits(tests_timeout=-1)


def test_is_test_cell() -> None:
    assert is_test_cell(_cell("check()", "q1_tests", grade=True, solution=False))
    assert not is_test_cell(_cell("def f(): ...", "q1", grade=False, solution=True))
    assert not is_test_cell(_cell("x = 1"))


def test_kernel_environment_and_private_workdir(kernel: Kernel) -> None:
    ex = kernel.execute(
        "import os\nprint(os.environ.get('QUANTKIT_GRADING'), os.environ.get('MPLBACKEND'), os.getcwd())"
    )
    assert ex.status == "ok"
    grading, backend, cwd = kernel.output.split()
    assert grading == "1" and backend == "Agg"
    assert cwd == str(kernel.workdir)


def test_grader_secrets_do_not_reach_the_kernel(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUANTGRADE_TEST_SECRET", "s3cret")
    with Kernel(limits=FAST, sandbox=sandbox) as k:
        k.execute("import os\nprint(os.environ.get('QUANTGRADE_TEST_SECRET'))")
        assert k.output.strip() == "None"


def test_error_status_and_name(kernel: Kernel) -> None:
    ex = kernel.execute("1 / 0")
    assert ex.status == "error" and ex.ename == "ZeroDivisionError"
    assert kernel.execute("x = 2").status == "ok"  # the kernel carries on


def test_timeout_interrupts_and_the_kernel_survives(kernel: Kernel) -> None:
    ex = kernel.execute("while True:\n    pass", timeout=0.5)
    assert ex.status == "timeout"
    assert kernel.alive
    assert kernel.execute("y = 1").status == "ok"


def test_code_ignoring_the_interrupt_gets_the_kernel_killed(kernel: Kernel) -> None:
    code = "while True:\n    try:\n        while True:\n            pass\n"
    code += "    except KeyboardInterrupt:\n        pass"
    ex = kernel.execute(code, timeout=0.5)
    assert ex.status == "timeout"
    assert not kernel.alive
    assert "time limit" in kernel.died_reason


def test_dead_kernel_is_reported(kernel: Kernel) -> None:
    ex = kernel.execute("import os\nos._exit(3)")
    assert ex.status == "died"
    assert not kernel.alive
    assert kernel.died_reason == "it exited with status 3"
    assert kernel.execute("1").status == "died"


def test_output_cap_truncates_and_says_so(sandbox) -> None:
    with Kernel(limits=FAST, sandbox=sandbox) as k:
        nb = new_notebook(cells=[_cell("print('x' * 5000)"), _cell("print('after')")])
        run = k.run_notebook(nb)
    assert run.truncated
    assert len(run.output) == FAST.output_cap
    assert any("only the first 2000 were kept" in note for note in run.notes)


def test_output_cap_counts_bytes_not_characters(sandbox) -> None:
    # No kernel is started: _keep_output is what execute() calls for every piece of output.
    k = Kernel(limits=FAST, sandbox=sandbox)
    try:
        k._keep_output("é" * 600)  # 1200 bytes, fits
        k._keep_output("ü" * 600)  # 1200 more: over the 2000-byte cap
        k._keep_output("more")
    finally:
        k.shutdown()
    assert k.truncated
    assert len(k.output.encode("utf-8")) == FAST.output_cap
    assert k.output == "é" * 600 + "ü" * 400
    assert k.output_bytes == 2404


def test_a_kernel_info_reply_later_than_the_wait_still_counts(sandbox, monkeypatch) -> None:
    # The first wait for the reply "times out" without reading it (a loaded machine): the reply then
    # arrives while the next request is out. Matching only the newest request's id, the start-up loop
    # stayed one reply behind until the start-up timeout (seen under load in the attack corpus).
    from autograder import kernel as kernel_module

    real = kernel_module._get_msg
    calls: list[float] = []

    def late_first(channel, timeout, limit):
        calls.append(timeout)
        if len(calls) == 1:
            raise queue.Empty
        return real(channel, timeout, limit)

    monkeypatch.setattr(kernel_module, "_get_msg", late_first)
    limits = GradingLimits(startup_timeout=20.0, cell_timeout=5.0)
    with Kernel(limits=limits, sandbox=sandbox) as k:
        assert k.execute("1 + 1").status == "ok"
    assert len(calls) >= 2


def test_oversized_messages_are_dropped_before_they_are_decoded(sandbox) -> None:
    limits = GradingLimits(cell_timeout=10.0, output_cap=2000, max_result_bytes=10_000)
    assert limits.max_message_bytes == 2 * 10_000 + 2000
    with Kernel(limits=limits, sandbox=sandbox) as k:
        session = k.client.session
        decoded: list[int] = []
        real = session.deserialize

        def spy(parts, *args, **kwargs):  # the raw size of every message that gets decoded
            decoded.append(sum(len(part) for part in parts))
            return real(parts, *args, **kwargs)

        session.deserialize = spy
        ex = k.execute("import sys\nsys.stdout.write('x' * 500_000)\nsys.stdout.flush()")
        assert ex.status == "ok" and ex.dropped >= 1
        assert decoded and max(decoded) <= limits.max_message_bytes
        assert k.truncated and k.output_bytes >= 500_000
        assert len(k.output.encode()) <= limits.output_cap
        assert k.execute("1 + 1").status == "ok"  # the kernel and the channels still work


def test_run_notebook_skips_test_cells_and_carries_on_after_errors(kernel: Kernel) -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# title"),
            _cell("a = 1", "setup", locked=True),
            _cell("raise ValueError('boom')", "q1"),
            _cell("check('q1')", "q1_tests", grade=True, solution=False),
            _cell("b = a + 1"),
        ]
    )
    run = kernel.run_notebook(nb)
    assert [(c.grade_id, c.status) for c in run.cells] == [
        ("setup", "ok"),
        ("q1", "error"),
        ("q1_tests", "skipped"),
        ("", "ok"),
    ]
    assert run.cells[1].ename == "ValueError"
    kernel.execute("print(b)")
    assert kernel.output.strip().endswith("2")


def test_cell_and_notebook_time_limits(sandbox) -> None:
    limits = GradingLimits(cell_timeout=1.0, notebook_timeout=2.5)
    nb = new_notebook(
        cells=[
            _cell("import time\ntime.sleep(10)", "slow1"),
            _cell("time.sleep(10)", "slow2"),
            _cell("time.sleep(10)", "slow3"),
            _cell("z = 1", "last"),
        ]
    )
    with Kernel(limits=limits, sandbox=sandbox) as k:
        run = k.run_notebook(nb)
    statuses = [c.status for c in run.cells]
    # 1 s + 1 s + what is left of 2.5 s (on a loaded machine maybe nothing) → the fourth cell is not run.
    assert statuses[:2] == ["timeout", "timeout"]
    assert statuses[2] in ("timeout", "not_run")
    assert statuses[3] == "not_run"
    assert run.timed_out
    assert "slow1 was stopped after 1 s" in run.notes
    assert any("time limit of 2.5 s" in note for note in run.notes)


def test_supply_prestarts_the_next_kernel(sandbox) -> None:
    with KernelSupply(limits=FAST, sandbox=sandbox) as supply:
        first = supply.take(more=True)
        assert supply._next is not None and supply._next.proc is not None
        second_pid = supply._next.proc.pid
        first.shutdown()
        second = supply.take(more=False)
        assert second.proc is not None and second.proc.pid == second_pid
        assert supply._next is None
        second.wait_ready()
        assert second.execute("1 + 1").status == "ok"
        second.shutdown()


def test_shutdown_removes_its_own_workdir(sandbox) -> None:
    k = Kernel(limits=FAST, sandbox=sandbox)
    k.start()
    workdir = k.workdir
    assert workdir.is_dir()
    k.shutdown()
    assert not workdir.exists()
    assert not k.alive


def _proc_state(pid: int) -> str | None:
    """The state letter of process ``pid`` (``Z`` for a zombie), or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


@pytest.mark.parametrize("how", ["shutdown", "timeout"])
def test_stopping_a_sandboxed_kernel_leaves_no_zombie(sandbox, how: str) -> None:
    # bwrap's child (the sandbox's init) runs in its own session; killing bwrap before it orphaned
    # the child, which stayed a "[bwrap] <defunct>" zombie under the host's init.
    if getattr(sandbox, "kind", "") != "bubblewrap":
        pytest.skip("only bubblewrap runs the kernel under a sandbox init")
    k = Kernel(limits=FAST, sandbox=sandbox)
    k.start()
    try:
        assert k.proc is not None
        children = _child_pids(k.proc.pid)
        assert children, "bwrap should have started the sandbox's init"
        if how == "timeout":
            code = "while True:\n    try:\n        while True:\n            pass\n"
            code += "    except KeyboardInterrupt:\n        pass"
            assert k.execute(code, timeout=0.5).status == "timeout"
    finally:
        k.shutdown()
    assert k.proc.returncode is not None  # bwrap itself was reaped
    assert [_proc_state(pid) for pid in children] == [None] * len(children)


def test_a_broken_sandbox_module_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    # It used to return an unsandboxed stand-in on ImportError: student code ran with no isolation.
    monkeypatch.setitem(sys.modules, "autograder.sandbox", None)
    with pytest.raises(ImportError, match=r"autograder\.sandbox"):
        get_sandbox(FAST)


def test_stop_all_kernels_kills_what_was_launched_and_not_shut_down(sandbox) -> None:
    from autograder.kernel import stop_all_kernels

    k = Kernel(limits=FAST, sandbox=sandbox)
    k.start()
    try:
        assert stop_all_kernels("the grading run was stopped") >= 1
        assert not k.alive and k.died_reason == "the grading run was stopped"
        assert stop_all_kernels() == 0
    finally:
        k.shutdown()
