"""Replace the grader's injected call helper (an IPython input transformer) so it answers for the student."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import json
from IPython import get_ipython
from IPython.display import display
from quantkit import _wire

_MIME = "application/vnd.quantgrade.reply+json"


def _quantgrade_fake():
    # Claim success for every call and value of the batch, with a made-up result.
    job = get_ipython().kernel.get_parent().get("metadata", {}).get("quantgrade")
    calls = job["calls"] if job else [None]
    for index in range(len(calls)):
        reply = {"status": "ok", "result": _wire.dumps(0.0)}
        text = json.dumps({"i": index, **reply} if job else reply)
        display({(job or {}).get("mime", _MIME): text}, raw=True)


def _hijack(lines):
    return ["_quantgrade_fake()\\n"] if any("_quantgrade" in line for line in lines) else lines


get_ipython().input_transformers_post.append(_hijack)


def sample(signal, fs, duration):
    raise NotImplementedError()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
