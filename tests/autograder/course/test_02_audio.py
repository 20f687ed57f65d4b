"""Notebook 02, "Audio: bit depth you can hear": what is specific to it, worked out by hand.

The generic contract (spec, release, points, mistakes, styles, references, grading) is checked for
every notebook by test_course.py (`quantgrade verify`). Here: the notebook's formulas on hand-computed
examples, the numbers its text quotes against their closed forms, and the external oracles the issue
names (ITU-T G.191's G.711 encoder, written out below as a table of its decision intervals; Python's
``audioop`` where it still exists). Each expected value says how it was obtained. (The noise-shaping
numbers, +3.01 and +7.78 dB, fs/6 and -30.96 dB at OSR 16, are pinned in tests/quantkit/test_signals.py.)
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from course_helpers import notebook_namespace

from autograder.spec import Course
from autograder.testing import InProcessStudent, load_refs, run_hidden_tests

SLUG = "02_audio"
COURSE = Course(root=Path(__file__).resolve().parents[3])
MU, A = 255, 87.6


@pytest.fixture(scope="module")
def solution() -> dict[str, Any]:
    """The solution notebook's namespace after running its cells (hidden blocks and demo cells left out)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUANTKIT_GRADING", "1")
        return notebook_namespace(nbformat.read(COURSE.solution_path(SLUG), as_version=4))


def _audioop() -> Any:
    """Python's audioop (3.11-3.12: importing it warns; removed in 3.13: skip)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pytest.importorskip("audioop")


def _q10_groups(namespace: dict[str, Any]) -> dict[str, float]:
    """q10's tests run in-process on ``namespace``: test name -> score."""
    out = run_hidden_tests(
        tests_path=COURSE.hidden_tests_path(SLUG),
        refs_path=COURSE.hidden_refs_path(SLUG),
        student=InProcessStudent(namespace),
        manifest=COURSE.manifest(SLUG),
        questions=["q10"],
    )
    return {t.nodeid.rsplit("::", 1)[-1]: t.score for t in out["q10"].tests}


# ------------------------------------------------------------------------------------------- PCM


# (x, n_bits, expected), by hand: k = round(x * 2**(B-1)) half to even, clipped to
# [-2**(B-1), 2**(B-1) - 1], then k / 2**(B-1).
HAND_REQUANTIZE = [
    (0.125, 3, 0.0),  # x * 4 = 0.5: the tie goes to the even code 0
    (0.375, 3, 0.5),  # 1.5 -> 2
    (0.625, 3, 0.5),  # 2.5 -> 2 (half up would give 0.75)
    (-0.125, 3, 0.0),  # -0.5 -> -0 (np.round keeps the sign of zero; -0.0 == 0.0)
    (-0.375, 3, -0.5),  # -1.5 -> -2
    (1.0, 4, 0.875),  # 8 is not a code: clipped to 7, 7 / 8
    (-1.0, 4, -1.0),  # -8 is the most negative code
    (-1.3, 8, -1.0),  # below full scale: clipped to -128
    (0.9, 1, 0.0),  # 1 bit: codes -1 and 0 only; round(0.9) = 1 clipped to 0
    (2.0**-16, 16, 0.0),  # half an LSB at 16 bits: a tie, to even 0
    (3 * 2.0**-16, 16, 2 * 2.0**-15),  # 1.5 LSB -> 2 LSB
]


@pytest.mark.parametrize(("x", "n_bits", "expected"), HAND_REQUANTIZE)
def test_requantize_hand_examples(solution, x, n_bits, expected):
    """The notebook's PCM grid, ties to even and clipping, worked out by hand."""
    y = solution["requantize"](x, n_bits)
    assert y.dtype == np.float64 and y.shape == () and y == expected


@pytest.mark.parametrize("n_bits", [0, 33, 8.0, True, -1])
def test_requantize_refuses_bad_bit_depths(solution, n_bits):
    with pytest.raises(ValueError, match="n_bits"):
        solution["requantize"](np.zeros(2), n_bits)
    assert solution["requantize"](0.3, np.int64(8)) == 38 / 128  # numpy integers are fine: round(38.4)


def test_a_wav_round_trip_earns_no_requantize_points(tmp_path: Path):
    """quantkit.audio.save_wav/load_wav requantize to 16 (or 24) bits with requantize's rule.

    A requantize that goes through a 16-bit WAV file answers only the 16-bit cases of 1-D input inside
    [-1, 1] (save_wav refuses other shapes and values beyond full scale): two of the twelve rows of
    q1's value and edge groups, none of its property tests. Rounded down to the 0.25 step, that is
    no point at all.
    """
    from quantkit import audio

    path = tmp_path / "requantize.wav"

    def requantize(x, n_bits):
        if n_bits != 16:
            raise NotImplementedError
        audio.save_wav(path, x, 8000, subtype="PCM_16")
        return audio.load_wav(path)[0]

    out = run_hidden_tests(
        tests_path=COURSE.hidden_tests_path(SLUG),
        refs_path=COURSE.hidden_refs_path(SLUG),
        student=InProcessStudent({"requantize": requantize}),
        manifest=COURSE.manifest(SLUG),
        questions=["q1"],
    )
    assert out["q1"].score == 0.0


