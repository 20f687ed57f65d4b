"""Notebook 01, "Sampling vs quantization": its source, manifest, cases, mistakes and hidden tests.

Fast tests run the solution's functions without a kernel: the solution cells of
``solutions/01_sampling_quantization.ipynb`` are exec'd into a namespace (as the nbgrader path calls
them, through :class:`autograder.testing.InProcessStudent`). Hidden references for those tests are
computed here from the same namespace, in the layout of docs/architecture.md, so the hidden tests are
checked independently of ``quantgrade refs``; the committed ``hidden_refs.json`` is checked too once it
exists. Slow tests run notebooks in kernels (nbclient) and through ``autograder.grade``.

Every expected value below is worked out by hand from the notebook's formulas (comments say how).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

from autograder.spec import Course, Mistake
from autograder.testing import InProcessStudent, run_hidden_tests
from autograder.variants import apply_mistake
from quantkit import _wire
from quantkit.signals import sine

SLUG = "01_sampling_quantization"
REPO = Path(__file__).resolve().parents[3]
COURSE = Course(root=REPO)
SOLUTION = COURSE.solution_path(SLUG)
HIDDEN_TESTS = COURSE.hidden_tests_path(SLUG)
MISTAKES = COURSE.mistakes(SLUG)

# Which solution cell defines which graded names (the cell a mistake edits names what it breaks).
CELL_NAMES = {
    "q1_sample": ("sample",),
    "q2_alias_frequency": ("alias_frequency",),
    "q3_quantize_indices": ("quantize_indices",),
    "q3_dequantize": ("dequantize",),
    "q4_quantize_uniform": ("quantize_uniform",),
    "q6_sqnr_fit": ("sqnr_slope", "sqnr_offset"),
    "q7_best_clip_factor": ("best_clip_factor",),
}


# ----------------------------------------------------------------------------------------- helpers


def _read_solution() -> nbformat.NotebookNode:
    return nbformat.read(str(SOLUTION), as_version=4)


def _nbgrader(cell: Any) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def _cells_by_grade_id(nb: nbformat.NotebookNode) -> dict[str, Any]:
    return {_nbgrader(c)["grade_id"]: c for c in nb.cells if "grade_id" in _nbgrader(c)}


def _namespace(nb: nbformat.NotebookNode, *, errors: list[str] | None = None) -> dict[str, Any]:
    """Exec the graded solution cells in order, as a kernel running the notebook would.

    As in a graded run, a cell that raises stops there and the next cell still runs; the exception
    types are appended to ``errors`` when given (the solution itself must raise none).
    """
    ns: dict[str, Any] = {"np": np, "__name__": "notebook01"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = _nbgrader(cell)
            if cell.cell_type == "code" and meta.get("solution") and meta["grade_id"] in CELL_NAMES:
                try:
                    exec(compile(cell.source, meta["grade_id"], "exec"), ns)
                except Exception as exc:
                    if errors is None:
                        raise
                    errors.append(f"{meta['grade_id']}: {type(exc).__name__}")
    return ns


def _build_hidden_refs(ns: dict[str, Any], path: Path) -> Path:
    """Write the hidden cases with the namespace's outputs, in the reference-file layout."""
    manifest = COURSE.manifest(SLUG)
    entries = []
    for case in COURSE.cases(SLUG):
        if case.public:
            continue
        if case.call is not None:
            args = _wire.loads(_wire.dumps((tuple(case.args), dict(case.kwargs))))
            try:
                expected = _wire.encode(ns[case.call](*args[0], **args[1]))
            except ValueError:
                expected = {"__error__": "ValueError"}
        else:
            expected = _wire.encode(ns[case.value])
        entries.append(
            {
                "id": case.id,
                "question": case.question,
                "call": case.call,
                "value": case.value,
                "args": [_wire.encode(a) for a in case.args],
                "kwargs": {k: _wire.encode(v) for k, v in case.kwargs.items()},
                "rtol": case.rtol,
                "atol": case.atol,
                "note": case.note,
                "expected": expected,
            }
        )
    doc = {
        "format": 1,
        "slug": SLUG,
        "questions": {q.id: {"title": q.title, "names": list(q.names)} for q in manifest.auto_questions},
        "cases": entries,
        "mistakes": [],
    }
    path.write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")
    return path


