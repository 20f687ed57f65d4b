"""A submission that is not valid JSON (a notebook cut off half-way)."""

BASE = "solution"


def build(nb):
    import nbformat

    text = nbformat.writes(nb)
    return text[: len(text) // 2].encode("utf-8")


EXPECT = {"at_most": "stubs", "status": "unreadable", "reason": "not valid JSON"}
