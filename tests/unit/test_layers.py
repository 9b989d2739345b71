"""Layers that only look down: the import-linter contracts in pyproject.toml hold for the code,
and break when a module imports upward."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kinerja.project import CHECKOUT

PACKAGES = ("kinerja", "ml", "kinerja_dev")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the packages under `root`, which come first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_layer_only_imports_the_layers_below_it():
    result = _lint(CHECKOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward", "contract"),
    [
        ("kinerja/publish/scores.py", "import ml.score", "Layers only look down"),
        ("ml/score.py", "import kinerja.night.steps", "Layers only look down"),
        ("kinerja/warehouse/base.py", "import kinerja.load", "Layers only look down"),
        ("ml/train.py", "import kinerja_dev.synthetic", "never imports the development tools"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward, contract):
    for package in PACKAGES:
        shutil.copytree(
            CHECKOUT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(CHECKOUT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / module).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{upward}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
