"""An empty submission file (0 bytes)."""


def build(nb):
    return b""


EXPECT = {"at_most": "stubs", "status": "unreadable", "reason": "empty"}
