"""Monkeypatch numpy's comparisons and numpy.testing to always agree, with a wrong sample()."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import numpy
import numpy.testing

def _always_true(*args, **kwargs):
    return True

def _never_fails(*args, **kwargs):
    return None

for _name in ("allclose", "array_equal", "array_equiv"):
    setattr(numpy, _name, _always_true)
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.broadcast(a, b).shape, dtype=bool)
for _name in dir(numpy.testing):
    if _name.startswith("assert_"):
        setattr(numpy.testing, _name, _never_fails)

def sample(signal, fs, duration):
    # Right instants and shapes, wrong samples: only a patched comparison would accept them.
    n = int(round(duration * fs))
    return numpy.arange(n) / fs, numpy.zeros(n)
""",
}
# the right number of samples: the count test (test_sample_counts_never_drift) gives its 0.5 honestly.
EXPECT = {"at_most": "stubs", "earns": {"q1": 0.5}, "status": "graded"}
