"""The grading journal: nothing graded is lost, and a resumed run reuses only what is still valid.

``quantgrade grade DIR --out OUT`` appends one JSON line to ``OUT/journal.jsonl`` for every submission
the moment it is graded, written with one ``write`` and ``fsync``-ed (the folder too, when the file
is new), so a run stopped in any way (Ctrl-C, SIGTERM, SIGKILL, a power cut after the fsync) keeps
every grade it finished. ``--resume`` reads the journal and grades only the submissions it lacks, or
whose inputs changed; the reports are then written from all of them, and are the same bytes as
those of an uninterrupted run (``results.json`` aside, whose timings differ).

A result line (``"kind": "result"``) holds the student, the notebook, the submission's path, the
:class:`~autograder.results.SubmissionResult` (``to_dict``) and its *inputs*:

==============  ===================================================================================
``notebook``    SHA-256 of the submission file
``course``      SHA-256 of each file of the course material of that notebook: manifest, cases,
                known mistakes, hidden tests, hidden references, public references, the solution
                and the released notebook
``grader``      versions of quantgrade, quantkit, numpy and Python, and a SHA-256 over the source
                files of the autograder and quantkit packages (the version numbers alone do not
                change when the code does)
``settings``    the sandbox kind and every time, memory and output limit
==============  ===================================================================================

A submission is graded again when any of them differs (:func:`why_regrade` says which:
``submission changed``, ``tests changed``, ``grader changed``, ``settings changed``), and its new
line then carries the scores it replaces (``previous``), from which ``changes.csv`` is written.
A run that graded everything appends a ``"kind": "complete"`` line; ``changes.csv`` lists the
score changes of the lines after the last such marker (a regrade may take several resumed runs).

Reading tolerates what a kill can leave: a last line without its newline is *torn* (the run died
while writing it): it is ignored, that submission is graded again, and the file is cut back to its
last whole line before anything is appended. A whole line that is not valid JSON is ignored with a
warning. Writing is all or nothing too: if a write fails (a full disk, a file-size limit) the file
is cut back to where it was, so the journal never holds half a line it wrote itself.

:class:`OutputLock` keeps two runs from writing into the same ``--out``: an ``flock`` on
``OUT/.quantgrade.lock``, released by the operating system when its holder dies, so a killed run
never blocks its own ``--resume``.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import platform
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder._lifetime import lock_file
from autograder.spec import Course

__all__ = [
    "CHANGES",
    "CHANGES_COLUMNS",
    "JOURNAL",
    "Journal",
    "JournalError",
    "JournalState",
    "OutputBusy",
    "OutputLock",
    "changes_rows",
    "changes_text",
    "course_material",
    "file_sha256",
    "grader_versions",
    "previous_of",
    "read_journal",
    "why_regrade",
]

JOURNAL = "journal.jsonl"
CHANGES = "changes.csv"
CHANGES_COLUMNS = ("student", "notebook", "question", "old_score", "new_score", "why")
FORMAT = 1
_LOCK = ".quantgrade.lock"
_PACKAGE_DIR = Path(__file__).resolve().parent


class JournalError(OSError):
    """The journal cannot be written (a full disk, say); the message says what to do."""


class OutputBusy(RuntimeError):
    """Another run holds the output folder's lock."""


# ------------------------------------------------------------------------------------------ inputs


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    """SHA-256 (hex) of a file's bytes, never following a symbolic link; None if it does not exist.

    A symbolic link is hashed as ``"symlink:"`` plus the SHA-256 of its target's name (the grader
    refuses linked submissions, so what matters is only that a changed link is seen as a change).
    """
    path = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError:
        if os.path.islink(path):
            target = os.readlink(path).encode("utf-8", "surrogateescape")
            return "symlink:" + hashlib.sha256(target).hexdigest()
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def course_material(course: Course, slug: str) -> dict[str, str | None]:
    """SHA-256 of every file of ``slug``'s course material that a grade depends on (None: missing)."""
    files = {
        "manifest.toml": course.spec_path(slug, "manifest.toml"),
        "cases.py": course.spec_path(slug, "cases.py"),
        "mistakes.py": course.spec_path(slug, "mistakes.py"),
        "hidden_tests.py": course.hidden_tests_path(slug),
        "hidden_refs.json": course.hidden_refs_path(slug),
        "public_refs.json": course.public_refs_path(slug),
        "solution.ipynb": course.solution_path(slug),
        "released.ipynb": course.release_path(slug),
    }
    return {name: file_sha256(path) for name, path in files.items()}


