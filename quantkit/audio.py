"""Audio in the notebook and on disk: honest playback, and WAV files Audacity can open.

Audio here is float samples in ``[-1, 1]``: a 1-D array for mono, or shape ``(n, 2)`` for stereo (one
row per frame, one column per channel). Nothing is rescaled behind your back: :func:`play` refuses to
normalise, so a quiet or coarsely quantized signal sounds exactly as quiet or as coarse as it is.

WAV files: :func:`save_wav` writes 16-bit or 24-bit PCM (through the standard library's ``wave``
module) or 32-bit IEEE float (format tag 3, written here); :func:`load_wav` reads those and 8/32-bit
PCM, 64-bit float and WAVE_FORMAT_EXTENSIBLE files (what sox and many editors write).

Scaling convention, the one used by libsndfile, sox and Audacity: a ``B``-bit PCM integer ``k`` means
``k / 2**(B-1)``, so ``-1.0`` is the most negative code and the largest positive code is
``1 - 2**-(B-1)``; writing rounds ``x * 2**(B-1)`` to the nearest integer (ties to even, as
libsndfile's ``lrint`` does) and maps ``+1.0`` onto the largest code.
"""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["load_wav", "play", "save_wav", "wav_bytes"]

Subtype = Literal["PCM_16", "PCM_24", "FLOAT"]
_SUBTYPES: dict[str, int] = {"PCM_16": 16, "PCM_24": 24, "FLOAT": 32}

_WAVE_FORMAT_PCM = 0x0001
_WAVE_FORMAT_IEEE_FLOAT = 0x0003
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE


def _check_rate(rate: Any) -> int:
    """A positive whole number of samples per second, as an int."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)):
        raise TypeError(f"rate must be a number of samples per second, got {type(rate).__name__}")
    if not math.isfinite(float(rate)) or float(rate) <= 0:
        raise ValueError(f"rate must be a positive number of samples per second, got {rate}")
    if float(rate) != int(rate):
        raise ValueError(f"rate must be a whole number of samples per second, got {rate}")
    if int(rate) > 0xFFFFFFFF:
        raise ValueError(f"rate {rate} is too large for a WAV file")
    return int(rate)


def _check_audio(x: ArrayLike) -> np.ndarray:
    """Validate float audio in [-1, 1], 1-D or (n, 2); return it as float64."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"audio must be an array of real numbers, got dtype {arr.dtype}")
    if not (arr.ndim == 1 or (arr.ndim == 2 and arr.shape[1] == 2)):
        hint = " (use x.ravel() for a single column)" if arr.ndim == 2 and arr.shape[1] == 1 else ""
        raise ValueError(f"audio must be 1-D (mono) or of shape (n, 2) (stereo), got shape {arr.shape}{hint}")
    if arr.shape[0] == 0:
        raise ValueError("audio is empty: there are no samples to play or save")
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(f"audio contains NaN or infinite values ({int(bad.sum())} of {out.size} samples)")
    peak = float(np.max(np.abs(out)))
    if peak > 1.0:
        raise ValueError(
            f"audio must stay within [-1, 1] but its peak is |x| = {peak:.4g}; "
            "scale it down (x / np.max(np.abs(x))) or clip it (np.clip(x, -1, 1)) first"
        )
    return out


