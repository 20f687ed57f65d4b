"""Real codecs: MP3 through LAME (``lameenc``) and back through ``miniaudio``; the G.711 decoder.

Only the plumbing lives here (16-bit input for the encoder, decoding to the original rate, finding
and removing the codec's delay); no part of a graded question. A round trip is
``mp3_decode(mp3_encode(x, rate, kbps), rate)``, then :func:`align` removes the delay that the
encoder and decoder add, found by cross-correlation.

:func:`decode_g711` turns 8-bit G.711 codes (mu-law or A-law) back into 16-bit linear PCM with
libsndfile's decoder (the ``soundfile`` package); its output equals the ITU-T G.191 reference
``ulaw_expand`` / ``alaw_expand`` on all 256 codes (the tests check it against the closed form).

Used in: notebooks/02_audio.ipynb
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from quantkit.audio import _check_audio, _check_rate, _pcm_codes

__all__ = [
    "MP3_BITRATES",
    "MP3_RATES",
    "Mp3RoundTrip",
    "align",
    "decode_g711",
    "mp3_decode",
    "mp3_encode",
    "mp3_round_trip",
]

#: Constant bit rates (kbit/s) of MPEG-1 Layer III (32, 44.1, 48 kHz) and MPEG-2/2.5 (lower rates).
MP3_BITRATES = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320)
#: Sample rates an MP3 stream can have (Hz).
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


def _check_kbps(kbps: Any) -> int:
    if isinstance(kbps, bool) or not isinstance(kbps, (int, np.integer)):
        raise TypeError(f"kbps must be an integer number of kbit/s, got {type(kbps).__name__}")
    if int(kbps) not in MP3_BITRATES:
        raise ValueError(f"kbps must be one of the MP3 bit rates {MP3_BITRATES}, got {kbps}")
    return int(kbps)


def mp3_encode(x: ArrayLike, rate: int, kbps: int, quality: int = 2) -> bytes:
    """Encode audio as a constant-bit-rate MP3 with LAME.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D (mono) or ``(n, 2)`` (stereo). LAME reads 16-bit PCM: the samples
        are rounded to 16-bit codes first (ties to even, no dither; that error, about -101 dBFS, is
        far below the codec's).
    rate : int
        Sample rate in Hz, one of :data:`MP3_RATES`.
    kbps : int
        Constant bit rate in kbit/s, one of :data:`MP3_BITRATES`. At low rates LAME lowers the
        stream's sample rate and its low-pass cut-off (read it back with :func:`mp3_decode`).
    quality : int, default 2
        LAME's algorithm quality, 0 (best, slowest) to 9 (worst, fastest); 2 is LAME's "near-best".

    Returns
    -------
    bytes
        The MP3 stream (frames only, no ID3 tag).

    Raises
    ------
    ValueError
        For audio outside ``[-1, 1]`` (and the other checks of :func:`quantkit.audio.play`), a rate
        or bit rate MP3 does not have, or a quality outside 0..9.
    """
    import lameenc

    data = _check_audio(x)
    rate = _check_rate(rate)
    kbps = _check_kbps(kbps)
    if rate not in MP3_RATES:
        raise ValueError(f"rate must be one of the MP3 sample rates {MP3_RATES} Hz, got {rate}")
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)) or not 0 <= quality <= 9:
        raise ValueError(f"quality must be an integer from 0 to 9, got {quality!r}")
    channels = 1 if data.ndim == 1 else 2
    pcm = _pcm_codes(data, 16).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(int(quality))
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def mp3_decode(data: bytes, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode an MP3 stream with miniaudio (its dr_mp3 decoder), as float samples.

    Parameters
    ----------
    data : bytes
        An MP3 stream (as :func:`mp3_encode` returns).
    rate : int, optional
        Output sample rate in Hz; miniaudio resamples when the stream's own rate differs. Default:
        the stream's own rate.

    Returns
    -------
    samples : numpy.ndarray
        float64, shape ``(n,)`` (mono) or ``(n, 2)`` (stereo), decoded as 32-bit float (no 16-bit
        rounding), including the codec's leading delay (see :func:`align`).
    rate : int
        The sample rate of ``samples``.

    Raises
    ------
    ValueError
        If ``data`` is not an MP3 stream miniaudio can decode.
    """
    import miniaudio

    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValueError("data must be the non-empty bytes of an MP3 stream")
    try:
        info = miniaudio.mp3_get_info(bytes(data))
    except miniaudio.DecodeError as exc:
        raise ValueError(f"cannot decode this MP3 stream: {exc}") from None
    out_rate = info.sample_rate if rate is None else _check_rate(rate)
    decoded = miniaudio.decode(
        bytes(data),
        output_format=miniaudio.SampleFormat.FLOAT32,
        nchannels=info.nchannels,
        sample_rate=out_rate,
    )
    samples = np.asarray(decoded.samples, dtype=np.float64)
    if info.nchannels == 2:
        samples = samples.reshape(-1, 2)
    return samples, int(decoded.sample_rate)


def align(reference: ArrayLike, y: ArrayLike, max_delay: int | None = None) -> tuple[np.ndarray, int]:
    """Remove the delay of ``y`` behind ``reference`` (found by cross-correlation) and trim to its length.

    The delay ``d`` is the lag in ``0..max_delay`` that maximizes ``sum_n y[n + d] reference[n]``
    (computed with ``scipy.signal.correlate``, FFT method; stereo uses the sum of the channels).

    Parameters
    ----------
    reference : array_like, shape (n,) or (n, 2)
        The original signal.
    y : array_like, shape (m,) or (m, 2)
        A delayed, processed version of it (same number of channels).
    max_delay : int, optional
        The largest delay searched, in samples. Default: ``min(m - 1, 8192)``.

    Returns
    -------
    aligned : numpy.ndarray
        ``y[d : d + n]``, zero-padded at the end if ``y`` is too short; the shape of ``reference``.
    delay : int
        ``d`` in samples.

    Raises
    ------
    ValueError
        If the shapes do not match in channels, or an input is empty.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> aligned, delay = align(x, np.concatenate([np.zeros(37), x]))
    >>> delay, bool(np.array_equal(aligned, x))
    (37, True)
    """
    from scipy.signal import correlate

    ref = np.asarray(reference, dtype=np.float64)
    out = np.asarray(y, dtype=np.float64)
    if ref.shape[1:] != out.shape[1:] or ref.ndim not in (1, 2):
        raise ValueError(
            f"reference and y must have the same channels, got shapes {ref.shape} and {out.shape}"
        )
    if ref.shape[0] == 0 or out.shape[0] == 0:
        raise ValueError("reference and y must not be empty")
    top = min(out.shape[0] - 1, 8192) if max_delay is None else int(max_delay)
    if top < 0:
        raise ValueError(f"max_delay must be 0 or more, got {max_delay}")
    r = ref if ref.ndim == 1 else ref.sum(axis=1)
    s = out if out.ndim == 1 else out.sum(axis=1)
    corr = correlate(s, r, mode="full", method="fft")  # index i is lag i - (len(r) - 1)
    lags = np.arange(0, min(top, s.size - 1) + 1)
    delay = int(lags[np.argmax(corr[lags + r.size - 1])])
    aligned = np.zeros_like(ref)
    piece = out[delay : delay + ref.shape[0]]
    aligned[: piece.shape[0]] = piece
    return aligned, delay


@dataclass(frozen=True)
class Mp3RoundTrip:
    """The result of :func:`mp3_round_trip`.

    Attributes
    ----------
    samples : numpy.ndarray
        The decoded audio, aligned with the input and of its shape.
    rate : int
        Its sample rate (the input's).
    kbps : int
        The constant bit rate asked for.
    n_bytes : int
        Size of the MP3 stream.
    actual_kbps : float
        ``8 * n_bytes / duration / 1000``: the stream's real rate (slightly above ``kbps``, because
        the last frame is padded).
    stream_rate : int
        The MP3 stream's own sample rate (LAME lowers it at low bit rates).
    delay : int
        The codec delay removed, in samples at ``rate``.
    gain : float
        Least-squares level of the decoded audio against the input, ``<y, x> / <x, x>``. For a steady
        tone it is about 0.95: LAME (3.100, as built in lameenc 1.x) writes streams about 0.45 dB
        quieter than their input (two independent decoders, miniaudio and libsndfile's mpg123, agree).
        On music it is lower still, because the removed high frequencies and the coding noise are not
        independent of the signal.
    """

    samples: np.ndarray
    rate: int
    kbps: int
    n_bytes: int
    actual_kbps: float
    stream_rate: int
    delay: int
    gain: float


def mp3_round_trip(x: ArrayLike, rate: int, kbps: int, quality: int = 2) -> Mp3RoundTrip:
    """Encode ``x`` as MP3 at ``kbps`` (LAME), decode it (miniaudio), resample it to ``rate``, align it.

    When LAME lowered the stream's sample rate (low bit rates), the decoded stream is resampled to
    ``rate`` with ``scipy.signal.resample_poly`` (a Kaiser-windowed polyphase filter), not with
    miniaudio's linear resampler, whose images above the stream's Nyquist frequency would look like
    high-frequency content the codec kept.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``, 1-D or ``(n, 2)``.
    rate : int
        Sample rate in Hz, one of :data:`MP3_RATES`.
    kbps : int
        Constant bit rate, one of :data:`MP3_BITRATES`.
    quality : int, default 2
        LAME's quality setting (:func:`mp3_encode`).

    Returns
    -------
    Mp3RoundTrip
        Decoded samples aligned with ``x`` (same shape), the stream's size, rate and the delay removed.

    Raises
    ------
    ValueError
        As :func:`mp3_encode`.

    Notes
    -----
    At 44.1 kHz with LAME 3.100 (lameenc 1.x) and miniaudio 1.x the delay is 1105 samples when the
    stream keeps 44.1 kHz (LAME's encoder delay of 576 samples plus the decoder's 528 + 1); at
    32 kbit/s mono LAME writes a 22.05 kHz stream, whose 1105 samples are 2210 at 44.1 kHz.

    Used in: notebooks/02_audio.ipynb
    """
    data = _check_audio(x)
    rate = _check_rate(rate)
    stream = mp3_encode(data, rate, kbps, quality)
    decoded, stream_rate = mp3_decode(stream)
    if stream_rate != rate:
        # miniaudio's own resampler interpolates linearly and leaves images above the stream's Nyquist
        # frequency; scipy's polyphase filter removes them.
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, stream_rate)
        decoded = resample_poly(decoded, rate // g, stream_rate // g, axis=0)
    if data.ndim == 2 and decoded.ndim == 1:  # pragma: no cover - LAME keeps two channels
        decoded = np.column_stack([decoded, decoded])
    aligned, delay = align(data, decoded)
    duration = data.shape[0] / rate
    return Mp3RoundTrip(
        samples=aligned,
        rate=rate,
        kbps=int(kbps),
        n_bytes=len(stream),
        actual_kbps=8.0 * len(stream) / duration / 1000.0,
        stream_rate=int(stream_rate),
        delay=delay,
        gain=float(np.vdot(aligned, data) / np.vdot(data, data)) if np.any(data) else 1.0,
    )


def decode_g711(codes: ArrayLike, law: str = "mu") -> np.ndarray:
    """Decode G.711 codes (one byte per sample) to 16-bit linear PCM with libsndfile.

    Parameters
    ----------
    codes : array_like of int
        Codes 0..255 (any shape), e.g. the output of a G.711 encoder.
    law : {"mu", "A"}, default "mu"
        mu-law (North America, Japan) or A-law (Europe).

    Returns
    -------
    numpy.ndarray of int16
        The decoded samples, shape of ``codes``: the centre of each code's decision interval, on the
        16-bit scale (mu-law: ``±4 ((2m + 33) 2**s - 33)`` for segment ``s`` and mantissa ``m``;
        largest magnitude 32124; A-law largest 32256). Divide by 32768 for samples in [-1, 1).

    Raises
    ------
    ValueError
        For codes outside 0..255 or non-integers, or an unknown law.

    Examples
    --------
    >>> decode_g711([0xFF, 0x7F, 0x80, 0x00]).tolist()
    [0, 0, 32124, -32124]

    Used in: notebooks/02_audio.ipynb
    """
    import io

    import soundfile

    arr = np.asarray(codes)
    if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() > 255)):
        raise ValueError("codes must be integers from 0 to 255 (one G.711 byte per sample)")
    subtypes = {"mu": "ULAW", "A": "ALAW"}
    if law not in subtypes:
        raise ValueError(f"law must be 'mu' or 'A', got {law!r}")
    if arr.size == 0:
        return np.zeros(arr.shape, dtype=np.int16)
    raw = io.BytesIO(arr.astype(np.uint8).ravel().tobytes())
    samples, _ = soundfile.read(
        raw, dtype="int16", format="RAW", subtype=subtypes[law], samplerate=8000, channels=1
    )
    return np.asarray(samples, dtype=np.int16).reshape(arr.shape)
