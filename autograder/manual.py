"""Written-answer scores entered by a person, in a file of their own that grading never rewrites.

``OUT/manual_scores.csv`` belongs to the instructor: one row per written answer, with the columns
``student``, ``notebook``, ``question``, ``score`` (others, such as a comment, are allowed and
ignored). ``quantgrade grade`` reads it every time it writes the reports and puts those scores into
grades.csv, totals.csv, the feedback and the class report (the question's status becomes
``passed``, ``partial`` or ``failed``); a row with an empty score is still pending. It never writes
the file, except once, when it is missing at the end of a complete run: then it writes a template
with a row, score empty, for every written answer still to grade. Regrading, ``--resume`` and
changed tests never touch it: the journal holds only what the machine graded.

A row that names no graded submission or no written question, or whose score is not a number from 0
to the question's points, is ignored with a warning.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from autograder.results import SubmissionResult

__all__ = ["MANUAL_COLUMNS", "MANUAL_SCORES", "apply_manual_scores", "manual_template", "read_manual_scores"]

MANUAL_SCORES = "manual_scores.csv"
MANUAL_COLUMNS = ("student", "notebook", "question", "score")


def read_manual_scores(
    path: str | os.PathLike[str], results: Sequence[SubmissionResult]
) -> tuple[dict[tuple[str, str, str], float], list[str]]:
    """The valid scores of the file (student, notebook, question -> points) and warnings about the rest.

    A missing file gives no scores and no warnings.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path} cannot be read ({exc}); no manual scores were used"]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in MANUAL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return {}, [f"{path} lacks the column(s) {', '.join(missing)}; no manual scores were used"]
    manual = {
        (r.student, r.notebook, q.question): q.max_score
        for r in results
        for q in r.questions
        if q.kind == "manual"
    }
    scores: dict[tuple[str, str, str], float] = {}
    warnings: list[str] = []
    for line, row in enumerate(reader, start=2):
        key = (_plain(row["student"]), row["notebook"] or "", row["question"] or "")
        text_score = (row["score"] or "").strip()
        if not text_score:
            continue  # still to grade
        where = f"{path.name} line {line} ({key[0]}, {key[1]}, {key[2]})"
        if key not in manual:
            warnings.append(f"{where}: no graded submission has this written question; row ignored")
            continue
        try:
            score = float(text_score)
        except ValueError:
            warnings.append(f"{where}: score {text_score!r} is not a number; row ignored")
            continue
        if not (math.isfinite(score) and 0 <= score <= manual[key]):
            warnings.append(f"{where}: score {text_score} is not between 0 and {manual[key]:g}; row ignored")
            continue
        if key in scores and scores[key] != score:
            warnings.append(f"{where}: a second, different score; the first one is used")
            continue
        scores.setdefault(key, score)
    return scores, warnings


def _plain(name: str | None) -> str:
    """A student name as grades.csv writes it, back to the folder name (csv_cell's quote removed)."""
    name = name or ""
    if name[:1] == "'" and name[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return name[1:]
    return name


def apply_manual_scores(
    results: Iterable[SubmissionResult], scores: dict[tuple[str, str, str], float]
) -> list[SubmissionResult]:
    """Copies of ``results`` with the manual scores filled in (the originals are not changed)."""
    out = []
    for r in results:
        questions = []
        for q in r.questions:
            key = (r.student, r.notebook, q.question)
            if q.kind == "manual" and q.status == "manual" and key in scores:
                score = scores[key]
                status = (
                    "passed" if math.isclose(score, q.max_score) else ("partial" if score > 0 else "failed")
                )
                q = replace(q, score=score, status=status)  # type: ignore[arg-type]
            questions.append(q)
        out.append(replace(r, questions=questions))
    return out


def manual_template(results: Iterable[SubmissionResult]) -> str | None:
    """The template of the manual scores file (header, one row per pending written answer), or None."""
    from autograder.report import csv_cell

    rows = [
        (r.student, r.notebook, q.question, "")
        for r in sorted(results, key=lambda r: (r.student.casefold(), r.student, r.notebook))
        for q in r.questions
        if q.kind == "manual" and q.status == "manual"
    ]
    if not rows:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANUAL_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()
