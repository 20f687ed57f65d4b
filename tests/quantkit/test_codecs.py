"""Tests for quantkit.codecs: MP3 round trips (LAME + miniaudio) and the G.711 decoder.

Reference facts: LAME's encoder delay is 576 samples and an MP3 decoder adds 528 + 1 (LAME's technical
FAQ, "encoder delay"; the gapless-playback literature), so a stream that keeps 44.1 kHz is 1105 samples
late; at 32 kbit/s mono LAME resamples to 22.05 kHz. G.711 decoding (ITU-T G.711 Table 2a/2b, as
implemented by ITU-T G.191's ulaw_expand / alaw_expand): mu-law code -> +-4 ((2m + 33) 2^s - 33) after
inverting the bits, A-law code -> +-((m + 16 [s > 0]) 16 + 8) 2^max(s - 1, 0) after toggling the even
bits (0x55), both on the 16-bit scale.
"""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

from quantkit import codecs, data
from quantkit.codecs import align, decode_g711, mp3_decode, mp3_encode, mp3_round_trip


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(codecs, verbose=False)
    assert tried >= 2 and failures == 0


@pytest.fixture(scope="module")
def excerpt() -> np.ndarray:
    return data.music(44100)[0][: 3 * 44100]


@pytest.mark.parametrize(
    ("kbps", "stream_rate", "delay"), [(64, 44100, 1105), (128, 44100, 1105), (32, 22050, None)]
)
def test_round_trip_rate_delay_and_size(excerpt, kbps, stream_rate, delay) -> None:
    result = mp3_round_trip(excerpt, 44100, kbps)
    assert result.samples.shape == excerpt.shape
    assert result.stream_rate == stream_rate
    assert result.actual_kbps == pytest.approx(kbps, rel=0.03)  # constant bit rate; the last frame padded
    if delay is not None:
        assert result.delay == delay
    else:  # the 22.05 kHz stream's 1105 samples, counted at 44.1 kHz after resampling
        assert result.delay == 2 * 1105
    error = result.samples - result.gain * excerpt
    assert 10 * np.log10(np.sum(excerpt**2) / np.sum(error**2)) > 7.0


def test_lame_stream_is_half_a_decibel_quieter() -> None:
    """A steady tone comes back about 0.45 dB quieter (gain 0.95), at any rate and through either decoder."""
    t = np.arange(2 * 44100) / 44100
    x = 0.3 * np.sin(2 * np.pi * 441.0 * t)
    for kbps in (64, 128):
        result = mp3_round_trip(x, 44100, kbps)
        assert result.gain == pytest.approx(0.95, abs=0.005)
        middle = slice(10_000, 80_000)
        level = np.sqrt(np.mean(result.samples[middle] ** 2) / np.mean(x[middle] ** 2))
        assert level == pytest.approx(0.95, abs=0.005)


def test_resampled_stream_has_no_images_above_its_nyquist_frequency() -> None:
    """At 32 kbit/s the 22.05 kHz stream is resampled by a polyphase filter: nothing comes back above
    11.025 kHz (miniaudio's linear resampler would leave images there, less than 30 dB down)."""
    rng = np.random.default_rng(3)
    x = np.clip(0.2 * rng.standard_normal(2 * 44100), -1, 1)
    y = mp3_round_trip(x, 44100, 32).samples
    f = np.fft.rfftfreq(x.size, 1 / 44100)
    hi = f > 11025 * 1.05
    ratio = np.sum(np.abs(np.fft.rfft(y))[hi] ** 2) / np.sum(np.abs(np.fft.rfft(x))[hi] ** 2)
    assert 10 * np.log10(ratio) < -50


def test_low_bit_rate_cuts_high_frequencies() -> None:
    """At 64 kbit/s LAME low-passes near 16-17 kHz: white noise comes back >= 30 dB weaker above 17.5 kHz."""
    rng = np.random.default_rng(0)
    x = np.clip(0.2 * rng.standard_normal(2 * 44100), -1, 1)
    y = mp3_round_trip(x, 44100, 64).samples
    f = np.fft.rfftfreq(x.size, 1 / 44100)
    hi = f > 17500
    ratio = np.sum(np.abs(np.fft.rfft(y))[hi] ** 2) / np.sum(np.abs(np.fft.rfft(x))[hi] ** 2)
    assert 10 * np.log10(ratio) < -30


