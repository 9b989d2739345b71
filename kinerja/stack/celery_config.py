"""The Celery workers' configuration (`[celery] celery_config_options`): Airflow's default, plus
the modules every task of the night imports, loaded once in each worker's main process.

A task process is forked from its worker and parses the DAG file before it runs; with Airflow,
Cosmos and the night's code already imported, each of the night's ~170 short tasks (mostly dbt
node sensors) starts in a fraction of the time.
"""

from __future__ import annotations

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

PRELOADED = (
    "airflow.sdk",
    "airflow.timetables.interval",
    "cosmos",
    "cosmos.operators.watcher",
    "kinerja.night.dag_config",
    "kinerja.night.steps",
    "kinerja.night.events",
    "kinerja.night.results",
    "kinerja.night.alerts",
    "kinerja.night.task_metrics",
)

CELERY_CONFIG = {**DEFAULT_CELERY_CONFIG, "imports": PRELOADED}
