"""Run the real `kinerja_nightly` DAG in-process with `airflow dags test`, one night at a time.

This is the embedded default: Airflow on SQLite under KINERJA_HOME, no scheduler, no server.
Nights run one after another, so DuckDB never sees two writers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kinerja.orchestration import POOL_SLOTS, WAREHOUSE_POOL
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.manifest import write_manifest

DAG_ID = "kinerja_nightly"


@dataclass
class NightRun:
    as_of: date
    succeeded: bool
    task_states: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None

    @property
    def failed_tasks(self) -> list[str]:
        return [t for t, s in self.task_states.items() if s not in ("success", "skipped")]


def _airflow(settings: Settings, *args: str, log=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **tool_environment(settings)}
    airflow = str(Path(sys.executable).parent / "airflow")
    return subprocess.run(
        [airflow, *args],
        env=env,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT if log else subprocess.PIPE,
        text=True,
        check=False,
    )


def prepare_airflow(settings: Settings) -> None:
    """The dbt manifest, the metadata DB and the warehouse pool (cheap when already done)."""
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    write_manifest(settings)
    for args in (
        ("db", "migrate"),
        ("pools", "set", WAREHOUSE_POOL, str(POOL_SLOTS[settings.target]), "Warehouse writers"),
    ):
        result = _airflow(settings, *args)
        if result.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{result.stderr[-4000:]}")


def logical_date_for(as_of: date) -> str:
    """The manual run whose data interval is [as_of 02:00 WIB, next day 02:00 WIB).

    Airflow 3 infers a manual run's interval as the last complete one before its logical date,
    which is exactly what the scheduler runs at 02:00 the morning after the extraction date.
    """
    return f"{(as_of + timedelta(days=1)).isoformat()}T02:00:00+07:00"


def task_states(settings: Settings, as_of: date) -> dict[str, str]:
    result = _airflow(
        settings, "tasks", "states-for-dag-run", DAG_ID, logical_date_for(as_of), "--output", "json"
    )
    if result.returncode != 0:
        return {}
    start = result.stdout.find("[")
    rows = json.loads(result.stdout[start:]) if start >= 0 else []
    return {row["task_id"]: row["state"] for row in rows}


def run_night(settings: Settings, as_of: date) -> NightRun:
    log_file = settings.home_dir / "runs" / f"{as_of.isoformat()}.airflow.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as log:
        result = _airflow(settings, "dags", "test", DAG_ID, logical_date_for(as_of), log=log)
    states = task_states(settings, as_of)
    run = NightRun(as_of, result.returncode == 0, states, log_file)
    run.succeeded = run.succeeded and bool(states) and not run.failed_tasks
    return run
