"""Generate the reference outputs (``quantgrade refs``): public for the self-checks, hidden for grading.

For each notebook the solution runs in a kernel (the same machinery as grading), every case of
``cases.py`` is called through the proxy, and the outcomes are written:

- public cases, with each known mistake's outputs on the public cases of its question and of the later
  questions that use it, to ``course.public_refs_path(slug)`` (``quantkit/checks/refs/<slug>.json``,
  shipped to students); a public *property* case stores its properties, never the solution's output
  (the solution must have them);
- hidden cases, and the groups (one reference test each: question, points, doc, case ids), to
  ``course.hidden_refs_path(slug)`` (``autograder/course/<slug>/hidden_refs.json``).

The solution must run without any error. A known mistake's variant runs the same way, except that
cells after the one the mistake edits may raise (a mistake naturally breaks the cells that use its
result); no cell of either may time out or kill the kernel.

The layout is the one of ``docs/architecture.md``. The files are canonical (sorted keys, fixed
indentation, wire-encoded values). Whether a committed file is current is judged *numerically*
(:func:`differences`): structure, ids, notes and integers exactly, float inputs to 1e-12 relative and
outputs within each case's own tolerance, so another CPU or BLAS kernel (whose last bits differ) finds
the committed files current, and ``quantgrade refs`` leaves a file alone when its values agree (no
churn in diffs). ``check=True`` compares instead of writing, which is how a test proves the committed
references are current.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import nbformat

from autograder.grade import demo_cell_ids
from autograder.kernel import GradingLimits, KernelSupply, get_sandbox, is_test_cell
from autograder.proxy import KernelStudent
from autograder.spec import Case, Course, GroupSpec, Manifest, Mistake, default_course
from autograder.testing import StudentError
from autograder.variants import apply_mistake
from quantkit import _wire
from quantkit._compare import describe_mismatch
from quantkit._props import check_properties

__all__ = ["RefsError", "RefsText", "differences", "generate", "main", "render"]

FORMAT = 2
#: Relative tolerance for float *inputs* when judging staleness: arguments drawn with transcendental
#: functions (``autograder.inputs``' Box-Muller normals) may differ in the last bit on other platforms.
INPUT_RTOL = 1e-12


class RefsError(RuntimeError):
    """The references cannot be generated (the solution fails, a mistake does not apply...)."""


@dataclass(frozen=True)
class RefsText:
    """The two reference files of one notebook, as text."""

    slug: str
    public: str
    hidden: str


def _outcome(student: KernelStudent, case: Case) -> Any:
    """A case's outcome as stored: wire data, or ``{"__error__": "<ExcType>"}``."""
    try:
        if case.call is not None:
            got = student.call(case.call, *case.args, **dict(case.kwargs))
        else:
            got = student.value(str(case.value))
    except StudentError as err:
        if err.kind == "raised":
            return {"__error__": err.exc_type}
        return {"__error__": err.kind}
    return _wire.encode(got)


def _case_entry(case: Case, expected: Any) -> dict[str, Any]:
    entry = {
        "id": case.id,
        "question": case.question,
        "group": case.group,
        "call": case.call,
        "value": case.value,
        "args": [_wire.encode(a) for a in case.args],
        "kwargs": {k: _wire.encode(v) for k, v in dict(case.kwargs).items()},
        "rtol": float(case.rtol),
        "atol": float(case.atol),
        "note": case.note,
    }
    if case.props is not None:
        entry["props"] = _plain(dict(case.props))
    else:
        entry["expected"] = expected
    return entry


def _plain(value: Any) -> Any:
    """Properties as plain JSON: tuples become lists, numpy scalars Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _group_entry(group: GroupSpec, hidden_ids: set[str]) -> dict[str, Any]:
    return {
        "id": group.id,
        "question": group.question,
        "points": float(group.points),
        "doc": group.doc,
        "cases": [cid for cid in group.cases if cid in hidden_ids],
    }


def _close_thread_event_loop() -> None:
    """Close the asyncio loop jupyter_client's blocking client opened in this worker thread."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop in this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
    asyncio.set_event_loop(None)


