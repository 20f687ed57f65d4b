"""Scratch harness for hidden_tests.py while autograder.testing's new API does not exist (Phase A).

Run from the worktree root: ``.venv/bin/python drafts/02_audio/check_hidden.py [mistake_id ...]``.
It runs the solution notebook's code cells in-process (as /work/briefs/spec_stub.py does), installs a
stand-in ``autograder.testing`` (question, upstream, follow_through, prefetched, credit parts), runs
every property test of hidden_tests.py against the solution and against each named mistake (all
mistakes of mistakes.py by default), and prints the points per question. A test with ``uses=`` runs
with the reference upstream functions and with the submission's own (when its sanity check passes)
and keeps the better score, as the engine will. It also checks the follow-through oracles against
the solution and the G.711 table against the solution's encoder.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import sys
import time
import types
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, "/work/briefs")
import spec_stub  # noqa: E402

QUESTIONS: dict[str, list] = {}
UPSTREAM: dict[str, tuple] = {}
ORACLES: dict[str, tuple] = {}


def question(qid, points, uses=()):
    def register(fn):
        QUESTIONS.setdefault(qid, []).append((fn, points, tuple(uses)))
        return fn

    return register


def upstream(name, reference):
    def register(fn):
        UPSTREAM[name] = (fn, reference)
        return fn

    return register


def follow_through(name, uses):
    def register(fn):
        ORACLES[name] = (fn, tuple(uses))
        return fn

    return register


@contextlib.contextmanager
def prefetched(student, calls):
    yield


class Credit:
    def __init__(self):
        self.passed = self.total = 0
        self.messages = []

    @contextlib.contextmanager
    def part(self):
        self.total += 1
        try:
            yield
            self.passed += 1
        except AssertionError as exc:
            self.messages.append(str(exc))


class Student:
    def __init__(self, ns):
        self.ns = ns

    def call(self, name, *args, **kwargs):
        return self.ns[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))

    def value(self, name):
        return self.ns[name]


def _install_fake_testing():
    module = types.ModuleType("autograder.testing")
    module.question, module.upstream, module.follow_through, module.prefetched = (
        question,
        upstream,
        follow_through,
        prefetched,
    )
    package = types.ModuleType("autograder")
    package.testing = module
    sys.modules["autograder"] = package
    sys.modules["autograder.testing"] = module


def _load_hidden():
    _install_fake_testing()
    spec = importlib.util.spec_from_file_location("_hidden_02", HERE / "hidden_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score_test(fn, points, uses, student):
    """Points for one test: a failed assertion or error outside credit parts scores 0."""
    import inspect

    def attempt(upstream_fns):
        credit = Credit()
        kwargs = {}
        params = inspect.signature(fn).parameters
        if "credit" in params:
            kwargs["credit"] = credit
        kwargs.update(upstream_fns)
        try:
            fn(student, **kwargs)
        except AssertionError as exc:
            return 0.0, [str(exc)]
        except Exception as exc:
            return 0.0, [f"{type(exc).__name__}: {exc}"]
        if credit.total == 0:
            return float(points), []
        fraction = credit.passed / credit.total
        return np.floor(fraction * points * 4) / 4, credit.messages

    if not uses:
        return attempt({})
    reference = {name: UPSTREAM[name][1] for name in uses}
    best = attempt(reference)
    own = {}
    for name in uses:
        sane = UPSTREAM[name][0](student.ns[name]) if name in student.ns else "missing"
        if sane is not None:
            return best
        own[name] = student.ns[name]
    other = attempt(own)
    return max(best, other, key=lambda r: r[0])


def _run_notebook(edit=None):
    cells = spec_stub._cells(Path("solutions/02_audio.ipynb"))
    if edit is not None:
        gid, old, new = edit
        for c in cells:
            if spec_stub._gid(c) == gid:
                src = "".join(c["source"])
                assert src.count(old) == 1, f"{old!r} occurs {src.count(old)} times"
                c["source"] = src.replace(old, new)
    ns, _errors, _ = spec_stub._run(cells)
    return ns


def scores(ns):
    student = Student(ns)
    out = {}
    for qid, tests in QUESTIONS.items():
        total = 0.0
        notes = []
        for fn, points, uses in tests:
            got, messages = _score_test(fn, points, uses, student)
            total += got
            if got < points:
                notes.append(f"{fn.__name__} {got}/{points}: {messages[:1]}")
        out[qid] = (total, sum(p for _, p, _ in tests), notes)
    return out


def main(argv):
    hidden = _load_hidden()
    mistakes = spec_stub._load(HERE / "mistakes.py", "_m02").MISTAKES
    t0 = time.perf_counter()
    ns = _run_notebook()
    print(f"solution ran in {time.perf_counter() - t0:.1f} s")
    table = hidden._g711_reference()
    x = np.arange(-32768, 32768).astype(np.int16)
    print("G.711 table == solution encoder on all inputs:", np.array_equal(table, ns["g711_ulaw_encode"](x)))
    rng = np.random.default_rng(0)
    xr = rng.uniform(-1, 1, 100)
    fn, _ = ORACLES["companded_requantize"]
    up = [ns[n] for n in ("mu_law_compress", "mu_law_expand", "a_law_compress", "a_law_expand", "requantize")]
    print(
        "companded oracle == solution:",
        all(
            np.array_equal(fn(*up, xr, 8, law), ns["companded_requantize"](xr, 8, law)) for law in ("mu", "A")
        ),
    )
    fn, _ = ORACLES["dithered_requantize"]
    up = [ns[n] for n in ("requantize", "rpdf_dither", "tpdf_dither")]
    print(
        "dithered oracle == solution (same seed):",
        all(
            np.array_equal(fn(*up, xr, 8, k, 5), ns["dithered_requantize"](xr, 8, k, 5))
            for k in ("none", "rpdf", "tpdf")
        ),
    )
    t0 = time.perf_counter()
    fn, _ = ORACLES["mu_law_width_db"]
    print(
        f"width oracle {fn(ns['companded_requantize']):.4f} vs solution {ns['mu_law_width_db']:.4f} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    t0 = time.perf_counter()
    base = scores(ns)
    print(
        f"solution: {sum(v[0] for v in base.values())} / {sum(v[1] for v in base.values())} property points "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    for qid, (got, total, notes) in base.items():
        if got < total:
            print("  SOLUTION LOSES", qid, got, total, notes)
    wanted = set(argv)
    for gid, ms in mistakes.items():
        for m in ms:
            if wanted and m.id not in wanted:
                continue
            result = scores(_run_notebook((gid, m.old, m.new)))
            lost = {q: (round(v[0], 2), v[1]) for q, v in result.items() if v[0] < base[q][0]}
            print(f"  {gid.split('_')[0]} {m.id}: lost {lost or 'NOTHING in property tests'}")


if __name__ == "__main__":
    main(sys.argv[1:])
