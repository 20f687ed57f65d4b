"""Tests of autograder.proxy.KernelStudent: calls into a student's kernel, results back as wire data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from autograder.kernel import GradingLimits, Kernel, get_sandbox
from autograder.proxy import REPLY_MIME, KernelStudent
from autograder.testing import InProcessStudent, StudentError

pytestmark = pytest.mark.slow

LIMITS = GradingLimits(call_timeout=1.5, cell_timeout=5.0, max_result_bytes=100_000)

STUDENT_CODE = """
import numpy as np

def double(x):
    return 2 * x

def pair(x, *, scale=1.0):
    return np.asarray(x) * scale, int(np.size(x))

def clip01(x):
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("x contains NaN")
    return np.clip(x, 0.0, 1.0)

class MyError(ValueError):
    pass

def raises_subclass():
    raise MyError("hidden input 31337 echoed")

def todo():
    raise NotImplementedError()

def objects():
    return np.array([1, "a"], dtype=object)

def masked():
    return np.ma.masked_array([1.0, 2.0])

def huge():
    return np.zeros(1_000_000)

def slow():
    import time
    time.sleep(30)

def mutate(a):
    a[0] = 99
    return a

answer = 1024
not_a_function = 3
pending = ...
"""


@pytest.fixture(scope="module")
def student() -> Iterator[KernelStudent]:
    kernel = Kernel(limits=LIMITS, sandbox=get_sandbox(LIMITS))
    kernel.start()
    assert kernel.execute(STUDENT_CODE).status == "ok"
    yield KernelStudent(kernel)
    kernel.shutdown()


def test_call_returns_plain_data(student: KernelStudent) -> None:
    assert student.call("double", 21) == 42
    out = student.call("double", np.arange(3, dtype=np.int16))
    assert out.dtype == np.int16
    np.testing.assert_array_equal(out, [0, 2, 4])
    arr, n = student.call("pair", [1.0, 2.0], scale=0.5)
    np.testing.assert_array_equal(arr, [0.5, 1.0])
    assert n == 2
    assert student.value("answer") == 1024


def test_arguments_are_copies(student: KernelStudent) -> None:
    a = np.arange(3)
    out = student.call("mutate", a)
    np.testing.assert_array_equal(a, [0, 1, 2])
    np.testing.assert_array_equal(out, [99, 1, 2])


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("nothing_here", "not_defined", "`nothing_here` is not defined"),
        ("not_a_function", "not_defined", "should be a function, but it is a int"),
        ("todo", "not_implemented", "not implemented yet"),
        ("objects", "bad_output", "object array"),
        ("masked", "bad_output", "subclass of numpy.ndarray"),
        ("huge", "bad_output", "more than 100000 bytes"),
        ("slow", "timeout", "did not finish within 1.5 s"),
    ],
)
def test_call_failures(student: KernelStudent, name: str, kind: str, words: str) -> None:
    with pytest.raises(StudentError, match=words) as info:
        student.call(name)
    assert info.value.kind == kind
    assert student.kernel.alive  # none of these kills the kernel


def test_raised_exception_names_only_its_classes(student: KernelStudent) -> None:
    with pytest.raises(StudentError) as info:
        student.call("raises_subclass")
    err = info.value
    # Shown as its first built-in class: the student chooses its own classes' names, and could
    # name one after a hidden input. The whole MRO still matches expected exceptions.
    assert err.kind == "raised" and err.exc_type == "ValueError"
    assert err.exc_types[:2] == ("MyError", "ValueError")
    assert "31337" not in err.message and "MyError" not in err.message


def test_names_chosen_by_the_student_never_reach_the_message(student: KernelStudent) -> None:
    kernel = student.kernel
    code = (
        "import numpy as _np\n"
        "class LEAK_0_25(Exception):\n    pass\n"
        "def leak_raise(x):\n    raise type('LEAK_' + str(int(x)), (LEAK_0_25,), {})()\n"
        "class LEAK_obj:\n    pass\n"
        "def leak_type(x):\n    return LEAK_obj()\n"
        "class LEAK_arr(_np.ndarray):\n    pass\n"
        "def leak_subclass(x):\n    return _np.zeros(2).view(LEAK_arr)\n"
        "leak_value = LEAK_obj()\n"
    )
    assert kernel.execute(code).status == "ok"
    errors = []
    for name in ("leak_raise", "leak_type", "leak_subclass"):
        with pytest.raises(StudentError) as info:
            student.call(name, 4242)
        errors.append(info.value)
    assert errors[0].kind == "raised" and errors[0].exc_type == "Exception"
    assert errors[1].kind == errors[2].kind == "bad_output"
    with pytest.raises(StudentError) as info:
        student.call("leak_value")
    errors.append(info.value)
    assert "should be a function, but it is a object" in errors[-1].message
    for err in errors:
        assert "LEAK" not in err.message and "4242" not in err.message, err.message


def test_value_of_a_pending_stub(student: KernelStudent) -> None:
    with pytest.raises(StudentError) as info:
        student.value("pending")
    assert info.value.kind == "not_implemented"


@pytest.mark.parametrize(
    ("args", "name"),
    [((np.array([-1.0, 0.5, 2.0]),), "clip01"), ((np.arange(4),), "double"), (([0.25, 3],), "clip01")],
)
def test_proxy_and_in_process_see_identical_data(student: KernelStudent, args: tuple, name: str) -> None:
    namespace: dict = {}
    exec(STUDENT_CODE, namespace)
    here = InProcessStudent(namespace).call(name, *args)
    there = student.call(name, *args)
    assert type(here) is type(there) and here.dtype == there.dtype
    np.testing.assert_array_equal(here, there)


def test_forged_replies_are_validated(student: KernelStudent) -> None:
    decode = student._decode_reply
    with pytest.raises(StudentError, match="not readable"):
        decode("f", "not json")
    with pytest.raises(StudentError, match="not readable"):
        decode("f", json.dumps({"status": "granted", "score": 100}))
    with pytest.raises(StudentError) as info:
        decode("f", json.dumps({"status": "raised", "types": ["Value<script>Error", "x" * 500]}))
    assert info.value.exc_type == "BaseException"  # no built-in class in its MRO
    assert info.value.exc_types[0] == "ValuescriptError"
    with pytest.raises(StudentError, match="not plain data"):
        decode(
            "f",
            json.dumps(
                {"status": "ok", "result": '{"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}}'}
            ),
        )
    with pytest.raises(StudentError) as info:
        decode("f", json.dumps({"status": "bad_output", "reason": "\x1b[31m" + "y" * 1000}))
    assert "\x1b" not in info.value.message and "yyy" not in info.value.message
    # A forged reason in the wire encoder's words, but naming a class of the student's: refused.
    forged = "a LEAK_12_34 cannot be sent: return numbers, strings or numpy arrays"
    with pytest.raises(StudentError) as info:
        decode("f", json.dumps({"status": "bad_output", "reason": forged}))
    assert "LEAK" not in info.value.message
    genuine = "a set cannot be sent: return numbers, strings or numpy arrays"
    with pytest.raises(StudentError, match="a set cannot be sent"):
        decode("f", json.dumps({"status": "bad_output", "reason": genuine}))


def test_redefining_the_helper_only_changes_the_students_own_result(student: KernelStudent) -> None:
    # The student replaces the display function the helper uses; the proxy still validates the reply.
    kernel = student.kernel
    forged = json.dumps({"status": "ok", "result": "1e309"})  # 1e309 parses as inf: not wire data
    code = (
        "import IPython.display as _d\n_orig = _d.display\n"
        f"_d.display = lambda obj, raw=False: _orig({{k: {forged!r} for k in obj}}, raw=True)"
    )
    assert kernel.execute(code).status == "ok"
    try:
        with pytest.raises(StudentError) as info:
            student.call("double", 1)
        assert info.value.kind == "bad_output"
    finally:
        kernel.execute("_d.display = _orig")
    assert student.call("double", 1) == 2
    assert REPLY_MIME.startswith("application/")


def test_a_reply_too_large_to_decode_is_bad_output(student: KernelStudent) -> None:
    # The function displays a forged reply larger than the kernel's message limit, then stops the
    # helper (KeyboardInterrupt is re-raised), so that huge message is the only reply there is.
    kernel = student.kernel
    size = kernel.limits.max_message_bytes + 1000
    code = (
        "def huge_reply():\n    from IPython.display import display\n"
        f"    display({{{REPLY_MIME!r}: 'x' * {size}}}, raw=True)\n    raise KeyboardInterrupt\n"
    )
    assert kernel.execute(code).status == "ok"
    with pytest.raises(StudentError, match="reply took more than") as info:
        student.call("huge_reply")
    assert info.value.kind == "bad_output"
    assert student.call("double", 2) == 4


def test_calls_share_a_time_budget() -> None:
    limits = GradingLimits(call_timeout=1.0, cell_timeout=5.0, tests_timeout=1.5)
    kernel = Kernel(limits=limits, sandbox=get_sandbox(limits))
    kernel.start()
    try:
        assert kernel.execute(STUDENT_CODE).status == "ok"
        proxy = KernelStudent(kernel)
        assert proxy.budget == 1.5
        outcomes = []
        for _ in range(4):
            with pytest.raises(StudentError) as info:
                proxy.call("slow")
            outcomes.append(info.value)
        assert all(err.kind == "timeout" for err in outcomes)
        # Two calls ran (1 s, then what was left of the budget); the others were not made at all.
        assert (proxy.calls, proxy.timeouts, proxy.skipped) == (2, 2, 2)
        assert "time budget of 1.5 s" in outcomes[-1].message
        assert "time budget" not in outcomes[0].message
    finally:
        kernel.shutdown()


def test_dead_kernel_fails_every_call() -> None:
    kernel = Kernel(limits=LIMITS, sandbox=get_sandbox(LIMITS))
    kernel.start()
    try:
        kernel.execute("def boom():\n    import os\n    os._exit(1)\ndef fine():\n    return 1")
        proxy = KernelStudent(kernel)
        with pytest.raises(StudentError) as info:
            proxy.call("boom")
        assert info.value.kind == "kernel_died"
        with pytest.raises(StudentError, match="kernel stopped") as info:
            proxy.call("fine")
        assert info.value.kind == "kernel_died"
    finally:
        kernel.shutdown()


def test_graded_names_must_be_identifiers(student: KernelStudent) -> None:
    with pytest.raises(TypeError, match="identifier"):
        student.call("os.system")


# --------------------------------------------------------------------------------- batches of calls


class _ExecuteSpy:
    """Counts the kernel's executes (a batch is one execute, however many calls it holds)."""

    def __init__(self, kernel: Kernel, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = kernel.execute

        def execute(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(kernel, "execute", execute)


def _same_outcome(a: object, b: object) -> bool:
    if isinstance(a, StudentError) or isinstance(b, StudentError):
        return (
            isinstance(a, StudentError)
            and isinstance(b, StudentError)
            and (a.kind, a.message, a.exc_types) == (b.kind, b.message, b.exc_types)
        )
    return _wire_text(a) == _wire_text(b)


def _wire_text(value: object) -> str:
    from quantkit import _wire

    return _wire.dumps(value)


BATCH = [
    ("double", (np.arange(5_000, dtype=np.float64),), {}),  # a long payload and result (under 100 kB)
    ("pair", ([1.0, 2.0],), {"scale": 3.0}),
    ("raises_subclass", (), {}),
    ("objects", (), {}),
    ("huge", (), {}),  # over max_result_bytes
    ("todo", (), {}),
    ("answer", (), {}),  # not callable
    ("missing", (), {}),
    ("clip01", ([0.5, 2.0],), {}),
]


def test_call_many_equals_the_calls_one_by_one(
    student: KernelStudent, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = []
    for name, args, kwargs in BATCH:
        try:
            one_by_one.append(student.call(name, *args, **kwargs))
        except StudentError as err:
            one_by_one.append(err)
    spy = _ExecuteSpy(student.kernel, monkeypatch)
    calls_before = student.calls
    batched = student.call_many(BATCH)
    assert spy.count == 1
    assert student.calls - calls_before == len(BATCH)
    assert len(batched) == len(BATCH)
    assert [type(o).__name__ for o in batched][:2] == ["ndarray", "tuple"]
    for got, want in zip(batched, one_by_one, strict=True):
        assert _same_outcome(got, want), (got, want)


def test_prefetched_reply_equals_a_fresh_call_and_is_used_once(
    student: KernelStudent, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = np.linspace(0.0, 1.0, 7)
    fresh = student.call("pair", x, scale=2.0)
    spy = _ExecuteSpy(student.kernel, monkeypatch)
    assert student.prefetch([("pair", (x,), {"scale": 2.0}), ("double", (3,), {})]) == 2
    assert spy.count == 1
    hit = student.call("pair", x, scale=2.0)
    assert spy.count == 1  # answered from the prefetched reply
    assert _same_outcome(hit, fresh)
    student.call("pair", x, scale=2.0)
    assert spy.count == 2  # used once: the same call again goes to the kernel
    student.call("pair", x, scale=3.0)  # other arguments: no hit
    assert spy.count == 3
    student.clear_prefetched()
    assert student.call("double", 3) == 6
    assert spy.count == 4  # cleared


def test_call_many_timeout_in_the_middle_then_the_rest_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = GradingLimits(call_timeout=1.5, cell_timeout=5.0)
    kernel = Kernel(limits=limits, sandbox=get_sandbox(limits))
    kernel.start()
    try:
        code = STUDENT_CODE + "\ndef nap(s):\n    import time\n    time.sleep(s)\n    return s\n"
        assert kernel.execute(code).status == "ok"
        proxy = KernelStudent(kernel)
        spy = _ExecuteSpy(kernel, monkeypatch)
        # Each call has its own time limit: three calls of 0.8 s take longer than 1.5 s together.
        assert proxy.call_many([("nap", (0.8,), {})] * 3) == [0.8] * 3
        assert spy.count == 1 and proxy.timeouts == 0
        requests = [("double", (1,), {}), ("slow", (), {}), ("double", (2,), {}), ("nap", (0.1,), {})]
        outcomes = proxy.call_many(requests)
        assert outcomes[0] == 2 and outcomes[2:] == [4, 0.1]
        assert isinstance(outcomes[1], StudentError) and outcomes[1].kind == "timeout"
        assert "1.5 s" in outcomes[1].message
        assert proxy.timeouts == 1
        assert spy.count == 1 + 3  # the batch, then the two calls after the timeout one by one
        assert kernel.alive
        # A prefetched timeout counts when the call is asked for, not before.
        assert proxy.prefetch([("slow", (), {}), ("double", (5,), {})]) == 1
        assert proxy.timeouts == 1
        with pytest.raises(StudentError, match=r"1\.5 s"):
            proxy.call("slow")
        assert proxy.timeouts == 2
    finally:
        kernel.shutdown()


def test_call_many_on_a_kernel_that_dies() -> None:
    kernel = Kernel(limits=LIMITS, sandbox=get_sandbox(LIMITS))
    kernel.start()
    try:
        kernel.execute("def boom():\n    import os\n    os._exit(1)\ndef fine():\n    return 1")
        proxy = KernelStudent(kernel)
        # The reply of the call before the one that kills the kernel is kept.
        outcomes = proxy.call_many([("fine", (), {}), ("boom", (), {}), ("fine", (), {})])
        assert outcomes[0] == 1
        assert all(isinstance(o, StudentError) and o.kind == "kernel_died" for o in outcomes[1:])
        assert "kernel stopped" in outcomes[2].message
        assert not kernel.alive
    finally:
        kernel.shutdown()


def test_a_bad_reply_in_a_batch_is_that_calls_own(student: KernelStudent) -> None:
    kernel = student.kernel
    # Displays a forged, unreadable reply for its own place in the batch, then stops the helper.
    code = (
        "def forger():\n    from IPython.display import display\n"
        f"    display({{{REPLY_MIME!r}: '{{\"i\": 1, \"status\": \"granted\"}}'}}, raw=True)\n"
        "    raise KeyboardInterrupt\n"
    )
    assert kernel.execute(code).status == "ok"
    outcomes = student.call_many([("double", (1,), {}), ("forger", (), {}), ("double", (2,), {})])
    assert outcomes[0] == 2 and outcomes[2] == 4
    assert isinstance(outcomes[1], StudentError) and outcomes[1].kind == "bad_output"
    assert "not readable" in outcomes[1].message


def test_a_student_replacing_the_helper_changes_only_its_own_results(student: KernelStudent) -> None:
    kernel = student.kernel
    forged = json.dumps({"i": 0, "status": "ok", "result": "1e309"})  # 1e309 parses as inf: not wire data
    code = (
        "def hijack():\n"
        "    def fake(namespace):\n"
        "        from IPython.display import display\n"
        f"        display({{{REPLY_MIME!r}: {forged!r}}}, raw=True)\n"
        "    globals()['_quantgrade_run'] = fake\n"
        "    return 0\n"
    )
    assert kernel.execute(code).status == "ok"
    assert student.call("hijack") == 0
    with pytest.raises(StudentError) as info:
        student.call("double", 1)  # the student's own call, answered by its own helper: still validated
    assert info.value.kind == "bad_output"
    fresh = KernelStudent(kernel)  # defines the helper again
    assert fresh.call("double", 1) == 2
    student._helper_defined = False  # the module-scoped fixture goes on with the real helper


def test_a_batch_keeps_no_more_than_one_message_worth_of_replies(
    student: KernelStudent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each reply takes about 53 kB; the kernel keeps at most max_message_bytes of replies per batch,
    # the calls whose replies it did not keep are made again one by one, with the same outcomes.
    x = np.arange(5_000, dtype=np.float64)
    n = 2 + student.kernel.limits.max_message_bytes // 50_000
    spy = _ExecuteSpy(student.kernel, monkeypatch)
    outcomes = student.call_many([("double", (x,), {})] * n)
    assert 1 < spy.count < 1 + n
    assert all(isinstance(o, np.ndarray) and np.array_equal(o, 2 * x) for o in outcomes)
