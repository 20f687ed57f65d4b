"""sample() calls os._exit(1) when the hidden tests call it: the kernel dies mid-tests."""

BASE = "solution"
CELLS = {
    "q1_sample": """import os

def sample(signal, fs, duration):
    os._exit(1)""",
}
EXPECT = {"at_most": "solution", "status": "error", "reason": "exited with status 1"}
