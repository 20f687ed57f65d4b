"""A zip archive holding the correct notebook, renamed to .ipynb."""

import io
import zipfile

import nbformat


def build(nb):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("01_sampling_quantization.ipynb", nbformat.writes(nb))
    return buffer.getvalue()


EXPECT = {"at_most": "stubs", "status": "unreadable", "reason": "not UTF-8"}