def _scores(ns: dict[str, Any], refs_path: Path) -> dict[str, tuple[float, float, list[str]]]:
    outcomes = run_hidden_tests(
        tests_path=HIDDEN_TESTS,
        refs_path=refs_path,
        student=InProcessStudent(ns),
        manifest=COURSE.manifest(SLUG),
    )
    return {qid: (o.score, o.max_score, o.messages) for qid, o in outcomes.items()}


@pytest.fixture(scope="module")
def solution_nb() -> nbformat.NotebookNode:
    return _read_solution()


@pytest.fixture(scope="module")
def solution(solution_nb: nbformat.NotebookNode) -> dict[str, Any]:
    return _namespace(solution_nb)


@pytest.fixture(scope="module")
def hidden_refs(solution: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_hidden_refs(solution, tmp_path_factory.mktemp("refs01") / "hidden_refs.json")


# ----------------------------------------------------------------------------------------- manifest


def test_manifest_questions_and_points():
    """Eight questions q1..q8 worth 20 points: 16 autograded, 4 for two written answers."""
    manifest = COURSE.manifest(SLUG)
    assert [q.id for q in manifest.questions] == [f"q{i}" for i in range(1, 9)]
    assert manifest.total_points == 20
    assert sum(q.points for q in manifest.auto_questions) == 16
    assert [q.id for q in manifest.questions if q.kind == "manual"] == ["q5", "q8"]


def test_manifest_agrees_with_notebook_metadata(solution_nb):
    """Every question's grade id exists in the notebook with nbgrader's grade flag and the same points."""
    manifest = COURSE.manifest(SLUG)
    cells = _cells_by_grade_id(solution_nb)
    for q in manifest.questions:
        assert q.grade_id in cells, f"{q.id}: no cell with grade id {q.grade_id}"
        cell, meta = cells[q.grade_id], _nbgrader(cells[q.grade_id])
        assert meta["grade"] is True and meta["points"] == q.points, q.id
        if q.kind == "auto":
            assert cell.cell_type == "code" and meta["locked"] and not meta["solution"], q.id
            first = cell.source.splitlines()[0]
            assert first.startswith('"""') and first.endswith('"""'), (
                f"{q.id}: test cell lacks a one-line docstring"
            )
            assert f'check("{q.id}"' in cell.source, q.id
            assert f'hidden_score("{SLUG}", "{q.id}", globals())' in cell.source, q.id
        else:
            assert cell.cell_type == "markdown" and meta["solution"], q.id
            assert "=== BEGIN MARK SCHEME ===" in cell.source and "=== END MARK SCHEME ===" in cell.source, (
                q.id
            )
    graded = [c for c in solution_nb.cells if _nbgrader(c).get("grade")]
    assert sum(_nbgrader(c)["points"] for c in graded) == manifest.total_points, (
        "a graded cell is not in the manifest"
    )


def test_setup_cell_is_first_and_locked(solution_nb):
    """The first code cell is the locked set-up cell that creates the checker for this notebook."""
    first = next(c for c in solution_nb.cells if c.cell_type == "code")
    assert _nbgrader(first) == {**_nbgrader(first), "grade_id": "setup", "locked": True, "solution": False}
    assert f'check = checker("{SLUG}")' in first.source


def test_source_has_no_outputs(solution_nb):
    """The committed source notebook carries no outputs and no execution counts."""
    for cell in solution_nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_every_graded_name_is_defined_in_its_cell(solution_nb):
    """Each graded function is defined (and each graded value assigned) in the solution cell named for it."""
    cells = _cells_by_grade_id(solution_nb)
    for grade_id, names in CELL_NAMES.items():
        tree = ast.parse(cells[grade_id].source)
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        defined |= {
            t.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign)
            for t in ast.walk(n)
            if isinstance(t, ast.Name)
        }
        assert set(names) <= defined, grade_id


