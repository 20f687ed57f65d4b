"""Smoke test of benchmarks/widget_speed.py: what it sweeps and how its table reads.

No time is asserted: the script measures and prints. These tests check that the sweep covers every
control of an explorer with values of the right type, and that the table shows the medians of the
numbers given to it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "widget_speed.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("widget_speed_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _quantizer(x, n_bits, x_min, x_max, mode="midrise"):
    step = (x_max - x_min) / 2**n_bits
    k = np.clip(np.floor((np.asarray(x, dtype=float) - x_min) / step), 0, 2**n_bits - 1)
    return x_min + (k + 0.5) * step


def test_sweep_covers_every_control_with_values_of_its_type() -> None:
    bench = _load()
    from quantkit.widgets import QuantizerExplorer

    explorer = QuantizerExplorer(_quantizer)
    rows = bench._sweep("01", explorer, steps=4)
    assert [r.slider for r in rows] == ["bits", "range ±", "mode"]
    for row in rows:
        assert row.updates >= 1 and len(row.total_ms) == len(row.kit_ms) == row.updates
        assert all(t > 0 for t in row.total_ms)
    assert all(isinstance(v, int) for v in bench._values(explorer.bits, 5))
    assert set(bench._values(explorer.mode, 4)) == {"midrise", "midtread"}
    assert explorer.bits.value == 3  # each control is put back


def test_table_reports_the_medians() -> None:
    bench = _load()
    row = bench.Row("01", "QuantizerExplorer", "bits", 3, [10.0, 30.0, 20.0], [5.0] * 3, [8.0, 9.0, 7.0],
                    [0.5, 0.5, 0.5], True)
    text = bench._table([row], markdown=False)
    line = text.splitlines()[-1].split()
    assert line[:4] == ["01", "QuantizerExplorer", "bits", "3"]
    assert line[4:9] == ["20", "30", "30", "5", "8"]
    assert bench._table([row], markdown=True).splitlines()[0].startswith("| notebook | explorer |")
