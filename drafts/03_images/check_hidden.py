"""Scratch harness for the draft ``hidden_tests.py`` until the engine's credit/upstream/follow_through exist.

It stands in for ``autograder.testing`` with small fakes (``question``, ``upstream``, ``follow_through``,
``prefetched``, a ``credit`` with ``part()``), calls the student's functions from a notebook namespace
through the wire format (as the proxy does: plain data both ways), and grades the solution, each
correct style and each known mistake of ``mistakes.py``. A test marked ``uses=`` runs with the
reference upstream functions and, when the student's pass their sanity checks, with the student's own;
the better score counts (follow-through). Scores are rounded down to 0.25 point per test.

Usage, from the worktree root: ``.venv/bin/python drafts/03_images/check_hidden.py [--quick]``
(``--quick`` grades the solution and the styles only).
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import math
import sys
import time
import types
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, "/work/briefs")
import spec_stub  # noqa: E402

from quantkit import _wire  # noqa: E402

TESTS: list[tuple[str, float, tuple[str, ...], object]] = []
UPSTREAM: dict[str, tuple[object, object]] = {}
FOLLOW: dict[str, tuple[tuple[str, ...], object]] = {}


def question(qid, *, points, uses=()):
    def mark(fn):
        TESTS.append((qid, points, tuple(uses), fn))
        return fn

    return mark


def upstream(name, *, reference):
    def mark(fn):
        UPSTREAM[name] = (reference, fn)
        return fn

    return mark


def follow_through(name, *, uses):
    def mark(fn):
        FOLLOW[name] = (tuple(uses), fn)
        return fn

    return mark


@contextlib.contextmanager
def prefetched(student, calls):
    yield


class Credit:
    def __init__(self):
        self.passed = self.total = 0
        self.messages: list[str] = []

    @contextlib.contextmanager
    def part(self):
        self.total += 1
        try:
            yield
        except AssertionError as exc:
            self.messages.append(str(exc).splitlines()[0] if str(exc) else "assertion failed")
            return
        except Exception as exc:
            self.messages.append(f"{type(exc).__name__}: {str(exc)[:80]}")
            return
        self.passed += 1


class Student:
    def __init__(self, ns):
        self.ns = ns

    def call(self, name, *args, **kwargs):
        result = self.ns[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))
        return _wire.loads(_wire.dumps(result))


def _fake_testing_module():
    mod = types.ModuleType("autograder.testing")
    mod.question, mod.upstream, mod.follow_through, mod.prefetched = (
        question,
        upstream,
        follow_through,
        prefetched,
    )
    return mod


def _load_hidden_tests():
    sys.modules["autograder.testing"] = _fake_testing_module()
    spec = importlib.util.spec_from_file_location("_draft_hidden_tests", HERE / "hidden_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _proxied(student, name):
    def call(*args, **kwargs):
        return student.call(name, *args, **kwargs)

    call.__name__ = name
    return call


def _run_test(fn, student, upstream_fns):
    credit = Credit()
    try:
        fn(student, *upstream_fns, credit=credit) if upstream_fns else fn(student, credit=credit)
    except AssertionError as exc:
        credit.total += 1
        credit.messages.append(str(exc).splitlines()[0])
    except Exception as exc:
        credit.total += 1
        credit.messages.append(f"{type(exc).__name__}: {str(exc)[:80]}")
    fraction = credit.passed / credit.total if credit.total else 0.0
    return fraction, credit.messages


def grade(ns) -> dict[str, tuple[float, float, list[str]]]:
    """Per test: (score, points, messages); scores rounded down to 0.25 point."""
    student = Student(ns)
    out = {}
    for qid, points, uses, fn in TESTS:
        refs = [UPSTREAM[name][0] for name in uses]
        best, messages = _run_test(fn, student, refs)
        if uses:
            sane = all(name in ns and UPSTREAM[name][1](_proxied(student, name)) is None for name in uses)
            if sane:
                own, own_messages = _run_test(fn, student, [_proxied(student, name) for name in uses])
                if own > best:
                    best, messages = own, own_messages
        score = math.floor(best * points / 0.25 + 1e-9) * 0.25
        out[f"{qid} {fn.__name__}"] = (score, points, messages)
    return out


def _questions(scores):
    per_q: dict[str, list[float]] = {}
    for key, (score, points, _m) in scores.items():
        q = key.split()[0]
        per_q.setdefault(q, [0.0, 0.0])
        per_q[q][0] += score
        per_q[q][1] += points
    return per_q


def main() -> int:
    quick = "--quick" in sys.argv
    _load_hidden_tests()
    cells = spec_stub._cells(Path("solutions") / "03_images.ipynb")
    t0 = time.perf_counter()
    ns, errors, _ = spec_stub._run(cells)
    status = 0
    base = grade(ns)
    lost = {k: v for k, v in base.items() if v[0] < v[1]}
    print(
        f"solution: {sum(v[0] for v in base.values()):g} of {sum(v[1] for v in base.values()):g} property "
        f"points ({time.perf_counter() - t0:.1f} s){'' if not lost else ' LOST: ' + str(lost)}"
    )
    status |= bool(lost or errors)
    for path in sorted((HERE / "styles").glob("*.py")):
        style = spec_stub._load(path, f"_style_{path.stem}")
        edited = copy.deepcopy(cells)
        for c in edited:
            if spec_stub._gid(c) in style.CELLS:
                c["source"] = style.CELLS[spec_stub._gid(c)]
        sns, serr, _ = spec_stub._run(edited)
        scores = grade(sns)
        lost = {k: (v[0], v[1], v[2][:1]) for k, v in scores.items() if v[0] < v[1]}
        print(f"style {path.stem}: {'full marks' if not lost and not serr else f'LOST {lost} {serr}'}")
        status |= bool(lost or serr)
    if quick:
        return status
    mistakes = spec_stub._load(HERE / "mistakes.py", "_draft_mistakes").MISTAKES
    for gid, ms in mistakes.items():
        for m in ms:
            edited = copy.deepcopy(cells)
            for c in edited:
                if spec_stub._gid(c) == gid:
                    c["source"] = "".join(c["source"]).replace(m.old, m.new)
            mns, _merr, _ = spec_stub._run(edited)
            scores = grade(mns)
            per_q = _questions(scores)
            hit = {q: round(v[1] - v[0], 2) for q, v in per_q.items() if v[0] < v[1]}
            own = gid.split("_")[0]
            note = "" if own in hit else "   (no property test of its own question catches it)"
            others = {q: v for q, v in hit.items() if q != own}
            if others:
                note += f"   <-- ALSO COSTS {others}"
            print(f"  {own} {m.id}: property points lost {hit}{note}")
            if own in ("q9", "q10"):
                print(f"       follow-through on q11's reference rows: {_follow_through_rows(mns)}")
    return status


def _follow_through_rows(ns) -> str:
    """Do the follow-through oracle and the student's jpeg_roundtrip agree on q11's hidden rows?"""
    cases = spec_stub._load(HERE / "cases.py", "_draft_cases_ft").cases
    uses, oracle = FOLLOW["jpeg_roundtrip"]
    student = Student(ns)
    agree = total = 0
    for group in cases.groups:
        if group.name != "jpeg_roundtrip":
            continue
        for row in group.rows:
            if row.public or row.props is not None:
                continue
            try:
                got = student.call("jpeg_roundtrip", *row.args, **row.kwargs)
                want = oracle(*[_proxied(student, n) for n in uses], *row.args, **row.kwargs)
                agree += bool(np.array_equal(np.asarray(got), np.asarray(want)))
            except Exception as exc:
                agree += isinstance(exc, ValueError)
            total += 1
    return f"{agree} of {total} rows equal the oracle built from the student's functions"


if __name__ == "__main__":
    sys.exit(main())
