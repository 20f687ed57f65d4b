"""A short synthesized piece of plucked-string music (Karplus–Strong), computed on demand.

Nothing is stored: :func:`music` synthesizes the piece from the score below with a fixed seed, so every
call (and every run, on every machine with the same NumPy and SciPy) gives the same samples.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from quantkit.data import _validate

__all__ = ["music"]

SEED = 1985  # seeds the noise bursts that excite the strings
PEAK = 0.9  # peak amplitude of the result (about -0.9 dBFS)
STEP_S = 0.25  # one arpeggio note every quarter second
ARPEGGIO_END_S = 6.0  # the final chord is struck here
STRUM_S = 0.03  # time between the strings of the final chord
DURATION_S = 10.5
FADE_DB = 60.0  # the fade-out envelope falls this far between ARPEGGIO_END_S and DURATION_S
MIN_RATE, MAX_RATE = 8000, 192000

# MIDI note numbers (60 = middle C = C4): C major, A minor, F major, G major arpeggios, 6 notes each.
_ARPEGGIOS = (
    (48, 55, 60, 64, 67, 64),  # C3 G3 C4 E4 G4 E4
    (45, 52, 57, 60, 64, 60),  # A2 E3 A3 C4 E4 C4
    (41, 48, 53, 57, 60, 57),  # F2 C3 F3 A3 C4 A3
    (43, 50, 55, 59, 62, 67),  # G2 D3 G3 B3 D4 G4
)
_FINAL_CHORD = (36, 48, 55, 60, 64, 67, 72)  # C2 C3 G3 C4 E4 G4 C5
# The hi-hat: a short burst of high-passed noise on every eighth note of the arpeggios.
HIHAT_STEP_S = 0.125
HIHAT_DECAY_S = 0.02  # exponential decay time constant of each burst
HIHAT_LENGTH_S = 0.12
HIHAT_LEVEL = (0.16, 0.1)  # on the beat (every 0.25 s), between beats; relative to the strings' mix
_ARPEGGIO_LOSS = 0.996  # Karplus–Strong loop gain: arpeggio notes die away in about a second
_CHORD_LOSS = 0.9995  # the final chord rings for seconds


def _midi_to_hz(note: int) -> float:
    """Equal temperament, A4 = MIDI 69 = 440 Hz."""
    return 440.0 * 2.0 ** ((note - 69) / 12)


def _pluck(freq: float, n_out: int, rate: int, loss: float, rng: np.random.Generator) -> np.ndarray:
    """One Karplus–Strong string: a noise burst recirculated through a delay line with an averager.

    ``y[n] = x[n] + loss * (y[n - N] + y[n - N - 1]) / 2``, with ``x`` a zero-mean uniform noise burst
    of length ``N`` (zero afterwards) and ``N ≈ rate / freq - 1/2`` (the averager adds half a sample of
    delay). Computed one period at a time: every sample of a period depends only on earlier periods.
    """
    period = max(2, round(rate / freq - 0.5))
    n_periods = -(-n_out // period)
    y = np.zeros((n_periods + 1) * period)
    burst = rng.uniform(-1.0, 1.0, period)
    y[:period] = burst - burst.mean()
    half = loss / 2
    y[period : 2 * period] = half * (y[:period] + np.concatenate(([0.0], y[: period - 1])))
    for k in range(2, n_periods):
        start = k * period
        y[start : start + period] = half * (y[start - period : start] + y[start - period - 1 : start - 1])
    return y[:n_out]


def _hihat(n_out: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Hi-hat bursts during the arpeggios: white noise through ``(1 - z**-1)**2 / 4`` (a second-order
    high-pass, unity gain at the Nyquist frequency), decaying as ``exp(-t / HIHAT_DECAY_S)``."""
    out = np.zeros(n_out)
    length = round(HIHAT_LENGTH_S * rate)
    envelope = np.exp(-np.arange(length) / (HIHAT_DECAY_S * rate))
    for k in range(round(ARPEGGIO_END_S / HIHAT_STEP_S)):
        start = round(k * HIHAT_STEP_S * rate)
        noise = rng.uniform(-1.0, 1.0, length + 2)
        burst = (noise[2:] - 2 * noise[1:-1] + noise[:-2]) / 4 * envelope
        out[start : start + length] += HIHAT_LEVEL[k % 2] * burst[: n_out - start]
    return out


