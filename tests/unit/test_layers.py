"""Layers that only look down: the import-linter contracts in pyproject.toml hold for the code,
and break when a module imports upward."""

from __future__ import annotations

import os
import re
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


# The engine's traits (kinerja.warehouse: `engine(settings)`, `Warehouse.single_writer`...) and the
# deployment mode (`Settings.embedded`) answer what the layers above need; only the warehouse
# package, the settings and the pseudonym handshake (the engine's own session settings) may look
# at the target itself.
ASKS_WHICH_ENGINE = re.compile(r"\.target\s*(==|!=|in\b)|\[\s*\w*settings\.target\s*\]")
MAY_ASK = ("kinerja/warehouse/", "kinerja/settings.py", "kinerja/pseudonym.py")


def _asking_which_engine(root: Path) -> list[str]:
    found = []
    for folder in ("kinerja", "ml", "dags", "plugins"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(MAY_ASK):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ASKS_WHICH_ENGINE.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_module_above_the_warehouse_asks_which_engine():
    assert _asking_which_engine(CHECKOUT) == []


def test_the_engine_check_sees_a_module_that_asks(tmp_path):
    module = tmp_path / "kinerja" / "load" / "asks.py"
    module.parent.mkdir(parents=True)
    module.write_text('def f(settings):\n    return settings.target == "postgres"\n')
    (tmp_path / "kinerja" / "warehouse").mkdir()
    (tmp_path / "kinerja" / "warehouse" / "may.py").write_text('x = s.target == "duckdb"\n')
    assert _asking_which_engine(tmp_path) == [
        'kinerja/load/asks.py:2: return settings.target == "postgres"'
    ]
