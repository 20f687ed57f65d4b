"""The examples in quantkit's docstrings run, as doctests, and show what they say.

Every module of the package is searched (private ones too: their examples document the helpers the
public functions are built on); a module whose examples fail shows the failing example.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import quantkit

MODULES = sorted(
    name
    for _finder, name, _ispkg in pkgutil.walk_packages(quantkit.__path__, prefix="quantkit.")
    if not name.startswith("quantkit.data._make")  # regeneration scripts: their examples run tools
)


def test_there_are_examples_to_run() -> None:
    counted = 0
    for name in MODULES:
        module = importlib.import_module(name)
        counted += sum(len(t.examples) for t in doctest.DocTestFinder().find(module))
    assert counted >= 20, f"only {counted} doctest examples in quantkit"


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in finder.find(module):
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)