def render(doc: dict[str, Any]) -> str:
    """Canonical text of a reference file: sorted keys, one-space indent, ASCII, final newline."""
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def _run_solution(
    supply: KernelSupply,
    nb: nbformat.NotebookNode,
    label: str,
    *,
    more: bool,
    errors_allowed_after: int | None = None,
    stop_after: int | None = None,
) -> Any:
    """Run ``nb`` in a fresh kernel and return the kernel, or raise :class:`RefsError`.

    Cells after index ``stop_after`` (if given) are not run. Every code cell must run cleanly, except
    that, when ``errors_allowed_after`` is a cell index,
    cells after that one may raise (status ``error``). A timeout or a dead kernel always fails: what
    follows would depend on the machine's load, not on the notebook.
    """
    kernel = supply.take(more=more)
    try:
        kernel.wait_ready()
        demo = demo_cell_ids(nb)
        last = len(nb.cells) if stop_after is None else stop_after
        after = {id(cell) for cell in nb.cells[last + 1 :]}

        def skip(cell: Any) -> bool:
            return is_test_cell(cell) or cell.get("id") in demo or id(cell) in after

        run = kernel.run_notebook(nb, skip=skip)
    except Exception:
        kernel.shutdown()
        raise
    failed = [
        c
        for c in run.cells
        if c.status not in ("ok", "skipped")
        and not (errors_allowed_after is not None and c.status == "error" and c.index > errors_allowed_after)
    ]
    if failed:
        kernel.shutdown()
        # An interrupted cell reports KeyboardInterrupt: name the status then, the exception otherwise.
        reasons = [c.ename if c.status == "error" and c.ename else c.status for c in failed]
        what = ", ".join(
            f"{c.grade_id or f'cell {c.index + 1}'} ({r})" for c, r in zip(failed, reasons, strict=True)
        )
        raise RefsError(f"{label} does not run cleanly: {what}")
    return kernel


def _cell_index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    """Index of the (one) cell with nbgrader grade id ``grade_id``."""
    return next(
        i
        for i, cell in enumerate(nb.cells)
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )


