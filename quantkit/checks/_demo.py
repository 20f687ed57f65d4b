"""Demonstration cells that go on when a student's function is still a stub.

A demo cell (a figure, an explorer, an ONNX round trip) calls the student's functions. In the
released notebook those are stubs that raise ``NotImplementedError`` until the student writes them,
and *Run All* must not stop there. Wrapping the cell's body in :func:`skip_stubs` turns that error into
one polite line and lets the notebook go on; any other error still shows as usual.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

__all__ = ["skip_stubs"]


class skip_stubs:
    """Context manager: skip the rest of a demo cell while a student's function is not written yet.

    Inside ``with skip_stubs():``, a ``NotImplementedError`` raised by the notebook's own code (a
    function still a stub, or an exercise cell's ``raise NotImplementedError()``) is caught and
    replaced by one line naming what to write; the cell then ends normally, so *Run All* goes on.
    A ``NotImplementedError`` from library code, and every other exception, propagates unchanged.

    Parameters
    ----------
    what : str, default "this cell"
        What is skipped, for the message ("the accuracy table").

    Attributes
    ----------
    skipped : bool
        True after the block was cut short by a stub.
    message : str
        The line that was printed ("" if nothing was skipped).

    Examples
    --------
    >>> def per_channel(w):
    ...     raise NotImplementedError()
    >>> with skip_stubs("the histogram"):
    ...     per_channel([1.0])
    skipped the histogram: write `per_channel` first (it is still a stub); the notebook goes on
    >>> with skip_stubs():
    ...     x = 1 + 1
    >>> x
    2

    Used in: notebooks/04_nn_weights.ipynb
    """

    def __init__(self, what: str = "this cell") -> None:
        if not isinstance(what, str):
            raise TypeError(f"what must be a str describing the skipped part, got {type(what).__name__}")
        self.what = what
        self.skipped = False
        self.message = ""
        self._globals: dict[str, Any] | None = None

    def __enter__(self) -> skip_stubs:
        # The namespace of the code that opened the block: the notebook's (IPython's user namespace,
        # or the module a script runs in). Functions defined there carry it as their globals.
        self._globals = sys._getframe(1).f_globals
        return self

    def __exit__(
        self, etype: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if etype is None or not issubclass(etype, NotImplementedError):
            return False
        frame = None
        while tb is not None:
            frame = tb.tb_frame
            tb = tb.tb_next
        if frame is None or frame.f_globals is not self._globals:
            return False  # raised by library code: a real error, keep its traceback
        name = frame.f_code.co_name
        if name.startswith("<"):
            self.message = (
                f"skipped {self.what}: replace `raise NotImplementedError()` with your code and run the "
                "cell again; the notebook goes on"
            )
        else:
            self.message = (
                f"skipped {self.what}: write `{name}` first (it is still a stub); the notebook goes on"
            )
        self.skipped = True
        print(self.message)
        return True
