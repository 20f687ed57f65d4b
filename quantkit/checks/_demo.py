"""Run All goes on: a demonstration cell that needs a function the student has not written yet says so.

Demonstration cells (figures, listening tests, explorers) call the student's graded functions. In the
released notebook those are stubs that raise ``NotImplementedError``, and an exception would stop
*Run All* at the first demonstration. Wrapping the cell's body in ``with demo():`` turns that one
exception into one polite printed line and closes any half-drawn figure, so the notebook runs on to
the next question::

    with demo():
        plots.spectrum(requantize(x, 8), rate)

Any other exception (a real bug in the student's code, or in the cell) propagates as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["demo", "not_ready_line"]


def not_ready_line(name: str | None, what: str = "this cell's result", task: str | None = None) -> str:
    """The line :func:`demo` prints: ``name`` is the stub that raised, None for the cell itself.

    ``task`` names the cell's own work (``"q6, the SQNR fit"``) for a cell left blank; without it a blank
    cell is an optional exercise.
    """
    if name is None:
        if task is not None:
            return (
                f"{task}: not done yet (replace `raise NotImplementedError()` by your code); "
                "the notebook goes on"
            )
        return (
            "optional exercise not done yet (nothing below needs it): replace `raise NotImplementedError()`"
        )
    return f"not implemented yet: write `{name}` first to see {what}; the notebook goes on"


@contextmanager
def demo(what: str = "this cell's result", *, task: str | None = None) -> Iterator[None]:
    """Catch a student's ``NotImplementedError`` in a demonstration cell, print one line and go on.

    Parameters
    ----------
    what : str, default "this cell's result"
        What the cell would show ("this figure", "the listening test"), for the printed line.
    task : str or None, default None
        For a cell whose own code the student writes (a graded value, an exercise): what it is, for
        the line printed while it is still blank (``"q6, the SQNR fit"``). None: an optional exercise.

    Notes
    -----
    The function named in the line is the innermost one that raised (the stub), found from the
    traceback; a ``raise NotImplementedError()`` at the top level of the cell (an optional exercise
    left blank) gives the exercise's line. Figures created inside the block are closed when it stops
    early, so no empty axes are shown.

    Examples
    --------
    >>> def requantize(x, n_bits):
    ...     raise NotImplementedError()
    >>> with demo("this figure"):
    ...     requantize([0.1], 8)
    not implemented yet: write `requantize` first to see this figure; the notebook goes on

    Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb,
        notebooks/03_images.ipynb, notebooks/04_nn_weights.ipynb, notebooks/05_optimal_quantization.ipynb

    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    before = set(pyplot.get_fignums()) if pyplot is not None else set()
    try:
        yield
    except NotImplementedError as exc:
        tb = exc.__traceback__
        frame = None
        while tb is not None:
            frame = tb.tb_frame
            tb = tb.tb_next
        name = None
        if frame is not None and not frame.f_code.co_name.startswith("<"):
            name = frame.f_code.co_name
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            for number in set(pyplot.get_fignums()) - before:
                pyplot.close(number)
        print(not_ready_line(name, what, task))
