"""Audio in the notebook and on disk: honest playback, and WAV files Audacity can open.

Audio here is float samples in ``[-1, 1]``: a 1-D array for mono, or shape ``(n, 2)`` for stereo (one
row per frame, one column per channel). Nothing is rescaled or requantized behind your back:

* :func:`play` builds the WAV file the browser plays *itself* and never normalises. A signal that
  already lies on the 16-bit grid (every sample ``k / 32768`` for an integer ``k`` in
  ``[-32768, 32767]``) is played as 16-bit PCM with exactly those codes ``k``; one on the 24-bit grid
  as 24-bit PCM with its codes; anything else as 32-bit IEEE float. (``IPython.display.Audio`` given
  floats would scale them by 32767 and truncate toward zero: an undithered requantization of its own
  at 1 LSB, which would spoil every 16-bit dither and noise-shaping comparison.)
* :func:`save_wav` / :func:`load_wav` write and read WAV files through libsndfile (the ``soundfile``
  package, which bundles it): 16-bit and 24-bit PCM and 32-bit float out; 8/16/24/32-bit PCM and
  32/64-bit float in, plain or WAVE_FORMAT_EXTENSIBLE.
* :func:`listening_table` lays out several clips side by side for an A/B comparison.

Scaling convention, the one used by libsndfile, sox and Audacity: a ``B``-bit PCM integer ``k`` means
``k / 2**(B-1)``, so ``-1.0`` is the most negative code and the largest positive code is
``1 - 2**-(B-1)``. Writing computes the codes here (not in libsndfile): ``round(x * 2**(B-1))``
with ties to even (as libsndfile's ``lrint`` does), ``+1.0`` mapped onto the largest code, and hands
libsndfile integers, so the file holds exactly those codes.

Used in: notebooks/02_audio.ipynb
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["listening_table", "load_wav", "play", "playback_subtype", "save_wav", "wav_bytes"]

Subtype = Literal["PCM_16", "PCM_24", "FLOAT"]
_SUBTYPES: dict[str, int] = {"PCM_16": 16, "PCM_24": 24, "FLOAT": 32}
#: libsndfile subtypes :func:`load_wav` reads (others, e.g. ULAW or ADPCM, are refused).
_READABLE = {"PCM_U8", "PCM_S8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"}


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


def _pcm_codes(data: np.ndarray, bits: int) -> np.ndarray:
    """Codes ``round(x * 2**(bits-1))`` (ties to even), +1.0 onto the largest code, as int64."""
    scale = float(2 ** (bits - 1))
    return np.clip(np.rint(data * scale), -scale, scale - 1).astype(np.int64)


def _on_grid(data: np.ndarray, bits: int) -> bool:
    """True when every sample is exactly ``k / 2**(bits-1)`` with ``k`` a valid ``bits``-bit code."""
    scale = float(2 ** (bits - 1))
    scaled = data * scale  # exact: a power-of-two scaling of float64
    return bool(np.all(scaled == np.rint(scaled)) and np.all(scaled <= scale - 1))


def playback_subtype(x: ArrayLike) -> Subtype:
    """The WAV encoding :func:`play` uses for ``x``: the coarsest that holds every sample exactly.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.

    Returns
    -------
    {"PCM_16", "PCM_24", "FLOAT"}
        ``"PCM_16"`` when every sample is ``k / 32768`` with ``k`` an integer in ``[-32768, 32767]``
        (so any signal requantized to 16 bits or fewer), else ``"PCM_24"`` when every sample is on the
        24-bit grid, else ``"FLOAT"`` (32-bit IEEE float; ``+1.0`` itself is not a PCM code and lands
        here).

    Examples
    --------
    >>> import numpy as np
    >>> playback_subtype(np.array([0.0, 0.5, -1.0]))
    'PCM_16'
    >>> playback_subtype(np.array([0.0, 2.0**-20]))
    'PCM_24'
    >>> playback_subtype(np.array([0.1, 1.0]))
    'FLOAT'
    """
    data = _check_audio(x)
    if _on_grid(data, 16):
        return "PCM_16"
    if _on_grid(data, 24):
        return "PCM_24"
    return "FLOAT"


def _encode(data: np.ndarray, rate: int, subtype: str, target: Any) -> None:
    """Write validated float64 ``data`` to ``target`` (a path or a binary file) as WAV ``subtype``."""
    import soundfile

    if subtype == "FLOAT":
        frames: np.ndarray = data.astype(np.float32)
    elif subtype == "PCM_16":
        frames = _pcm_codes(data, 16).astype(np.int16)
    else:  # PCM_24: libsndfile takes the top 24 bits of an int32, exact when the low byte is zero
        frames = (_pcm_codes(data, 24) << 8).astype(np.int32)
    soundfile.write(target, frames, rate, subtype=subtype, format="WAV")


def wav_bytes(x: ArrayLike, rate: int, subtype: Subtype | Literal["auto"] = "auto") -> bytes:
    """The bytes of a WAV file holding ``x``: what :func:`play` hands to the browser.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.
    rate : int
        Sample rate in Hz, a positive whole number.
    subtype : {"auto", "PCM_16", "PCM_24", "FLOAT"}, default "auto"
        ``"auto"``: :func:`playback_subtype` (exact codes when ``x`` is on a 16- or 24-bit grid,
        float otherwise). A PCM subtype rounds ``x * 2**(B-1)`` to the nearest code (ties to even).

    Returns
    -------
    bytes
        A complete RIFF/WAVE file (written by libsndfile).

    Raises
    ------
    ValueError
        For audio outside ``[-1, 1]``, empty, NaN/inf, of a shape other than 1-D or ``(n, 2)``, a bad
        rate or an unknown subtype.

    Examples
    --------
    >>> import numpy as np
    >>> data = wav_bytes(np.array([0.0, 0.5, -0.25]), 8000)
    >>> data[:4], data[8:12], len(data)
    (b'RIFF', b'WAVE', 50)
    """
    data = _check_audio(x)
    rate = _check_rate(rate)
    if subtype == "auto":
        subtype = playback_subtype(data)
    if subtype not in _SUBTYPES:
        raise ValueError(f"subtype must be 'auto' or one of {sorted(_SUBTYPES)}, got {subtype!r}")
    buf = io.BytesIO()
    _encode(data, rate, subtype, buf)
    return buf.getvalue()


def play(x: ArrayLike, rate: int, subtype: Subtype | Literal["auto"] = "auto") -> Any:
    """Play audio in the notebook exactly as it is: no normalisation, no requantization.

    The WAV file is built here (:func:`wav_bytes`) and given to ``IPython.display.Audio`` as bytes.
    A signal on the 16-bit grid plays as 16-bit PCM with exactly its codes, so a 16-bit dithered or
    noise-shaped result is heard as computed; a signal on no PCM grid plays as 32-bit float.

    Parameters
    ----------
    x : array_like
        Samples in ``[-1, 1]``: 1-D for mono, shape ``(n, 2)`` for stereo.
    rate : int
        Sample rate in Hz, a positive whole number.
    subtype : {"auto", "PCM_16", "PCM_24", "FLOAT"}, default "auto"
        The WAV encoding; ``"auto"`` picks the coarsest that holds every sample exactly
        (:func:`playback_subtype`).

    Returns
    -------
    IPython.display.Audio
        Shows a player when it is the last expression of a cell (or passed to ``display``). Its
        ``data`` attribute holds the WAV bytes.

    Raises
    ------
    ValueError
        If ``|x|`` exceeds 1 (the message gives the peak and how to fix it), ``x`` is empty, contains
        NaN/inf, is not 1-D or ``(n, 2)``, ``rate`` is not a positive whole number, or the subtype is
        unknown.
    TypeError
        If ``x`` is not numeric or ``rate`` is not a number.

    Notes
    -----
    What reaches your ears also passes through the browser and the operating system's mixer, which
    may resample or requantize (usually to 24-bit or float) with a volume control in between: keep
    the system volume fixed while you compare clips.

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    from IPython.display import Audio

    return Audio(data=wav_bytes(x, rate, subtype), autoplay=False)


