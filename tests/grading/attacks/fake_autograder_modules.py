"""Plant fake autograder, autograder.testing and autograder.nbgrader_hook modules that award full points."""

BASE = "stubs"
CELLS = {
    "q1_sample": """import sys
import types

_fake = types.ModuleType("autograder")
_fake.__path__ = []
_testing = types.ModuleType("autograder.testing")
_hook = types.ModuleType("autograder.nbgrader_hook")
_testing.check_case = lambda *args, **kwargs: None
_testing.run_hidden_tests = lambda *args, **kwargs: {}
_hook.hidden_score = lambda slug, qid, namespace: {"q1": 2, "q2": 2, "q3": 5, "q4": 2, "q6": 2, "q7": 3}[qid]
_fake.testing, _fake.nbgrader_hook = _testing, _hook
sys.modules.update({"autograder": _fake, "autograder.testing": _testing, "autograder.nbgrader_hook": _hook})

def sample(signal, fs, duration):
    raise NotImplementedError()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
