"""The one place that picks the engine for the settings' target; nothing else asks which it is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kinerja.settings import Settings, get_settings
from kinerja.warehouse.base import Warehouse


def ensure_database(settings: Settings | None = None) -> None:
    """Create the PostgreSQL database when it does not exist yet (DuckDB creates its file)."""
    settings = settings or get_settings()
    if settings.target != "postgres":
        return
    from kinerja.warehouse.postgres import create_database_if_missing

    create_database_if_missing(settings)


@contextmanager
def connect(settings: Settings | None = None) -> Iterator[Warehouse]:
    settings = settings or get_settings()
    if settings.target == "postgres":
        from kinerja.warehouse.postgres import PostgresWarehouse

        warehouse: Warehouse = PostgresWarehouse(settings)
    else:
        from kinerja.warehouse.duckdb import DuckDBWarehouse

        warehouse = DuckDBWarehouse(settings)
    try:
        yield warehouse
    finally:
        warehouse.close()