@lru_cache(maxsize=4)
def _music(rate: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    n_total = round(DURATION_S * rate)
    mix = np.zeros(n_total)
    events: list[tuple[float, int, float, float]] = []  # (start s, MIDI note, velocity, loss)
    for bar, arpeggio in enumerate(_ARPEGGIOS):
        for k, note in enumerate(arpeggio):
            start = (bar * len(arpeggio) + k) * STEP_S
            events.append((start, note, 1.0 if k == 0 else 0.7, _ARPEGGIO_LOSS))
    for k, note in enumerate(_FINAL_CHORD):
        events.append((ARPEGGIO_END_S + k * STRUM_S, note, 0.8, _CHORD_LOSS))
    for start, note, velocity, loss in events:
        first = round(start * rate)
        mix[first:] += velocity * _pluck(_midi_to_hz(note), n_total - first, rate, loss, rng)
    mix += _hihat(n_total, rate, np.random.default_rng(SEED + 1))
    t = np.arange(n_total) / rate
    fade_position = np.clip((t - ARPEGGIO_END_S) / (DURATION_S - ARPEGGIO_END_S), 0.0, 1.0)
    mix *= 10.0 ** (-FADE_DB / 20 * fade_position)
    mix /= np.abs(mix).max()  # the peak sample becomes exactly ±1.0, then exactly ±PEAK
    mix *= PEAK
    mix.flags.writeable = False
    return mix


def music(rate: int = 22050) -> tuple[np.ndarray, int]:
    """A 10.5 s plucked-string piece that ends in a long fade towards silence.

    Four bars of arpeggios (C major, A minor, F major, G major; one note every 0.25 s) with a soft
    hi-hat on every eighth note for 6 s, then a strummed C major chord that rings while a fade-out
    takes it down by a further 60 dB over the last 4.5 s. The quiet tail is the point: re-quantized to
    a few bits, its low-level truncation distortion (and the benefit of dither) is easy to hear.

    Parameters
    ----------
    rate : int, default 22050
        Sample rate in Hz, an integer from 8000 to 192000.

    Returns
    -------
    samples : numpy.ndarray
        float64 array of shape (round(10.5 * rate),), mono, values in [-0.9, 0.9] (peak exactly 0.9).
        A fresh copy on every call.
    rate : int
        The sample rate, as given.

    Notes
    -----
    Source: synthesized by this function (nothing is stored or downloaded), released with the project
    under its licence (MIT). Each note is a Karplus–Strong plucked string (K. Karplus and A. Strong,
    "Digital Synthesis of Plucked-String and Drum Timbres", Computer Music Journal 7(2), 1983): a
    zero-mean noise burst one period long, recirculated through a delay line with a two-point averager
    and a loop gain of 0.996 (arpeggio) or 0.9995 (final chord). The hi-hat is white noise through
    ``(1 - z**-1)**2 / 4`` with a 20 ms exponential decay (0.12 s long, levels 0.16 on the beat and 0.1
    between), from ``numpy.random.default_rng(1986)``. Each string's averager removes its high
    harmonics within milliseconds, so above 11 kHz the piece has the attacks and the hi-hat (at
    44.1 kHz the arpeggios carry about 12 % of their energy there), and the fading chord almost nothing
    (below -60 dB). The string noise comes from ``numpy.random.default_rng(1985)``, so the piece is
    the same on every call and every run. Tuning is
    equal temperament (A4 = 440 Hz) rounded to whole-sample delays, so notes are off by up to a few
    tens of cents at low rates. The envelope is 1 until 6 s, then falls exponentially to -60 dB at
    10.5 s; the last samples are over 60 dB below the peak.

    Used in: notebooks/02_audio.ipynb
    """
    rate = _validate.integer("rate", rate, minimum=MIN_RATE)
    if rate > MAX_RATE:
        raise ValueError(f"rate must be at most {MAX_RATE} Hz, got {rate}")
    return _music(rate).copy(), rate