def listening_table(
    clips: Mapping[str, tuple[ArrayLike, int]] | Iterable[tuple[str, ArrayLike, int]],
    notes: Mapping[str, str] | None = None,
) -> Any:
    """Several clips in one table, a player per row, for listening A/B comparisons.

    Parameters
    ----------
    clips : mapping or iterable
        ``{label: (x, rate)}`` or ``[(label, x, rate), ...]``; each ``x`` in ``[-1, 1]`` (1-D or
        ``(n, 2)``), encoded as by :func:`play` (exact PCM codes when on a grid).
    notes : mapping of str to str, optional
        A comment per label, shown in a third column.

    Returns
    -------
    IPython.display.HTML
        The table (display it, or make it a cell's last expression).

    Raises
    ------
    ValueError
        As :func:`play`, naming the clip; also for an empty list of clips.

    Used in: notebooks/02_audio.ipynb
    """
    from IPython.display import HTML

    rows: Sequence[tuple[str, ArrayLike, int]]
    if isinstance(clips, Mapping):
        rows = [(label, x, rate) for label, (x, rate) in clips.items()]
    else:
        rows = list(clips)
    if not rows:
        raise ValueError("listening_table needs at least one clip")
    notes = dict(notes or {})
    cells = []
    for label, x, rate in rows:
        try:
            data = wav_bytes(x, rate)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"clip {label!r}: {exc}") from None
        src = "data:audio/wav;base64," + base64.b64encode(data).decode("ascii")
        note = html.escape(notes.get(label, ""))
        cells.append(
            f"<tr><td style='text-align:left'>{html.escape(str(label))}</td>"
            f"<td><audio controls preload='none' src='{src}'></audio></td>"
            f"<td style='text-align:left'>{note}</td></tr>"
        )
    return HTML("<table class='qk-listening'>" + "".join(cells) + "</table>")


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
        to the largest code, computed here and written by libsndfile as given. A signal you
        requantized to ``B <= 16`` bits is therefore stored exactly by ``PCM_16``. ``FLOAT``: 32-bit
        IEEE float (float64 input is rounded to float32).

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
    _encode(data, rate, subtype, str(path))
    return path


