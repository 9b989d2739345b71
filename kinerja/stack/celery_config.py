"""The Celery workers' configuration (`[celery] celery_config_options`): Airflow's default, plus
the modules every task of the night imports, loaded once in each worker's main process.

A task process is forked from its worker and parses the DAG file before it runs; with Airflow,
Cosmos and the night's code already imported, each of the night's ~170 short tasks (mostly dbt
node sensors) starts in a fraction of the time. tests/unit/test_dag_integrity.py checks that a
forked parse of the DAG folder imports none of Cosmos, the night's code or FastAPI again.
"""

from __future__ import annotations

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

PRELOADED = (
    "airflow.sdk",
    "airflow.sdk.lineage",
    "airflow.timetables.interval",
    # What `@task` and `@dag` bring in on first use: the standard provider's Python operator.
    "airflow.providers.standard.decorators.python",
    "airflow.providers.common.io.assets.file",
    "cosmos",
    "cosmos.airflow.task_group",
    "cosmos.operators.watcher",
    # Cosmos' Airflow plugin (and FastAPI under it): Cosmos loads the plugins when it reads the
    # manifest: 0.62-0.71 s of CPU to parse the DAG in a forked task process without it, 0.35-0.43 s
    # with it.
    "cosmos.plugin.airflow3",
    "kinerja.night.assets",
    "kinerja.night.dag_config",
    "kinerja.night.steps",
    "kinerja.night.ekspor",
    "kinerja.night.events",
    "kinerja.night.lateness",
    "kinerja.night.results",
    "kinerja.night.alerts",
    "kinerja.night.task_metrics",
    "kinerja.transform.catalog",
)

CELERY_CONFIG = {**DEFAULT_CELERY_CONFIG, "imports": PRELOADED}
