"""Grading reports: what ``quantgrade grade`` writes under ``--out``, all read from the same results.

=====================================  ===================================================================
``grades.csv``                         long table: student, notebook, question, score, max_score, status
``totals.csv``                         one row per submission: score, auto and manual parts, status
``feedback/<student>/<notebook>.html`` for the student: score per question, what failed and why, hints
``report.html``                        for the instructor: plots (score distribution, pass rate per
                                       question, frequent known mistakes) and a table of submissions
``results.json``                       every :class:`~autograder.results.SubmissionResult`, sorted
=====================================  ===================================================================

The output depends on the results only (no timestamps), so grading the same submissions twice writes
the same bytes. Student names, messages and answers are untrusted text: HTML escapes them, and a
student's feedback folder name is made safe (:func:`safe_name`), so no name escapes ``feedback/``.
In the CSV files a cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'`` (:func:`csv_cell`, as OWASP advises).

Each file is written under a temporary name and renamed into place, so a full disk never leaves half
a report (the previous one stays). When any submission was graded without the sandbox, grades.csv
and totals.csv get a last column ``sandbox``, and report.html and the feedback pages say UNSANDBOXED
at the top; a run that was stopped says in report.html and results.json (``"complete": false``,
``"not_graded"``) what it did not grade.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import html
import io
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from autograder import __version__
from autograder.results import QuestionResult, SubmissionResult
from autograder.spec import Course

if TYPE_CHECKING:  # matplotlib is imported only when a report is drawn
    from matplotlib.figure import Figure

__all__ = [
    "GRADES_COLUMNS",
    "TOTALS_COLUMNS",
    "csv_cell",
    "feedback_path",
    "format_totals_table",
    "render_feedback",
    "safe_name",
    "write_reports",
]

GRADES_COLUMNS = ("student", "notebook", "question", "score", "max_score", "status")
TOTALS_COLUMNS = (
    "student",
    "notebook",
    "score",
    "max_score",
    "auto_score",
    "auto_max",
    "manual_pending",
    "status",
)

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: #1b5e20; } .partial { color: #8d6e00; } .failed, .error { color: #b71c1c; }
.manual { color: #37474f; } .unreadable { color: #b71c1c; } .graded { color: #1b5e20; }
.hint { background: #fff8e1; border-left: 4px solid #ffb300; padding: 0.3rem 0.6rem; margin: 0.3rem 0; }
.reason { background: #ffebee; border-left: 4px solid #e53935; padding: 0.3rem 0.6rem; }
.msg { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 0.92em; }
img { max-width: 100%; }
"""


# ---------------------------------------------------------------------------------------------- helpers


def _points(x: float) -> str:
    """Points as short text: ``2``, ``1.5``, ``0.25`` (no float noise, no trailing zeros)."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _sorted(results: Iterable[SubmissionResult]) -> list[SubmissionResult]:
    """By student (case-insensitively, ties broken by the exact name), then notebook."""
    return sorted(results, key=lambda r: (r.student.casefold(), r.student, r.notebook, r.path))


def _manual_pending(result: SubmissionResult) -> float:
    """Points of manual questions still waiting for a person."""
    return float(sum(q.max_score for q in result.questions if q.kind == "manual" and q.status == "manual"))


def _auto(result: SubmissionResult) -> tuple[float, float]:
    auto = [q for q in result.questions if q.kind == "auto"]
    return float(sum(q.score for q in auto)), float(sum(q.max_score for q in auto))


def safe_name(name: str) -> str:
    """A folder or file name made from untrusted text, safe on every common file system.

    Letters (any script), digits, spaces and ``-_.,()+`` are kept (NFC-normalised); anything else,
    path separators included, becomes ``_``; leading dots and spaces are dropped, so ``..`` cannot
    climb out. If anything had to change, a short hash of the original is appended, so two different
    names never share a folder (except one name typed in two Unicode normal forms, which is the same
    name on screen).

    Parameters
    ----------
    name : str
        A student's folder name or a notebook slug.

    Returns
    -------
    str
        Never empty, never ``.`` or ``..``, at most 100 characters.

    Examples
    --------
    >>> safe_name("Zoë Müller")
    'Zoë Müller'
    >>> safe_name("../x")
    '_x-d6b96a97'
    """
    if not isinstance(name, str):
        raise TypeError(f"a name must be a string, got {type(name).__name__}")
    normal = unicodedata.normalize("NFC", name)
    kept = "".join(ch if (ch.isalnum() or ch in " -_.,()+") and ch.isprintable() else "_" for ch in normal)
    kept = re.sub(r"_+", "_", kept).lstrip(". ").rstrip(". ")[:80]
    if kept == normal and kept:
        return kept
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kept}-{digest}" if kept else f"student-{digest}"


def feedback_path(out: Path, result: SubmissionResult) -> Path:
    """Where a submission's feedback goes: ``out/feedback/<safe student>/<safe notebook>.html``."""
    return Path(out) / "feedback" / safe_name(result.student) / f"{safe_name(result.notebook)}.html"


