"""What the DAG file needs at parse time, cheap to import (no Airflow, no dbt)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kinerja.project import DBT_PROJECT_DIR
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.invoke import DBT_EXECUTABLE, DBT_PROFILE

__all__ = [
    "DAG_ID",
    "DBT_EXECUTABLE",
    "DBT_PROFILE",
    "DBT_PROJECT_DIR",
    "GENERAL_QUEUE",
    "NIGHT_EXCLUDE",
    "TRANSFORM_GROUP",
    "WAREHOUSE_POOL",
    "WAREHOUSE_POOL_SLOTS",
    "WAREHOUSE_QUEUE",
    "dbt_env",
    "dbt_producer_args",
    "dbt_profiles_yml",
    "dbt_sensor_args",
    "failure_alerts",
    "lateness_alert",
    "reader",
    "warehouse_writer",
]

DAG_ID = "kinerja_nightly"
# The task group of the dbt nodes (Cosmos' DbtTaskGroup): its producer runs the night's `dbt build`.
TRANSFORM_GROUP = "transform"

# Every task that writes the warehouse takes the one slot here, on both engines, whichever run it
# belongs to: DuckDB takes one writing process at a time, and on PostgreSQL a build must never run
# while another run's load commits. A load stamps every batch with the time its run started, and the
# incremental models keep the newest stamp they read as their watermark: a batch committed during
# a build with a stamp that build already read would never be read. `max_active_runs=1` alone
# does not keep runs apart, since a backfill's own `max_active_runs` is applied independently of
# the DAG's, so a backfill can run beside the 02:00 night.
WAREHOUSE_POOL = "kinerja_warehouse"
WAREHOUSE_POOL_SLOTS = 1

# On Celery the writers also have their own queue, served by workers of their own
# (deploy/supervisord.conf): placed beside the database and sized to the pool, they never wait
# behind the night's hundred-odd sensors, and the general workers can be scaled out freely.
# `airflow dags test` ignores queues.
WAREHOUSE_QUEUE = "kinerja_warehouse"
GENERAL_QUEUE = "default"  # Airflow's [operators] default_queue


def warehouse_writer() -> dict[str, str]:
    """Where a task that writes the warehouse runs: a slot of the pool, on the writers' queue."""
    return {"pool": WAREHOUSE_POOL, "queue": WAREHOUSE_QUEUE}


def reader() -> dict[str, str]:
    """Where a task that only reads (the dbt node sensors) runs."""
    return {"pool": "default_pool", "queue": GENERAL_QUEUE}


# dbt's unit tests check SQL logic on static inputs, so they belong to CI (`make test` builds the
# project with them on both targets), not to every night, where they cost a third of the tests' time.
NIGHT_EXCLUDE = ("resource_type:unit_test",)

# Set by `kinerja run` for `airflow dags test`, which runs one task at a time in its own process
# and runs a deferred task's trigger inline, blocking the loop until it fires.
INLINE_RUN_VARIABLE = "KINERJA_AIRFLOW_INLINE"


def dbt_profiles_yml() -> Path:
    return DBT_PROJECT_DIR / "profiles.yml"


# Cosmos shows `env_vars` in every dbt task's rendered fields and keeps them in the serialized
# DAG: secrets stay out and reach dbt through the task process's own environment instead (the
# pseudonym key through kinerja.pseudonym.hand_key_to_dbt; the password is inherited).
SECRET_VARIABLES = frozenset(
    {
        "KINERJA_PG_PASSWORD",
        "KINERJA_PG_TRANSFORMER_PASSWORD",
        "KINERJA_PSEUDONYM_KEY",
    }
)


def dbt_env(settings: Settings) -> dict[str, str]:
    """The non-secret variables dbt's profile and models read (paths, target, DuckDB limits)."""
    keep = (
        "KINERJA_",
        "DBT_",
        "DO_NOT_TRACK",
    )
    return {
        k: v
        for k, v in tool_environment(settings).items()
        if k.startswith(keep) and k not in SECRET_VARIABLES
    }


def failure_alerts(settings: Settings) -> list:
    """Every task's `on_failure_callback`: the notifiers the KINERJA_ALERT_* settings turn on
    (kinerja.night.alerts), none when no alert address is set."""
    from kinerja.night.alerts import failure_alerts as alerts

    return alerts(settings)


def lateness_alert(settings: Settings):
    """The night's deadline alert (kinerja.night.lateness): KINERJA_NIGHT_DEADLINE, through the
    alert channels; None when it is off or no channel is set.

    None under `kinerja run` too: a deadline needs a scheduler to notice it and a triggerer to
    run its callback, and `airflow dags test` has neither; worse, Airflow 3.3's `dags test` fails
    a successful run of a DAG with a deadline alert at its very end (it looks the alerts up by
    their definitions instead of their ids: "'dict' object has no attribute 'hex'").
    """
    from kinerja.night.lateness import lateness_alert as alert

    if os.environ.get(INLINE_RUN_VARIABLE) == "1":
        return None
    return alert(settings)


def dbt_producer_args() -> dict[str, Any]:
    """The one task that runs `dbt build` (Cosmos' watcher producer) writes the warehouse.

    No retries: Cosmos' producer skips itself on a second try (a second build could overlap the
    first), so a retry would only add the retry delay before the night fails. The pseudonym key
    is handed to dbt in the producer's own process right before it runs (`pre_execute`).
    """
    from kinerja.pseudonym import hand_key_to_dbt

    return {**warehouse_writer(), "retries": 0, "pre_execute": hand_key_to_dbt}


def dbt_sensor_args() -> dict[str, Any]:
    """Per-node sensors only read the producer's XComs: they stay out of the warehouse pool, so
    a sensor waiting for its node never holds the slot the producer needs.

    With a scheduler and a triggerer (Celery) they defer and cost no worker slot while waiting.
    Under `airflow dags test` a deferred trigger runs inline and would block the loop before the
    producer ever ran, so there they reschedule instead: a sensor that pokes too early gives way.
    No retries: a retried sensor re-runs its node with dbt outside the pool, and a node that
    failed in the build fails again; the night fails at once naming it.
    """
    inline = os.environ.get(INLINE_RUN_VARIABLE) == "1"
    return {
        # Nothing is scheduled on dbt's tables as Airflow assets; emitting one per node costs
        # the sensor a third of its run.
        "emit_datasets": False,
        **reader(),
        "retries": 0,
        "deferrable": not inline,
        "mode": "reschedule" if inline else "poke",
        "poke_interval": 1 if inline else 5,
    }
