"""Showing a :class:`~quantkit.checks._run.CheckResult` to a student: plain text, or HTML in a notebook."""

from __future__ import annotations

import html
import sys

from quantkit.checks._run import CheckResult

__all__ = ["as_html", "as_text", "show"]

_COLOURS = {
    # status: (text colour, background, border)
    "passed": ("#1b5e20", "#e8f5e9", "#43a047"),
    "not_implemented": ("#5d4037", "#fff8e1", "#ffb300"),
    "unchecked": ("#37474f", "#eceff1", "#90a4ae"),
    "failed": ("#b71c1c", "#ffebee", "#e53935"),
    "missing": ("#b71c1c", "#ffebee", "#e53935"),
    "error": ("#b71c1c", "#ffebee", "#e53935"),
}


def _detail_rows(result: CheckResult) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if result.failure is not None:
        failure = result.failure
        if failure.note:
            rows.append(("case", failure.note))
        rows += [
            ("call", failure.call),
            ("expected", failure.expected),
            ("got", failure.got),
            ("why", failure.problem),
        ]
    if result.hint:
        known = f" (known mistake: {result.mistake})" if result.mistake else ""
        rows.append(("hint", result.hint + known))
    if result.upstream:
        rows.append(("note", result.upstream))
    return rows


def as_text(result: CheckResult) -> str:
    """The report as plain text: one line when all is well, a short block otherwise.

    Parameters
    ----------
    result : CheckResult
        What :meth:`quantkit.checks.Checker.result` returned.

    Returns
    -------
    str
        No trailing newline.
    """
    lines = [result.message]
    rows = _detail_rows(result)
    width = max((len(label) for label, _ in rows), default=0)
    lines += [f"  {label + ':':<{width + 1}} {text}" for label, text in rows]
    return "\n".join(lines)


def as_html(result: CheckResult) -> str:
    """The report as a self-contained HTML fragment (inline styles only; every text escaped).

    A passed check is one green line; anything else is a coloured box with the failed case's note,
    expected vs got, and a known mistake's hint.
    """
    colour, background, border = _COLOURS.get(result.status, _COLOURS["error"])
    head = html.escape(result.message)
    rows = _detail_rows(result)
    if not rows:
        return (
            f'<div class="quantkit-check quantkit-check-{result.status}" '
            f'style="color:{colour};font-family:sans-serif;margin:2px 0">{head}</div>'
        )
    body = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;white-space:nowrap">'
        f"{html.escape(label)}</th>"
        f'<td style="text-align:left;font-family:monospace;white-space:pre-wrap">'
        f"{html.escape(text)}</td></tr>"
        for label, text in rows
    )
    return (
        f'<div class="quantkit-check quantkit-check-{result.status}" style="color:{colour};'
        f"background:{background};border:1px solid {border};border-left:6px solid {border};"
        f'padding:6px 10px;margin:4px 0;font-family:sans-serif">'
        f'<div style="font-weight:bold;margin-bottom:4px">{head}</div>'
        f'<table style="border-collapse:collapse;color:inherit">{body}</table></div>'
    )


def show(result: CheckResult) -> None:
    """Display the report: HTML and text under IPython (the front end picks), plain text otherwise."""
    shell = None
    if "IPython" in sys.modules:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        print(as_text(result))
        return
    from IPython.display import display

    display({"text/plain": as_text(result), "text/html": as_html(result)}, raw=True)
