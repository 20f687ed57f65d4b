"""Tests for quantkit.audio: honest playback and WAV round trips, cross-checked with sox when present.

Reference facts: a WAV file is a RIFF container with a ``fmt `` chunk (format tag 1 = PCM, 3 = IEEE float,
0xFFFE = WAVE_FORMAT_EXTENSIBLE) and a ``data`` chunk of little-endian interleaved frames; a B-bit PCM
code k stands for k / 2**(B-1) (libsndfile / sox convention). The bytes quantkit writes (through
libsndfile) are decoded here independently, with the standard library's ``wave`` module or by hand.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from IPython.display import Audio

from quantkit.audio import listening_table, load_wav, play, playback_subtype, save_wav, wav_bytes

SOX = shutil.which("sox")
needs_sox = pytest.mark.skipif(SOX is None, reason="sox is not installed")

BITS = {"PCM_16": 16, "PCM_24": 24}


def _codes(bits: int, shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Random PCM codes covering the full range, including both extremes."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(-(2 ** (bits - 1)), 2 ** (bits - 1), size=shape)
    codes.flat[0] = -(2 ** (bits - 1))
    codes.flat[-1] = 2 ** (bits - 1) - 1
    return codes


# --- play ----------------------------------------------------------------------------------------


def _pcm16_codes(data: bytes) -> tuple[np.ndarray, int, int]:
    """Decode 16-bit PCM WAV bytes with the standard library (independent of libsndfile)."""
    with wave.open(io.BytesIO(data), "rb") as w:
        assert w.getsampwidth() == 2
        codes = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int64)
        return codes.reshape(-1, w.getnchannels()).squeeze(), w.getframerate(), w.getnchannels()


def _fmt(data: bytes) -> tuple[int, int, int, int]:
    """(format tag, channels, rate, bits) of the first ``fmt `` chunk, read by hand."""
    i = data.index(b"fmt ")
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[i + 8 : i + 24])
    return tag, channels, rate, bits


def _data_chunk(data: bytes) -> bytes:
    i = data.index(b"data")
    size = struct.unpack("<I", data[i + 4 : i + 8])[0]
    return data[i + 8 : i + 8 + size]


def test_play_does_not_normalise_a_quiet_signal(tmp_path):
    """A sine of peak 0.01 stays at 0.01 in the player's WAV (IPython would scale it to 1 by default)."""
    x = 0.01 * np.sin(2 * np.pi * 440 * np.arange(800) / 8000)
    audio = play(x, 8000)
    assert isinstance(audio, Audio)
    wav = tmp_path / "played.wav"
    wav.write_bytes(audio.data)
    y, rate = load_wav(wav)
    assert rate == 8000
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, x.astype(np.float32))  # off any PCM grid: played as float32


@pytest.mark.parametrize("bits", [1, 4, 8, 12, 16])
def test_play_sends_exactly_the_students_codes(bits):
    """A signal requantized to B <= 16 bits (here with TPDF dither) plays as 16-bit PCM holding exactly
    its codes: k / 2**(B-1) becomes the 16-bit code k * 2**(16-B), no rounding, no truncation."""
    rng = np.random.default_rng(bits)
    x = 0.3 * np.sin(2 * np.pi * 997 * np.arange(4000) / 44100)
    step = 2.0 ** -(bits - 1)
    tpdf = (rng.uniform(-0.5, 0.5, x.size) + rng.uniform(-0.5, 0.5, x.size)) * step
    codes = np.clip(np.round((x + tpdf) / step), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1).astype(np.int64)
    student = codes * step  # what a student's requantize returns
    audio = play(student, 44100)
    got, rate, channels = _pcm16_codes(audio.data)
    assert (rate, channels) == (44100, 1)
    np.testing.assert_array_equal(got, codes * 2 ** (16 - bits))


def test_play_24_bit_grid_keeps_its_codes():
    """A signal on the 24-bit grid (but not the 16-bit one) plays as 24-bit PCM with its codes."""
    codes = _codes(24, (3000,), seed=11)
    codes[1] = 1  # surely not on the 16-bit grid
    data = wav_bytes(codes / 2.0**23, 48000)
    assert _fmt(data) == (1, 1, 48000, 24)
    b = np.frombuffer(_data_chunk(data), np.uint8).reshape(-1, 3).astype(np.int64)
    got = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
    np.testing.assert_array_equal(np.where(got >= 2**23, got - 2**24, got), codes)