def generate(
    course: Course,
    slug: str,
    *,
    limits: GradingLimits | None = None,
    sandbox: Any = None,
    workers: int | None = None,
) -> RefsText:
    """Run the solution (and each known mistake) of ``slug`` and build both reference files.

    Parameters
    ----------
    course : Course
        Where the solution, the spec and the reference files live.
    slug : str
        The notebook.
    limits : GradingLimits or None, default None
        Kernel limits (``GradingLimits()`` if None).
    sandbox : object or None, default None
        Sandbox for the kernels (:func:`autograder.kernel.get_sandbox` if None).
    workers : int or None, default None
        Mistake variants run at the same time (None: the number of CPUs).

    Returns
    -------
    RefsText

    Raises
    ------
    RefsError
        If the solution does not run cleanly (any cell raises, times out or kills the kernel), or a
        case cannot be evaluated on it (the function is missing, times out or returns something the
        wire refuses); or if a mistake variant fails in its edited cell or before it, or any of its
        cells times out or kills the kernel. Cells after a mistake's edited cell may raise: a
        mistake naturally breaks the cells that use its result, and its outcomes on the cases are
        recorded as usual (an exception as ``{"__error__": "<ExcType>"}``).
    MistakeError
        If a mistake does not apply to the solution notebook.
    """
    limits = limits or GradingLimits()
    sandbox = sandbox if sandbox is not None else get_sandbox(limits)
    manifest: Manifest = course.manifest(slug)
    cases, groups = course.cases_and_groups(slug)
    mistakes: list[Mistake] = course.mistakes(slug)
    solution = nbformat.read(course.solution_path(slug), as_version=4)
    public_cases = [c for c in cases if c.public]

    with KernelSupply(limits=limits, sandbox=sandbox, prestart=False) as supply:
        kernel = _run_solution(supply, solution, f"the solution of {slug}", more=False)
        try:
            student = KernelStudent(kernel)
            expected: dict[str, Any] = {}
            for case in cases:
                outcome = _outcome(student, case)
                if (
                    isinstance(outcome, dict)
                    and set(outcome) == {"__error__"}
                    and outcome["__error__"]
                    in (
                        "not_defined",
                        "not_implemented",
                        "timeout",
                        "kernel_died",
                        "bad_output",
                    )
                ):
                    raise RefsError(
                        f"case {case.id} of {slug}: the solution gives no result ({outcome['__error__']})"
                    )
                if case.props is not None:
                    problem = (
                        f"raises {outcome['__error__']}"
                        if isinstance(outcome, dict) and set(outcome) == {"__error__"}
                        else check_properties(_wire.decode(outcome), case.props)
                    )
                    if problem is not None:
                        raise RefsError(f"public case {case.id} of {slug}: the solution fails it: {problem}")
                expected[case.id] = outcome
        finally:
            kernel.shutdown()

    def record(mistake: Mistake) -> dict[str, Any]:
        try:
            return _record(mistake)
        finally:
            _close_thread_event_loop()

    def _record(mistake: Mistake) -> dict[str, Any]:
        variant = apply_mistake(solution, mistake)
        recorded = [mistake.question, *(q.id for q in manifest.users(mistake.question))]
        # Only the cells up to the last solution cell of a recorded question are needed for its cases.
        needed = [
            i
            for i, cell in enumerate(variant.cells)
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
            and str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")).split("_", 1)[0]
            in recorded
        ]
        # A mistake naturally breaks later cells that use what it got wrong (a plot, a narrative
        # example): those may raise. The edited cell and the ones before it must still run.
        with KernelSupply(limits=limits, sandbox=sandbox, prestart=False) as own:
            kernel = _run_solution(
                own,
                variant,
                f"mistake {mistake.id} of {slug}",
                more=False,
                errors_allowed_after=_cell_index(variant, mistake.cell),
                stop_after=max(needed, default=None),
            )
        try:
            student = KernelStudent(kernel)
            outputs = {c.id: _outcome(student, c) for c in public_cases if c.question in recorded}
        finally:
            kernel.shutdown()
        return {
            "id": mistake.id,
            "question": mistake.question,
            "questions": recorded,
            "title": mistake.title,
            "hint": mistake.hint,
            "outputs": outputs,
        }

    # Each mistake variant runs in a kernel of its own; a few at a time (results keep catalogue order).
    n_workers = max(1, min(workers or (os.cpu_count() or 1), len(mistakes) or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=n_workers) as pool:
        mistake_entries = list(pool.map(record, mistakes))

    questions = {
        q.id: {"title": q.title, "names": list(q.names), "uses": list(q.uses)}
        for q in manifest.auto_questions
    }
    hidden_ids = {c.id for c in cases if not c.public}
    public_doc = {
        "format": FORMAT,
        "slug": slug,
        "partial_step": manifest.partial_step,
        "questions": questions,
        "cases": [_case_entry(c, expected[c.id]) for c in cases if c.public],
        "mistakes": mistake_entries,
    }
    hidden_doc = {
        "format": FORMAT,
        "slug": slug,
        "partial_step": manifest.partial_step,
        "questions": questions,
        "groups": [_group_entry(g, hidden_ids) for g in groups],
        "cases": [_case_entry(c, expected[c.id]) for c in cases if not c.public],
        "mistakes": [],
    }
    return RefsText(slug=slug, public=render(public_doc), hidden=render(hidden_doc))


@dataclass(frozen=True)
class _Raised:
    exc_type: str


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"__error__"}:
        return _Raised(str(value["__error__"]))
    return _wire.decode(value)


