"""Data for the course: bundled or synthesized, never downloaded.

Real data
    :func:`grace_hopper` (RGB photo), :func:`mri_slice` (MRI slice), :func:`eeg` (EEG traces):
    read at run time from matplotlib's sample data. :func:`ct_slice` (a CT slice in Hounsfield
    units): read at run time from pydicom's test data. :func:`speech` (a spoken sentence, a bundled WAV),
    :func:`digits` (8x8 handwritten digits, bundled) and :func:`digits_mlp` (a pretrained network
    for them, bundled).
Synthesized
    :func:`music` (Karplus–Strong plucked strings ending in a long fade), :func:`tone`, :func:`chirp`,
    :func:`gradient_image`, :func:`noise`.

Every loader returns fresh arrays: changing them never affects the next call. Sources and licences
of the bundled files are listed in ``quantkit/data/files/SOURCES.md``.
"""

from quantkit.data._digits import digits, digits_mlp
from quantkit.data._matplotlib_samples import eeg, grace_hopper, mri_slice
from quantkit.data._music import music
from quantkit.data._pydicom_samples import ct_slice
from quantkit.data._speech import speech
from quantkit.data._synthetic import chirp, gradient_image, noise, tone

__all__ = [
    "chirp",
    "ct_slice",
    "digits",
    "digits_mlp",
    "eeg",
    "grace_hopper",
    "gradient_image",
    "mri_slice",
    "music",
    "noise",
    "speech",
    "tone",
]