def load_wav(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read a WAV file as float64 samples and its sample rate.

    Parameters
    ----------
    path : str or path-like
        A PCM (8, 16, 24 or 32-bit integer) or IEEE float (32 or 64-bit) WAV file, plain or
        WAVE_FORMAT_EXTENSIBLE (read by libsndfile).

    Returns
    -------
    x : numpy.ndarray
        float64 samples: shape ``(n,)`` for mono, ``(n, channels)`` otherwise. PCM codes ``k`` become
        exactly ``k / 2**(B-1)`` (8-bit files are unsigned: ``(k - 128) / 128``), so they lie in
        ``[-1, 1)``; float files are returned as stored (normally within ``[-1, 1]``).
    rate : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        If the file is not a WAV file libsndfile can open, or uses an encoding other than the above
        (the message names it).
    FileNotFoundError
        If there is no such file.
    """
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ValueError(f"{path} is not a WAV file libsndfile can read ({exc})") from None
    if info.format not in ("WAV", "WAVEX"):
        raise ValueError(f"{path} is not a WAV file (libsndfile reads it as {info.format_info})")
    if info.subtype not in _READABLE:
        raise ValueError(
            f"{path}: unsupported WAV encoding ({info.subtype_info}); "
            "supported: PCM 8/16/24/32-bit and IEEE float 32/64-bit"
        )
    if info.subtype in ("FLOAT", "DOUBLE"):
        x, rate = soundfile.read(str(path), dtype="float64", always_2d=False)
    else:
        # libsndfile left-justifies every PCM width in an int32, so code k of B bits arrives as
        # k * 2**(32 - B): dividing by 2**31 gives k / 2**(B-1) exactly.
        ints, rate = soundfile.read(str(path), dtype="int32", always_2d=False)
        x = ints / 2.0**31
    return np.ascontiguousarray(x, dtype=np.float64), int(rate)
