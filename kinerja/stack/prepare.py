"""What must be true before supervisord starts anything: the databases exist, Airflow's metadata
is migrated with the warehouse pool set, and the dbt manifest the DAG renders from is written.
Each step is idempotent, so `kinerja stack up` runs them every time."""

from __future__ import annotations

from kinerja.night.partial_parse import seed_producer_state
from kinerja.night.runner import migrate_metadata
from kinerja.private_files import private_home
from kinerja.pseudonym import MissingPseudonymKey, installation_key
from kinerja.settings import Settings
from kinerja.stack.config import StackSettings
from kinerja.transform.manifest import write_manifest
from kinerja.warehouse import engine, ensure_database


class StackRefused(Exception):
    """The stack cannot run with these settings; the message says what to change."""


def check_settings(settings: Settings) -> None:
    if engine(settings).single_writer:
        raise StackRefused(
            "the production stack runs the PostgreSQL warehouse (Celery workers write it from "
            "several processes and machines): set KINERJA_TARGET=postgres and KINERJA_PG_*"
        )
    try:
        installation_key(settings)
    except MissingPseudonymKey as exc:
        raise StackRefused(str(exc)) from None


def prepare(settings: Settings, stack: StackSettings, env: dict[str, str]) -> None:
    private_home(settings)
    for database in (settings.pg_database, stack.airflow_database, stack.mlflow_database):
        ensure_database(settings.model_copy(update={"pg_database": database}))
    write_manifest(settings)
    seed_producer_state(settings)
    migrate_metadata(settings, env)
