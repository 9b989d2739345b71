"""docker-compose.yml has the production shape (no Docker engine runs here, so check its structure)."""

from __future__ import annotations

import yaml

from kinerja.project import PROJECT_DIR


def _compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


def test_services_of_the_production_shape():
    services = _compose()["services"]
    for name in (
        "postgres",
        "redis",
        "mlflow",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-worker",
    ):
        assert name in services, name
    worker_env = services["airflow-worker"]["environment"]
    assert worker_env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker_env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
    assert worker_env["KINERJA_TARGET"] == "postgres"


def test_project_is_mounted_and_nothing_phones_home():
    services = _compose()["services"]
    for name, service in services.items():
        if name.startswith("airflow-"):
            mounts = {v.split(":")[1] for v in service["volumes"]}
            assert {
                "/opt/kinerja/dags",
                "/opt/kinerja/dbt_project",
                "/opt/kinerja/kinerja",
            } <= mounts
            env = service["environment"]
            assert env["DO_NOT_TRACK"] == "1"
            assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
            assert env["GX_ANALYTICS_ENABLED"] == "False"
            assert env["MLFLOW_DISABLE_TELEMETRY"] == "true"


def test_services_wait_for_their_dependencies():
    services = _compose()["services"]
    assert (
        services["airflow-scheduler"]["depends_on"]["airflow-init"]["condition"]
        == "service_completed_successfully"
    )
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["redis"]
    # Cosmos renders the DAG from the manifest that the init step writes; the producer's build
    # starts from that parse's state, not an older project's (kinerja.night.partial_parse).
    init = " ".join(services["airflow-init"]["command"].split())
    assert "python -m kinerja.transform.manifest && python -m kinerja.night.partial_parse" in init


def test_the_writers_pool_and_worker_match_the_dag_s_one_slot():
    """Compose cannot import the constants, so it states them again: they must agree with
    kinerja.night.dag_config, or a backfill could build beside the 02:00 night."""
    from kinerja.night.dag_config import WAREHOUSE_POOL, WAREHOUSE_POOL_SLOTS, WAREHOUSE_QUEUE

    services = _compose()["services"]
    init = " ".join(services["airflow-init"]["command"].split())
    assert f"airflow pools set {WAREHOUSE_POOL} {WAREHOUSE_POOL_SLOTS} " in init
    worker = services["airflow-worker-warehouse"]["command"].split()
    assert worker[worker.index("--queues") + 1] == WAREHOUSE_QUEUE
    assert worker[worker.index("--concurrency") + 1] == str(WAREHOUSE_POOL_SLOTS)


def test_workers_notice_a_finished_task_as_soon_as_the_process_stack_s_do():
    """Compose cannot import the stack's environment, so it states the interval again."""
    from kinerja.stack.environment import TASK_EXIT_NOTICED_WITHIN_S

    for name, service in _compose()["services"].items():
        if name.startswith("airflow-worker"):
            interval = service["environment"]["AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL"]
            assert int(interval) == TASK_EXIT_NOTICED_WITHIN_S, name