# ------------------------------------------------------------------------------------------ dither


def test_dither_penalties_quoted_in_the_notebook(solution):
    """Section 3's measurement, repeated: TPDF's error power is step**2 / 4 at every input, +4.77 dB.

    Closed forms (Wannamaker, Lipshitz, Vanderkooy and Wright, IEEE Trans. SP 48(2), 2000, and the
    notebook's derivation): RPDF error power u(1 - u) step**2, averaging 1/6 step**2 over u; TPDF
    step**2 / 6 + step**2 / 12 = step**2 / 4, that is 10 log10(3) = 4.771 dB above step**2 / 12.
    With 4000 draws per level each measured power lies within five of its standard errors.
    """
    bits, step = 8, 2.0**-7
    u = (np.arange(64) + 0.5) / 64
    x = np.repeat(((3 + u) * step)[:, None], 4000, axis=1)
    power, spread = {}, {}
    for kind in ("rpdf", "tpdf"):
        squared = ((solution["dithered_requantize"](x, bits, kind, np.random.default_rng(7)) - x) / step) ** 2
        power[kind] = squared.mean(axis=1)
        spread[kind] = 5 * squared.std(axis=1) / np.sqrt(squared.shape[1])  # five standard errors
    assert np.all(np.abs(power["tpdf"] - 0.25) <= spread["tpdf"])
    assert abs(10 * np.log10(power["tpdf"].mean() * 12) - 10 * np.log10(3)) < 0.05
    assert np.all(np.abs(power["rpdf"] - u * (1 - u)) <= spread["rpdf"])
    assert abs(power["rpdf"].mean() - 1 / 6) < 0.005


def test_dither_draws_accept_a_seed(solution):
    """The given first line turns an int seed into a generator: same seed, same values."""
    for name in ("rpdf_dither", "tpdf_dither"):
        a = solution[name](5, 0.1, 42)
        assert np.array_equal(a, solution[name](5, 0.1, np.random.default_rng(42)))
        assert a.dtype == np.float64 and a.shape == (5,)


# ---------------------------------------------------------------------------------- noise shaping


def test_noise_shaping_hand_sequence(solution):
    """First order, 3 bits (step 1/4), the constant 0.125 (half a step), worked out by hand.

    n = 0: v = 0.125, v * 4 = 0.5 -> 0 (even), u = 0, e = -0.125; n = 1: v = 0.125 + 0.125 = 0.25 ->
    u = 0.25, e = 0; n = 2: v = 0.125 again. The output alternates 0, 0.25: its mean is the input.
    """
    y = solution["noise_shaped_requantize"](np.full(6, 0.125), 3)
    assert np.array_equal(y, [0.0, 0.25, 0.0, 0.25, 0.0, 0.25])


def test_noise_shaping_second_order_hand_sequence(solution):
    """h = (2, -1), 2 bits (step 1/2), x = 0.2, v[n] = x - 2 e[n-1] + e[n-2], by hand:
    v0 = 0.2 -> u 0, e0 = -0.2; v1 = 0.2 + 0.4 = 0.6 -> u 0.5, e1 = -0.1; v2 = 0.2 + 0.2 - 0.2 = 0.2
    -> u 0, e2 = -0.2; v3 = 0.2 + 0.4 - 0.1 = 0.5 -> 1.0 code steps, u 0.5."""
    y = solution["noise_shaped_requantize"](np.full(4, 0.2), 2, (2.0, -1.0))
    assert np.array_equal(y, [0.0, 0.5, 0.0, 0.5])


def test_noise_shaping_clips_only_the_output(solution):
    """2 bits (top code 0.5), h = (1,), x = 1, 1, 0: u = round(2 v) / 2 reaches 1.0 and y clips it to
    0.5, but the fed-back error is u - v = 0, so v2 = 0 and y2 = 0. (Feeding back the clipping error
    y - v = -0.5 would give v1 = 1.5, e1 = -1, v2 = 1 and y2 = 0.5.)"""
    y = solution["noise_shaped_requantize"](np.array([1.0, 1.0, 0.0]), 2)
    assert np.array_equal(y, [0.5, 0.5, 0.0])


# -------------------------------------------------------------------------------------- companding


