"""The production stack's own settings (`KINERJA_STACK_*`): ports, databases, the broker, folders
and the size of each worker pool. The warehouse, the pseudonym key and everything the night reads
stay in `kinerja.settings` (`KINERJA_*`).

Defaults suit one VM running everything; a test starts a second stack beside it on free ports
with databases and a Redis database of its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja.settings import Settings

Port = int


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_STACK_", extra="ignore")

    dir: Path | None = None  # default <KINERJA_HOME>/stack: supervisord's socket, logs, secrets
    # Where the UIs listen. 127.0.0.1 keeps them on the machine (reach them through an SSH tunnel
    # or a reverse proxy); 0.0.0.0 opens them to the network, which Celery workers on other
    # machines need for the api-server (they report task state to its execution API).
    host: str = "127.0.0.1"
    # The name other machines and browsers use for this one (printed URLs, the workers' execution
    # API); default: host, or 127.0.0.1 when host is 0.0.0.0.
    public_host: str | None = None
    api_port: Port = Field(default=8080, ge=1, le=65535)
    mlflow_port: Port = Field(default=5000, ge=1, le=65535)
    # Each worker serves its task logs to the api-server on a port of its own.
    general_log_port: Port = Field(default=8793, ge=1, le=65535)
    warehouse_log_port: Port = Field(default=8795, ge=1, le=65535)
    trigger_log_port: Port = Field(default=8794, ge=1, le=65535)
    # On the PostgreSQL server of the warehouse (KINERJA_PG_HOST/PORT/USER/PASSWORD); created
    # when missing.
    airflow_database: str = "kinerja_airflow"
    mlflow_database: str = "kinerja_mlflow"
    # Celery's broker: the machine's Redis, a database number of its own.
    redis_url: str = "redis://127.0.0.1:6379/1"
    # Task processes of the general worker. Sensors mostly defer to the triggerer, so it holds
    # many cheap slots; the writers' worker runs one, the warehouse pool's one slot.
    general_concurrency: int = Field(default=8, ge=1)
    api_workers: int = Field(default=2, ge=1)
    mlflow_workers: int = Field(default=2, ge=1)
    # False on a machine that only adds Celery workers to a stack whose servers (api-server,
    # scheduler, dag-processor, triggerer, MLflow) run elsewhere, at public_host.
    servers: bool = True
    # Off: the scheduler runs only triggered runs and backfills (a test, or an agency whose
    # source systems trigger the night); on: kinerja_nightly runs at 02:00 WIB.
    schedule: bool = True
    admin_user: str = "admin"
    # How long `up` waits for every health check to pass.
    start_timeout_s: float = Field(default=180, gt=0)

    def folder(self, settings: Settings) -> Path:
        return (self.dir or settings.home_dir / "stack").expanduser().resolve()

    @property
    def advertised_host(self) -> str:
        if self.public_host:
            return self.public_host
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host

    @property
    def airflow_url(self) -> str:
        return f"http://{self.advertised_host}:{self.api_port}"

    @property
    def mlflow_url(self) -> str:
        return f"http://{self.advertised_host}:{self.mlflow_port}"


def get_stack_settings() -> StackSettings:
    return StackSettings()