def play(x: ArrayLike, rate: int) -> Any:
    """Play audio in the notebook exactly as it is (no normalisation).

    A wrapper around ``IPython.display.Audio(x, rate=rate, normalize=False)``: IPython would otherwise
    scale every clip to full volume, hiding how quiet a signal is or how loud its quantization noise is.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.
    rate : int
        Sample rate in Hz, a positive whole number.

    Returns
    -------
    IPython.display.Audio
        Shows a player when it is the last expression of a cell (or passed to ``display``).

    Raises
    ------
    ValueError
        If ``|x|`` exceeds 1 (the message gives the peak and how to fix it), ``x`` is empty, contains
        NaN/inf, is not 1-D or ``(n, 2)``, or ``rate`` is not a positive whole number.
    TypeError
        If ``x`` is not numeric or ``rate`` is not a number.

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    from IPython.display import Audio

    data = _check_audio(x)
    rate = _check_rate(rate)
    # IPython wants multi-channel audio as (channels, samples).
    return Audio(data.T if data.ndim == 2 else data, rate=rate, normalize=False)


def _pcm_bytes(data: np.ndarray, bits: int) -> bytes:
    """Float frames in [-1, 1] to interleaved little-endian PCM bytes of ``bits`` (16 or 24)."""
    scale = float(2 ** (bits - 1))
    ints = np.clip(np.rint(data * scale), -scale, scale - 1).astype("<i4")
    if bits == 16:
        return ints.astype("<i2").tobytes()
    # 24-bit: keep the three low bytes of each little-endian int32.
    return np.ascontiguousarray(ints).view(np.uint8).reshape(-1, 4)[:, :3].tobytes()


def _write_float_wav(path: Path, data: np.ndarray, rate: int) -> None:
    """Write 32-bit IEEE float WAV (format tag 3) with the ``fact`` chunk non-PCM files must carry."""
    channels = 1 if data.ndim == 1 else data.shape[1]
    frames = data.shape[0]
    payload = data.astype("<f4").tobytes()
    block_align = 4 * channels
    fmt = struct.pack(
        "<HHIIHHH", _WAVE_FORMAT_IEEE_FLOAT, channels, rate, rate * block_align, block_align, 32, 0
    )
    fact = struct.pack("<I", frames)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"fact"
        + struct.pack("<I", len(fact))
        + fact
        + b"data"
        + struct.pack("<I", len(payload))
        + payload
        + (b"\x00" if len(payload) % 2 else b"")
    )
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def save_wav(path: str | os.PathLike[str], x: ArrayLike, rate: int, subtype: Subtype = "PCM_16") -> Path:
    """Write audio to a WAV file that Audacity, sox and media players can open.

    Parameters
    ----------
    path : str or path-like
        Where to write (overwritten if it exists).
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.
    rate : int
        Sample rate in Hz, a positive whole number.
    subtype : {"PCM_16", "PCM_24", "FLOAT"}, default "PCM_16"
        ``PCM_16`` / ``PCM_24``: integers, ``round(x * 2**(B-1))`` (ties to even) with ``+1.0`` mapped
        to the largest code (written with the standard library ``wave`` module). ``FLOAT``: 32-bit IEEE float
        (float64 input is rounded to float32).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown subtype, audio outside ``[-1, 1]`` (nothing is clipped silently), empty audio,
        NaN/inf, a shape other than 1-D or ``(n, 2)``, or a bad rate.
    """
    if subtype not in _SUBTYPES:
        raise ValueError(f"subtype must be one of {sorted(_SUBTYPES)}, got {subtype!r}")
    data = _check_audio(x)
    rate = _check_rate(rate)
    path = Path(path)
    if subtype == "FLOAT":
        _write_float_wav(path, data, rate)
        return path
    bits = _SUBTYPES[subtype]
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1 if data.ndim == 1 else data.shape[1])
        wav.setsampwidth(bits // 8)
        wav.setframerate(rate)
        wav.writeframes(_pcm_bytes(data, bits))
    return path


def _parse_fmt(chunk: bytes, path: Path) -> tuple[int, int, int, int, int]:
    """Return (format tag, channels, rate, block align, bits) from a ``fmt `` chunk."""
    if len(chunk) < 16:
        raise ValueError(f"{path}: the WAV 'fmt ' chunk is too short ({len(chunk)} bytes)")
    tag, channels, rate, _, block_align, bits = struct.unpack("<HHIIHH", chunk[:16])
    if tag == _WAVE_FORMAT_EXTENSIBLE:
        if len(chunk) < 40:
            raise ValueError(f"{path}: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is too short")
        tag = struct.unpack("<H", chunk[24:26])[0]  # the first two bytes of the sub-format GUID
    return tag, channels, rate, block_align, bits


def load_wav(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read a WAV file as float64 samples and its sample rate.

    Parameters
    ----------
    path : str or path-like
        A PCM (8, 16, 24 or 32-bit integer) or IEEE float (32 or 64-bit) WAV file, plain or
        WAVE_FORMAT_EXTENSIBLE.

    Returns
    -------
    x : numpy.ndarray
        float64 samples: shape ``(n,)`` for mono, ``(n, channels)`` otherwise. PCM codes ``k`` become
        ``k / 2**(B-1)`` (8-bit files are unsigned: ``(k - 128) / 128``), so they lie in ``[-1, 1)``;
        float files are returned as stored (normally within ``[-1, 1]``).
    rate : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        If the file is not a RIFF/WAVE file, or uses an encoding other than the above (the message
        names it).
    FileNotFoundError
        If there is no such file.
    """
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ValueError(f"{path} is not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int, int] | None = None
    data: bytes | None = None
    pos = 12
    while pos + 8 <= len(raw):
        cid = raw[pos : pos + 4]
        size = struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        body = raw[pos + 8 : pos + 8 + size]  # a truncated last chunk keeps what is there
        if cid == b"fmt ":
            fmt = _parse_fmt(body, path)
        elif cid == b"data":
            data = body
        pos += 8 + size + (size % 2)
    if fmt is None or data is None:
        missing = " and ".join(repr(n) for n, v in (("fmt ", fmt), ("data", data)) if v is None)
        raise ValueError(f"{path}: a WAV file needs a 'fmt ' and a 'data' chunk; {missing} is missing")
    tag, channels, rate, block_align, bits = fmt
    if channels < 1 or block_align != channels * ((bits + 7) // 8):
        raise ValueError(
            f"{path}: inconsistent WAV header ({channels} channels, {bits} bits, block {block_align})"
        )
    usable = len(data) - len(data) % block_align
    buf = data[:usable]
    if tag == _WAVE_FORMAT_PCM and bits == 8:
        x = (np.frombuffer(buf, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif tag == _WAVE_FORMAT_PCM and bits == 16:
        x = np.frombuffer(buf, dtype="<i2").astype(np.float64) / 2.0**15
    elif tag == _WAVE_FORMAT_PCM and bits == 24:
        b = np.frombuffer(buf, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)  # sign-extend
        x = ints.astype(np.float64) / 2.0**23
    elif tag == _WAVE_FORMAT_PCM and bits == 32:
        x = np.frombuffer(buf, dtype="<i4").astype(np.float64) / 2.0**31
    elif tag == _WAVE_FORMAT_IEEE_FLOAT and bits in (32, 64):
        x = np.frombuffer(buf, dtype="<f4" if bits == 32 else "<f8").astype(np.float64)
    else:
        kind = {1: "PCM", 3: "IEEE float"}.get(tag, f"format tag {tag:#06x}")
        raise ValueError(
            f"{path}: unsupported WAV encoding ({kind}, {bits} bits); "
            "supported: PCM 8/16/24/32-bit and IEEE float 32/64-bit"
        )
    if channels > 1:
        x = x.reshape(-1, channels)
    return x, int(rate)


def wav_bytes(x: ArrayLike, rate: int) -> bytes:
    """The bytes of a 16-bit PCM WAV file holding ``x``, for players that take a file's content.

    ``ipywidgets.Audio(value=wav_bytes(x, rate), format="wav")`` is a player whose sound can be
    replaced without re-displaying it (the explorers use it). The samples are written as
    :func:`save_wav` writes ``PCM_16``: ``round(x * 32768)`` (ties to even), ``+1.0`` on the largest code.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.
    rate : int
        Sample rate in Hz, a positive whole number.

    Returns
    -------
    bytes
        A complete RIFF/WAVE file (44-byte header, then the samples).

    Raises
    ------
    ValueError
        As :func:`play`: audio outside ``[-1, 1]``, empty, NaN/inf, a bad shape or rate.

    Examples
    --------
    >>> data = wav_bytes([0.0, 0.5, -0.5], 8000)
    >>> data[:4], data[8:12], len(data)
    (b'RIFF', b'WAVE', 50)
    """
    import io

    data = _check_audio(x)
    rate = _check_rate(rate)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1 if data.ndim == 1 else data.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(_pcm_bytes(data, 16))
    return buf.getvalue()
