"""The kernel-backed student: hidden tests call the student's functions through it.

:class:`KernelStudent` implements the ``student`` of :mod:`autograder.testing`: ``call(name, *args,
**kwargs)`` sends the arguments (wire JSON, no pickle) into the student's kernel, runs the function
there with a timeout, and reads the result back as wire JSON; ``value(name)`` reads a variable.

Trust: the code the grader injects runs in the student's process, so the student may redefine
anything it uses. That can only change what this call reports, i.e. the student's own result. The
grader never sends expected outputs into the kernel, and everything that comes back is validated
here: the reply must be a small JSON object with a known status, results are decoded with the
strict wire decoder (object arrays, subclasses and other types refused), exception and type names
are reduced to identifier characters, and free text is cut short.

Nothing the student's code chooses freely reaches the feedback: it sees the hidden inputs, so a
class named after them (``raise type("LEAK_0_25", (Exception,), {})()``) or a forged reason text
would carry them out. A raised exception is reported by the first built-in exception class of its
MRO (``MyError(ValueError)`` shows as ``ValueError``; the full MRO still serves to match expected
exceptions), a result that cannot be sent back by the wire encoder's own sentence only if it
matches one of its templates with nothing but built-in or numpy names in it (else by a fixed
sentence), a wrong type only by a built-in type name. A call that runs too long is
interrupted (``timeout``); once the kernel process is gone every call fails with ``kernel_died``.
All the calls together have a time budget (``GradingLimits.tests_timeout``, counted from the first call);
once it is used up, the remaining calls fail at once with ``timeout``, so a submission whose every
call hangs costs that budget, not calls x call_timeout.
"""

from __future__ import annotations

import builtins
import collections
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from autograder.kernel import Execution, Kernel
from autograder.testing import StudentError, call_one_by_one, identifier_text, student_error_message
from quantkit import _wire

__all__ = ["REPLY_MIME", "KernelStudent", "Request"]

#: One call of :meth:`KernelStudent.call_many`: ``(name, args, kwargs)``.
Request = tuple[str, Sequence[Any], Mapping[str, Any]]
# What a batch gives per call: its raw reply, its time limit if it ran too long, or the execution
# that ended without a reply for it.
_Reply = tuple[Literal["reply"], str] | tuple[Literal["timeout"], float] | tuple[Literal["none"], Execution]

#: MIME type of the display message that carries a call's reply out of the kernel.
REPLY_MIME = "application/vnd.quantgrade.reply+json"

#: Key of the ``execute_request`` metadata that carries a batch of calls into the kernel (metadata is
#: JSON the kernel parses anyway; as a literal in the code, IPython would tokenize and compile it).
JOB_KEY = "quantgrade"

# Defined once in the student's kernel (under this private name), then called with one short line per
# batch. It reads the batch from the request's metadata and sends one reply per call, in order, each
# tagged with the call's index. The student's code may redefine it: that changes only its own replies.
_HELPER_NAME = "_quantgrade_run"
_HELPER = r"""
def _quantgrade_run(namespace):
    import json
    import sys
    from IPython import get_ipython
    from IPython.display import display
    from quantkit import _wire

    job = get_ipython().kernel.get_parent()["metadata"]["quantgrade"]
    mime, max_bytes = job["mime"], job["max_bytes"]

    def reply(mode, name, payload):
        if name not in namespace:
            return {"status": "not_defined"}
        target = namespace[name]
        if mode == "value":
            if target is Ellipsis:
                return {"status": "not_implemented"}
            result = target
        else:
            if not callable(target):
                return {"status": "not_callable", "type": type(target).__name__}
            args, kwargs = _wire.loads(payload)
            try:
                result = target(*args, **kwargs)
            except NotImplementedError:
                return {"status": "not_implemented"}
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                return {"status": "raised", "types": [c.__name__ for c in type(exc).__mro__]}
        try:
            text = _wire.dumps(result)
        except Exception as exc:
            return {"status": "bad_output", "reason": str(exc)[:300]}
        if len(text) > max_bytes:
            return {"status": "bad_output", "too_large": True}
        return {"status": "ok", "result": text}

    for index, (mode, name, payload) in enumerate(job["calls"]):
        display({mime: json.dumps({"i": index, **reply(mode, name, payload)})}, raw=True)
        # Waits until the kernel's I/O thread has sent the reply: a later call that kills the kernel
        # then cannot take this call's reply with it.
        sys.stdout.flush()
"""
#: The index a reply starts with (``json.dumps`` keeps the helper's key order), read without parsing
#: the whole reply twice.
_INDEX = re.compile(r'\{"i": (\d{1,9}), ')

