"""The one generic reference test, parametrized over the groups of a notebook's hidden reference file.

:func:`autograder.testing.run_hidden_tests` collects this module next to the notebook's own
``hidden_tests.py``; its plugin gives ``group`` one value per group of ``cases.py`` (each marked with
the group's question and points). Not a test of this repository: it only runs inside that engine.
"""

from autograder.testing import _group_score


def test_reference(run_state, group, credit):
    """The group's hidden cases agree with the solution (or with the student's own upstream)."""
    _group_score(run_state, group, credit)