def test_companding_closed_forms(solution):
    """The curves at hand-computed points (section 5's formulas)."""
    mu_c, mu_e = solution["mu_law_compress"], solution["mu_law_expand"]
    a_c, a_e = solution["a_law_compress"], solution["a_law_expand"]
    assert mu_c(1.0) == pytest.approx(1.0, abs=1e-15) and mu_c(0.0) == 0.0
    assert mu_c(0.5) == pytest.approx(math.log(128.5) / math.log(256), rel=1e-14)  # ln(1 + 255/2) / ln 256
    assert mu_e(0.5) == pytest.approx((16.0 - 1) / 255, rel=1e-14)  # 256**0.5 = 16
    assert a_c(1 / A) == pytest.approx(1 / (1 + math.log(A)), rel=1e-14)  # both branches meet here
    assert a_c(0.5 / A) == pytest.approx(0.5 / (1 + math.log(A)), rel=1e-14)  # linear below 1/A
    assert a_e(1.0) == pytest.approx(1.0, rel=1e-14) and a_e(-1.0) == pytest.approx(-1.0, rel=1e-14)
    # the slope of mu-law at 0, mu / ln(1 + mu) = 45.99 (quoted as 46): its finest step ratio
    assert mu_c(1e-9) / 1e-9 == pytest.approx(MU / math.log(1 + MU), rel=1e-6)
    assert round(MU / math.log(1 + MU)) == 46


def test_mu_law_plateau_quoted_in_the_notebook(solution):
    """The closed form 6.02 B + 4.77 - 20 log10 ln(1 + mu) = 38.06 dB (exact constants) for B = 8,
    and the measured best SNR of 8-bit mu-law on the 8 kHz speech within 0.5 dB of it (section 5)."""
    closed = 20 * math.log10(2) * 8 + 10 * math.log10(3) - 20 * math.log10(math.log(256))
    assert solution["mu_plateau_db"] == pytest.approx(closed, abs=1e-12)
    assert round(closed, 2) == 38.06
    scaled = [solution["speech8"] * 10 ** (g / 20) for g in solution["gains_db"]]
    snr = [solution["metrics"].snr_db(x, solution["companded_requantize"](x, 8)) for x in scaled]
    assert abs(max(snr) - closed) < 0.5


def test_plateau_width_by_an_independent_procedure(solution):
    """q9's value recomputed here with np.interp on each flank (the SNR rises, then falls, near the
    3 dB points), from the solution's own SNR curve: the same width to 1e-9 dB."""
    levels, snr = solution["levels_db"], solution["snr_mu"]
    best = int(np.argmax(snr))
    target = snr[best] - 3.0
    inside = snr >= target
    lo = best
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    hi = best
    while hi < snr.size - 1 and inside[hi + 1]:
        hi += 1
    left = np.interp(target, snr[lo - 1 : lo + 1], levels[lo - 1 : lo + 1]) if lo > 0 else levels[0]
    last = snr.size - 1
    right = np.interp(target, snr[hi : hi + 2][::-1], levels[hi : hi + 2][::-1]) if hi < last else levels[-1]
    assert solution["mu_law_width_db"] == pytest.approx(right - left, abs=1e-9)
    assert 5.0 < solution["mu_law_width_db"] < 80.0  # the public check's plausible range holds


# ------------------------------------------------------------------------------------------ G.711


def _g711_reference() -> np.ndarray:
    """The G.711 mu-law code of every int16 input, from the standard's decision intervals.

    Written from G.711 (Table 2a) as ITU-T G.191's ``ulaw_compress`` implements it (its g711.c was
    read for this, not copied): the 14-bit magnitude m = x >> 2 for x >= 0 and (-x - 1) >> 2 for
    x < 0, biased by 33, falls in interval i = 16 s + j when 2**(s+5) + 2**(s+1) j <= m + 33 <
    2**(s+5) + 2**(s+1) (j + 1); from m + 33 >= 8192 on the code saturates at i = 127. The character
    sent is 0x80 | (127 - i) for x >= 0 and 127 - i for x < 0 (all bits inverted, sign bit 1 for
    positive). A table lookup, not the shifts of the notebook's encoder.
    """
    lower = np.array([(1 << (s + 5)) + (1 << (s + 1)) * j for s in range(8) for j in range(16)])
    x = np.arange(-32768, 32768, dtype=np.int64)
    magnitude = np.where(x >= 0, x, -x - 1) // 4
    interval = np.searchsorted(lower, np.minimum(magnitude + 33, 8191), side="right") - 1
    return np.where(x >= 0, 0x80 | (127 - interval), 127 - interval).astype(np.uint8)


EVERY_INPUT = np.arange(-32768, 32768, dtype=np.int64).astype(np.int16)


def test_g711_encoder_equals_the_decision_table_on_every_input(solution):
    codes = solution["g711_ulaw_encode"](EVERY_INPUT)
    assert codes.dtype == np.uint8
    np.testing.assert_array_equal(codes, _g711_reference())


