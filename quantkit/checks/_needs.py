"""Run a demonstration or an optional exercise only when the student's functions it needs are written.

In a released notebook every graded function starts as a stub that raises ``NotImplementedError``.
A cell that only *uses* such a function (a figure, a comparison, an optional exercise) must not stop
*Run All*: it should say, in one line, what to write first, and let the notebook go on. Wrapping the
cell's body in :func:`needs` does exactly that, without try/except boilerplate in every cell::

    with needs("reduce_bit_depth (q1)"):
        plots.image_grid([reduce_bit_depth(img, b) for b in (1, 2, 4)])

Only ``NotImplementedError`` is caught; any other error (a real bug) propagates as usual. Figures
created inside the block before the stub raised are closed, so no half-drawn figure is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["needs", "needs_message"]


def needs_message(what: tuple[str, ...]) -> str:
    """The polite line printed when a stub stops a :func:`needs` block."""
    if not what:
        return "(skipped: a function this cell uses is not written yet; write it, then run this cell again)"
    names = ", ".join(what[:-1]) + (" and " if len(what) > 1 else "") + what[-1]
    return f"(skipped: this cell needs {names}; write it above, run its cell, then run this cell again)"


def _open_figures() -> set[int]:
    plt = sys.modules.get("matplotlib.pyplot")
    return set(plt.get_fignums()) if plt is not None else set()


@contextmanager
def needs(*what: str) -> Iterator[None]:
    """Skip the rest of a ``with`` block, with one polite line, when a stub raises ``NotImplementedError``.

    Parameters
    ----------
    *what : str
        What the block needs, in the words the student knows, for example
        ``"reduce_bit_depth (q1)"`` or ``"your answer to the exercise above"``.

    Yields
    ------
    None

    Notes
    -----
    The line goes to standard output (never standard error: nbgrader treats a cell that writes to
    standard error as failed). Figures opened inside the block before the stub raised are closed.

    Examples
    --------
    >>> def reduce_bit_depth(img, n_bits):
    ...     raise NotImplementedError()
    >>> with needs("reduce_bit_depth (q1)"):
    ...     reduce_bit_depth(None, 3)
    (skipped: this cell needs reduce_bit_depth (q1); write it above, run its cell, then run this cell again)

    Used in: notebooks/03_images.ipynb
    """
    before = _open_figures()
    try:
        yield
    except NotImplementedError:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in _open_figures() - before:
                plt.close(number)
        print(needs_message(tuple(str(w) for w in what)))