def test_hidden_test_points_match_manifest():
    """Per question, the points of the hidden tests add up to the manifest's points.

    The module is read with ``ast`` (importing it here would register its ``question`` marks in this
    strict-markers session); the engine checks the same sum at run time.
    """
    tree = ast.parse(HIDDEN_TESTS.read_text(encoding="utf-8"))
    points: dict[str, float] = {}
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        marks = [
            d
            for d in node.decorator_list
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "question"
        ]
        assert len(marks) == 1, f"{node.name} needs exactly one @question(...) mark"
        qid = ast.literal_eval(marks[0].args[0])
        (value,) = [ast.literal_eval(k.value) for k in marks[0].keywords if k.arg == "points"]
        points[qid] = points.get(qid, 0.0) + value
        assert ast.get_docstring(node), f"{node.name} needs a docstring (it is the feedback of last resort)"
    manifest = COURSE.manifest(SLUG)
    assert points == pytest.approx({q.id: q.points for q in manifest.auto_questions})


# ----------------------------------------------------------------------------------------- cases and mistakes


def test_cases_load_and_cover_every_graded_name():
    """cases.py loads; every graded name has at least one public and one hidden case; ids read as English."""
    cases = COURSE.cases(SLUG)
    for q in COURSE.manifest(SLUG).auto_questions:
        for name in q.names:
            mine = [c for c in cases if c.name == name]
            assert any(c.public for c in mine), f"{name} has no public case"
            assert any(not c.public for c in mine), f"{name} has no hidden case"
    for case in cases:
        assert case.id.startswith(case.question + "_") and case.note, case.id


def test_mistakes_load_and_apply_once(solution_nb):
    """Every mistake's old text occurs exactly once in its cell, and applying it changes the notebook."""
    cells = _cells_by_grade_id(solution_nb)
    for mistake in COURSE.mistakes(SLUG):
        assert mistake.cell in CELL_NAMES, f"{mistake.id} edits {mistake.cell}, not a graded solution cell"
        assert cells[mistake.cell].source.count(mistake.old) == 1, mistake.id
        assert mistake.hint and mistake.title, mistake.id
        edited = _cells_by_grade_id(apply_mistake(solution_nb, mistake))[mistake.cell].source
        assert edited != cells[mistake.cell].source, mistake.id


def test_every_graded_name_has_three_mistakes():
    """At least three known mistakes per graded function (and for the graded values of q6)."""
    counts: dict[tuple[str, ...], int] = {}
    for mistake in COURSE.mistakes(SLUG):
        counts[CELL_NAMES[mistake.cell]] = counts.get(CELL_NAMES[mistake.cell], 0) + 1
    for names in CELL_NAMES.values():
        assert counts.get(names, 0) >= 3, f"{names} has {counts.get(names, 0)} known mistakes"


# ------------------------------------------------------------------------------------ the formulas by hand


def test_sample_hand_examples(solution):
    """sin(2 pi t) at 4 Hz for 1 s: t = 0, 1/4, 1/2, 3/4 and x = 0, 1, 0, -1; round(0.3 * 9) = 3 samples."""
    t, x = solution["sample"](sine(1.0), 4.0, 1.0)
    assert np.array_equal(t, [0.0, 0.25, 0.5, 0.75])
    assert np.allclose(x, [0.0, 1.0, 0.0, -1.0], atol=1e-15)
    t, _ = solution["sample"](sine(1.0), 9.0, 0.3)
    assert np.allclose(t, [0.0, 1 / 9, 2 / 9], rtol=0, atol=1e-15)
    t, x = solution["sample"](sine(1.0), 9.0, 0.0)
    assert t.shape == (0,) and x.shape == (0,)


@pytest.mark.parametrize(
    ("f", "fs", "expected"),
    [
        (3.0, 10.0, 3.0),  # below fs/2: round(0.3) = 0
        (5.0, 10.0, 5.0),  # exactly fs/2 (a tie of the rounding; both neighbours give 5)
        (7.0, 10.0, 3.0),  # |7 - 10 round(0.7)| = |7 - 10|
        (10.0, 10.0, 0.0),  # a multiple of fs looks constant
        (12.0, 10.0, 2.0),  # |12 - 10|
        (17.0, 10.0, 3.0),  # |17 - 20|
        (-3.0, 10.0, 3.0),  # the cosine is even
        (1234.5, 100.0, 34.5),  # |1234.5 - 100 round(12.345)| = |1234.5 - 1200|
    ],
)
def test_alias_frequency_hand_examples(solution, f, fs, expected):
    """The folded frequency |f - fs round(f / fs)| on hand-computed examples."""
    assert solution["alias_frequency"](f, fs) == expected


