"""Forge malformed proxy replies: deep nesting, impossible shapes, bad base64, huge type lists, junk."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import itertools
import json
from IPython import get_ipython
from IPython.display import display

_FORGED = itertools.cycle([
    "[" * 100000 + "]" * 100000,
    json.dumps({"status": "ok", "result": "[" * 100000 + "]" * 100000}),
    json.dumps({"status": "ok", "result": json.dumps(
        {"__ndarray__": {"dtype": "<f8", "shape": [10**9, 10**9], "data": ""}})}),
    json.dumps({"status": "ok", "result": json.dumps(
        {"__ndarray__": {"dtype": "|O", "shape": [1], "data": "AAAA"}})}),
    json.dumps({"status": "ok", "result": json.dumps(
        {"__ndarray__": {"dtype": "<f8", "shape": [2], "data": "!!not base64!!"}})}),
    json.dumps({"status": "raised", "types": ["ValueError"] * 10**5}),
    json.dumps({"status": "raised", "types": [{"a": 1}, None, 3]}),
    json.dumps({"status": "bad_output", "reason": "\\x1b[31m" + "A" * 10**6}),
    json.dumps({"status": "not_callable", "type": "x" * 10**5}),
    json.dumps({"status": "ok", "result": None}),
    json.dumps({"status": "NaN", "result": float("nan")}),
    json.dumps([1, 2, 3]),
    "not json at all",
    json.dumps({"status": "ok", "result": json.dumps(
        {"__object__": {"type": "signal", "spec": {"__dict__": {"kind": "__import__('os')", "params": 1}}}}
    )}),
    json.dumps({"status": "ok", "result": json.dumps(
        {"__object__": {"type": "builtins.eval", "spec": "1"}}
    )}),
])

def _quantgrade_fake():
    # One forged reply per call of the batch, tagged with the call's index as the grader expects.
    job = get_ipython().kernel.get_parent().get("metadata", {}).get("quantgrade")
    mime = job["mime"] if job else "application/vnd.quantgrade.reply+json"
    for index in range(len(job["calls"]) if job else 1):
        forged = next(_FORGED)
        body = forged[1:] if forged.startswith("{") else forged + "}"
        display({mime: '{"i": %d, ' % index + body}, raw=True)


def _hijack(lines):
    return ["_quantgrade_fake()\\n"] if any("_quantgrade" in line for line in lines) else lines


get_ipython().input_transformers_post.append(_hijack)


def sample(signal, fs, duration):
    raise NotImplementedError()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