#: What a result that the helper could not send back is reported as (its own reason text could
#: carry hidden inputs out, see the module docstring).
NOT_DATA = (
    "it is not plain data (numbers, strings, numpy arrays of bool, int or float, and lists, tuples or "
    "dicts of these; not objects of the notebook's own classes, object arrays or array subclasses)"
)


#: The wire encoder's messages (quantkit._wire) a reply may quote; ``name`` must be a built-in or
#: numpy name, so that no name of the student's choosing (nor hidden input hidden in it) gets through.
_WIRE_REASONS = tuple(
    re.compile(pattern)
    for pattern in (
        r"a (?P<name>\w+) \(a subclass of numpy\.ndarray\) cannot be sent: "
        r"return a plain array, e\.g\. with np\.asarray\(\.\.\.\)",
        r"(an object array \(holding Python objects\)|a structured array|a complex array|"
        r"an array of dtype [<>|=]?[a-zA-Z]\d{0,2}(\[\w{1,2}\])?) cannot be sent: "
        r"only bool, integer and float arrays can",
        r"an array with \d{2} dimensions cannot be sent \(at most \d{2}\)",
        r"the value nests lists, tuples or dicts deeper than \d levels",
        r"a dict with a (?P<name>\w+) key cannot be sent: keys must be str",
        r"a (?P<name>[\w.]+) cannot be sent: return numbers, strings or numpy arrays",
    )
)


def _known_name(name: str) -> bool:
    """Whether every dotted part of ``name`` is a built-in or a numpy (``numpy``, ``numpy.ma``) name."""
    import numpy

    known = (builtins, numpy, numpy.ma)
    return all(any(hasattr(m, part) for m in known) for part in name.split("."))


def _wire_reason(text: Any) -> str:
    """The helper's reason if it is one of the wire encoder's messages about plain names, else NOT_DATA."""
    if isinstance(text, str) and len(text) <= 300:
        for pattern in _WIRE_REASONS:
            match = pattern.fullmatch(text)
            if match and _known_name(match.groupdict().get("name") or "numpy"):
                return text
    return NOT_DATA


def _builtin_name(names: tuple[str, ...], base: type) -> str:
    """The first of ``names`` that is a built-in subclass of ``base`` (``base``'s name if none is)."""
    for name in names:
        obj = getattr(builtins, name, None)
        if isinstance(obj, type) and issubclass(obj, base):
            return name
    return base.__name__


