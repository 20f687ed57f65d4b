"""Reading a reference file, public or hidden: the one decoder of the format.

The layout is fixed in docs/architecture.md, "Reference files": plain JSON whose leaf values
(arguments, expected outputs, known mistakes' outputs) are in the wire format of
:mod:`quantkit._wire`, except ``{"__error__": "ValueError"}``, which records that the solution (or a
mistake) raised instead of returning.

:mod:`quantkit.checks` reads the public files with it, :mod:`autograder.testing` both kinds (so this
module must never import autograder: quantkit installs without it). Each caller words its own errors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "PublicCase",
    "PublicGroup",
    "PublicMistake",
    "PublicQuestion",
    "PublicRefs",
    "Raised",
    "read_refs",
]

SUPPORTED_FORMAT = 2


@dataclass(frozen=True)
class Raised:
    """An outcome that is an exception rather than a value.

    Parameters
    ----------
    exc_type : str
        Name of the exception class (``"ValueError"``).
    message : str, default ""
        The exception's message (empty for recorded outcomes, which keep only the type).
    exception : BaseException or None, default None
        The exception object itself, when the outcome was observed here (not read from a file).
    """

    exc_type: str
    message: str = ""
    exception: BaseException | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PublicQuestion:
    """A question as the reference file lists it: id, title, graded names, and the earlier names it uses."""

    id: str
    title: str
    names: tuple[str, ...]
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicGroup:
    """A reference test: its id, question, points, one-line doc and the ids of its cases (hidden files)."""

    id: str
    question: str
    points: float
    doc: str
    cases: tuple[str, ...]


@dataclass(frozen=True)
class PublicCase:
    """One case: what to call (or read), with what, and the solution's outcome."""

    id: str
    question: str
    call: str | None
    value: str | None
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    rtol: float
    atol: float
    note: str
    expected: Any  # a decoded value, or a Raised (None for a property check)
    group: str = ""
    props: Mapping[str, Any] | None = None  # a public property check instead of a comparison

    @property
    def name(self) -> str:
        """The graded name the case exercises (function or variable)."""
        return self.call if self.call is not None else str(self.value)


@dataclass(frozen=True)
class PublicMistake:
    """A known mistake and its recorded outcome on each public case.

    ``question`` is the question it is about; ``questions`` are the questions whose public cases its
    outputs were recorded on (its own, then the later ones that use its graded names).
    """

    id: str
    questions: tuple[str, ...]
    title: str
    hint: str
    outputs: Mapping[str, Any]  # case id -> decoded value or Raised
    question: str = ""


@dataclass(frozen=True)
class PublicRefs:
    """The decoded content of one reference file."""

    slug: str
    questions: Mapping[str, PublicQuestion]
    cases: tuple[PublicCase, ...]
    mistakes: tuple[PublicMistake, ...]
    groups: tuple[PublicGroup, ...] = ()
    partial_step: float | None = None

    def cases_of(self, qid: str) -> list[PublicCase]:
        """The cases of question ``qid``, in file order."""
        return [case for case in self.cases if case.question == qid]

    def mistakes_of(self, qid: str) -> list[PublicMistake]:
        """The known mistakes that concern question ``qid``, in file order."""
        return [mistake for mistake in self.mistakes if qid in mistake.questions]


def _say(template: str, path: Path, exc: BaseException, **fields: Any) -> str:
    return template.format(path=path, exc=exc, exc_type=type(exc).__name__, **fields)


def read_refs(path: str | os.PathLike[str], *, messages: Mapping[str, str]) -> PublicRefs:
    """Read and decode a reference file.

    Parameters
    ----------
    path : str or path-like
        The file.
    messages : mapping of str to str
        The caller's wording of each error, as :meth:`str.format` templates: ``"missing"``,
        ``"unreadable"``, ``"format"``, ``"malformed"`` and ``"undecodable"``; they may use the fields
        ``path``, ``format`` (the supported format), ``exc``, ``exc_type`` (its class name) and, for
        ``"undecodable"``, ``where`` (which value).

    Returns
    -------
    PublicRefs
        Questions, cases and known mistakes with every wire value decoded; a recorded exception is a
        :class:`Raised`.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (``messages["missing"]``).
    ValueError
        If the file is not a readable reference file (bad JSON, unknown format, refused value).
    """
    from quantkit import _wire

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(messages["missing"].format(path=path))
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(_say(messages["unreadable"], path, exc)) from exc
    if not isinstance(raw, dict) or raw.get("format") != SUPPORTED_FORMAT:
        raise ValueError(messages["format"].format(path=path, format=SUPPORTED_FORMAT))

    def decode(obj: Any, where: str) -> Any:
        if isinstance(obj, dict) and set(obj) == {"__error__"}:
            return Raised(str(obj["__error__"]))
        try:
            return _wire.decode(obj)
        except Exception as exc:  # WireError, or anything a damaged file provokes
            raise ValueError(_say(messages["undecodable"], path, exc, where=where)) from exc

    try:
        questions = {
            qid: PublicQuestion(
                id=qid, title=str(q.get("title", "")), names=tuple(q["names"]), uses=tuple(q.get("uses", ()))
            )
            for qid, q in raw["questions"].items()
        }
        cases = tuple(
            PublicCase(
                id=c["id"],
                question=c["question"],
                call=c.get("call"),
                value=c.get("value"),
                args=tuple(decode(a, f"an argument of case {c['id']}") for a in c.get("args", [])),
                kwargs={
                    k: decode(v, f"argument {k} of case {c['id']}") for k, v in c.get("kwargs", {}).items()
                },
                rtol=float(c.get("rtol", 0.0)),
                atol=float(c.get("atol", 0.0)),
                note=str(c.get("note", "")),
                expected=None
                if "props" in c
                else decode(c["expected"], f"the expected output of case {c['id']}"),
                group=str(c.get("group", "")),
                props=dict(c["props"]) if "props" in c else None,
            )
            for c in raw["cases"]
        )
        groups = tuple(
            PublicGroup(
                id=str(g["id"]),
                question=str(g["question"]),
                points=float(g["points"]),
                doc=str(g.get("doc", "")),
                cases=tuple(g["cases"]),
            )
            for g in raw.get("groups", [])
        )
        mistakes = tuple(
            PublicMistake(
                id=m["id"],
                questions=tuple(m["questions"]),
                title=str(m.get("title", "")),
                hint=str(m.get("hint", "")),
                outputs={
                    cid: decode(out, f"the output of mistake {m['id']} on {cid}")
                    for cid, out in m.get("outputs", {}).items()
                },
                question=str(m.get("question", (m["questions"] or [""])[0])),
            )
            for m in raw.get("mistakes", [])
        )
        step = raw.get("partial_step")
        partial_step = None if step is None else float(step)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(_say(messages["malformed"], path, exc)) from exc
    slug = str(raw.get("slug", path.stem))
    return PublicRefs(
        slug=slug,
        questions=questions,
        cases=cases,
        mistakes=mistakes,
        groups=groups,
        partial_step=partial_step,
    )
