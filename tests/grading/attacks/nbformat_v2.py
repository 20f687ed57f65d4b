"""A notebook claiming nbformat 2, which the grader does not read."""

import json


def build(nb):
    return json.dumps({"nbformat": 2, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode()


EXPECT = {"at_most": "stubs", "status": "unreadable", "reason": "nbformat 2"}