def test_play_off_grid_is_32_bit_float_of_the_samples():
    """Anything else plays as IEEE float: the float32 values of the samples, nothing rounded to a grid."""
    x = np.linspace(-1.0, 1.0, 1001)  # includes +1.0, which is no PCM code
    data = play(x, 22050).data
    assert _fmt(data) == (3, 1, 22050, 32)
    np.testing.assert_array_equal(np.frombuffer(_data_chunk(data), "<f4"), x.astype(np.float32))


@pytest.mark.parametrize(
    ("x", "subtype"),
    [
        (np.array([0.0, -1.0, 32767 / 32768]), "PCM_16"),
        (np.array([0.25, -0.5]), "PCM_16"),
        (np.array([2.0**-23, -1.0]), "PCM_24"),
        (np.array([1.0, 0.0]), "FLOAT"),  # +1.0 would be clipped by any PCM encoding
        (np.array([2.0**-24]), "FLOAT"),
        (np.array([[0.5, 0.25], [0.1, 0.0]]), "FLOAT"),
        (np.array([[0.5, 0.25], [0.125, 0.0]]), "PCM_16"),
    ],
)
def test_playback_subtype_is_the_coarsest_exact_encoding(x, subtype):
    assert playback_subtype(x) == subtype


def test_ipython_alone_would_requantize():
    """Why play builds its own WAV: IPython scales floats by 32767 and truncates toward zero, so a value
    on the 16-bit grid comes out one code off (IPython 8.x, ``IPython.lib.display.Audio._make_wav``)."""
    x = np.array([-3.0, -1.0, 5.0, 100.0]) / 32768
    ipython_codes, _, _ = _pcm16_codes(Audio(x, rate=8000, normalize=False).data)
    ours, _, _ = _pcm16_codes(play(x, 8000).data)
    np.testing.assert_array_equal(ours, [-3, -1, 5, 100])
    assert not np.array_equal(ipython_codes, ours)


def test_listening_table_plays_each_clip_exactly():
    """One row and one player per clip; each player's data URI holds exactly wav_bytes of the clip."""
    a = np.round(np.sin(np.arange(100) / 5) * 127) / 128
    b = np.linspace(-0.5, 0.5, 80)
    table = listening_table({"8 bits": (a, 8000), "original <b>": (b, 16000)}, notes={"8 bits": "coarse"})
    sources = re.findall(r"src='data:audio/wav;base64,([^']+)'", table.data)
    assert [base64.b64decode(s) for s in sources] == [wav_bytes(a, 8000), wav_bytes(b, 16000)]
    assert table.data.count("<tr>") == 2 and "coarse" in table.data and "&lt;b&gt;" in table.data
    assert listening_table([("one", a, 8000)]).data.count("<audio") == 1


def test_listening_table_names_the_bad_clip():
    with pytest.raises(ValueError, match=r"clip 'loud'.*peak is"):
        listening_table({"ok": (np.zeros(10), 8000), "loud": (np.full(10, 2.0), 8000)})
    with pytest.raises(ValueError, match="at least one clip"):
        listening_table([])


def test_play_stereo_keeps_channels_apart(tmp_path):
    """(n, 2) input becomes a 2-channel player with left and right where they were."""
    t = np.arange(400) / 8000
    x = np.column_stack([0.5 * np.sin(2 * np.pi * 200 * t), 0.25 * np.sin(2 * np.pi * 300 * t)])
    wav = tmp_path / "stereo.wav"
    wav.write_bytes(play(x, 8000).data)
    y, _ = load_wav(wav)
    assert y.shape == (400, 2)
    np.testing.assert_array_equal(y, x.astype(np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_play_accepts_numeric_dtypes_within_range(dtype):
    """Any real dtype works as long as the values are in [-1, 1]."""
    assert isinstance(play(np.array([0, 1, -1, 0], dtype=dtype), 8000), Audio)


def test_play_too_loud_says_the_peak_and_the_fix():
    """|x| > 1 is refused with the peak found and how to fix it."""
    with pytest.raises(ValueError, match=r"peak is \|x\| = 1\.5.*scale it down.*clip it"):
        play(np.array([0.0, -1.5, 0.2]), 8000)


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.zeros((10, 3)), r"1-D \(mono\) or of shape \(n, 2\)"),
        (np.zeros((10, 1)), r"x\.ravel\(\)"),
        (np.zeros((2, 2, 2)), "got shape"),
        (np.zeros(0), "empty"),
        (np.zeros((0, 2)), "empty"),
        (np.array([0.0, np.nan]), "NaN"),
        (np.array([0.0, np.inf]), "NaN or infinite"),
    ],
)
def test_play_rejects_bad_audio(x, match):
    """Wrong shapes, empty and non-finite audio get a plain ValueError."""
    with pytest.raises(ValueError, match=match):
        play(x, 8000)


