"""Process environment for the tools Kinerja drives: Airflow, dbt, Cosmos, GX and MLflow.

Two jobs, both in one place: keep every tool's state under KINERJA_HOME, and keep every tool quiet
towards the internet. A government HR system sends no usage telemetry anywhere.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from kinerja.project import (
    DAGS_FOLDER,
    DBT_PROJECT_DIR,
    PLUGINS_FOLDER,
    PROJECT_DIR,
    PROJECT_VARIABLE,
)
from kinerja.settings import Settings

NO_TELEMETRY = {
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
}


def dbt_log_dir(settings: Settings) -> Path:
    return settings.dbt_target_dir.parent / "logs"


def cosmos_cache_dir(settings: Settings) -> Path:
    return settings.home_dir / "dbt" / "cosmos"


def tool_environment(settings: Settings) -> dict[str, str]:
    """Variables that point Airflow, dbt and MLflow at this installation's state and target."""
    home = settings.home_dir
    airflow_home = settings.airflow_home
    env = {
        **NO_TELEMETRY,
        "KINERJA_HOME": str(home),
        PROJECT_VARIABLE: str(PROJECT_DIR),
        "KINERJA_TARGET": settings.target,
        "KINERJA_DUCKDB_PATH": str(settings.duckdb_path),
        # dbt-duckdb opens its own connection: profiles.yml passes these on as DuckDB settings.
        "KINERJA_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "KINERJA_DUCKDB_THREADS": str(settings.duckdb_threads),
        "KINERJA_DUCKDB_TEMP_DIR": str(settings.duckdb_temp_directory),
        "KINERJA_PG_HOST": settings.pg_host,
        "KINERJA_PG_PORT": str(settings.pg_port),
        "KINERJA_PG_USER": settings.pg_user,
        "KINERJA_PG_PASSWORD": settings.pg_password,
        "KINERJA_PG_DATABASE": settings.pg_database,
        # dbt's login (dbt_project/profiles.yml), when the transformer has its own.
        **(
            {
                "KINERJA_PG_TRANSFORMER_USER": settings.pg_transformer_user,
                "KINERJA_PG_TRANSFORMER_PASSWORD": settings.pg_transformer_password,
            }
            if settings.pg_transformer_user
            else {}
        ),
        "MLFLOW_TRACKING_URI": settings.mlflow_uri,
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        # dbt's file log in JSON lines, in one place per installation: the night follows it for
        # each node's state (kinerja.night.dbt_log), whichever copy of the project Cosmos runs.
        "DBT_LOG_PATH": str(dbt_log_dir(settings)),
        "DBT_LOG_FORMAT_FILE": "json",
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Jakarta",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
        # Task logs hold personal data (NIPs in messages): owner-only, not Airflow's group-
        # writable default for impersonation, which Kinerja does not use.
        "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FOLDER_PERMISSIONS": "0o700",
        "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FILE_PERMISSIONS": "0o600",
        # Cosmos keeps dbt's partial-parse state here; in the shared /tmp default another
        # installation's state (another profile) forces a full parse of the project every night.
        "AIRFLOW__COSMOS__CACHE_DIR": str(cosmos_cache_dir(settings)),
        # The watcher producer would rewrite an Airflow Variable holding every node status so far
        # on each dbt event (quadratic: 70 % of its time on 60 staff); it has no retries, so the
        # backup is only written if it fails.
        "AIRFLOW__COSMOS__ENABLE_WATCHER_RELIABLE_RETRY": "False",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(PROJECT_DIR), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    if settings.dbt_threads:
        env["KINERJA_DBT_THREADS"] = str(settings.dbt_threads)
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in os.environ:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{airflow_home / 'airflow.db'}"
    return env


def silence_telemetry() -> None:
    for key, value in NO_TELEMETRY.items():
        os.environ.setdefault(key, value)


def run_tool(
    command: list[str], env: Mapping[str, str], failure: str, cwd: Path | None = None
) -> None:
    """Run a tool to its end, its output captured; when it fails, raise `failure` with the tail
    of both its streams (dbt reports errors on stdout, Airflow and supervisord on stderr)."""
    result = subprocess.run(
        command, env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{failure}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
