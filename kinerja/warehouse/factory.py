"""The one place that picks the engine for the settings' target; nothing else asks which it is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kinerja.settings import Settings, get_settings
from kinerja.warehouse.base import Warehouse


def engine(settings: Settings | None = None) -> type[Warehouse]:
    """The engine class of the settings' target: its traits (`single_writer`, `has_roles`...)
    without a connection."""
    settings = settings or get_settings()
    if settings.target == "postgres":
        from kinerja.warehouse.postgres import PostgresWarehouse

        return PostgresWarehouse
    from kinerja.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse


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
    warehouse = engine(settings)(settings)
    try:
        yield warehouse
    finally:
        warehouse.close()