@pytest.mark.parametrize(
    ("rate", "error"),
    [
        (0, ValueError),
        (-8000, ValueError),
        (8000.5, ValueError),
        (float("nan"), ValueError),
        ("8000", TypeError),
        (True, TypeError),
    ],
)
def test_play_rejects_bad_rates(rate, error):
    """The rate must be a positive whole number."""
    with pytest.raises(error, match="rate"):
        play(np.zeros(10), rate)


def test_play_rejects_non_numeric_audio():
    """Strings and complex numbers are not audio."""
    with pytest.raises(TypeError):
        play(np.array(["a", "b"]), 8000)
    with pytest.raises(TypeError):
        play(np.zeros(4, complex), 8000)


# --- save_wav / load_wav round trips --------------------------------------------------------------


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24"])
@pytest.mark.parametrize("shape", [(1000,), (1000, 2)])
def test_pcm_round_trip_is_exact_on_the_code_grid(tmp_path, subtype, shape):
    """Values k / 2**(B-1) are written as code k and read back exactly (mono and stereo)."""
    bits = BITS[subtype]
    x = _codes(bits, shape, seed=1) / 2.0 ** (bits - 1)
    path = save_wav(tmp_path / "x.wav", x, 22050, subtype=subtype)
    y, rate = load_wav(path)
    assert rate == 22050
    assert y.dtype == np.float64
    assert y.shape == shape
    np.testing.assert_array_equal(y, x)


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24"])
def test_pcm_rounds_to_the_nearest_code(tmp_path, subtype):
    """Arbitrary values land within half a code step; +1.0 becomes the largest code, 1 - 2**-(B-1)."""
    bits = BITS[subtype]
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, 5000)
    x[:2] = [1.0, -1.0]
    y, _ = load_wav(save_wav(tmp_path / "x.wav", x, 8000, subtype=subtype))
    lsb = 2.0 ** -(bits - 1)
    assert y[0] == 1.0 - lsb
    assert y[1] == -1.0
    assert np.max(np.abs(y[2:] - x[2:])) <= lsb / 2


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24"])
def test_pcm_ties_round_to_even(tmp_path, subtype):
    """As documented (like libsndfile's lrint): a value half-way between two codes goes to the even one."""
    bits = BITS[subtype]
    halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5])  # in codes; exact in binary
    y, _ = load_wav(save_wav(tmp_path / "x.wav", halves / 2.0 ** (bits - 1), 8000, subtype=subtype))
    np.testing.assert_array_equal(y * 2.0 ** (bits - 1), [0.0, 2.0, 2.0, -0.0, -2.0])


