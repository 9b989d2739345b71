"""The one place Kinerja runs dbt: in this process (`invoke_dbt`: the benchmarks, the fraud
evaluation, the tests) or as a subprocess of this environment's `dbt` (`DBT_EXECUTABLE`: the
manifest, and the night's Cosmos producer). Both see the tool environment of the settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import yaml

from kinerja.project import DBT_PROJECT_DIR
from kinerja.runtime import tool_environment
from kinerja.settings import Settings

DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
# The project's profile (dbt_project.yml), named on the command line by the night's producer (as
# Cosmos runs it) and by the manifest's parse.
DBT_PROFILE: str = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["profile"]

# Statuses of a node that went well (an exposure is a no-op).
_PASSED = ("success", "pass", "no-op")


class DbtFailed(RuntimeError):
    """dbt failed, or a node did not pass where every node must; the message names them."""


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` set in this process's environment, where in-process dbt and Airflow read them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke_dbt(
    settings: Settings,
    work: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    quiet: bool = True,
    check: bool = True,
    every_node_passes: bool = False,
):
    """dbt `args` in this process, with the tool environment of `settings` (plus `env`) and its
    target and log files under `work`; returns dbt's result.

    `check`: raise DbtFailed when dbt fails. `every_node_passes`: also when a node ran but did
    not pass (a warning, a skipped node), as a test of the models wants.
    """
    from dbt.cli.main import dbtRunner

    values = {
        **tool_environment(settings),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        **(env or {}),
    }
    flags = ["--no-use-colors", *(["--quiet"] if quiet else [])]
    with environment(values):
        result = dbtRunner().invoke([*flags, *args, "--project-dir", str(DBT_PROJECT_DIR)])
    if not check:
        return result
    failed = [
        f"{r.node.unique_id}: {r.status} {r.message}"
        for r in ((result.result or []) if every_node_passes else [])
        if str(r.status) not in _PASSED
    ]
    if not result.success or failed:
        raise DbtFailed(
            f"dbt {' '.join(args)} failed: {result.exception or failed or result.result}"
        )
    return result
