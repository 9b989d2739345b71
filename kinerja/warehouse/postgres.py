"""PostgreSQL engine: the production warehouse. Bulk loads go through COPY."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import psycopg
from psycopg import sql as pgsql

from kinerja.settings import Settings
from kinerja.warehouse.base import Warehouse, to_engine_params


def _connect(settings: Settings, dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        password=settings.pg_password or None,
        dbname=dbname or settings.pg_database,
    )


def create_database_if_missing(settings: Settings) -> None:
    with _connect(settings, dbname="postgres") as con:
        con.autocommit = True
        exists = con.execute(
            "select 1 from pg_database where datname = %s", (settings.pg_database,)
        ).fetchone()
        if not exists:
            con.execute(
                pgsql.SQL("create database {}").format(pgsql.Identifier(settings.pg_database))
            )


class PostgresWarehouse(Warehouse):
    target = "postgres"

    def __init__(self, settings: Settings) -> None:
        self.con = _connect(settings)
        self.con.autocommit = True
        self._staging: duckdb.DuckDBPyConnection | None = None

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        query = to_engine_params(sql, "pyformat") if params else sql
        self.con.execute(query, dict(params) if params else None)

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        query = to_engine_params(sql, "pyformat") if params else sql
        with self.con.cursor() as cur:
            cur.execute(query, dict(params) if params else None)
            if cur.description is None:
                return pd.DataFrame()
            columns = [d.name for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=columns)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.con.transaction():
            yield

    def bulk_insert(self, qualified_table: str, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
        columns = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in frame.columns)
        schema, table = qualified_table.split(".")
        copy = pgsql.SQL("copy {}.{} ({}) from stdin with (format csv, null '\\N')").format(
            pgsql.Identifier(schema), pgsql.Identifier(table), columns
        )
        with self.con.cursor() as cur, cur.copy(copy) as writer:
            writer.write(buffer.getvalue())
        return len(frame)

    def staging(self) -> duckdb.DuckDBPyConnection:
        if self._staging is None:
            self._staging = duckdb.connect()
        return self._staging

    def insert_from_staging(self, qualified_table: str, columns: list[str], query: str) -> int:
        """DuckDB writes the rows as CSV to a scratch file that is streamed into COPY.

        DuckDB quotes empty strings and leaves NULL unquoted, which is how COPY's CSV format tells
        them apart, so text arrives exactly as delivered.
        """
        fd, scratch = tempfile.mkstemp(prefix="kinerja-copy-", suffix=".csv")
        os.close(fd)
        try:
            [(count,)] = (
                self.staging()
                .execute(f"copy ({query}) to '{scratch}' (format csv, header false)")
                .fetchall()
            )
            if not count:
                return 0
            names = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns)
            schema, table = qualified_table.split(".")
            copy = pgsql.SQL("copy {}.{} ({}) from stdin with (format csv)").format(
                pgsql.Identifier(schema), pgsql.Identifier(table), names
            )
            with open(scratch, "rb") as fh, self.con.cursor() as cur, cur.copy(copy) as writer:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    writer.write(chunk)
            return int(count)
        finally:
            os.unlink(scratch)

    def table_columns(self, schema: str, table: str) -> list[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (schema, table),
        ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        if self._staging is not None:
            self._staging.close()
        self.con.close()
