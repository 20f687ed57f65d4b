"""g711_ulaw_encode that just calls audioop.lin2ulaw, which differs from G.191 on 508 negative inputs."""

# audioop shifts first and negates after, -(x >> 2), where ITU-T G.191 takes the one's complement
# first, (~x) >> 2: the codes differ wherever that crosses one of the 127 decision thresholds (508
# negative inputs, from -31612 to -1). The submission must lose q10's points for the negative inputs
# (tests/autograder/course/test_02_audio.py pins which groups). On Python 3.13+, where audioop is
# gone, the import fails and q10 is lost altogether: the expectation holds either way.
NOTEBOOK = "02_audio"
BASE = "solution"
CELLS = {
    "q10_g711_ulaw_encode": '''
import warnings


def g711_ulaw_encode(pcm16):
    """The standard library's encoder (deprecated since 3.11; importing it warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
    x = np.asarray(pcm16)
    codes = audioop.lin2ulaw(x.astype("<i2").tobytes(), 2)
    return np.frombuffer(codes, dtype=np.uint8).reshape(x.shape)
''',
}
EXPECT = {"lost": ["q10"]}
