"""The production stack's configuration without starting it: deploy/supervisord.conf and the
environment `kinerja stack up` gives it stay in step, secrets stay off command lines and are
made once, owner-only; the stack refuses what it cannot run."""

from __future__ import annotations

import configparser
import re

import pytest

from kinerja.night.dag_config import GENERAL_QUEUE, WAREHOUSE_QUEUE
from kinerja.settings import Settings
from kinerja.stack import StackRefused, down, status, up
from kinerja.stack.config import StackSettings
from kinerja.stack.environment import TASK_EXIT_NOTICED_WITHIN_S, stack_environment
from kinerja.stack.secrets import passwords_file, secrets_file, stack_secrets
from kinerja.stack.supervisor import CONFIG_FILE

PROGRAMS = {
    "mlflow",
    "airflow-api-server",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker-general",
    "airflow-worker-warehouse",
}


@pytest.fixture
def environment(tmp_path) -> tuple[dict[str, str], StackSettings, Settings]:
    settings = Settings(
        home=tmp_path / "home", target="postgres", pg_password="rahasia-pg", pseudonym_key="k"
    )
    stack = StackSettings(api_port=18080, mlflow_port=15000, redis_url="redis://127.0.0.1:6379/7")
    folder = stack.folder(settings)
    env = stack_environment(settings, stack, folder, stack_secrets(folder, stack))
    return env, stack, settings


def _config() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read(CONFIG_FILE)
    return parser


def test_every_variable_the_configuration_reads_is_in_the_environment(environment):
    env, _, _ = environment
    wanted = set(re.findall(r"%\(ENV_(\w+)\)s", CONFIG_FILE.read_text()))
    assert wanted and wanted - set(env) == set()


def test_the_configuration_runs_each_component_once(environment):
    env, _, _ = environment
    programs = {
        s.removeprefix("program:") for s in _config().sections() if s.startswith("program:")
    }
    assert programs == PROGRAMS
    commands = " ".join(_config().get(f"program:{p}", "command") for p in programs)
    assert "--queues %(ENV_KINERJA_STACK_WAREHOUSE_QUEUE)s" in commands
    assert (env["KINERJA_STACK_WAREHOUSE_QUEUE"], env["KINERJA_STACK_GENERAL_QUEUE"]) == (
        WAREHOUSE_QUEUE,
        GENERAL_QUEUE,
    )
    # Each worker serves its logs on its own port: two on one machine would collide.
    assert env["KINERJA_STACK_GENERAL_LOG_PORT"] != env["KINERJA_STACK_WAREHOUSE_LOG_PORT"]
    for program in programs:
        assert _config().get(f"program:{program}", "stopasgroup") == "true"


def test_airflow_runs_on_celery_with_postgres_and_the_mlflow_server(environment):
    env, stack, settings = environment
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/7"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("/kinerja_airflow")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["KINERJA_MLFLOW_TRACKING_URI"] == env["MLFLOW_TRACKING_URI"] == stack.mlflow_url
    assert env["MLFLOW_BACKEND_STORE_URI"].endswith("/kinerja_mlflow")
    # The night's tasks keep their warehouse settings.
    assert env["KINERJA_TARGET"] == "postgres"
    assert env["KINERJA_PG_DATABASE"] == settings.pg_database


def test_a_worker_notices_a_finished_task_within_a_second(environment, monkeypatch):
    """The supervisor of a task sees the task's exit on its next wake-up when the exit comes after
    the last output it read: the stack makes Airflow wake it every second, not every five."""
    from airflow.configuration import conf

    env, _, _ = environment
    before = conf.getint("workers", "min_heartbeat_interval")
    for name, value in env.items():
        if name.startswith("AIRFLOW__"):
            monkeypatch.setenv(name, value)
    assert conf.getint("workers", "min_heartbeat_interval") == TASK_EXIT_NOTICED_WITHIN_S < before


def test_no_secret_is_on_a_command_line(environment):
    env, _, _ = environment
    secrets = (
        env["AIRFLOW__API_AUTH__JWT_SECRET"],
        env["AIRFLOW__CORE__FERNET_KEY"],
        "rahasia-pg",
    )
    text = CONFIG_FILE.read_text()
    expanded = re.sub(r"%\(ENV_(\w+)\)s", lambda m: env[m.group(1)], text)
    commands = [line for line in expanded.splitlines() if line.startswith("command=")]
    assert len(commands) == len(PROGRAMS)
    assert [c for c in commands if any(s in c for s in secrets)] == []


def test_secrets_are_made_once_and_owner_only(tmp_path):
    stack = StackSettings(admin_user="operator")
    first = stack_secrets(tmp_path, stack)
    again = stack_secrets(tmp_path, stack)
    assert first == again and len({first.jwt_secret, first.admin_password}) == 2
    for path in (secrets_file(tmp_path), passwords_file(tmp_path)):
        assert path.stat().st_mode & 0o777 == 0o600
    assert passwords_file(tmp_path).read_text().strip() == (
        '{"operator": "' + first.admin_password + '"}'
    )


def test_the_stack_refuses_duckdb_and_a_missing_key(tmp_path):
    stack = StackSettings(dir=tmp_path / "stack")
    with pytest.raises(StackRefused, match="KINERJA_TARGET=postgres"):
        up(Settings(home=tmp_path, target="duckdb"), stack)
    with pytest.raises(StackRefused, match="KINERJA_PSEUDONYM_KEY"):
        up(Settings(home=tmp_path, target="postgres", pseudonym_key=None), stack)
    assert not (tmp_path / "stack" / "supervisor.sock").exists()


def test_status_and_down_of_a_stack_that_never_ran(tmp_path):
    settings, stack = Settings(home=tmp_path, target="postgres"), StackSettings(dir=tmp_path / "s")
    current = status(settings, stack)
    assert not current.running and current.processes == [] and not current.healthy
    assert down(settings, stack) is False


def test_on_a_tracking_server_the_server_keeps_the_artifacts(tmp_path):
    """An experiment created against the stack's MLflow server stores its artifacts where the
    server serves them, not in a folder of the worker that happened to create it."""
    local = Settings(home=tmp_path, mlflow_tracking_uri=None)
    served = Settings(home=tmp_path, mlflow_tracking_uri="http://127.0.0.1:5000")
    assert local.mlflow_artifact_root == (tmp_path / "mlflow" / "artifacts").resolve().as_uri()
    assert served.mlflow_server and served.mlflow_artifact_root is None
