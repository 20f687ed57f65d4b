"""Forge proxy replies holding hostile density specs (NaN, negative, huge, unknown keys, code as a kind)."""

NOTEBOOK = "05_optimal_quantization"
BASE = "stubs"
CELLS = {
    "q1_lloyd_max": """import itertools
import json
from IPython import get_ipython
from IPython.display import display


def _density(kind, **params):
    spec = {"__dict__": {"kind": kind, "params": {"__dict__": params}}}
    return json.dumps({"__object__": {"type": "density", "spec": spec}})


_FORGED = itertools.cycle([
    _density("tabulated", x=[0.0, 1.0], values=[1.0, {"__float__": "nan"}]),
    _density("tabulated", x=[0.0, 1.0], values=[1.0, -5.0]),
    _density("tabulated", x=list(range(200_001)), values=[1.0] * 200_001),
    _density("gaussian", mean=0.0, std=1.0, code="__import__('os').system('true')"),
    _density("__import__('os')", mean=0.0, std=1.0),
    _density("gaussian", mean={"__float__": "inf"}, std=1.0),
    _density("gaussian_mixture", weights=[1.0] * 10_000, means=[0.0] * 10_000, stds=[1.0] * 10_000),
    json.dumps({"__object__": {"type": "density", "spec": "gaussian"}}),
    json.dumps({"__object__": {"type": "quantkit.densities.Density", "spec": {}}}),
    _density("gaussian", mean=0.0, std=1.0),  # a valid density: still not a quantizer
])


def _quantgrade_fake():
    # One forged reply per call of the batch, tagged with the call's index as the grader expects.
    job = get_ipython().kernel.get_parent().get("metadata", {}).get("quantgrade")
    mime = job["mime"] if job else "application/vnd.quantgrade.reply+json"
    for index in range(len(job["calls"]) if job else 1):
        reply = json.dumps({"status": "ok", "result": next(_FORGED)})
        display({mime: '{"i": %d, ' % index + reply[1:]}, raw=True)


def _hijack(lines):
    return ["_quantgrade_fake()\\n"] if any("_quantgrade" in line for line in lines) else lines


get_ipython().input_transformers_post.append(_hijack)


def lloyd_max(pdf, support, n_levels, n_iter=10_000, tol=1e-10):
    raise NotImplementedError()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
