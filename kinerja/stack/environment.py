"""The one environment every process of the stack runs in: supervisord passes it on to Airflow's
components, the Celery workers and the MLflow server, and `deploy/supervisord.conf` reads its
`KINERJA_STACK_*` values (ports, folders, queues) as `%(ENV_...)s`.

Secrets travel in the environment, never on a command line (`ps` shows those to every user).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy.engine import URL

from kinerja.night.dag_config import GENERAL_QUEUE, WAREHOUSE_POOL_SLOTS, WAREHOUSE_QUEUE
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.stack.config import StackSettings
from kinerja.stack.secrets import StackSecrets, passwords_file

TASK_EXIT_NOTICED_WITHIN_S = 1


def postgres_url(settings: Settings, database: str, driver: str = "postgresql+psycopg2") -> str:
    """A SQLAlchemy URL for a database on the warehouse's PostgreSQL server (with the password:
    for the environment only, never to print)."""
    return URL.create(
        driver,
        username=settings.pg_user,
        password=settings.pg_password or None,
        host=settings.pg_host,
        port=settings.pg_port,
        database=database,
    ).render_as_string(hide_password=False)


def stack_environment(
    settings: Settings, stack: StackSettings, folder: Path, secrets: StackSecrets
) -> dict[str, str]:
    """What `kinerja stack up` was started with (the KINERJA_* settings, the pseudonym key, PATH),
    with the stack's own settings on top."""
    airflow_home = folder / "airflow"
    metadata = postgres_url(settings, stack.airflow_database)
    env = {**os.environ, **tool_environment(settings)}
    env.update(
        {
            # Read by deploy/supervisord.conf.
            "KINERJA_STACK_DIR": str(folder),
            "KINERJA_STACK_BIN": str(Path(sys.executable).parent),
            "KINERJA_STACK_HOST": stack.host,
            "KINERJA_STACK_SERVERS": str(stack.servers).lower(),
            "KINERJA_STACK_API_PORT": str(stack.api_port),
            "KINERJA_STACK_API_WORKERS": str(stack.api_workers),
            "KINERJA_STACK_MLFLOW_PORT": str(stack.mlflow_port),
            "KINERJA_STACK_MLFLOW_WORKERS": str(stack.mlflow_workers),
            "KINERJA_STACK_GENERAL_QUEUE": GENERAL_QUEUE,
            "KINERJA_STACK_WAREHOUSE_QUEUE": WAREHOUSE_QUEUE,
            "KINERJA_STACK_GENERAL_CONCURRENCY": str(stack.general_concurrency),
            "KINERJA_STACK_WAREHOUSE_CONCURRENCY": str(WAREHOUSE_POOL_SLOTS),
            "KINERJA_STACK_GENERAL_LOG_PORT": str(stack.general_log_port),
            "KINERJA_STACK_WAREHOUSE_LOG_PORT": str(stack.warehouse_log_port),
            # The night's tasks log to the MLflow server, which keeps artifacts itself.
            "KINERJA_MLFLOW_TRACKING_URI": stack.mlflow_url,
            "MLFLOW_TRACKING_URI": stack.mlflow_url,
            "MLFLOW_BACKEND_STORE_URI": postgres_url(settings, stack.mlflow_database),
            "MLFLOW_ARTIFACTS_DESTINATION": str(folder / "mlflow-artifacts"),
            # Airflow: its own home (logs, the auth manager's passwords) and PostgreSQL metadata.
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(stack.trigger_log_port),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
            # The api-server's async engine on psycopg 3 (already a dependency), not the asyncpg
            # Airflow derives from the sync URL by default.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": postgres_url(
                settings, stack.airflow_database, driver="postgresql+psycopg"
            ),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": stack.redis_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata,
            "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "kinerja.stack.celery_config.CELERY_CONFIG",
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": GENERAL_QUEUE,
            "AIRFLOW__API__HOST": stack.host,
            "AIRFLOW__API__PORT": str(stack.api_port),
            "AIRFLOW__API__BASE_URL": stack.airflow_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{stack.airflow_url}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.jwt_secret,
            "AIRFLOW__API__SECRET_KEY": secrets.api_secret_key,
            "AIRFLOW__CORE__FERNET_KEY": secrets.fernet_key,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{stack.admin_user}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(folder)),
            # A new installation runs its nights from the first one on.
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(stack.schedule),
            # Celery workers report to the api-server's health endpoint through their heartbeat;
            # the scheduler's own HTTP health check would take one more port.
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            # A task's supervisor notices its process's exit on its next wake-up when the exit
            # lands after the last output it read: up to this interval (Airflow's default 5 s)
            # after a finished task, measured on a third of a night's tasks. A running task
            # reports alive as often, one small request per second.
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": str(TASK_EXIT_NOTICED_WITHIN_S),
            # MLflow's job runner (GenAI scorers, prompt optimisation) is unused here and costs
            # eight processes.
            "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        }
    )
    return env
