"""The bundled speech clip (``files/speech.wav``)."""

from __future__ import annotations

import wave
from functools import lru_cache

import numpy as np

from quantkit.data._files import bundled_path

__all__ = ["speech"]

SPEECH_FILE = "speech.wav"
SPEECH_RATE = 16000
#: Rates :func:`speech` offers: the file's own, telephony's 8 kHz, and common audio rates.
SPEECH_RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000)


@lru_cache(maxsize=1)
def _speech() -> np.ndarray:
    with wave.open(str(bundled_path(SPEECH_FILE)), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SPEECH_RATE):
            raise RuntimeError(  # pragma: no cover - only if someone replaced the file
                f"{SPEECH_FILE} must be 16-bit mono at {SPEECH_RATE} Hz, got {wav.getparams()}"
            )
        codes = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = codes / 32768.0
    samples.flags.writeable = False
    return samples


def speech(rate: int = SPEECH_RATE) -> tuple[np.ndarray, int]:
    """A spoken English sentence about quantization, 5.6 s of synthetic speech.

    The sentence: "Quantization rounds every sample to the nearest level. Fewer bits, more noise."

    Parameters
    ----------
    rate : int, default 16000
        Sample rate in Hz. 16000 gives the bundled file's samples exactly; 8000 (telephony) and the
        other rates of :data:`SPEECH_RATES` are resampled from it with
        ``scipy.signal.resample_poly`` (its default Kaiser-windowed FIR, which removes what lies
        above the new Nyquist frequency before decimating).

    Returns
    -------
    samples : numpy.ndarray
        float64 array, mono. At 16000 Hz: shape (89932,), values in [-1, 1), the file's 16-bit codes
        divided by 32768, so every value is a multiple of 2**-15, peak at -1 dBFS (about 0.891). At
        other rates: ``ceil(89932 * rate / 16000)`` samples (as ``resample_poly`` gives), no longer on a 16-bit grid, peak close
        to (not exactly at) -1 dBFS. A fresh copy on every call.
    rate : int
        The sample rate in Hz, as given.

    Raises
    ------
    ValueError
        If ``rate`` is not one of :data:`SPEECH_RATES`.

    Notes
    -----
    Source: ``quantkit/data/files/speech.wav``, synthesized once with espeak-ng 1.51 (voice ``en-us``,
    160 words per minute) and resampled from espeak-ng's 22050 Hz to 16000 Hz with SoX 14.4.2::

        espeak-ng -v en-us -s 160 -w espeak.wav "Quantization rounds every sample to the nearest level. Fewer bits, more noise."
        sox -R -D espeak.wav -b 16 speech.wav rate 16000 gain -n -1

    (``gain -n -1``: peak normalized to -1 dBFS; ``-D``: 16-bit output by rounding, no dither.)
    ``python -m quantkit.data._make_speech`` re-runs exactly this. Licence: generated for this project
    and released under the project's licence (MIT). espeak-ng itself is GPL-3.0; according to the GNU
    GPL FAQ the output of a GPL program is not covered by the GPL.

    Used in: notebooks/02_audio.ipynb, notebooks/05_optimal_quantization.ipynb
    """  # noqa: E501
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or int(rate) not in SPEECH_RATES:
        raise ValueError(f"rate must be one of {SPEECH_RATES} Hz, got {rate!r}")
    rate = int(rate)
    if rate == SPEECH_RATE:
        return _speech().copy(), SPEECH_RATE
    return _resampled(rate).copy(), rate


@lru_cache(maxsize=4)
def _resampled(rate: int) -> np.ndarray:
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, SPEECH_RATE)
    out = resample_poly(_speech(), rate // g, SPEECH_RATE // g)
    out.flags.writeable = False
    return out
