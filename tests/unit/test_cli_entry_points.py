"""The development commands reach `kinerja` through the `kinerja.cli` entry point group, the same
through the console script and `python -m kinerja.cli`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest


def test_the_dev_commands_are_declared_as_entry_points():
    declared = {e.name: e.value for e in entry_points(group="kinerja.cli")}
    assert declared == {
        "generate": "kinerja_dev.cli:generate",
        "bench": "kinerja_dev.bench.cli:bench_app",
    }


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "kinerja.cli"],
        [str(Path(sys.executable).parent / "kinerja")],
    ],
    ids=["python -m kinerja.cli", "console script"],
)
def test_bench_and_generate_are_found_both_ways(command):
    bench = subprocess.run(
        [*command, "bench", "--help"], capture_output=True, text=True, check=False
    )
    assert bench.returncode == 0, bench.stderr
    assert all(name in bench.stdout for name in ("dbt", "load", "ml", "fraud", "night"))
    generate = subprocess.run(
        [*command, "generate", "--help"], capture_output=True, text=True, check=False
    )
    assert generate.returncode == 0 and "--employees" in generate.stdout
