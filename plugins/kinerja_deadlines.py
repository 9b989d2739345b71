"""Registers the night's deadline reference (`kinerja.night.lateness.NightStart`) with Airflow.

Airflow computes a run's deadline where the run is created (the scheduler, the API server for a
triggered run, `airflow dags test`) and finds a custom reference only among the plugins' ones.
"""

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from kinerja.night.lateness import NightStart


class KinerjaDeadlines(AirflowPlugin):
    name = "kinerja_deadlines"
    deadline_references: ClassVar[list] = [NightStart]
