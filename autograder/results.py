"""What grading produces: one result per submission, one per question inside it.

``grade`` fills these in; the reports (grades.csv, totals.csv, feedback, report.html, results.json)
only read them, so every output agrees with every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

__all__ = ["QuestionResult", "SubmissionResult"]

QuestionStatus = Literal["passed", "partial", "failed", "manual", "error"]
SubmissionStatus = Literal["graded", "unreadable", "error"]


@dataclass
class QuestionResult:
    """The score of one question of one submission.

    Parameters
    ----------
    question : str
        Question id (``"q3"``).
    title : str
        The question's title from the manifest.
    kind : {"auto", "manual"}
        As in the manifest.
    score : float
        Points earned; 0 for a manual question until a person grades it.
    max_score : float
        The question's points.
    status : str
        ``passed`` (all points), ``partial``, ``failed`` (no points), ``manual`` (awaits a person),
        ``error`` (could not be graded: the reason is in ``messages``).
    messages : list of str
        Why points were lost: the failed properties, never hidden inputs or test code.
    hints : list of str
        Hints of known mistakes the submission's output matches.
    answer : str
        For manual questions, the student's written answer (for the grader's convenience).
    """

    question: str
    title: str
    kind: Literal["auto", "manual"]
    score: float
    max_score: float
    status: QuestionStatus
    messages: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    answer: str = ""


@dataclass
class SubmissionResult:
    """The grading of one student's notebook.

    Parameters
    ----------
    student : str
        Student id (the folder name).
    notebook : str
        Notebook slug.
    path : str
        The submission file, as given.
    status : {"graded", "unreadable", "error"}
        ``unreadable``: not a notebook we can open (a broken, empty, huge or symlinked file; the reason
        says why): every question scores 0. ``error``: the notebook could not be run, or its kernel died
        before the hidden tests finished: questions graded before that keep their points, the others
        score 0, and the reason says what happened. Every question has a row either way.
    reason : str
        Empty when graded; otherwise what went wrong, in plain words.
    sandbox : str
        ``"bubblewrap"`` or ``"unsandboxed"``.
    questions : list of QuestionResult
        One per manifest question, in manifest order, always.
    timings : dict of str to float
        Seconds spent per phase (``kernel_start``, ``notebook``, ``tests``, ``total``).
    notes : list of str
        Things the instructor should know (cells restored, output truncated, timeouts hit...).
    """

    student: str
    notebook: str
    path: str
    status: SubmissionStatus
    reason: str = ""
    sandbox: str = "unsandboxed"
    questions: list[QuestionResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Points earned over all questions."""
        return float(sum(q.score for q in self.questions))

    @property
    def max_score(self) -> float:
        """Points available over all questions (auto and manual)."""
        return float(sum(q.max_score for q in self.questions))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for results.json)."""
        data = asdict(self)
        data["score"] = self.score
        data["max_score"] = self.max_score
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SubmissionResult:
        """The result :meth:`to_dict` gave (keys it added, ``score`` and ``max_score``, are ignored).

        Raises
        ------
        TypeError, KeyError
            If ``data`` lacks a field or a question is not a mapping.
        """
        names = {f.name for f in fields(cls)}
        question_names = {f.name for f in fields(QuestionResult)}
        values = {k: v for k, v in data.items() if k in names}
        values["questions"] = [
            QuestionResult(**{k: v for k, v in q.items() if k in question_names}) for q in data["questions"]
        ]
        return cls(**values)
