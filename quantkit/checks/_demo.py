"""Demo blocks that never stop *Run All*: a stub or a blank exercise prints one polite line instead.

A released notebook holds stubs (``def lloyd_max(...): raise NotImplementedError()``) and blank
optional exercises (a cell whose body is ``raise NotImplementedError()``). A figure or an explorer
that calls a stub would stop *Run → Run All Cells* at that cell. Wrapping the demo in
``with check.demo():`` prints one line naming what is missing and lets the notebook go on. Test
cells are not wrapped: they must fail when a public check fails (nbgrader's Validate needs that).

Only a ``NotImplementedError`` raised by the notebook's own code (a function defined in a cell, or
the cell itself) is caught; one raised inside a library keeps its traceback, and so does every
other exception.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from types import FrameType, TracebackType
from typing import Any

__all__ = ["DemoBlock", "skipped_line"]


def skipped_line(name: str | None, question: str | None = None) -> str:
    """The line printed when a demo block meets the stub ``name`` (None: a blank exercise cell)."""
    if name is None:
        return (
            "optional exercise not done yet: replace `raise NotImplementedError()` in this cell with "
            "your code to see this part (the rest of the notebook runs without it)"
        )
    where = f" ({question})" if question else ""
    return f"not implemented yet: write `{name}`{where} first to see this part; the notebook goes on"


def _innermost(tb: TracebackType | None) -> FrameType | None:
    frame = None
    while tb is not None:
        frame = tb.tb_frame
        tb = tb.tb_next
    return frame


class DemoBlock:
    """Context manager returned by :meth:`quantkit.checks.Checker.demo`.

    Parameters
    ----------
    namespace : dict
        The notebook's globals: a ``NotImplementedError`` counts as the student's when the frame that
        raised it runs with these globals.
    question_of : callable
        Maps a function name to its question id (``"q1"``), or None when unknown.
    printer : callable, default print
        Where the polite line goes.

    Attributes
    ----------
    skipped : str or None
        The name of the stub that stopped the block (``"<cell>"`` for a blank exercise), else None.
    """

    def __init__(
        self,
        namespace: Mapping[str, Any],
        question_of: Callable[[str], str | None],
        printer: Callable[[str], Any] = print,
    ) -> None:
        self._namespace = namespace
        self._question_of = question_of
        self._print = printer
        self.skipped: str | None = None

    def __enter__(self) -> DemoBlock:
        return self

    def __exit__(
        self, etype: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if etype is None or not issubclass(etype, NotImplementedError):
            return False
        frame = _innermost(tb)
        if frame is None or frame.f_globals is not self._namespace:
            return False  # raised by a library: not ours to hide
        name = frame.f_code.co_name
        if name.startswith("<"):
            self.skipped = "<cell>"
            self._print(skipped_line(None))
        else:
            self.skipped = name
            self._print(skipped_line(name, self._question_of(name)))
        return True


def caller_globals(depth: int = 2) -> dict[str, Any]:
    """The globals of the code ``depth`` frames up (the notebook cell that opened the block)."""
    return sys._getframe(depth).f_globals