def test_alias_frequency_keeps_shape(solution):
    """An array of tones gives an array of the same shape, in [0, fs / 2]."""
    f = np.array([[0.0, 2.0, 8.0], [12.0, 25.0, 31.0]])
    got = solution["alias_frequency"](f, 10.0)
    assert got.shape == (2, 3) and np.array_equal(got, [[0.0, 2.0, 2.0], [2.0, 5.0, 1.0]])


# (x, n_bits, x_min, x_max, mode, index, level), each worked out by hand:
# step = (x_max - x_min) / 2**n_bits, u = (x - x_min) / step,
# mid-rise k = floor(u), level x_min + (k + 1/2) step; mid-tread k = floor(u + 1/2), level x_min + k step.
HAND_QUANTIZER = [
    (0.0, 3, -1.0, 1.0, "midtread", 4, 0.0),  # u = 4, k = floor(4.5) = 4, level -1 + 4/4
    (-1.0, 3, -1.0, 1.0, "midtread", 0, -1.0),  # u = 0, k = 0
    (1.0, 3, -1.0, 1.0, "midtread", 7, 0.75),  # u = 8, k = 8 clipped to 7, level -1 + 7/4
    (-0.875, 3, -1.0, 1.0, "midtread", 1, -0.75),  # u = 0.5 exactly: the tie rounds up
    (0.125, 3, -1.0, 1.0, "midtread", 5, 0.25),  # u = 4.5 exactly: up to 5 (np.round would give 4)
    (0.0, 3, -1.0, 1.0, "midrise", 4, 0.125),  # u = 4, k = 4, level -1 + 4.5/4
    (-1.0, 3, -1.0, 1.0, "midrise", 0, -0.875),  # u = 0, level -1 + 0.5/4
    (0.99, 3, -1.0, 1.0, "midrise", 7, 0.875),  # u = 7.96, k = 7
    (1.0, 3, -1.0, 1.0, "midrise", 7, 0.875),  # u = 8 = L: clipped to L - 1
    (-5.0, 3, -1.0, 1.0, "midrise", 0, -0.875),  # far below: clipped to 0
    (-0.5, 1, -2.0, 2.0, "midrise", 0, -1.0),  # 1 bit: step 2, u = 0.75
    (-1.0, 1, -2.0, 2.0, "midtread", 1, 0.0),  # 1 bit mid-tread: u = 0.5, a tie, up to 1
    (0.0, 16, -1.0, 1.0, "midrise", 32768, 2.0**-16),  # 16 bits: u = 2**15, level half a step above 0
    (3.5, 3, 0.0, 8.0, "midtread", 4, 4.0),  # step 1: u = 3.5, a tie, up to 4
]


@pytest.mark.parametrize(("x", "n_bits", "x_min", "x_max", "mode", "index", "level"), HAND_QUANTIZER)
def test_quantizer_hand_examples(solution, x, n_bits, x_min, x_max, mode, index, level):
    """Indices and levels of the notebook's formulas, worked out by hand."""
    k = solution["quantize_indices"](x, n_bits, x_min, x_max, mode=mode)
    assert k.dtype == np.int64 and k.shape == () and k == index
    assert solution["dequantize"](k, n_bits, x_min, x_max, mode=mode) == level
    assert solution["quantize_uniform"](x, n_bits, x_min, x_max, mode=mode) == level


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int16])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 1, 4)])
def test_quantizer_shapes_and_dtypes(solution, dtype, shape):
    """Any shape and real dtype in: int64 indices and float64 levels of the same shape out."""
    rng = np.random.default_rng(11)
    x = np.asarray(rng.uniform(-3, 3, shape)).astype(dtype)
    k = solution["quantize_indices"](x, 2, -2.0, 2.0, mode="midtread")
    assert k.shape == shape and k.dtype == np.int64
    xq = solution["quantize_uniform"](x, 2, -2.0, 2.0, mode="midtread")
    assert xq.shape == shape and xq.dtype == np.float64
    # 2 bits on [-2, 2): step 1, mid-tread levels -2, -1, 0, 1: round half up, then clip.
    want = np.clip(np.floor(np.asarray(x, dtype=np.float64) + 0.5), -2, 1)
    assert np.array_equal(xq, want)


