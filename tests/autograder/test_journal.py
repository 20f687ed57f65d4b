"""Tests of autograder.journal: lines written whole or not at all, torn lines, inputs, changes, the lock.

The end-to-end cases (a real run killed mid-way, then ``--resume``) are in tests/grading/test_faults.py.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import journal
from autograder.journal import (
    Journal,
    JournalError,
    OutputBusy,
    OutputLock,
    changes_rows,
    changes_text,
    course_material,
    file_sha256,
    previous_of,
    read_journal,
    why_regrade,
)
from autograder.spec import Course

TOY = Path(__file__).resolve().parent / "toy"


def _result(student: str, *scores: float) -> dict:
    questions = [{"question": f"q{i + 1}", "score": s} for i, s in enumerate(scores)]
    return {
        "student": student,
        "notebook": "00_toy",
        "path": f"{student}/00_toy.ipynb",
        "questions": questions,
    }


INPUTS = {
    "notebook": "a" * 64,
    "course": {"hidden_tests.py": "b" * 64},
    "grader": {"numpy": "2"},
    "settings": {},
}


def test_lines_round_trip_and_the_last_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, keep=False) as j:
        j.record(_result("alice", 1.0), INPUTS)
        j.record(_result("bob", 0.0), INPUTS)
        j.record(
            _result("alice", 2.0), INPUTS, previous_of({"result": _result("alice", 1.0)}, ["tests changed"])
        )
    state = read_journal(path)
    assert state.torn is None and state.bad_lines == 0 and state.good_bytes == path.stat().st_size
    assert sorted(state.records) == [("alice", "00_toy"), ("bob", "00_toy")]
    assert state.records[("alice", "00_toy")]["result"]["questions"][0]["score"] == 2.0
    assert [line["student"] for line in state.since_complete] == ["alice", "bob", "alice"]
    assert path.read_bytes().count(b"\n") == 3  # one line each, every one ending in a newline


def test_a_complete_marker_resets_what_changes_csv_looks_at(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, keep=False) as j:
        j.record(_result("alice", 1.0), INPUTS)
        j.complete(1)
        j.record(_result("bob", 0.0), INPUTS)
    state = read_journal(path)
    assert [line["student"] for line in state.since_complete] == ["bob"]
    assert len(state.records) == 2


def test_a_torn_last_line_is_ignored_named_and_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, keep=False) as j:
        j.record(_result("alice", 1.0), INPUTS)
        j.record(_result("bob", 2.0), INPUTS)
    data = path.read_bytes()
    first_end = data.index(b"\n") + 1
    path.write_bytes(data[: first_end + (len(data) - first_end) // 2])  # killed while writing bob's line
    state = read_journal(path)
    assert state.torn == {"student": "bob", "notebook": "00_toy"}  # student and notebook come first
    assert list(state.records) == [("alice", "00_toy")]
    assert state.good_bytes == first_end
    with Journal(path, keep=True, good_bytes=state.good_bytes) as j:  # --resume: cut back, then append
        j.record(_result("bob", 2.0), INPUTS)
    again = read_journal(path)
    assert again.torn is None and sorted(again.records) == [("alice", "00_toy"), ("bob", "00_toy")]


def test_a_whole_line_that_is_not_json_is_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"not": "a record"}\nnot json\n')
    with Journal(path, keep=True, good_bytes=path.stat().st_size) as j:
        j.record(_result("alice", 1.0), INPUTS)
    state = read_journal(path)
    assert state.bad_lines == 2 and list(state.records) == [("alice", "00_toy")]


def test_without_keep_the_journal_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b"old\n")
    Journal(path, keep=False).close()
    assert path.read_bytes() == b""


def test_every_line_is_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(journal.os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    j = Journal(tmp_path / "journal.jsonl", keep=False)
    synced.clear()
    j.record(_result("alice", 1.0), INPUTS)
    j.record(_result("bob", 1.0), INPUTS)
    assert synced == [j.fileno(), j.fileno()]
    j.close()


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "journal.jsonl"
    j = Journal(path, keep=False)
    j.record(_result("alice", 1.0), INPUTS)
    before = path.read_bytes()
    real = os.write

    def half_then_full_disk(fd: int, data: bytes) -> int:
        if fd != j.fileno():
            return real(fd, data)
        if len(data) > 10:
            return real(fd, bytes(data[: len(data) // 2]))  # a short write...
        raise OSError(errno.ENOSPC, "No space left on device")  # ... then the disk is full

    monkeypatch.setattr(journal.os, "write", half_then_full_disk)
    with pytest.raises(JournalError, match=r"cannot write the journal .*No space left on device") as info:
        j.record(_result("bob", 1.0), INPUTS)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert path.read_bytes() == before  # no half line
    j.close()
    assert read_journal(path).torn is None


def test_why_regrade_names_every_input_that_changed() -> None:
    assert why_regrade(INPUTS, dict(INPUTS)) == []
    changed = {**INPUTS, "notebook": "c" * 64, "course": {"hidden_tests.py": "d" * 64}}
    assert why_regrade(INPUTS, changed) == ["submission changed", "tests changed"]
    assert why_regrade(INPUTS, {**INPUTS, "grader": {"numpy": "3"}, "settings": {"x": 1}}) == [
        "grader changed",
        "settings changed",
    ]


def test_course_material_covers_tests_references_and_notebooks(tmp_path: Path) -> None:
    root = tmp_path / "toy"
    shutil.copytree(TOY, root)
    course = Course(root=root, spec_dir=root / "course", public_refs_dir=root / "public_refs")
    before = course_material(course, "00_toy")
    assert set(before) == {"manifest.toml", "cases.py", "mistakes.py", "hidden_tests.py", "hidden_refs.json",
                           "public_refs.json", "solution.ipynb", "released.ipynb"}  # fmt: skip
    assert all(isinstance(v, str) and len(v) == 64 for v in before.values())
    refs = course.hidden_refs_path("00_toy")
    refs.write_text(refs.read_text(encoding="utf-8").replace("1024", "2048"), encoding="utf-8")
    after = course_material(course, "00_toy")
    assert [k for k in before if before[k] != after[k]] == ["hidden_refs.json"]
    assert why_regrade({**INPUTS, "course": before}, {**INPUTS, "course": after}) == ["tests changed"]


def test_file_sha256_of_missing_files_and_links(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    # SHA-256("abc"), FIPS 180-2 appendix B.1
    assert file_sha256(tmp_path / "a") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert file_sha256(tmp_path / "missing") is None
    assert file_sha256(tmp_path / "link").startswith("symlink:")


def _line(student: str, scores: tuple[float, ...], previous: tuple[float, ...] | None, why: str = "") -> dict:
    line = {"student": student, "notebook": "00_toy", "result": _result(student, *scores)}
    if previous is not None:
        line["previous"] = previous_of({"result": _result(student, *previous)}, [why])
    return line


def test_changes_rows_compare_with_the_grade_before_the_first_regrade() -> None:
    lines = [
        _line("bob", (1.0, 2.0), (0.0, 2.0), "submission changed"),
        _line("alice", (1.0, 1.0), None),  # graded for the first time: no row
        _line("bob", (0.5, 2.0), (1.0, 2.0), "tests changed"),  # regraded again after an interruption
        _line("carol", (2.0,), (2.0, 1.0), "tests changed"),  # q2 was removed from the manifest
    ]
    assert changes_rows(lines) == [
        ["bob", "00_toy", "q1", "0", "0.5", "submission changed; tests changed"],
        ["carol", "00_toy", "q2", "1", "", "tests changed"],
    ]
    assert changes_text([["=evil", "00_toy", "q1", "0", "1", "x"]]).splitlines() == [
        "student,notebook,question,old_score,new_score,why",
        "'=evil,00_toy,q1,0,1,x",
    ]


HOLD = "import sys, time; from autograder.journal import OutputLock; OutputLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)"  # noqa: E501


def test_a_second_run_is_refused_and_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(
            OutputBusy, match=rf"another quantgrade grade run \(pid {holder.pid}\) is writing to"
        ):
            OutputLock(out).acquire()
        holder.send_signal(signal.SIGKILL)  # no clean-up at all: the kernel releases the flock
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while True:
            try:
                lock = OutputLock(out).acquire()
                break
            except OutputBusy:
                assert time.monotonic() < deadline, "the lock outlived its holder"
                time.sleep(0.05)
        assert (out / ".quantgrade.lock").read_text().strip() == str(os.getpid())
        lock.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def test_journal_lines_are_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, keep=False) as j:
        j.record(_result("Zoë", 1.0), INPUTS)
    line = json.loads(path.read_text(encoding="utf-8"))
    assert list(line)[:4] == ["student", "notebook", "format", "kind"]
    assert line["student"] == "Zoë" and line["inputs"] == INPUTS