def test_stereo_round_trip_keeps_two_channels(excerpt) -> None:
    stereo = np.column_stack([excerpt[:44100], 0.5 * excerpt[:44100]])
    result = mp3_round_trip(stereo, 44100, 128)
    assert result.samples.shape == stereo.shape
    assert result.delay == 1105


def test_decode_returns_the_stream_rate_by_default(excerpt) -> None:
    y, rate = mp3_decode(mp3_encode(excerpt[:22050], 44100, 32))
    assert rate == 22050 and y.ndim == 1


def test_align_finds_a_known_delay() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    aligned, delay = align(x, np.concatenate([np.zeros(123), 0.5 * x, np.zeros(10)]))
    assert delay == 123
    np.testing.assert_allclose(aligned, 0.5 * x)
    short, _ = align(x, np.concatenate([np.zeros(5), x[:1000]]))  # too short: zero-padded
    np.testing.assert_array_equal(short[1000:], 0.0)
    stereo = np.column_stack([x, 0.5 * x])
    _, d2 = align(stereo, np.vstack([np.zeros((7, 2)), stereo]))
    assert d2 == 7


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: mp3_encode(np.zeros(100), 44100, 100), ValueError, "bit rates"),
        (lambda: mp3_encode(np.zeros(100), 44100, 128.0), TypeError, "kbps"),
        (lambda: mp3_encode(np.zeros(100), 96000, 128), ValueError, "sample rates"),
        (lambda: mp3_encode(np.full(100, 1.5), 44100, 128), ValueError, "peak"),
        (lambda: mp3_encode(np.zeros(100), 44100, 128, quality=10), ValueError, "quality"),
        (lambda: mp3_decode(b"not an mp3 stream at all"), ValueError, "decode"),
        (lambda: mp3_decode(b""), ValueError, "bytes"),
        (lambda: align(np.zeros(10), np.zeros((10, 2))), ValueError, "channels"),
        (lambda: decode_g711([256]), ValueError, "0 to 255"),
        (lambda: decode_g711([0.5]), ValueError, "integers"),
        (lambda: decode_g711([0], law="alaw"), ValueError, "law"),
    ],
)
def test_bad_arguments_are_refused(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def _ulaw_closed_form(code: np.ndarray) -> np.ndarray:
    inverted = ~code & 0xFF
    s, m = (inverted >> 4) & 7, inverted & 0xF
    magnitude = 4 * (((2 * m + 33) << s) - 33)
    return np.where(inverted & 0x80, -magnitude, magnitude)


def _alaw_closed_form(code: np.ndarray) -> np.ndarray:
    toggled = code ^ 0x55
    s, m = (toggled >> 4) & 7, toggled & 0xF
    magnitude = ((m + 16 * (s > 0)) * 16 + 8) << np.maximum(s - 1, 0)
    return np.where(code & 0x80, magnitude, -magnitude)


def test_g711_decoder_matches_the_standard_on_all_codes() -> None:
    codes = np.arange(256)
    np.testing.assert_array_equal(decode_g711(codes, "mu"), _ulaw_closed_form(codes))
    np.testing.assert_array_equal(decode_g711(codes, "A"), _alaw_closed_form(codes))
    assert decode_g711(codes.reshape(16, 16)).shape == (16, 16)
    assert decode_g711(np.array([], dtype=np.uint8)).shape == (0,)


def test_g711_decoder_agrees_with_audioop_where_it_exists() -> None:
    """Python's audioop (3.11-3.12; removed in 3.13) decodes both laws the same way."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")
    codes = np.arange(256, dtype=np.uint8)
    for law, decode in (("mu", audioop.ulaw2lin), ("A", audioop.alaw2lin)):
        expected = np.frombuffer(decode(codes.tobytes(), 2), dtype="<i2")
        np.testing.assert_array_equal(decode_g711(codes, law), expected)