@pytest.mark.parametrize(
    ("args", "kwargs", "word"),
    [
        ((0.5, 0, -1.0, 1.0), {}, "n_bits"),
        ((0.5, -2, -1.0, 1.0), {}, "n_bits"),
        ((0.5, 2.5, -1.0, 1.0), {}, "n_bits"),
        ((0.5, True, -1.0, 1.0), {}, "n_bits"),
        ((0.5, 3, 1.0, 1.0), {}, "x_max"),
        ((0.5, 3, 1.0, -1.0), {}, "x_max"),
        ((0.5, 3, -1.0, 1.0), {"mode": "round"}, "mode"),
    ],
)
@pytest.mark.parametrize("name", ["quantize_indices", "dequantize", "quantize_uniform"])
def test_bad_arguments_raise_value_error_naming_them(solution, name, args, kwargs, word):
    """Bad bit depth, range or mode: ValueError whose message names the argument."""
    if name == "dequantize":
        args = (0, *args[1:])
    with pytest.raises(ValueError, match=word):
        solution[name](*args, **kwargs)


@pytest.mark.parametrize(
    ("k", "level"),
    [(-1, -1.0), (8, 0.75), (np.array([0, 8]), [-1.0, 0.75]), (np.array([[3], [-2]]), [[-0.25], [-1.0]])],
)
def test_dequantize_clips_out_of_range_indices(solution, k, level):
    """The notebook's decision: indices outside 0..L-1 are clipped (3-bit mid-tread levels -1 + k / 4)."""
    got = solution["dequantize"](k, 3, -1.0, 1.0, mode="midtread")
    assert np.shape(got) == np.shape(level) and np.array_equal(got, level)


def test_sqnr_fit_follows_the_law(solution):
    """The fitted slope and offset are near 20 log10(2) = 6.0206 dB and 10 log10(3/2) = 1.7609 dB."""
    assert isinstance(solution["sqnr_slope"], float) and isinstance(solution["sqnr_offset"], float)
    assert abs(solution["sqnr_slope"] - 20 * math.log10(2)) < 0.05
    assert abs(solution["sqnr_offset"] - 10 * math.log10(1.5)) < 0.4


def test_best_clip_factor_ties_and_closed_forms(solution):
    """Hand-worked loading factors: an exact tie, and a uniform signal whose best range just covers it."""
    best = solution["best_clip_factor"]
    # x = +-1 (sigma = 1), 1 bit: range [-c, c) has levels +-c/2, so the error is |1 - c/2| (c <= 2)
    # or c/2 - 1: c = 1 and c = 3 both give 0.5 exactly, c = 2 gives 0.
    x = np.array([1.0, -1.0, 1.0, -1.0])
    assert best(x, 1, [3.0, 1.0, 0.5]) == 3.0
    assert best(x, 1, [1.0, 3.0, 0.5]) == 1.0
    assert best(x, 1, [3.0, 2.0, 1.0]) == 2.0
    # Uniform on [-1, 1): sigma = 1/sqrt(3), so c = sqrt(3) makes the range [-1, 1) itself (no clipping,
    # smallest step); c = 1.5 clips and c = 2 wastes levels.
    u = np.linspace(-1.0, 1.0, 4096, endpoint=False) + 1.0 / 4096
    assert best(u, 4, [1.5, 3.0**0.5, 2.0]) == pytest.approx(3.0**0.5)
    result = best(u, 4, np.array([1.5, 2.0]))
    assert type(result) is float


# ----------------------------------------------------------------------------------------- hidden tests


def test_solution_gets_full_marks_on_hidden_tests(solution, hidden_refs):
    """The solution passes every hidden test (with references computed from it)."""
    for qid, (score, max_score, messages) in _scores(solution, hidden_refs).items():
        assert score == max_score, f"{qid}: {messages}"


def test_committed_hidden_refs_give_full_marks(solution):
    """With the committed hidden_refs.json (generated by `quantgrade refs`), the solution gets full marks."""
    path = COURSE.hidden_refs_path(SLUG)
    assert path.is_file(), f"{path} is missing: run `quantgrade refs` (make refs)"
    for qid, (score, max_score, messages) in _scores(solution, path).items():
        assert score == max_score, f"{qid}: {messages}"