class KernelStudent:
    """The student's code, living in a kernel (see the module docstring).

    Parameters
    ----------
    kernel : Kernel
        A started kernel that has run the submission.
    call_timeout : float or None, default None
        Seconds per call (``kernel.limits.call_timeout`` if None).
    max_bytes : int or None, default None
        Largest result accepted (``kernel.limits.max_result_bytes`` if None).
    budget : float or None, default None
        Seconds all calls may take together, from the first one (``kernel.limits.tests_timeout``
        if None); later calls raise ``StudentError("timeout")`` without running.

    Attributes
    ----------
    calls, timeouts, skipped : int
        Calls made, calls that hit their time limit, calls not made because the budget was used up.
    """

    def __init__(
        self,
        kernel: Kernel,
        *,
        call_timeout: float | None = None,
        max_bytes: int | None = None,
        budget: float | None = None,
    ) -> None:
        self.kernel = kernel
        self.call_timeout = kernel.limits.call_timeout if call_timeout is None else call_timeout
        self.max_bytes = kernel.limits.max_result_bytes if max_bytes is None else max_bytes
        self.budget = kernel.limits.tests_timeout if budget is None else budget
        self.calls = 0
        self.timeouts = 0
        self.skipped = 0
        self._deadline: float | None = None
        self._helper_defined = False
        self._kept: dict[tuple[str, str], collections.deque[_Reply]] = {}

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function ``name`` in the kernel; return its result as plain data.

        A result prefetched for exactly this call (same name, same wire payload) is used once
        instead of a new call; see :meth:`prefetch`.

        Raises
        ------
        StudentError
            ``raised``, ``not_defined``, ``not_implemented``, ``timeout``, ``kernel_died`` or
            ``bad_output``, with a message fit for the student.
        """
        payload = _wire.dumps((tuple(args), dict(kwargs)))
        return self._run("call", name, payload)

    def value(self, name: str, /) -> Any:
        """Read the student's variable ``name`` from the kernel (``...`` counts as not implemented)."""
        return self._run("value", name, "")

    def call_many(self, requests: Iterable[Request]) -> list[Any]:
        """Make several calls in order, in one round trip to the kernel where possible.

        Parameters
        ----------
        requests : iterable of (str, sequence, mapping)
            ``(name, args, kwargs)`` per call.

        Returns
        -------
        list
            Per call, in order: its decoded result, or the :class:`StudentError` it raised (returned,
            not raised). The outcomes are those of the same calls made one by one with :meth:`call`:
            each call has its own time limit; after one that runs too long, the following ones are
            made one by one.
        """
        requests = list(requests)
        self.prefetch(requests)
        return call_one_by_one(self, requests)

    def prefetch(self, requests: Iterable[Request]) -> int:
        """Run these calls now, in one batch, and keep their replies for :meth:`call`.

        A later ``call`` with the same name and the same arguments (compared as wire JSON) takes
        the kept reply, once, and decodes and counts it then, exactly as a call made at that moment
        (so replies that are never asked for cost nothing but the time they took). The batch stops
        at a call that runs too long (that timeout is kept too) or that ends without a reply (the
        kernel died, the student's code broke the helper); the calls from there on are made one by
        one when asked for. Functions of a notebook are expected to be pure: a function whose
        result depends on earlier calls may see them in another order than the tests make them.

        Parameters
        ----------
        requests : iterable of (str, sequence, mapping)
            ``(name, args, kwargs)`` per call; calls whose arguments cannot be sent are left out
            (asking for them raises as :meth:`call` does).

        Returns
        -------
        int
            How many replies were kept.
        """
        jobs: list[tuple[str, str, str]] = []
        for name, args, kwargs in requests:
            if not isinstance(name, str) or not name.isidentifier():
                raise TypeError(f"a graded name must be a Python identifier, got {name!r}")
            try:
                payload = _wire.dumps((tuple(args), dict(kwargs)))
            except _wire.WireError:
                continue
            jobs.append(("call", name, payload))
        if not jobs or not self.kernel.alive or self._remaining() <= 0:
            return 0
        kept = 0
        for (_mode, name, payload), item in zip(jobs, self._batch(jobs), strict=True):
            if item is None or item[0] == "none":
                break  # not run, or ended without a reply (died, broken helper): asked for anew, if at all
            self._kept.setdefault((name, payload), collections.deque()).append(item)
            kept += 1
        return kept

    def clear_prefetched(self) -> None:
        """Forget the prefetched replies not asked for."""
        self._kept.clear()

    def _remaining(self) -> float:
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + self.budget
        return self._deadline - now

    def _batch(self, jobs: list[tuple[str, str, str]]) -> list[_Reply | None]:
        """Run ``jobs`` (mode, name, payload) in one execute; per job its reply, or None if not run.

        A job that ran too long gets ``("timeout", seconds)`` and the jobs after it None; when the
        code ends without a reply for a job (the kernel died, the helper was broken), that job gets
        ``("none", ex)`` with the execution, and the jobs after it None.
        """
        kernel = self.kernel
        remaining = self._remaining()
        timeout = min(self.call_timeout, remaining)
        code = f"{_HELPER_NAME}(globals())\n"
        if not self._helper_defined:
            code = _HELPER + code
        job = {"mime": REPLY_MIME, "max_bytes": self.max_bytes, "calls": [list(j) for j in jobs]}
        ex = kernel.execute(
            code,
            timeout=timeout,
            mime=REPLY_MIME,
            metadata={JOB_KEY: job},
            per_reply=True,
            max_seconds=min(remaining, len(jobs) * self.call_timeout),
        )
        # Defined if the code ran to its end; else sent again with the next batch.
        self._helper_defined = ex.status == "ok"
        if len(jobs) == 1 and ex.status == "timeout":
            return [("timeout", timeout)]  # even with a reply: the call did not end in time
        if len(jobs) == 1 and ex.status == "died":
            return [("none", ex)]
        replies: dict[int, str] = {}
        for raw in ex.data:
            match = _INDEX.match(raw) if isinstance(raw, str) else None
            if match and int(match.group(1)) < len(jobs):
                replies[int(match.group(1))] = raw  # the last reply of a call counts, as for one call
        out: list[_Reply | None] = []
        for index in range(len(jobs)):
            if index in replies:
                out.append(("reply", replies[index]))
                continue
            if ex.status == "timeout" and index > max(replies, default=-1):
                out.append(("timeout", timeout))
            else:
                out.append(("none", ex))
            break
        return out + [None] * (len(jobs) - len(out))

    def _run(self, mode: str, name: str, payload: str) -> Any:
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"a graded name must be a Python identifier, got {name!r}")
        kernel = self.kernel
        if self._remaining() <= 0:
            self.skipped += 1
            detail = f"the time budget of {self.budget:g} s for all calls was used up before this call"
            raise StudentError("timeout", student_error_message("timeout", name, detail=detail), name=name)
        kept = self._kept.get((name, payload)) if mode == "call" else None
        if kept:
            item = kept.popleft()
        elif not kernel.alive:
            raise StudentError(
                "kernel_died",
                student_error_message("kernel_died", name, detail=kernel.died_reason),
                name=name,
            )
        else:
            item = self._batch([(mode, name, payload)])[0]
        assert item is not None
        self.calls += 1
        if item[0] == "timeout":
            self.timeouts += 1
            raise StudentError(
                "timeout",
                student_error_message("timeout", name, detail=f"{item[1]:g} s"),
                name=name,
            )
        if item[0] == "reply":
            return self._decode_reply(name, item[1], mode=mode)
        ex = item[1]
        if ex.status == "died" or not kernel.alive:
            raise StudentError(
                "kernel_died",
                student_error_message("kernel_died", name, detail=kernel.died_reason),
                name=name,
            )
        if ex.dropped:
            detail = f"its reply took more than {kernel.limits.max_message_bytes} bytes"
            raise StudentError(
                "bad_output", student_error_message("bad_output", name, detail=detail), name=name
            )
        raised = _builtin_name((identifier_text(ex.ename),), BaseException) if ex.ename else ""
        detail = "the call gave no result" + (f" (it raised {raised})" if raised else "")
        raise StudentError("bad_output", student_error_message("bad_output", name, detail=detail), name=name)

    def _decode_reply(self, name: str, raw: Any, *, mode: str = "call") -> Any:
        def bad(detail: str) -> StudentError:
            return StudentError(
                "bad_output", student_error_message("bad_output", name, detail=detail), name=name
            )

        if not isinstance(raw, str) or len(raw) > self.max_bytes + 4096:
            raise bad("the reply is not readable")
        try:
            reply = json.loads(raw, parse_constant=lambda c: None)
        except (ValueError, RecursionError):
            raise bad("the reply is not readable") from None
        if not isinstance(reply, dict):
            raise bad("the reply is not readable")
        status = reply.get("status")
        if status == "ok":
            text = reply.get("result")
            if not isinstance(text, str):
                raise bad("the reply is not readable")
            try:
                return _wire.loads(text, max_bytes=self.max_bytes)
            except _wire.WireError:  # the helper checks what it sends: only a forged reply gets here
                raise bad(NOT_DATA) from None
        if status == "raised":
            types = reply.get("types")
            if not (isinstance(types, list) and types and len(types) <= 64):
                raise bad("the reply is not readable")
            names = tuple(identifier_text(t) for t in types)
            shown = _builtin_name(names, BaseException)
            raise StudentError(
                "raised",
                student_error_message("raised", name, shown),
                name=name,
                exc_type=shown,
                exc_types=names,
            )
        if status == "not_defined":
            raise StudentError("not_defined", student_error_message("not_defined", name), name=name)
        if status == "not_implemented":
            if mode == "value":
                raise StudentError("not_implemented", f"`{name}` is not set yet", name=name)
            raise StudentError("not_implemented", student_error_message("not_implemented", name), name=name)
        if status == "not_callable":
            kind = _builtin_name((identifier_text(reply.get("type")),), object)
            raise StudentError(
                "not_defined", f"`{name}` should be a function, but it is a {kind}", name=name
            )
        if status == "bad_output":
            if reply.get("too_large") is True:
                raise bad(f"the result takes more than {self.max_bytes} bytes")
            raise bad(_wire_reason(reply.get("reason")))
        raise bad("the reply is not readable")
