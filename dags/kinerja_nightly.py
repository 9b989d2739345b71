"""kinerja_nightly: load -> validate -> dbt -> validate marts -> train -> score and publish ->
the BI snapshot -> retention, nightly. It announces the marts and the published scores as Airflow
assets (kinerja.night.assets) and is reported late past KINERJA_NIGHT_DEADLINE.

Thin on purpose: every task is one call to a step of `kinerja.night.steps`, imported here. The
night's data interval starts at 02:00 Asia/Jakarta on the extraction date; `as_of` is that date,
and every step receives it the same way (`_as_of`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import (
    ExecutionMode,
    InvocationMode,
    LoadMode,
    TestBehavior,
    TestIndirectSelection,
)

from kinerja.night import steps
from kinerja.night.assets import (
    MARTS_ASSETS,
    SCORES_PUBLISHED,
    announce_marts,
    announce_scores,
)
from kinerja.night.dag_config import (
    DAG_ID,
    DBT_EXECUTABLE,
    DBT_PROFILE,
    DBT_PROJECT_DIR,
    NIGHT_EXCLUDE,
    TRANSFORM_GROUP,
    dbt_env,
    dbt_producer_args,
    dbt_profiles_yml,
    dbt_sensor_args,
    failure_alerts,
    lateness_alert,
    reader,
    warehouse_writer,
)
from kinerja.night.events import night_of
from kinerja.night.results import LoadResult, PublishResult
from kinerja.settings import get_settings
from kinerja.transform.manifest import manifest_path

JAKARTA = pendulum.timezone("Asia/Jakarta")
# Read once per parse: every task process parses this file again before it runs.
SETTINGS = get_settings()

default_args = {
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    **warehouse_writer(),
    # A failed task tells the data team which night, which task and why (KINERJA_ALERT_*).
    "on_failure_callback": failure_alerts(SETTINGS),
}


def _as_of():
    return night_of(get_current_context()["data_interval_start"])


def _run(step, *args) -> dict:
    """Run one step with tonight's `as_of`; its typed result goes to XCom as JSON. Bad data fails
    the task at once: retrying cannot fix it."""
    try:
        return step(_as_of(), *args).to_json()
    except steps.NightFailed as exc:
        raise AirflowFailException(str(exc)) from exc


@dag(
    dag_id=DAG_ID,
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone=JAKARTA),
    start_date=pendulum.datetime(2024, 1, 1, tz=JAKARTA),
    catchup=False,
    max_active_runs=1,  # DuckDB takes one writer: nights never overlap
    default_args=default_args,
    # Not finished by KINERJA_NIGHT_DEADLINE (07:00 WIB): the data team is told, as for a failure.
    deadline=lateness_alert(SETTINGS),
    tags=["kinerja"],
    doc_md=__doc__,
)
def kinerja_nightly():
    @task
    def load_extracts() -> dict:
        return _run(steps.load_extracts)

    @task
    def validate_extracts(loaded: dict) -> dict:
        return _run(steps.validate_extracts, LoadResult.from_json(loaded))

    # One `dbt build` for the whole project (Cosmos' watcher producer) and one sensor per node that
    # shows the node's state as the build reports it: dbt starts once, not once per node.
    transform = DbtTaskGroup(
        group_id=TRANSFORM_GROUP,
        # Rendered from the manifest `kinerja run` writes (`dbt parse`): no dbt call at parse time.
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=manifest_path(SETTINGS),
            env_vars=dbt_env(SETTINGS),
        ),
        profile_config=ProfileConfig(
            profile_name=DBT_PROFILE,
            target_name=SETTINGS.target,
            profiles_yml_filepath=dbt_profiles_yml(),
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            # dbt in a subprocess: in-process, Cosmos converts every dbt debug event to JSON in
            # its callback, which doubled the producer's CPU; a subprocess also builds on one core
            # while the producer records node states on the other.
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=DBT_EXECUTABLE,
            # A test runs with the last of its parents to be built: a relationship from a mart
            # to a seed waits for the mart, instead of failing when the seed is built first.
            test_indirect_selection=TestIndirectSelection.BUILDABLE,
            setup_operator_args=dbt_producer_args(),
        ),
        # Each model, seed and snapshot gets a sensor; a node with tests also a `.test` sensor
        # that fails when one of its tests fails (the build runs them right after the node).
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.AFTER_EACH,
            exclude=list(NIGHT_EXCLUDE),
        ),
        operator_args={"install_deps": False, **dbt_sensor_args()},
        default_args={**default_args, **reader()},
    )

    # The marts are announced (Airflow assets, kinerja.night.assets) once they passed their checks.
    @task(outlets=list(MARTS_ASSETS))
    def validate_marts() -> dict:
        result = _run(steps.validate_marts)
        announce_marts(get_current_context()["outlet_events"], _as_of())
        return result

    @task
    def train_model() -> dict:
        return _run(steps.train_model)

    # The scores (table and outbox) are announced when a night published some.
    @task(outlets=[SCORES_PUBLISHED])
    def score_and_publish() -> dict:
        result = _run(steps.score_and_publish)
        announce_scores(
            get_current_context()["outlet_events"], _as_of(), PublishResult.from_json(result)
        )
        return result

    # After the scores, so BI sees tonight's marts; DuckDB only (BI reads PostgreSQL under its
    # role). It writes a file of its own, so no BI reader of the previous one can hold it up.
    @task
    def publish_bi_snapshot() -> dict:
        return _run(steps.publish_bi_snapshot)

    # Last, and only after a good night: what the night reads is never purged under it, and a
    # failed night keeps everything for whoever investigates it.
    @task
    def apply_retention() -> dict:
        return _run(steps.apply_retention)

    validated = validate_extracts(load_extracts())
    trained = train_model()
    published = score_and_publish()
    (
        validated
        >> transform
        >> validate_marts()
        >> trained
        >> published
        >> publish_bi_snapshot()
        >> apply_retention()
    )


kinerja_nightly()
