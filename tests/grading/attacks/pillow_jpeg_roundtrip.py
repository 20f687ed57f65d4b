"""Notebook 03: jpeg_roundtrip returns Pillow's JPEG instead of the student's own pipeline."""

NOTEBOOK = "03_images"
CELLS = {
    "q11_jpeg_roundtrip": '''
import io

from PIL import Image


def jpeg_roundtrip(img, quality):
    """Save with Pillow (libjpeg) at this quality and decode: close to the pipeline, but not it."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, "JPEG", quality=min(max(int(quality), 1), 100))
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded.convert("L"))
''',
}
# Every other question at full marks; q11 loses the natural-block rows (0.75 of its 2 points), which
# every float DCT passes and libjpeg's integer DCT does not (hidden_tests.py's instructor notes).
EXPECT = {"lost": ["q11"]}
