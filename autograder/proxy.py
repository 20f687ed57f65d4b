"""The kernel-backed student: hidden tests call the student's functions through it.

:class:`KernelStudent` implements the ``student`` of :mod:`autograder.testing`: ``call(name, *args,
**kwargs)`` sends the arguments (wire JSON, no pickle) into the student's kernel, runs the function
there with a timeout, and reads the result back as wire JSON; ``value(name)`` reads a variable.

Trust: the code the grader injects runs in the student's process, so the student may redefine
anything it uses. That can only change what this call reports, i.e. the student's own result. The
grader never sends expected outputs into the kernel, and everything that comes back is validated
here: the reply must be a small JSON object with a known status, results are decoded with the
strict wire decoder (object arrays, subclasses and other types refused), exception and type names
are reduced to identifier characters, and free text is cut short. A call that runs too long is
interrupted (``timeout``); once the kernel process is gone every call fails with ``kernel_died``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from autograder.kernel import Kernel
from autograder.testing import StudentError, safe_name, student_error_message
from quantkit import _wire

__all__ = ["REPLY_MIME", "KernelStudent"]

#: MIME type of the display message that carries a call's reply out of the kernel.
REPLY_MIME = "application/vnd.quantgrade.reply+json"

# Runs inside the student's kernel for every call (self-contained: nothing is left defined there).
_HELPER = r"""
def _quantgrade_call(namespace, mode, name, payload, max_bytes, mime):
    import json
    from IPython.display import display
    from quantkit import _wire

    def send(reply):
        display({mime: json.dumps(reply)}, raw=True)

    if name not in namespace:
        return send({"status": "not_defined"})
    target = namespace[name]
    if mode == "value":
        if target is Ellipsis:
            return send({"status": "not_implemented"})
        result = target
    else:
        if not callable(target):
            return send({"status": "not_callable", "type": type(target).__name__})
        args, kwargs = _wire.loads(payload)
        try:
            result = target(*args, **kwargs)
        except NotImplementedError:
            return send({"status": "not_implemented"})
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            return send({"status": "raised", "types": [c.__name__ for c in type(exc).__mro__]})
    try:
        text = _wire.dumps(result)
    except Exception as exc:
        return send({"status": "bad_output", "reason": str(exc)})
    if len(text) > max_bytes:
        reason = f"the result takes {len(text)} bytes, over {max_bytes}"
        return send({"status": "bad_output", "reason": reason})
    return send({"status": "ok", "result": text})
"""

_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def _clean_text(text: Any, limit: int = 200) -> str:
    """Untrusted free text from the kernel: printable ASCII, at most ``limit`` characters."""
    cleaned = _PRINTABLE.sub("", str(text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


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
    """

    def __init__(
        self, kernel: Kernel, *, call_timeout: float | None = None, max_bytes: int | None = None
    ) -> None:
        self.kernel = kernel
        self.call_timeout = kernel.limits.call_timeout if call_timeout is None else call_timeout
        self.max_bytes = kernel.limits.max_result_bytes if max_bytes is None else max_bytes
        self.calls = 0
        self.timeouts = 0

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function ``name`` in the kernel; return its result as plain data.

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

    def _run(self, mode: str, name: str, payload: str) -> Any:
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"a graded name must be a Python identifier, got {name!r}")
        kernel = self.kernel
        if not kernel.alive:
            raise StudentError(
                "kernel_died",
                student_error_message("kernel_died", name, detail=kernel.died_reason),
                name=name,
            )
        self.calls += 1
        code = (
            _HELPER
            + f"_quantgrade_call(globals(), {mode!r}, {name!r}, {payload!r}, "
            + f"{self.max_bytes!r}, {REPLY_MIME!r})\n"
            + "del _quantgrade_call\n"
        )
        ex = kernel.execute(code, timeout=self.call_timeout, mime=REPLY_MIME)
        if ex.status == "timeout":
            self.timeouts += 1
            raise StudentError(
                "timeout",
                student_error_message("timeout", name, detail=f"{self.call_timeout:g} s"),
                name=name,
            )
        if ex.status == "died" or (not ex.data and not kernel.alive):
            raise StudentError(
                "kernel_died",
                student_error_message("kernel_died", name, detail=kernel.died_reason),
                name=name,
            )
        if not ex.data:
            detail = "the call gave no result" + (f" (it raised {safe_name(ex.ename)})" if ex.ename else "")
            raise StudentError(
                "bad_output", student_error_message("bad_output", name, detail=detail), name=name
            )
        return self._decode_reply(name, ex.data[-1], mode=mode)

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
            except _wire.WireError as exc:
                raise bad(str(exc)) from None
        if status == "raised":
            types = reply.get("types")
            if not (isinstance(types, list) and types and len(types) <= 64):
                raise bad("the reply is not readable")
            names = tuple(safe_name(t) for t in types)
            raise StudentError(
                "raised",
                student_error_message("raised", name, names[0]),
                name=name,
                exc_type=names[0],
                exc_types=names,
            )
        if status == "not_defined":
            raise StudentError("not_defined", student_error_message("not_defined", name), name=name)
        if status == "not_implemented":
            if mode == "value":
                raise StudentError("not_implemented", f"`{name}` is not set yet", name=name)
            raise StudentError("not_implemented", student_error_message("not_implemented", name), name=name)
        if status == "not_callable":
            raise StudentError(
                "not_defined",
                f"`{name}` should be a function, but it is a {safe_name(reply.get('type'))}",
                name=name,
            )
        if status == "bad_output":
            raise bad(_clean_text(reply.get("reason", "")))
        raise bad("the reply is not readable")