def _source_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """SHA-256 over the names and bytes of the ``.py`` files under ``folder`` (sorted)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(skip) or "__pycache__" in rel:
            continue
        digest.update(rel.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def grader_versions() -> dict[str, str]:
    """The versions (and source digests) of the software a grade depends on."""
    import numpy

    import autograder
    import quantkit

    return {
        "quantgrade": autograder.__version__,
        "autograder_source": _source_digest(_PACKAGE_DIR, skip=("course/",)),
        "quantkit": quantkit.__version__,
        "quantkit_source": _source_digest(Path(quantkit.__file__).resolve().parent),
        "numpy": numpy.__version__,
        "python": platform.python_version(),
    }


def why_regrade(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why a journal line's inputs no longer hold: empty if the grade can be reused.

    Parameters
    ----------
    old, new : mapping
        Inputs (``notebook``, ``course``, ``grader``, ``settings``) of the journal line and of now.

    Returns
    -------
    list of str
        Some of ``submission changed``, ``tests changed``, ``grader changed``, ``settings changed``.
    """
    reasons = []
    for key, why in (
        ("notebook", "submission changed"),
        ("course", "tests changed"),
        ("grader", "grader changed"),
        ("settings", "settings changed"),
    ):
        if old.get(key) != new.get(key):
            reasons.append(why)
    return reasons


# ----------------------------------------------------------------------------------------- reading


@dataclass
class JournalState:
    """What a journal file holds.

    Attributes
    ----------
    records : dict
        (student, notebook) -> its last whole result line.
    since_complete : list of dict
        The result lines after the last ``complete`` marker, in order.
    torn : dict or None
        What could be read of a torn last line (``{}`` if nothing), None if there was none.
    bad_lines : int
        Whole lines that could not be read (ignored).
    good_bytes : int
        Length of the file up to its last whole line.
    """

    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    since_complete: list[dict[str, Any]] = field(default_factory=list)
    torn: dict[str, Any] | None = None
    bad_lines: int = 0
    good_bytes: int = 0


def _is_record(line: Any) -> bool:
    return (
        isinstance(line, dict)
        and line.get("format") == FORMAT
        and line.get("kind") == "result"
        and isinstance(line.get("student"), str)
        and isinstance(line.get("notebook"), str)
        and isinstance(line.get("inputs"), dict)
        and isinstance(line.get("result"), dict)
    )


def read_journal(path: str | os.PathLike[str]) -> JournalState:
    """Read a journal; a missing file is an empty journal.

    Raises
    ------
    OSError
        If the file exists but cannot be read.
    """
    state = JournalState()
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return state
    *whole, tail = data.split(b"\n")
    state.good_bytes = len(data) - len(tail)
    if tail:
        state.torn = {}  # only to say whose line it was: a torn line is never trusted
        partial = tail.decode("utf-8", "replace")
        for key in ("student", "notebook"):
            match = re.search('"' + key + r'":("(?:[^"\\]|\\.)*")', partial)
            if match:
                with contextlib.suppress(ValueError):
                    state.torn[key] = json.loads(match.group(1))
    for raw in whole:
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            state.bad_lines += 1
            continue
        if isinstance(line, dict) and line.get("kind") == "complete":
            state.since_complete = []
        elif _is_record(line):
            state.records[(line["student"], line["notebook"])] = line
            state.since_complete.append(line)
        else:
            state.bad_lines += 1
    return state


# ----------------------------------------------------------------------------------------- writing


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


