"""The dbt manifest Cosmos renders the DAG from.

Parsing the dbt project belongs to deployment, not to every DAG parse: `kinerja run` (and the
production image's init step) writes the manifest once; the scheduler only reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kinerja.runtime import DBT_PROJECT_DIR, tool_environment
from kinerja.settings import Settings

DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


def manifest_path(settings: Settings) -> Path:
    return settings.dbt_target_dir / "manifest.json"


def write_manifest(settings: Settings) -> Path:
    """`dbt parse` into KINERJA_HOME; raises with dbt's own message when the project is broken."""
    env = {**os.environ, **tool_environment(settings)}
    result = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "parse",
            "--no-use-colors",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            # Its own target and log paths: Cosmos gives every task a private copy of the project,
            # and a shared partial-parse state would point tasks at each other's copies.
            "--target-path",
            str(settings.dbt_target_dir),
            "--log-path",
            str(settings.dbt_target_dir.parent / "logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")
    return manifest_path(settings)


if __name__ == "__main__":
    from kinerja.settings import get_settings

    print(f"wrote {write_manifest(get_settings())}")
