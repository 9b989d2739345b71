"""The real PostgreSQL server the tests use (127.0.0.1:5432 unless KINERJA_PG_* say otherwise)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

PG_HOST = os.environ.get("KINERJA_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("KINERJA_PG_PORT", "5432"))
PG_USER = os.environ.get("KINERJA_PG_USER", "postgres")


def admin() -> psycopg.Connection:
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    )


@contextmanager
def throwaway_database(prefix: str = "kinerja_t") -> Iterator[str]:
    """A uniquely named database, dropped afterwards even when sessions still hold it."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin() as con:
        con.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin() as con:
            con.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