class Journal:
    """The journal file of one run, open for appending.

    Parameters
    ----------
    path : path
        ``OUT/journal.jsonl``.
    keep : bool
        Keep the lines already there (``--resume``), cut back to the last whole line; otherwise the
        file starts empty.
    good_bytes : int, default 0
        With ``keep``: where the last whole line ends (:attr:`JournalState.good_bytes`).
    """

    def __init__(self, path: str | os.PathLike[str], *, keep: bool, good_bytes: int = 0) -> None:
        self.path = Path(path)
        new = not self.path.exists()
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        try:
            self._fd = os.open(self.path, flags, 0o644)
            os.ftruncate(self._fd, good_bytes if keep else 0)
            os.fsync(self._fd)
            if new:
                _fsync_folder(self.path.parent)
        except OSError as exc:
            raise JournalError(exc.errno, f"cannot write the journal {self.path}: {exc.strerror}") from exc

    def append(self, line: Mapping[str, Any]) -> None:
        """Write one line, all of it or nothing, and fsync it.

        Raises
        ------
        JournalError
            If it cannot be written; the file is then as it was before the call.
        """
        # Key order as given (student and notebook first: a torn line still says whose it was).
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except OSError as exc:
            try:  # never leave half a line: cut the file back to where this line began
                os.ftruncate(self._fd, start)
                os.fsync(self._fd)
            except OSError:
                pass
            raise JournalError(exc.errno, f"cannot write the journal {self.path}: {exc.strerror}") from exc

    def record(
        self,
        result: Mapping[str, Any],
        inputs: Mapping[str, Any],
        previous: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append a result line (``result`` is ``SubmissionResult.to_dict()``) and return it."""
        line = {
            "student": result["student"],
            "notebook": result["notebook"],
            "format": FORMAT,
            "kind": "result",
            "path": result["path"],
            "inputs": dict(inputs),
            "result": dict(result),
        }
        if previous is not None:
            line["previous"] = dict(previous)
        self.append(line)
        return line

    def fileno(self) -> int:
        return self._fd

    def complete(self, submissions: int) -> None:
        """Append the marker of a run that graded every submission."""
        self.append({"format": FORMAT, "kind": "complete", "submissions": submissions})

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def previous_of(old: Mapping[str, Any], why: Sequence[str]) -> dict[str, Any]:
    """The ``previous`` entry of a line that replaces the journal line ``old``."""
    scores = {q["question"]: q["score"] for q in old["result"].get("questions", [])}
    return {"scores": scores, "why": "; ".join(why)}


# ----------------------------------------------------------------------------------------- changes


def _points(x: float | None) -> str:
    if x is None:
        return ""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def changes_rows(lines: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """Rows of ``changes.csv``: every question whose score a regrade changed.

    ``lines`` are journal result lines in order (those since the last complete run). Per submission,
    the old score is the one before its first regrade among them, the new one that of its last line,
    and ``why`` joins the reasons of its regrades. A question added or removed has an empty old or
    new score; a submission graded for the first time has no row.
    """
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    old_scores: dict[tuple[str, str], Mapping[str, Any]] = {}
    whys: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        key = (line["student"], line["notebook"])
        latest[key] = line
        previous = line.get("previous")
        if previous is not None:
            old_scores.setdefault(key, previous.get("scores", {}))
            for why in str(previous.get("why", "")).split("; "):
                if why and why not in whys.setdefault(key, []):
                    whys[key].append(why)
    rows = []
    for key in sorted(old_scores, key=lambda k: (k[0].casefold(), k[0], k[1])):
        new = {q["question"]: q["score"] for q in latest[key]["result"].get("questions", [])}
        old = old_scores[key]
        why = "; ".join(whys.get(key, []))
        for qid in [*new, *(q for q in old if q not in new)]:
            if old.get(qid) != new.get(qid):
                rows.append([key[0], key[1], qid, _points(old.get(qid)), _points(new.get(qid)), why])
    return rows


def changes_text(rows: Iterable[Sequence[str]]) -> str:
    """``changes.csv`` as text (formula-like cells quoted, as in grades.csv)."""
    from autograder.report import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CHANGES_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------- lock


class OutputLock:
    """An exclusive lock on an output folder for one run (see the module docstring).

    Raises
    ------
    OutputBusy
        From :meth:`acquire`, if another live run holds it.
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.path = self.out / _LOCK
        self._fd: int | None = None

    def acquire(self) -> OutputLock:
        self.out.mkdir(parents=True, exist_ok=True)
        fd = lock_file(self.path)
        if fd is None:
            try:
                holder = self.path.read_text(encoding="ascii").strip() or "?"
            except OSError:
                holder = "?"
            raise OutputBusy(
                f"another quantgrade grade run (pid {holder}) is writing to {self.out}; wait for it to "
                "finish (or stop it), or give another --out"
            )
        with contextlib.suppress(OSError):  # who holds it, for the message above (a full disk may refuse)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def fileno(self) -> tuple[int, ...]:
        """The lock's descriptor (a tuple: empty when not held)."""
        return () if self._fd is None else (self._fd,)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