def _same_value(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Equal outcomes: exceptions by name, values by type, shape and dtype, floats to the tolerance.

    A value that does not decode (an older format, a damaged file) is never the same.
    """
    try:
        da, db = _decoded(a), _decoded(b)
    except _wire.WireError:
        return False
    if isinstance(da, _Raised) or isinstance(db, _Raised):
        return da == db
    return describe_mismatch(da, db, rtol=rtol, atol=atol) is None


def differences(committed: str, generated: str, *, limit: int = 10) -> list[str]:
    """What differs between two texts of a reference file, judged numerically (empty: the same).

    Everything but the numbers must be identical (format, questions, groups, case and mistake ids,
    notes, tolerances, hints). Float arguments agree to :data:`INPUT_RTOL`; expected outputs and
    mistakes' outputs agree within the case's own ``rtol``/``atol`` (exactly when both are 0), integers
    and strings exactly.
    """
    try:
        old, new = json.loads(committed), json.loads(generated)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON ({exc})"]
    problems: list[str] = []
    for key in sorted(set(old) | set(new)):
        if key not in ("cases", "mistakes") and old.get(key) != new.get(key):
            problems.append(f"{key} differs")
    old_cases, new_cases = old.get("cases", []), new.get("cases", [])
    if [c.get("id") for c in old_cases] != [c.get("id") for c in new_cases]:
        problems.append("the case ids differ")
        return problems[:limit]
    tolerance = {}
    for a, b in zip(old_cases, new_cases, strict=True):
        cid = a.get("id")
        tolerance[cid] = (float(b.get("rtol", 0.0)), float(b.get("atol", 0.0)))
        for key in sorted(set(a) | set(b)):
            if key in ("args", "kwargs"):
                left = a.get(key) if key == "args" else {"__dict__": a.get(key, {})}
                right = b.get(key) if key == "args" else {"__dict__": b.get(key, {})}
                if key == "args":
                    left, right = {"__tuple__": left}, {"__tuple__": right}
                if not _same_value(left, right, INPUT_RTOL, 0.0):
                    problems.append(f"case {cid}: its {key} differ")
            elif key == "expected":
                if key not in a or key not in b or not _same_value(a[key], b[key], *tolerance[cid]):
                    problems.append(f"case {cid}: the expected output differs")
            elif a.get(key) != b.get(key):
                problems.append(f"case {cid}: {key} differs")
    old_m, new_m = old.get("mistakes", []), new.get("mistakes", [])
    if [m.get("id") for m in old_m] != [m.get("id") for m in new_m]:
        problems.append("the mistake ids differ")
        return problems[:limit]
    for a, b in zip(old_m, new_m, strict=True):
        for key in sorted(set(a) | set(b)):
            if key != "outputs" and a.get(key) != b.get(key):
                problems.append(f"mistake {a.get('id')}: {key} differs")
        out_a, out_b = a.get("outputs", {}), b.get("outputs", {})
        if sorted(out_a) != sorted(out_b):
            problems.append(f"mistake {a.get('id')}: recorded on other cases")
            continue
        for cid in out_a:
            if not _same_value(out_a[cid], out_b[cid], *tolerance.get(cid, (0.0, 0.0))):
                problems.append(f"mistake {a.get('id')}: its output on {cid} differs")
    return problems[:limit]


def _select(course: Course, slugs: Iterable[str] | None) -> list[str]:
    known = course.slugs()
    if slugs is None:
        return known
    chosen = list(dict.fromkeys(slugs))  # a notebook named twice is generated once
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise RefsError(f"unknown notebook(s) {unknown}; the course has {known}")
    return chosen


def main(
    *,
    course: Course | None = None,
    slugs: Iterable[str] | None = None,
    check: bool = False,
    limits: GradingLimits | None = None,
) -> int:
    """Generate (or, with ``check``, verify) the reference files.

    Parameters
    ----------
    course : Course or None, default None
        The course (:func:`autograder.spec.default_course` if None).
    slugs : iterable of str or None, default None
        Notebooks to process (all if None).
    check : bool, default False
        Compare with the files on disk instead of writing; report stale or missing files.
    limits : GradingLimits or None, default None
        Kernel limits.

    Returns
    -------
    int
        0 on success (or everything current); 1 if a file is stale (``check``) or generation failed.
    """
    course = course or default_course()
    try:
        chosen = _select(course, slugs)
    except RefsError as exc:
        print(f"quantgrade refs: {exc}", file=sys.stderr)
        return 1
    status = 0
    for slug in chosen:
        try:
            text = generate(course, slug, limits=limits)
        except Exception as exc:
            print(f"quantgrade refs: {slug}: {exc}", file=sys.stderr)
            status = 1
            continue
        for path, content in (
            (course.public_refs_path(slug), text.public),
            (course.hidden_refs_path(slug), text.hidden),
        ):
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            changed = ["missing"] if current is None else differences(current, content)
            if check:
                if changed:
                    state = "missing" if current is None else "stale (" + "; ".join(changed) + ")"
                    print(
                        f"quantgrade refs: {path} is {state}; run `quantgrade refs` and commit it",
                        file=sys.stderr,
                    )
                    status = 1
            elif changed:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(content, encoding="utf-8", newline="\n")
                os.replace(tmp, path)
                print(f"wrote {path}", file=sys.stderr)
    return status