def _feedback_href(result: SubmissionResult) -> str:
    return f"feedback/{quote(safe_name(result.student))}/{quote(safe_name(result.notebook))}.html"


class _Catalogue:
    """Notebook titles and known-mistake titles from the course, tolerant of missing spec files."""

    def __init__(self, course: Course, slugs: Iterable[str]) -> None:
        self.titles: dict[str, str] = {}
        self.mistake_titles: dict[tuple[str, str], str] = {}  # (slug, hint) -> title
        for slug in sorted(set(slugs)):
            try:
                self.titles[slug] = course.manifest(slug).title
            except (OSError, ValueError, KeyError):
                continue
            try:
                for mistake in course.mistakes(slug):
                    self.mistake_titles[(slug, mistake.hint)] = mistake.title
            except Exception:  # a broken catalogue must not stop the reports; titles fall back to hints
                continue

    def title(self, slug: str) -> str:
        return self.titles.get(slug, slug)

    def mistake(self, slug: str, hint: str) -> str:
        return self.mistake_titles.get((slug, hint), hint if len(hint) <= 60 else hint[:57] + "...")


# ------------------------------------------------------------------------------------------------ CSV


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """``value`` as text safe to open in a spreadsheet: a leading formula character gets a ``'``.

    Student names are folder names, chosen by students; ``=HYPERLINK(...)`` or ``=cmd|...`` in
    grades.csv would run as a formula in Excel or LibreOffice. As OWASP recommends, such a cell is
    prefixed with a single quote, which spreadsheets show as text (the file's other readers see the
    quote).

    Parameters
    ----------
    value : object
        The cell's value (converted with ``str``).

    Returns
    -------
    str
    """
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    # The writer quotes a field holding any character of its line terminator, so with "\r\n" it also
    # quotes a carriage return inside a name (with "\n" alone it would not, and a reader would split
    # the row there); each line then ends in "\n" alone.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = []
    for row in [header, *rows]:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(v) for v in row])
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines)


def grades_rows(results: Iterable[SubmissionResult]) -> list[list[str]]:
    """The rows of ``grades.csv`` (without header): one per question of every submission."""
    return [
        [r.student, r.notebook, q.question, _points(q.score), _points(q.max_score), q.status]
        for r in _sorted(results)
        for q in r.questions
    ]


def totals_rows(results: Iterable[SubmissionResult]) -> list[list[str]]:
    """The rows of ``totals.csv`` (without header): one per submission.

    ``manual_pending`` is the points of written answers still waiting for a person.
    """
    rows = []
    for r in _sorted(results):
        auto_score, auto_max = _auto(r)
        rows.append(
            [
                r.student,
                r.notebook,
                _points(r.score),
                _points(r.max_score),
                _points(auto_score),
                _points(auto_max),
                _points(_manual_pending(r)),
                r.status,
            ]
        )
    return rows


