"""sample() sleeps far past the per-call time limit, and ignores the interrupt."""

BASE = "solution"
CELLS = {
    "q1_sample": """import time

def sample(signal, fs, duration):
    while True:
        try:
            time.sleep(10**6)
        except KeyboardInterrupt:
            pass""",
}
EXPECT = {"at_most": "solution"}
