"""Regenerate ``quantkit/data/files/speech.wav`` with espeak-ng and SoX.

Run from anywhere::

    python -m quantkit.data._make_speech            # rewrites the bundled file
    python -m quantkit.data._make_speech --out x.wav

The two commands it runs (``TEXT``, ``VOICE``, ``WORDS_PER_MINUTE`` and ``RATE`` below)::

    espeak-ng -v en-us -s 160 -w <tmp>/espeak.wav "<TEXT>"
    sox -R -D <tmp>/espeak.wav -b 16 <out> rate 16000 gain -n -1

espeak-ng writes 22050 Hz mono 16-bit; SoX resamples to 16000 Hz (its default high-quality ``rate``),
normalizes the peak to -1 dBFS and writes 16-bit samples by plain rounding (``-D``: no dither, so the
file has no random component; ``-R``: repeatable mode). With espeak-ng 1.51 and SoX 14.4.2 (the
versions that made the committed file) two runs give byte-identical files; other versions of either
tool may synthesize or resample differently.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from quantkit.data._files import FILES_DIR

TEXT = "Quantization rounds every sample to the nearest level. Fewer bits, more noise."
VOICE = "en-us"
WORDS_PER_MINUTE = 160
RATE = 16000
PEAK_DBFS = -1
ESPEAK_VERSION = "1.51"
SOX_VERSION = "14.4.2"
OUTPUT = FILES_DIR / "speech.wav"


def tool_versions() -> dict[str, str | None]:
    """The installed espeak-ng and SoX versions (``None`` for a tool that is not installed)."""
    versions: dict[str, str | None] = {"espeak-ng": None, "sox": None}
    for tool, flag, pattern in (
        ("espeak-ng", "--version", r"text-to-speech:\s*([0-9][0-9.]*)"),
        ("sox", "--version", r"SoX v([0-9][0-9.]*)"),
    ):
        if shutil.which(tool) is None:
            continue
        out = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
        match = re.search(pattern, out.stdout + out.stderr)
        versions[tool] = match.group(1) if match else "unknown"
    return versions


def commands(espeak_wav: Path, out: Path) -> list[list[str]]:
    """The exact command lines, in order."""
    return [
        ["espeak-ng", "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(espeak_wav), TEXT],
        ["sox", "-R", "-D", str(espeak_wav), "-b", "16", str(out), "rate", str(RATE),
         "gain", "-n", str(PEAK_DBFS)],
    ]  # fmt: skip


def make_speech(out: str | Path = OUTPUT) -> Path:
    """Synthesize the speech clip into ``out`` (a 16-bit mono WAV at ``RATE`` Hz) and return its path.

    Raises
    ------
    FileNotFoundError
        If espeak-ng or SoX is not installed.
    subprocess.CalledProcessError
        If either tool fails.
    """
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        raise FileNotFoundError(f"{' and '.join(missing)} not installed; cannot synthesize the speech clip")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="quantkit-speech-") as tmp:
        for command in commands(Path(tmp) / "espeak.wav", out):
            subprocess.run(command, check=True, capture_output=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    versions = tool_versions()
    expected = {"espeak-ng": ESPEAK_VERSION, "sox": SOX_VERSION}
    for tool, version in versions.items():
        if version is not None and version != expected[tool]:
            print(f"note: {tool} {version} differs from {expected[tool]}, which made the committed file")
    path = make_speech(args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