def test_stubs_score_zero(solution_nb, hidden_refs):
    """The released notebook's stubs (NotImplementedError, values left as ...) score 0 on every question."""
    from autograder.release import release_notebook

    released = release_notebook(solution_nb)
    ns: dict[str, Any] = {"np": np}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in released.cells:
            if cell.cell_type == "code" and _nbgrader(cell).get("grade_id") in CELL_NAMES:
                with contextlib.suppress(NotImplementedError):
                    exec(compile(cell.source, "released", "exec"), ns)
    assert callable(ns["quantize_uniform"]) and callable(ns["best_clip_factor"])
    assert ns["sqnr_slope"] is Ellipsis
    for qid, (score, _max, _messages) in _scores(ns, hidden_refs).items():
        assert score == 0, qid


@pytest.mark.slow  # about 2 s each: one in-process pytest run per mistake
@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_mistake_loses_points_on_its_questions_only(solution_nb, hidden_refs, mistake: Mistake):
    """A known mistake loses points on each question it lists, and on no other."""
    ns = _namespace(apply_mistake(solution_nb, mistake), errors=[])
    scores = _scores(ns, hidden_refs)
    lost = {qid for qid, (score, max_score, _m) in scores.items() if score < max_score}
    assert lost == set(mistake.questions), f"{mistake.id} loses points on {sorted(lost)}"


# ------------------------------------------------------------------------------------ notebooks in kernels


def _require_generated_refs() -> None:
    """The notebooks' checks and hidden blocks read the generated reference files: say so if missing."""
    for path in (COURSE.public_refs_path(SLUG), COURSE.hidden_refs_path(SLUG)):
        assert path.is_file(), f"{path} is missing: run `quantgrade refs` (make refs) and commit it"


def _execute(nb: nbformat.NotebookNode, workdir: Path, *, allow_errors: bool) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def _errors(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [
        (cell.get("id", "?"), out.get("ename", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]


@pytest.mark.slow
def test_solution_notebook_runs_headless(solution_nb, tmp_path):
    """The solution notebook runs top to bottom in a kernel without an error, and every check passes."""
    _require_generated_refs()
    nb = _execute(nbformat.from_dict(solution_nb), tmp_path, allow_errors=False)
    assert _errors(nb) == []
    stderr = [
        out.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]
    assert stderr == [], f"the solution writes to stderr (warnings?): {stderr[:2]}"


@pytest.mark.slow
def test_released_notebook_runs_with_only_polite_errors(solution_nb, tmp_path):
    """The student version runs top to bottom; every error is a stub's NotImplementedError, said politely."""
    _require_generated_refs()
    from autograder.release import release_notebook

    nb = _execute(release_notebook(solution_nb), tmp_path, allow_errors=True)
    errors = [
        (cell.get("id", "?"), out.ename, "".join(out.traceback))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors, "the released notebook should meet its stubs"
    assert {ename for _cell, ename, _tb in errors} == {"NotImplementedError"}, errors
    assert all("not implemented yet" in tb for _cell, _ename, tb in errors), errors


@pytest.mark.slow
def test_grading_solution_and_released_notebooks(solution_nb, tmp_path):
    """Graded by autograder.grade: the solution gets full autograded marks, the blank release gets 0.

    The course root is a temporary copy (the solution, and its release made here), so this does not
    depend on notebooks/ being regenerated; the spec folder, with its committed hidden_refs.json, is
    the repository's.
    """
    _require_generated_refs()
    from autograder.grade import grade_submissions
    from autograder.release import release_notebook, render

    root = tmp_path / "course"
    released = release_notebook(solution_nb)
    for folder, nb in (("solutions", solution_nb), ("notebooks", released)):
        (root / folder).mkdir(parents=True)
        (root / folder / f"{SLUG}.ipynb").write_text(render(nb), encoding="utf-8")
    course = Course(root=root, spec_dir=COURSE.spec_dir)
    submissions = tmp_path / "submitted"
    for student, nb in (("solution", solution_nb), ("blank", released)):
        (submissions / student).mkdir(parents=True)
        (submissions / student / f"{SLUG}.ipynb").write_text(render(nb), encoding="utf-8")
    results = {r.student: r for r in grade_submissions([submissions], course=course)}
    assert sorted(results) == ["blank", "solution"]
    for q in results["solution"].questions:
        if q.kind == "auto":
            assert q.score == q.max_score, f"solution {q.question}: {q.messages}"
        else:
            assert q.status == "manual"
    assert results["blank"].score == 0, [(q.question, q.score) for q in results["blank"].questions]
