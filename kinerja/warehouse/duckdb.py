"""DuckDB engine: the embedded default. One writing process at a time, so connections are short."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from kinerja.settings import Settings
from kinerja.warehouse.base import Warehouse, to_engine_params


class DuckDBWarehouse(Warehouse):
    target = "duckdb"

    def __init__(self, settings: Settings) -> None:
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        self.path = settings.duckdb_path
        self.con = duckdb.connect(str(self.path))
        self._in_transaction = False

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.con.execute(to_engine_params(sql, "dollar"), dict(params) if params else None)

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return self.con.execute(
            to_engine_params(sql, "dollar"), dict(params) if params else None
        ).df()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        self.con.begin()
        self._in_transaction = True
        try:
            yield
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        finally:
            self._in_transaction = False

    def bulk_insert(self, qualified_table: str, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        # DuckDB's replacement scan reads the local `frame` directly: nothing to register, so
        # nothing to unregister inside an aborted transaction (which would hide the real error).
        self.con.execute(f"insert into {qualified_table} ({columns}) select {columns} from frame")
        return len(frame)

    def staging(self) -> duckdb.DuckDBPyConnection:
        # The warehouse connection reads the files itself: rows go from the reader into the
        # table without leaving DuckDB.
        return self.con

    def insert_from_staging(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> int:
        constants = constants or {}
        names = ", ".join(f'"{c}"' for c in [*columns, *constants])
        values = ", ".join(["staged.*", *constants.values()])
        [(count,)] = self.con.execute(
            f"insert into {qualified_table} ({names}) select {values} from ({query}) as staged"
        ).fetchall()
        return int(count)

    def insert_checked(
        self,
        qualified_table: str,
        columns: list[str],
        query: str,
        constants: Mapping[str, str] | None = None,
    ) -> tuple[int, int, pa.Table]:
        self.con.execute(f"create or replace temp table kinerja_checked as {query}")
        try:
            names = ", ".join(f'"{c}"' for c in columns)
            count = self.insert_from_staging(
                qualified_table,
                columns,
                f"select {names} from kinerja_checked where _check is null",
                constants,
            )
            [(read,)] = self.con.execute("select count(*) from kinerja_checked").fetchall()
            broken = self.con.sql(
                "select * from kinerja_checked where _check is not null"
            ).to_arrow_table()
        finally:
            self.con.execute("drop table if exists kinerja_checked")
        return int(read), count, broken

    def table_columns(self, schema: str, table: str) -> list[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = $schema and table_name = $table order by ordinal_position",
            {"schema": schema, "table": table},
        ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        self.con.close()
