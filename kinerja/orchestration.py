"""What the DAG file needs at parse time, cheap to import (no Airflow, no dbt)."""

from __future__ import annotations

from pathlib import Path

from kinerja.runtime import DBT_PROJECT_DIR, tool_environment
from kinerja.settings import get_settings
from kinerja.transform.manifest import DBT_EXECUTABLE, manifest_path

__all__ = [
    "DBT_EXECUTABLE",
    "DBT_PROJECT_DIR",
    "WAREHOUSE_POOL",
    "dbt_env",
    "dbt_manifest",
    "dbt_profiles_yml",
    "warehouse_target",
]

# Every task that writes the warehouse takes a slot here. On DuckDB the pool has one slot, so
# writers never overlap; on PostgreSQL it can be widened (`kinerja` sets it up per target).
WAREHOUSE_POOL = "kinerja_warehouse"
POOL_SLOTS = {"duckdb": 1, "postgres": 4}


def warehouse_target() -> str:
    return get_settings().target


def dbt_manifest() -> Path:
    return manifest_path(get_settings())


def dbt_profiles_yml() -> Path:
    return DBT_PROJECT_DIR / "profiles.yml"


def dbt_env() -> dict[str, str]:
    """The variables dbt's profile and models read (paths, target, pseudonym key)."""
    keep = (
        "KINERJA_",
        "DBT_",
        "DO_NOT_TRACK",
    )
    return {k: v for k, v in tool_environment(get_settings()).items() if k.startswith(keep)}