@pytest.mark.parametrize("shape", [(777,), (777, 2)])
def test_float_round_trip(tmp_path, shape):
    """FLOAT stores float32: float32 values come back exactly, float64 within float32 rounding."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, shape)
    x32 = x.astype(np.float32).astype(np.float64)
    y, rate = load_wav(save_wav(tmp_path / "f.wav", x32, 48000, subtype="FLOAT"))
    assert rate == 48000
    np.testing.assert_array_equal(y, x32)
    y64, _ = load_wav(save_wav(tmp_path / "g.wav", x, 48000, subtype="FLOAT"))
    np.testing.assert_allclose(y64, x, rtol=2.0**-24, atol=0)


@pytest.mark.parametrize(("subtype", "tag", "bits"), [("PCM_16", 1, 16), ("PCM_24", 1, 24), ("FLOAT", 3, 32)])
def test_headers_say_what_they_hold(tmp_path, subtype, tag, bits):
    """The fmt chunk carries the format tag and bit depth; float files carry a fact chunk (frames)."""
    raw = save_wav(tmp_path / "h.wav", np.zeros((5, 2)), 44100, subtype=subtype).read_bytes()
    assert raw[:4] == b"RIFF" and raw[8:16] == b"WAVEfmt "
    assert struct.unpack("<I", raw[4:8])[0] == len(raw) - 8
    fmt_tag, channels, rate, byte_rate, align, depth = struct.unpack("<HHIIHH", raw[20:36])
    assert (fmt_tag, channels, rate, depth) == (tag, 2, 44100, bits)
    assert align == 2 * bits // 8 and byte_rate == rate * align
    if subtype == "FLOAT":
        i = raw.index(b"fact")
        assert struct.unpack("<I", raw[i + 8 : i + 12])[0] == 5


def test_save_refuses_what_it_would_have_to_clip(tmp_path):
    """Nothing is clipped silently: out-of-range audio is an error, with the peak."""
    with pytest.raises(ValueError, match="peak is"):
        save_wav(tmp_path / "loud.wav", np.array([0.5, 1.01]), 8000)
    assert not (tmp_path / "loud.wav").exists()


def test_save_rejects_unknown_subtype(tmp_path):
    """Only the documented subtypes."""
    with pytest.raises(ValueError, match="subtype must be one of"):
        save_wav(tmp_path / "x.wav", np.zeros(4), 8000, subtype="PCM_8")  # type: ignore[arg-type]


def test_load_8_bit_unsigned_written_by_the_standard_library(tmp_path):
    """8-bit WAV is unsigned with 128 as zero: (k - 128) / 128."""
    path = tmp_path / "u8.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes([0, 64, 128, 255]))
    y, rate = load_wav(path)
    np.testing.assert_array_equal(y, [-1.0, -0.5, 0.0, 127 / 128])
    assert rate == 8000


def test_load_skips_unknown_chunks_and_reads_32_bit_pcm(tmp_path):
    """A LIST chunk (odd size, padded) before the data is skipped; 32-bit codes are k / 2**31."""
    codes = np.array([-(2**31), -1, 0, 2**31 - 1], dtype="<i4")
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 64000, 4, 32)
    junk = b"INFOabc"  # 7 bytes: needs a pad byte
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"LIST"
        + struct.pack("<I", 7)
        + junk
        + b"\0"
        + b"data"
        + struct.pack("<I", 16)
        + codes.tobytes()
    )
    path = tmp_path / "p32.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    y, rate = load_wav(path)
    np.testing.assert_array_equal(y, codes / 2.0**31)
    assert rate == 16000


def test_load_rejects_what_it_cannot_read(tmp_path):
    """Not a WAV file, missing chunks and unsupported encodings get plain errors."""
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"hello, not a wave file")
    with pytest.raises(ValueError, match="not a WAV file"):
        load_wav(bad)
    bad.write_bytes(b"RIFF" + struct.pack("<I", 4) + b"WAVE")
    with pytest.raises(ValueError, match="not a WAV file"):
        load_wav(bad)
    alaw = struct.pack("<HHIIHH", 6, 1, 8000, 8000, 1, 8)  # format tag 6 = A-law
    body = b"WAVEfmt " + struct.pack("<I", 16) + alaw + b"data" + struct.pack("<I", 2) + b"\0\0"
    bad.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(ValueError, match=r"unsupported WAV encoding \(A-Law\)"):
        load_wav(bad)
    with pytest.raises(FileNotFoundError):
        load_wav(tmp_path / "missing.wav")


def test_load_refuses_other_containers(tmp_path):
    """A file libsndfile reads but that is no WAV (here AIFF written by libsndfile) is refused by name."""
    import soundfile

    path = tmp_path / "x.aiff"
    soundfile.write(str(path), np.zeros(10, np.int16), 8000, format="AIFF")
    with pytest.raises(ValueError, match=r"not a WAV file.*AIFF"):
        load_wav(path)


# --- cross-checks with sox ------------------------------------------------------------------------

SOX_FORMATS = {
    "PCM_16": (["-e", "signed-integer", "-b", "16"], "<i2", 16),
    "PCM_24": (["-e", "signed-integer", "-b", "24"], None, 24),
    "FLOAT": (["-e", "floating-point", "-b", "32"], "<f4", None),
}


def _sox(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SOX, "-D", *args], check=True, capture_output=True, text=False)  # type: ignore[list-item]


@needs_sox
@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24", "FLOAT"])
def test_load_reads_files_written_by_sox(tmp_path, subtype, channels):
    """sox turns known raw samples into a WAV (24-bit as WAVE_FORMAT_EXTENSIBLE); load_wav recovers them."""
    encoding, dtype, bits = SOX_FORMATS[subtype]
    n = 500
    if subtype == "FLOAT":
        values = np.random.default_rng(4).uniform(-1, 1, (n, channels)).astype("<f4")
        raw, expected = values.tobytes(), values.astype(np.float64)
    else:
        codes = _codes(bits, (n, channels), seed=5)
        if bits == 24:
            raw = codes.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
        else:
            raw = codes.astype(dtype).tobytes()
        expected = codes / 2.0 ** (bits - 1)
    (tmp_path / "in.raw").write_bytes(raw)
    rawfmt = ["-t", "raw", "-r", "11025", "-c", str(channels), "-L", *encoding]
    _sox(*rawfmt, str(tmp_path / "in.raw"), str(tmp_path / "sox.wav"))
    y, rate = load_wav(tmp_path / "sox.wav")
    assert rate == 11025
    # sox carries samples in its internal 32-bit integer format: exact for PCM, but float32 values may
    # move by up to one float32 step at full scale (2**-23) on the way through.
    atol = 2.0**-23 if subtype == "FLOAT" else 0.0
    np.testing.assert_allclose(y, expected[:, 0] if channels == 1 else expected, rtol=0, atol=atol)


@needs_sox
@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24", "FLOAT"])
def test_sox_reads_files_written_by_save_wav(tmp_path, subtype, channels):
    """sox identifies our files correctly and decodes the very samples we wrote."""
    encoding, dtype, bits = SOX_FORMATS[subtype]
    shape = (300,) if channels == 1 else (300, 2)
    x = np.random.default_rng(6).uniform(-1, 1, shape)
    path = save_wav(tmp_path / "ours.wav", x, 16000, subtype=subtype)
    info = _sox_info(path)
    assert info["Channels"] == str(channels)
    assert info["Sample Rate"] == "16000"
    expected_encoding = {
        "PCM_16": "16-bit Signed Integer PCM",
        "PCM_24": "24-bit Signed Integer PCM",
        "FLOAT": "32-bit Floating Point PCM",
    }[subtype]
    assert info["Sample Encoding"] == expected_encoding
    rawfmt = ["-t", "raw", "-L", *encoding]
    _sox(str(path), *rawfmt, str(tmp_path / "out.raw"))
    raw = (tmp_path / "out.raw").read_bytes()
    if subtype == "FLOAT":
        decoded = np.frombuffer(raw, "<f4").astype(np.float64)
        # sox's internal 32-bit integer format may move a float32 by one step at full scale (2**-23).
        np.testing.assert_allclose(decoded, x.astype(np.float32).ravel(), rtol=0, atol=2.0**-23)
    else:
        if bits == 24:
            b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
            codes = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
            codes = np.where(codes >= 2**23, codes - 2**24, codes)
        else:
            codes = np.frombuffer(raw, dtype).astype(np.int64)
        scale = 2.0 ** (bits - 1)
        np.testing.assert_array_equal(codes, np.clip(np.rint(x * scale), -scale, scale - 1).ravel())


def _sox_info(path: Path) -> dict[str, str]:
    out = subprocess.run([SOX, "--i", str(path)], check=True, capture_output=True, text=True).stdout  # type: ignore[list-item]
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}


# --- wav_bytes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (5, 2)])
def test_wav_bytes_is_what_save_wav_writes(tmp_path, shape):
    """With subtype PCM_16 the in-memory file is byte for byte the file save_wav writes, and reads back."""
    from quantkit.audio import wav_bytes

    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    path = save_wav(tmp_path / "x.wav", x, 8000)
    assert wav_bytes(x, 8000, "PCM_16") == path.read_bytes()
    back, rate = load_wav(path)
    assert rate == 8000 and back.shape == x.shape


def test_wav_bytes_refuses_loud_audio():
    from quantkit.audio import wav_bytes

    with pytest.raises(ValueError, match="peak"):
        wav_bytes([0.0, 1.5], 8000)


def test_audio_docstring_examples_run():
    import doctest

    from quantkit import audio

    failures, tried = doctest.testmod(audio, verbose=False)
    assert tried >= 1 and failures == 0