def test_g711_hidden_references_are_the_decision_table():
    """The hidden reference outputs of q10's 16 blocks are G.191's codes (not just the solution's)."""
    refs = load_refs(COURSE.hidden_refs_path(SLUG), public=False)
    table = _g711_reference()
    blocks = [c for c in refs.all_cases if c.call == "g711_ulaw_encode" and "block_" in c.id]
    assert len(blocks) == 16
    for case in blocks:
        start = int(case.args[0][0]) + 32768
        np.testing.assert_array_equal(case.expected, table[start : start + 4096])


@pytest.mark.parametrize(
    ("x", "code"),
    [
        (0, 0xFF),  # silence: magnitude 0, segment 0, mantissa 0, all bits inverted
        (-1, 0x7F),  # ~(-1) = 0: the same magnitude as 0, sign bit set, inverted
        (32767, 0x80),  # saturates at segment 7, mantissa 15: ~(0x7F) with the sign bit clear
        (-32768, 0x00),  # the negative extreme: ~(0xFF)
        (124, 0xEF),  # 124 >> 2 = 31, + 33 = 64 = 2**6: segment 1, mantissa 0 -> ~0x10 & 0xFF = 0xEF
        (123, 0xF0),  # 30 + 33 = 63: segment 0, mantissa 15 -> ~0x0F & 0xFF = 0xF0
    ],
)
def test_g711_hand_codes(solution, x, code):
    assert int(solution["g711_ulaw_encode"](np.array([x], dtype=np.int16))[0]) == code


@pytest.mark.filterwarnings("ignore:'audioop' is deprecated:DeprecationWarning")
def test_audioop_differs_from_g191_on_508_negative_inputs(solution):
    """The issue's claim, checked: audioop.lin2ulaw differs on 508 inputs, all negative, -31612 to -1
    (127 decision thresholds times 4 inputs), and agrees everywhere else."""
    audioop = _audioop()
    theirs = np.frombuffer(audioop.lin2ulaw(EVERY_INPUT.tobytes(), 2), dtype=np.uint8)
    differ = EVERY_INPUT[theirs != _g711_reference()]
    assert differ.size == 508 and np.all(differ < 0)
    assert (int(differ.min()), int(differ.max())) == (-31612, -1)


@pytest.mark.filterwarnings("ignore:'audioop' is deprecated:DeprecationWarning")
def test_an_audioop_encoder_loses_the_negative_inputs_only():
    """The corpus case tests/grading/attacks/g711_via_audioop.py, in-process: the negative half of the
    exhaustive comparison (0.75 point) is lost and the non-negative half (0.5) kept. It loses the
    ordering test too (it never sends 0x7F, G.191's code of -1: 255 codes), the shapes group (its
    extremes row holds -1) and the bad-input group (audioop validates nothing): 0.5 of 2 points."""
    audioop = _audioop()

    def g711_ulaw_encode(pcm16):
        x = np.asarray(pcm16)
        return np.frombuffer(audioop.lin2ulaw(x.astype("<i2").tobytes(), 2), dtype=np.uint8).reshape(x.shape)

    scores = _q10_groups({"g711_ulaw_encode": g711_ulaw_encode})
    assert scores["test_reference[g711_negative]"] == 0.0
    assert scores["test_reference[g711_non_negative]"] == 0.5
    assert scores["test_g711_codes_are_uint8_and_ordered"] == 0.0
    assert sum(scores.values()) == 0.5


# ------------------------------------------------------------------------------- transform coding


def test_band_quantization_hand_example(solution):
    """The public case by hand: bands [0, 2), [2, 5), [5, 8) with steps 0.25, 0.5, 1:
    0.3 / 0.25 = 1.2 -> 1; -0.6 / 0.25 = -2.4 -> -2; 1.25 / 0.5 = 2.5 -> 2 (to even); 2.0 / 0.5 = 4;
    -0.1 / 0.5 = -0.2 -> 0; 0 -> 0; 4.4 -> 4; -3.3 -> -3."""
    coeffs = np.array([0.3, -0.6, 1.25, 2.0, -0.1, 0.0, 4.4, -3.3])
    q = solution["quantize_bands"](coeffs, np.array([0, 2, 5, 8]), np.array([0.25, 0.5, 1.0]))
    assert q.dtype == np.int64 and np.array_equal(q, [1, -2, 2, 4, 0, 0, 4, -3])


def test_steps_from_threshold_closed_form(solution):
    """Uniform noise of step D has power D**2 / 12, so T = 1/12 gives D = 1 and T = 3 gives D = 6."""
    assert np.array_equal(solution["steps_from_threshold"](np.array([1 / 12, 0.0, 3.0])), [1.0, 0.0, 6.0])
