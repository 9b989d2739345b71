"""The real PostgreSQL server the tests use (127.0.0.1:5432 unless KINERJA_PG_* say otherwise)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
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


@contextmanager
def group_logins(groups: Iterable[str], services: Iterable[str] = ()) -> Iterator[dict[str, str]]:
    """A login per group role, dropped afterwards (roles are cluster-wide, hence unique names).

    Service logins (`services`) act as their group, so that what they create belongs to it, as
    README "Warehouse roles" tells an installation to set them up. Open the databases these
    logins work in inside this context: a login cannot be dropped while it owns objects there.
    """
    run = uuid.uuid4().hex[:8]
    names = {group: f"{group}_t{run}" for group in groups}
    acting = set(services)
    try:
        with admin() as con:
            for group, name in names.items():
                # The group as `kinerja warehouse roles` creates it, if no run made it yet.
                if not con.execute(
                    "select 1 from pg_roles where rolname = %s", (group,)
                ).fetchone():
                    try:
                        con.execute(sql.SQL("create role {} nologin").format(sql.Identifier(group)))
                    except psycopg.errors.DuplicateObject:
                        pass  # made meanwhile by a test on another worker
                login = sql.Identifier(name)
                con.execute(
                    sql.SQL("create role {} login in role {}").format(login, sql.Identifier(group))
                )
                if group in acting:
                    con.execute(
                        sql.SQL("alter role {} set role {}").format(login, sql.Identifier(group))
                    )
        yield names
    finally:
        with admin() as con:
            for name in names.values():
                con.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))