def format_totals_table(results: Iterable[SubmissionResult]) -> str:
    """The totals as a plain-text table, for the terminal (what ``quantgrade grade`` prints).

    Parameters
    ----------
    results : iterable of SubmissionResult
        The graded submissions.

    Returns
    -------
    str
        A header, a rule and one line per submission (sorted by student, then notebook), ending in a
        newline; ``"no submissions\\n"`` when there are none.
    """
    rows = totals_rows(results)
    if not rows:
        return "no submissions\n"
    header = ["student", "notebook", "score", "max", "auto", "auto max", "manual pending", "status"]
    table = [header, *rows]
    numeric = {2, 3, 4, 5, 6}
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"


# ------------------------------------------------------------------------------------------- feedback


def _question_details(q: QuestionResult) -> str:
    parts = []
    if q.kind == "manual":
        if q.status == "manual":
            parts.append("<p>Written answer: a person grades it; the points are not in yet.</p>")
    elif q.status == "passed":
        parts.append("<p>All tests passed.</p>")
    parts += [f'<p class="msg">{_esc(m)}</p>' for m in q.messages]
    parts += [f'<p class="hint"><strong>Hint:</strong> {_esc(h)}</p>' for h in q.hints]
    return "".join(parts)


def render_feedback(result: SubmissionResult, *, notebook_title: str = "") -> str:
    """One student's feedback page for one notebook, as a self-contained HTML document.

    It shows the submission's status (and why, if it could not be graded), the score of every
    question, what failed and why, and the hints of known mistakes. It never shows the submission's
    path, the grader's notes, timings or anything the hidden tests did not put in a message.
    """
    title = notebook_title or result.notebook
    auto_score, auto_max = _auto(result)
    pending = _manual_pending(result)
    rows = "".join(
        f'<tr><td>{_esc(q.question)}</td><td>{_esc(q.title)}</td><td class="num">{_points(q.score)}</td>'
        f'<td class="num">{_points(q.max_score)}</td><td class="{_esc(q.status)}">{_esc(q.status)}</td></tr>'
        for q in result.questions
    )
    details = "".join(
        f"<section><h3>{_esc(q.question)}: {_esc(q.title)} — {_points(q.score)} / {_points(q.max_score)}"
        f"</h3>{_question_details(q)}</section>"
        for q in result.questions
    )
    if result.status == "graded":
        status = '<p>Submission status: <span class="graded">graded</span>.</p>'
    else:
        status = (
            f'<p class="reason">Submission status: <strong>{_esc(result.status)}</strong>. '
            f"{_esc(result.reason or 'No reason was recorded.')}</p>"
        )
    if result.sandbox != "bubblewrap":
        status = (
            '<p class="reason"><strong>UNSANDBOXED</strong>: this notebook was graded without the '
            "grader's sandbox.</p>\n" + status
        )
    if pending:
        noun = "point still awaits" if pending == 1 else "points still await"
        pending_text = f"; {_points(pending)} {noun} a person's grading"
    else:
        pending_text = ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Feedback: {_esc(title)} — {_esc(result.student)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>Feedback: {_esc(title)}</h1>\n"
        f"<p>Student: <strong>{_esc(result.student)}</strong> · "
        f"notebook <code>{_esc(result.notebook)}</code></p>\n"
        f"{status}\n"
        f"<p>Score: <strong>{_points(result.score)} / {_points(result.max_score)}</strong> "
        f"(autograded {_points(auto_score)} / {_points(auto_max)}{_esc(pending_text)}).</p>\n"
        "<table>\n<tr><th>question</th><th>title</th><th>score</th><th>max</th><th>status</th></tr>\n"
        f"{rows}\n</table>\n"
        f"<h2>Details</h2>\n{details}\n"
        "<p><small>Graded by quantgrade. The tests check more than the public self-checks in the "
        "notebook; the messages above describe what failed without the hidden inputs.</small></p>\n"
        "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------- report


def _png(fig: Figure) -> str:
    """A matplotlib figure as a base64 PNG data URI (no metadata: the same plot gives the same bytes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plain(text: str) -> str:
    """Text for a matplotlib label, shown as written (a ``$`` would otherwise start mathtext)."""
    return text.replace("$", r"\$")


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _score_distribution(subs: list[SubmissionResult], title: str) -> str:
    fig = _figure(6.0, 3.0)
    ax = fig.add_subplot()
    percents = [100.0 * r.score / r.max_score if r.max_score else 0.0 for r in subs]
    ax.hist(percents, bins=[i * 10 for i in range(11)], color="#4c78a8", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (% of the notebook's points, manual points pending count as 0)")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(_plain(f"Score distribution: {title}"))
    fig.tight_layout()
    return _png(fig)


def _question_stats(subs: list[SubmissionResult]) -> list[tuple[str, str, int, int, int, float, float]]:
    """Per autograded question, in manifest order: id, title, submissions, passed, partial, mean, max."""
    order: dict[str, str] = {}
    passed: Counter[str] = Counter()
    partial: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    points: Counter[str] = Counter()
    top: dict[str, float] = {}
    for r in subs:
        for q in r.questions:
            if q.kind != "auto":
                continue
            order.setdefault(q.question, q.title)
            seen[q.question] += 1
            passed[q.question] += q.status == "passed"
            partial[q.question] += q.status == "partial"
            points[q.question] += q.score
            top[q.question] = max(top.get(q.question, 0.0), q.max_score)
    return [
        (qid, title, seen[qid], passed[qid], partial[qid], points[qid] / seen[qid], top[qid])
        for qid, title in order.items()
    ]


def _pass_rates(stats: list[tuple[str, str, int, int, int, float, float]], title: str) -> str:
    order = [s[0] for s in stats]
    full = [100.0 * s[3] / s[2] for s in stats]
    part = [100.0 * s[4] / s[2] for s in stats]
    fig = _figure(6.0, 3.0)
    ax = fig.add_subplot()
    labels = [_plain(q) for q in order]
    ax.bar(labels, full, color="#54a24b", label="all points")
    ax.bar(labels, part, bottom=full, color="#eeca3b", label="some points")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of submissions")
    ax.set_title(_plain(f"Pass rate per question: {title}"))
    if order:
        ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return _png(fig)


def _mistake_counts(results: list[SubmissionResult], catalogue: _Catalogue) -> list[tuple[str, str, int]]:
    """(notebook, mistake title, submissions showing it), most frequent first, then by name."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in results:
        seen = {(r.notebook, catalogue.mistake(r.notebook, h)) for q in r.questions for h in q.hints}
        counts.update(seen)
    return sorted(((nb, t, n) for (nb, t), n in counts.items()), key=lambda x: (-x[2], x[0], x[1]))


def _mistakes_plot(counts: list[tuple[str, str, int]]) -> str:
    shown = counts[:12][::-1]
    fig = _figure(7.0, 1.3 + 0.35 * len(shown))
    ax = fig.add_subplot()
    ax.barh([_plain(f"{nb}: {t}") for nb, t, _ in shown], [n for _, _, n in shown], color="#e45756")
    ax.set_xlabel("submissions")
    ax.set_title("Most frequent known mistakes")
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _png(fig)


def _banners(results: Sequence[SubmissionResult], not_graded: Sequence[Mapping[str, str]]) -> str:
    """The warnings at the top of report.html: graded unsandboxed, run incomplete."""
    parts = []
    unsandboxed = [r for r in results if r.sandbox != "bubblewrap"]
    if unsandboxed:
        which = "every submission" if len(unsandboxed) == len(results) else f"{len(unsandboxed)} submissions"
        parts.append(
            f'<p class="reason"><strong>UNSANDBOXED</strong>: {which} ran without the bubblewrap sandbox, '
            "with the grader's permissions and network (quantgrade grade --unsandboxed); the grades are only "
            "as trustworthy as the submitted code.</p>\n"
        )
    if not_graded:
        names = ", ".join(f"{_esc(s.get('student', '?'))} ({_esc(s.get('why', ''))})" for s in not_graded)
        parts.append(
            f'<p class="reason"><strong>Incomplete</strong>: {len(results)} of '
            f"{len(results) + len(not_graded)} submissions graded; not graded: {names}. "
            "<code>quantgrade grade ... --resume</code> grades the rest.</p>\n"
        )
    return "".join(parts)


def render_report(
    results: Sequence[SubmissionResult],
    catalogue: _Catalogue,
    not_graded: Sequence[Mapping[str, str]] = (),
) -> str:
    """The class report, a self-contained HTML document with its plots embedded as PNG."""
    ordered = _sorted(results)
    notebooks = sorted({r.notebook for r in ordered})
    sections = []
    for slug in notebooks:
        subs = [r for r in ordered if r.notebook == slug]
        title = catalogue.title(slug)
        graded = [r for r in subs if r.status == "graded"]
        mean = sum(r.score for r in subs) / len(subs)
        top = max(r.max_score for r in subs)
        stats = _question_stats(subs)
        stat_rows = "".join(
            f'<tr><td>{_esc(qid)}</td><td>{_esc(qtitle)}</td><td class="num">{n_passed}</td>'
            f'<td class="num">{n_partial}</td><td class="num">{n - n_passed - n_partial}</td>'
            f'<td class="num">{_points(round(mean_q, 2))} / {_points(max_q)}</td></tr>\n'
            for qid, qtitle, n, n_passed, n_partial, mean_q, max_q in stats
        )
        sections.append(
            f"<h2>{_esc(title)} <small><code>{_esc(slug)}</code></small></h2>\n"
            f"<p>{len(subs)} submissions, {len(graded)} graded, {len(subs) - len(graded)} could not be "
            f"graded. Mean score {_points(round(mean, 2))} / {_points(top)}.</p>\n"
            f'<img alt="score distribution of {_esc(slug)}" src="{_score_distribution(subs, title)}">\n'
            f'<img alt="pass rate per question of {_esc(slug)}" src="{_pass_rates(stats, title)}">\n'
            "<table>\n<tr><th>question</th><th>title</th><th>all points</th><th>some points</th>"
            f"<th>no points</th><th>mean score</th></tr>\n{stat_rows}</table>\n"
        )
    counts = _mistake_counts(ordered, catalogue)
    if counts:
        rows = "".join(
            f'<tr><td>{_esc(nb)}</td><td>{_esc(t)}</td><td class="num">{n}</td></tr>' for nb, t, n in counts
        )
        mistakes = (
            "<h2>Known mistakes</h2>\n"
            f'<img alt="most frequent known mistakes" src="{_mistakes_plot(counts)}">\n'
            f"<table>\n<tr><th>notebook</th><th>mistake</th><th>submissions</th></tr>\n{rows}\n</table>\n"
        )
    else:
        mistakes = "<h2>Known mistakes</h2>\n<p>No submission matched a known mistake.</p>\n"
    table_rows = "".join(
        f'<tr><td><a href="{_esc(_feedback_href(r))}">{_esc(r.student)}</a></td><td>{_esc(r.notebook)}</td>'
        f'<td class="num">{_points(r.score)}</td><td class="num">{_points(r.max_score)}</td>'
        f'<td class="num">{_points(_manual_pending(r))}</td>'
        f'<td class="{_esc(r.status)}">{_esc(r.status)}</td>'
        f"<td>{_esc(r.reason)}</td><td>{_esc(r.sandbox)}</td>"
        f"<td>{'<br>'.join(_esc(n) for n in r.notes)}</td></tr>\n"
        for r in ordered
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Class report</title>\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        "<h1>Class report</h1>\n"
        + _banners(ordered, not_graded)
        + f"<p>{len(ordered)} submissions · graded by quantgrade {_esc(__version__)}.</p>\n"
        + ("".join(sections) if sections else "<p>No submissions.</p>\n")
        + mistakes
        + "<h2>Submissions</h2>\n<table>\n<tr><th>student</th><th>notebook</th><th>score</th><th>max</th>"
        "<th>manual pending</th><th>status</th><th>reason</th><th>sandbox</th><th>notes</th></tr>\n"
        f"{table_rows}</table>\n</body>\n</html>\n"
    )


def results_document(
    results: Iterable[SubmissionResult],
    *,
    complete: bool = True,
    not_graded: Sequence[Mapping[str, str]] = (),
) -> dict[str, object]:
    """The content of ``results.json``: grader version, sandbox kind, every submission (sorted), and
    whether the run graded everything it found (``complete``; ``not_graded``: student, notebook, path
    and why of each submission it did not grade)."""
    ordered = _sorted(results)
    kinds = sorted({r.sandbox for r in ordered})
    return {
        "grader_version": __version__,
        "sandbox": kinds[0] if len(kinds) == 1 else ("none" if not kinds else "mixed"),
        "complete": bool(complete) and not not_graded,
        "not_graded": [dict(s) for s in not_graded],
        "submissions": [r.to_dict() for r in ordered],
    }


# ----------------------------------------------------------------------------------------------- main


def _write(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then rename it into place (all or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _with_sandbox(header: Sequence[str], rows: list[list[str]], sandboxes: list[str]) -> tuple[tuple, list]:
    """The table with a last ``sandbox`` column, when a row was graded unsandboxed (else as it is)."""
    if all(kind == "bubblewrap" for kind in sandboxes):
        return tuple(header), rows
    return (*header, "sandbox"), [[*row, kind] for row, kind in zip(rows, sandboxes, strict=True)]


def write_reports(
    results: Sequence[SubmissionResult],
    *,
    out: Path,
    course: Course,
    complete: bool = True,
    not_graded: Sequence[Mapping[str, str]] = (),
) -> dict[str, Path]:
    """Write every report of a grading run under ``out``.

    Parameters
    ----------
    results : sequence of SubmissionResult
        One per submission, each with one QuestionResult per manifest question.
    out : Path
        Output folder (created if needed). Existing report files are replaced, each one whole
        (written under a temporary name, then renamed).
    course : Course
        Gives notebook titles and the known-mistake catalogue (to name mistakes in the class report).
    complete : bool, default True
        Whether the run graded every submission it found (False: it was stopped).
    not_graded : sequence of mapping, default ()
        The submissions it did not grade: ``student``, ``notebook``, ``path`` and ``why``
        (``interrupted``, ``disappeared``...); listed in report.html and results.json.

    Returns
    -------
    dict of str to Path
        ``grades``, ``totals``, ``report``, ``results`` and ``feedback`` (the feedback folder).

    Raises
    ------
    ValueError
        If two results are for the same student and notebook, or a feedback path would leave
        ``out/feedback`` (it cannot, by construction; this is a last line of defence).
    TypeError
        If ``results`` holds something other than SubmissionResult.
    """
    results = list(results)
    for r in results:
        if not isinstance(r, SubmissionResult):
            raise TypeError(f"write_reports needs SubmissionResult objects, got a {type(r).__name__}")
    keys = Counter((r.student, r.notebook) for r in results)
    duplicates = sorted(k for k, n in keys.items() if n > 1)
    if duplicates:
        raise ValueError(f"more than one result for (student, notebook): {duplicates}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    catalogue = _Catalogue(course, (r.notebook for r in results))

    ordered = _sorted(results)
    per_question = [r.sandbox for r in ordered for _ in r.questions]
    _write(out / "grades.csv", _csv_text(*_with_sandbox(GRADES_COLUMNS, grades_rows(results), per_question)))
    per_sub = [r.sandbox for r in ordered]
    _write(out / "totals.csv", _csv_text(*_with_sandbox(TOTALS_COLUMNS, totals_rows(results), per_sub)))
    feedback_root = (out / "feedback").resolve()
    for r in _sorted(results):
        path = feedback_path(out, r)
        if not path.resolve().is_relative_to(feedback_root):
            raise ValueError(f"feedback for {r.student!r} would be written outside {feedback_root}")
        _write(path, render_feedback(r, notebook_title=catalogue.title(r.notebook)))
    _write(out / "report.html", render_report(results, catalogue, not_graded))
    document = results_document(results, complete=complete, not_graded=not_graded)
    _write(out / "results.json", json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return {
        "grades": out / "grades.csv",
        "totals": out / "totals.csv",
        "feedback": out / "feedback",
        "report": out / "report.html",
        "results": out / "results.json",
    }
