"""sample() allocates memory without bound when called."""

BASE = "solution"
CELLS = {
    "q1_sample": """import numpy as np

def sample(signal, fs, duration):
    hoard = []
    while True:
        hoard.append(np.ones(2**24))""",
}
EXPECT = {"at_most": "solution", "status": "graded"}
