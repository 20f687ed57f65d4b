"""A polite line instead of a traceback wall when a student's stub raises ``NotImplementedError``.

Released notebooks contain stubs such as ``def quantize_uniform(...): raise NotImplementedError()``.
Running a cell that calls one shows a long traceback to a student who simply has not got there yet.
:func:`install_not_implemented_handler` registers an IPython custom exception handler that prints one
line instead, naming the function that is not written yet. A ``NotImplementedError`` raised by library
code (not by the student's own cells) keeps its full traceback.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

__all__ = ["install_not_implemented_handler", "not_implemented_line"]

_MARK = "_quantkit_not_implemented_handler"


def not_implemented_line(name: str | None) -> str:
    """The line shown for a stub: ``name`` is the function that raised, None for a cell-level stub."""
    if name is None:
        return (
            "not implemented yet: this cell — replace `raise NotImplementedError()` with your code "
            "and run it again"
        )
    return (
        f"not implemented yet: `{name}` — write its body in the cell with `def {name}`, "
        "run that cell, then this one again"
    )


def _raising_student_function(shell: Any, tb: TracebackType | None) -> tuple[bool, str | None]:
    """Whether the innermost frame of ``tb`` is the student's own code, and its function name.

    The student's code is recognised by its globals: functions defined in a notebook cell (and the
    cell itself) run with the shell's user namespace as their globals. Returns ``(False, None)`` when
    the exception came from library code; ``(True, None)`` when a cell raised it at top level.
    """
    frame = None
    while tb is not None:
        frame = tb.tb_frame
        tb = tb.tb_next
    if frame is None or frame.f_globals is not shell.user_ns:
        return False, None
    name = frame.f_code.co_name
    return True, (None if name.startswith("<") else name)


def _handler(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: Any = None,
) -> None:
    ours, name = _raising_student_function(shell, tb)
    if not ours:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    # Through _showtraceback, so a kernel reports it as the cell's error (ename, evalue, one line).
    shell._showtraceback(etype, value, [not_implemented_line(name)])
    return None


def install_not_implemented_handler(shell: Any = None) -> bool:
    """Install the handler in the running IPython shell, once.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None, default None
        The shell; None means the running one (if any).

    Returns
    -------
    bool
        True if the handler is installed (now or before), False when not under IPython or when
        another custom exception handler is already in place (it is left alone).
    """
    if shell is None:
        if "IPython" not in sys.modules:
            return False
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return False
    installed = getattr(shell, _MARK, None)
    if installed is not None and installed is getattr(shell, "CustomTB", None):
        return True
    if getattr(shell, "custom_exceptions", ()):
        return False
    shell.set_custom_exc((NotImplementedError,), _handler)
    # Remember the bound handler IPython made: if IPython ever unregisters it, we install it again.
    setattr(shell, _MARK, shell.CustomTB)
    return True
