"""Notebook 01, "Sampling vs quantization": what is specific to it, worked out by hand.

The generic contract (spec, release, points, mistakes, styles, references, grading) is checked for
every notebook by test_course.py (`quantgrade verify`). Here: the notebook's formulas on hand-computed
examples, so that a change in the solution that the references would silently follow is caught. Each
expected value says how it was obtained.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from course_helpers import notebook_namespace

from autograder.spec import Course
from quantkit.signals import sine

SLUG = "01_sampling_quantization"
COURSE = Course(root=Path(__file__).resolve().parents[3])


@pytest.fixture(scope="module")
def solution() -> dict[str, Any]:
    """The solution notebook's namespace after running its cells (hidden blocks and demo cells left out)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUANTKIT_GRADING", "1")
        return notebook_namespace(nbformat.read(COURSE.solution_path(SLUG), as_version=4))


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


# ------------------------------------------------------------------------------------ follow-through


def _q6_with(solution: dict[str, Any], quantizer) -> float:
    """q6's score for a student whose quantize_uniform is ``quantizer`` and whose fit uses it correctly."""
    from autograder.testing import InProcessStudent, run_hidden_tests

    bits = np.arange(8, 17)
    x = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
    sqnr = [10 * np.log10(np.mean(x**2) / np.mean((x - quantizer(x, int(b), -1.0, 1.0)) ** 2)) for b in bits]
    slope, offset = np.polyfit(bits, sqnr, 1)
    namespace = dict(solution, quantize_uniform=quantizer, sqnr_slope=float(slope), sqnr_offset=float(offset))
    out = run_hidden_tests(
        tests_path=COURSE.hidden_tests_path(SLUG),
        refs_path=COURSE.hidden_refs_path(SLUG),
        student=InProcessStudent(namespace),
        manifest=COURSE.manifest(SLUG),
        questions=["q6"],
    )
    return out["q6"].score


def test_q6_follows_through_a_staircase_with_the_wrong_step(solution):
    """Step (range) / (L - 1): a wrong quantizer (lost in q4), but the fit done right earns all of q6."""

    def quantizer(x, n_bits, x_min, x_max, mode="midrise"):
        step = (x_max - x_min) / (2**n_bits - 1)
        k = np.clip(np.floor((np.asarray(x, dtype=np.float64) - x_min) / step), 0, 2**n_bits - 1)
        return x_min + (k + 0.5) * step

    assert _q6_with(solution, quantizer) == 2.0


def test_q6_does_not_follow_through_what_is_not_a_staircase(solution):
    """A 'quantizer' with a level per input (rounding to 1e-6) is not one: a consistent fit earns nothing."""

    def quantizer(x, n_bits, x_min, x_max, mode="midrise"):
        return np.round(np.asarray(x, dtype=np.float64), 6) + 2.0**-n_bits * 1e-3

    assert _q6_with(solution, quantizer) == 0.0
