"""Tests of autograder.proxy.KernelStudent: calls into a student's kernel, results back as wire data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from autograder.kernel import Kernel, Limits, get_sandbox
from autograder.proxy import REPLY_MIME, KernelStudent
from autograder.testing import InProcessStudent, StudentError

pytestmark = pytest.mark.slow

LIMITS = Limits(call_timeout=1.5, cell_timeout=5.0, max_result_bytes=100_000)

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
        ("huge", "bad_output", "over 100000"),
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
    assert err.kind == "raised" and err.exc_type == "MyError"
    assert err.exc_types[:2] == ("MyError", "ValueError")
    assert "31337" not in err.message


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
    assert info.value.exc_type == "ValuescriptError"
    with pytest.raises(StudentError, match=r"dtype '\|O' refused"):
        decode(
            "f",
            json.dumps(
                {"status": "ok", "result": '{"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}}'}
            ),
        )
    with pytest.raises(StudentError) as info:
        decode("f", json.dumps({"status": "bad_output", "reason": "\x1b[31m" + "y" * 1000}))
    assert "\x1b" not in info.value.message and len(info.value.message) < 300


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
