"""PostgreSQL engine: the production warehouse. Bulk loads go through COPY."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg import sql as pgsql
from psycopg.copy import QueuedLibpqWriter

from kinerja.settings import Settings
from kinerja.warehouse.base import Warehouse, to_engine_params

COPY_BATCH_ROWS = 100_000

# Batch constants (batch id, extraction date, source file, load time) reach COPY through
# transaction-local settings read by column defaults (see prepare_batch_columns).
_BATCH_SETTING_PREFIX = "kinerja_batch."
_BATCH_FUNCTION_PREFIX = "kinerja_batch_"
_BATCH_FUNCTIONS = {  # function -> the type it returns
    "kinerja_batch_text": "text",
    "kinerja_batch_date": "date",
    "kinerja_batch_timestamptz": "timestamptz",
}
_BATCH_FUNCTION_OF_TYPE = {  # information_schema data_type -> function
    "character varying": "kinerja_batch_text",
    "text": "kinerja_batch_text",
    "date": "kinerja_batch_date",
    "timestamp with time zone": "kinerja_batch_timestamptz",
}


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name (same on every client and version)."""
    return int.from_bytes(hashlib.sha256(f"kinerja {name}".encode()).digest()[:8], signed=True)


def batch_lock_key(extract: str, day: date) -> int:
    return advisory_key(f"load {extract} {day.isoformat()}")


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
    single_writer = False
    partitions_by_month = True
    validates_in_sql = True
    has_roles = True
    stages_large_files = False

    def __init__(self, settings: Settings) -> None:
        self.con = _connect(settings)
        self.con.autocommit = True
        self._duckdb_config = settings.duckdb_config
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

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        query = to_engine_params(sql, "pyformat") if params else sql
        with self.con.cursor() as cur:
            cur.execute(query, dict(params) if params else None)
            return [] if cur.description is None else cur.fetchall()

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
            self._staging = duckdb.connect(config=self._duckdb_config)
        return self._staging

    def insert_from_staging(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> int:
        """Stream DuckDB's result as CSV into COPY, batch by batch, while PostgreSQL parses it.

        The Arrow CSV writer quotes empty strings and leaves NULL unquoted, which is how COPY's
        CSV format tells them apart, so text arrives exactly as delivered. Constants reach the
        columns `prepare_batch_columns` prepared through transaction-local settings; any other
        constant column travels in the stream. Never ALTER the defaults here: DDL's exclusive
        lock would stop every reader of the table until the load commits.
        """
        reader = self.staging().sql(query).to_arrow_reader(COPY_BATCH_ROWS)
        return self._copy_batches(qualified_table, columns, reader, constants)

    def _copy_batches(
        self,
        qualified_table: str,
        columns: list[str],
        batches: Iterable[pa.RecordBatch],
        constants: Mapping[str, str] | None,
    ) -> int:
        constants = constants or {}
        schema, table = qualified_table.split(".")
        target = pgsql.SQL("{}.{}").format(pgsql.Identifier(schema), pgsql.Identifier(table))
        prepared = self._batch_columns(schema, table)
        streamed = {c: v for c, v in constants.items() if c not in prepared}
        names = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in [*columns, *streamed])
        copy = pgsql.SQL("copy {} ({}) from stdin with (format csv)").format(target, names)
        options = pacsv.WriteOptions(include_header=False)
        count = 0
        with self.transaction():
            self._set_batch_values({c: v for c, v in constants.items() if c in prepared})
            values = self._constant_texts(streamed)
            # A queued writer sends from its own thread, so PostgreSQL parses one batch while
            # DuckDB checks and formats the next instead of each waiting for the other.
            with self.con.cursor() as cur, cur.copy(copy, writer=QueuedLibpqWriter(cur)) as writer:
                for batch in batches:
                    if batch.num_rows:
                        for column, text in values.items():
                            batch = batch.append_column(
                                column, pa.repeat(pa.scalar(text, pa.string()), batch.num_rows)
                            )
                        buffer = io.BytesIO()
                        pacsv.write_csv(batch, buffer, options)
                        writer.write(buffer.getbuffer())
                        count += batch.num_rows
        return count

    def prepare_batch_columns(self, qualified_table: str, columns: Iterable[str]) -> None:
        """Give each column a default that reads the value `_copy_batches` sets for the batch.

        The default calls a function declared immutable although it reads a setting: PostgreSQL
        then evaluates it once when it plans each COPY instead of once per row, so a million
        rows cost what a constant default costs. Every COPY is planned afresh, so each sees its
        own batch's values; nothing else may rely on these defaults (a prepared INSERT would
        keep the value it was planned with).
        """
        schema, table = qualified_table.split(".")
        prepared = self._batch_columns(schema, table)
        kinds = dict(
            self.con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s",
                (schema, table),
            ).fetchall()
        )
        wanted = [
            c for c in columns if c not in prepared and kinds.get(c) in _BATCH_FUNCTION_OF_TYPE
        ]
        if not wanted:
            return
        for function, kind in _BATCH_FUNCTIONS.items():
            self.con.execute(
                pgsql.SQL(
                    "create or replace function {}.{}(name text) returns {} language sql "
                    "immutable parallel safe as $$ select cast(current_setting({} || name) as {}) $$"
                ).format(
                    pgsql.Identifier(schema),
                    pgsql.Identifier(function),
                    pgsql.SQL(kind),
                    pgsql.Literal(_BATCH_SETTING_PREFIX),
                    pgsql.SQL(kind),
                )
            )
        for column in wanted:
            self.con.execute(
                pgsql.SQL("alter table {}.{} alter column {} set default {}.{}({})").format(
                    pgsql.Identifier(schema),
                    pgsql.Identifier(table),
                    pgsql.Identifier(column),
                    pgsql.Identifier(schema),
                    pgsql.Identifier(_BATCH_FUNCTION_OF_TYPE[kinds[column]]),
                    pgsql.Literal(column),
                )
            )

    def _batch_columns(self, schema: str, table: str) -> set[str]:
        """The columns `prepare_batch_columns` gave a batch-value default."""
        rows = self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s and column_default like %s",
            (schema, table, f"%{_BATCH_FUNCTION_PREFIX}%"),
        ).fetchall()
        return {r[0] for r in rows}

    def _set_batch_values(self, constants: Mapping[str, str]) -> None:
        """Set each constant for the rest of the transaction, where the columns' defaults read
        it; a setting, unlike a default, takes no lock."""
        if not constants:
            return
        assignments = pgsql.SQL(", ").join(
            pgsql.SQL("set_config({}, cast({} as text), true)").format(
                pgsql.Literal(_BATCH_SETTING_PREFIX + column), pgsql.SQL(literal)
            )
            for column, literal in constants.items()
        )
        self.con.execute(pgsql.SQL("select {}").format(assignments))

    def _constant_texts(self, constants: Mapping[str, str]) -> dict[str, str | None]:
        """Each constant's SQL literal as PostgreSQL prints it, which COPY reads back as the same
        value in this session."""
        if not constants:
            return {}
        texts = pgsql.SQL(", ").join(
            pgsql.SQL("cast({} as text)").format(pgsql.SQL(literal))
            for literal in constants.values()
        )
        row = self.con.execute(pgsql.SQL("select {}").format(texts)).fetchone()
        return dict(zip(constants, row, strict=True))

    def ensure_schema(self, schema: str) -> None:
        # PostgreSQL checks the right to create schemas before IF NOT EXISTS, and the service
        # roles (kinerja.warehouse.roles) write into schemas created for them without it.
        if not self.scalar("select count(*) from pg_namespace where nspname = :s", {"s": schema}):
            super().ensure_schema(schema)

    def batch_lock(self, extract: str, day: date) -> None:
        self.con.execute("select pg_advisory_xact_lock(%s)", (batch_lock_key(extract, day),))

    @contextmanager
    def schema_change(self) -> Iterator[None]:
        with self.transaction():
            self.con.execute("select pg_advisory_xact_lock(%s)", (advisory_key("ddl"),))
            yield

    def insert_checked(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> tuple[int, int, pa.Table]:
        """One streaming pass: DuckDB reads and checks while PostgreSQL parses the COPY; the
        few rows that broke a rule are split off on the client and returned."""
        reader = self.staging().sql(query).to_arrow_reader(COPY_BATCH_ROWS)
        broken: list[pa.RecordBatch] = []
        read = 0

        def clean_batches() -> Iterator[pa.RecordBatch]:
            nonlocal read
            for batch in reader:
                read += batch.num_rows
                failed = pc.is_valid(batch.column("_check"))
                if pc.any(failed).as_py():
                    broken.append(batch.filter(failed))
                    batch = batch.filter(pc.invert(failed))
                yield batch.select(columns)

        count = self._copy_batches(qualified_table, columns, clean_batches(), constants)
        return read, count, pa.Table.from_batches(broken, schema=reader.schema)

    def analyze(self, qualified_tables: Iterable[str]) -> None:
        """ANALYZE, so that the next dbt build plans with the rows just loaded: a freshly loaded
        table has no statistics until autovacuum gets to it, and the planner then guesses a
        hundred-odd rows and picks nested loops over millions. A partitioned table's ANALYZE also
        samples each partition."""
        tables = [
            pgsql.SQL("{}.{}").format(*(pgsql.Identifier(part) for part in name.split(".")))
            for name in dict.fromkeys(qualified_tables)
        ]
        if tables:
            self.con.execute(pgsql.SQL("analyze {}").format(pgsql.SQL(", ").join(tables)))

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
