"""The warehouse interface and the factory that picks an engine from the settings."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

_NAMED_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse (DuckDB takes one writing process at a time)."""


class Warehouse(ABC):
    """A connection to the warehouse. SQL parameters are written `:name` on both engines."""

    target: str
    # What the layers above need to know of an engine, so that none of them asks which it is.
    single_writer: bool  # one writing process at a time: check before a night starts
    partitions_by_month: bool  # big raw tables are declaratively partitioned by month
    validates_in_sql: bool  # GX validates a delivery where it is stored, not in pandas
    has_roles: bool  # login roles and grants (BI reads the warehouse itself, no snapshot)
    # A large file is read on every thread into a staged table before it is inserted: where the
    # insert itself is the engine's, not a stream that overlaps the read (PostgreSQL's COPY).
    stages_large_files: bool

    @abstractmethod
    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...

    @abstractmethod
    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame: ...

    @abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """A small result as tuples: no DataFrame to build for a lookup made once per file."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""

    @abstractmethod
    def bulk_insert(self, qualified_table: str, frame: pd.DataFrame) -> int:
        """Append a frame through the engine's bulk path (no row inserts); returns rows written."""

    @abstractmethod
    def staging(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection that reads delivered files and can feed `insert_from_staging`."""

    @abstractmethod
    def insert_from_staging(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> int:
        """Append the rows of a query on `staging()` through the bulk path; returns rows written.

        `query` selects `columns`; `constants` maps further columns to one SQL literal each (the
        batch id, the extraction date), the same for every row.
        """

    @abstractmethod
    def insert_checked(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> tuple[int, int, pa.Table]:
        """Read `query` on `staging()` once: rows whose `_check` is NULL are appended (`columns`
        and `constants` as in `insert_from_staging`); the others come back, every column.

        Returns (rows read, rows appended, the other rows), each count from its own source. When
        no row broke a rule, the other rows may be an empty table without columns.
        """

    @abstractmethod
    def table_columns(self, schema: str, table: str) -> list[str]:
        """Column names of a table, in order; empty when the table does not exist."""

    @abstractmethod
    def close(self) -> None: ...

    def analyze(self, qualified_tables: Iterable[str]) -> None:
        """Refresh the planner statistics of tables just written, after their commit.

        A no-op where the engine keeps its statistics up to date as it writes (DuckDB).
        """

    def prepare_batch_columns(self, qualified_table: str, columns: Iterable[str]) -> None:
        """Make `columns` cheap to fill with one value per batch (the `constants` of the inserts).

        DDL: call before, never inside, a load transaction. A no-op where constants cost
        nothing extra (DuckDB).
        """

    def batch_lock(self, extract: str, day: date) -> None:
        """Wait until no other load of this extract and date is running, and keep them out until
        the current transaction ends. A no-op where there is only one writer (DuckDB)."""

    @contextmanager
    def schema_change(self) -> Iterator[None]:
        """Create tables, columns or partitions inside, one process at a time, so that two loads
        started together do not both create one table. DDL: never inside a load transaction.
        Nothing to serialise where there is only one writer (DuckDB)."""
        yield

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        frame = self.query_df(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def ensure_schema(self, schema: str) -> None:
        self.execute(f"create schema if not exists {schema}")

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(self.table_columns(schema, table))

    def ensure_table(
        self, qualified_table: str, columns: Mapping[str, str], key: Iterable[str]
    ) -> None:
        """Create `qualified_table` with `columns` (name: type) and primary `key` if missing.

        A table of an earlier release that lacks only columns appended since gains them by `add
        column`, which is why new columns go last; any other difference is an error to migrate.
        """
        schema, table = qualified_table.split(".")
        self.ensure_schema(schema)
        definitions = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        self.execute(
            f"create table if not exists {qualified_table} "
            f"({definitions}, primary key ({', '.join(key)}))"
        )
        expected = list(columns)
        present = self.table_columns(schema, table)
        if present != expected and present == expected[: len(present)]:
            for name in expected[len(present) :]:
                self.execute(f"alter table {qualified_table} add column {name} {columns[name]}")
            present = self.table_columns(schema, table)
        if present != expected:
            raise RuntimeError(
                f"{qualified_table} exists with columns {present}, expected {expected}; "
                "migrate or drop it"
            )

    def replace_where(
        self,
        qualified_table: str,
        frame: pd.DataFrame,
        where_sql: str,
        params: Mapping[str, Any],
    ) -> int:
        """Atomically delete the rows matching `where_sql` and bulk-insert `frame` in their place.

        This is how every step stays idempotent: a rerun for the same key replaces, never adds.
        """
        with self.transaction():
            self.execute(f"delete from {qualified_table} where {where_sql}", params)
            return self.bulk_insert(qualified_table, frame)


def to_engine_params(sql: str, style: str) -> str:
    """Rewrite `:name` placeholders into the engine's style ('$name' or '%(name)s')."""
    if style == "dollar":
        return _NAMED_PARAM.sub(r"$\1", sql)
    return _NAMED_PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
