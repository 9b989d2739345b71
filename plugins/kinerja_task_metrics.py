"""Registers Kinerja's per-task metrics listener (`kinerja.night.task_metrics`) with Airflow.

Airflow loads this folder (AIRFLOW__CORE__PLUGINS_FOLDER) in every component, task processes
included, under `airflow dags test` as on Celery workers.
"""

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from kinerja.night import task_metrics


class KinerjaTaskMetrics(AirflowPlugin):
    name = "kinerja_task_metrics"
    listeners: ClassVar[list] = [task_metrics]
