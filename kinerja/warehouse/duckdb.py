"""DuckDB engine: the embedded default. One writing process at a time, so connections are short."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from kinerja.settings import Settings
from kinerja.warehouse.base import Warehouse, WarehouseBusy, to_engine_params


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_key(text: str) -> str:
    return json.dumps(text)


# DuckDB's error when another process holds the file: "... Conflicting lock is held in
# <program> (PID <pid>) ...".
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in .* \(PID (?P<pid>\d+)\)")
COMMAND_SHOWN_CHARS = 160


def _command_line(pid: int) -> str | None:
    """The process's command line as it was started, when this user may read it (Linux)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if not words:
        return None
    command = " ".join(" ".join(words).split())  # one line, whatever the arguments hold
    if len(command) > COMMAND_SHOWN_CHARS:
        command = command[: COMMAND_SHOWN_CHARS - 3] + "..."
    return command


def _busy_message(path: Path, pid: int) -> str:
    command = _command_line(pid)
    holder = f"process {pid}" + (f" ({command})" if command else "")
    return (
        f"the warehouse {path} is in use by {holder}; DuckDB takes one writing process at a "
        "time: wait for it to finish, or stop it, and try again"
    )


def open_duckdb(
    path: Path, settings: Settings, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file with the settings' memory, threads and spill folder.

    Set after connecting rather than passed as `config=`: DuckDB refuses a second connection to
    a file open in the same process with another configuration, and dbt-duckdb (in the same
    process under `airflow dags test`) connects with none and SETs its profile's settings.
    """
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        holder = _LOCK_HOLDER.search(str(exc))
        if holder is None:
            raise
        raise WarehouseBusy(_busy_message(path, int(holder["pid"]))) from exc
    for name, value in settings.duckdb_config.items():
        if name == "temp_directory":
            set_spill_folder(con, str(value))
            continue
        quoted = str(value).replace("'", "''")
        con.execute(f"set {name} = '{quoted}'")
    return con


def set_spill_folder(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    """A second connection in this process shares the first one's database, and DuckDB refuses
    to set the spill folder again once a query has spilled into it: set it only when it differs."""
    current = con.execute("select current_setting('temp_directory')").fetchone()[0]
    if current != folder:
        con.execute("set temp_directory = ?", [folder])


class DuckDBWarehouse(Warehouse):
    target = "duckdb"
    single_writer = True
    partitions_by_month = False
    validates_in_sql = False
    has_roles = False
    stages_large_files = True

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        self.path = settings.duckdb_path
        self.con = open_duckdb(self.path, settings, read_only=read_only)
        self._in_transaction = False

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.con.execute(to_engine_params(sql, "dollar"), dict(params) if params else None)

    def query_df(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return self.con.execute(
            to_engine_params(sql, "dollar"), dict(params) if params else None
        ).df()

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return self.con.execute(
            to_engine_params(sql, "dollar"), dict(params) if params else None
        ).fetchall()

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
        """One pass over the file: every row goes into the table in one insert, the broken ones
        parked under a negative `_row_number` (no committed row has one) with the whole delivered
        row packed into `_extra` as JSON. They are read back and deleted in the caller's
        transaction.

        Parking instead of materialising the checked file first halves the work: the bulk insert
        is what the engine's own load does, and the few broken rows come back from the table.
        The query is bound once more, for its column types, only when a row broke a rule: each
        bind reads the file's head, a fixed cost that a catch-up of thousands of files feels.
        """
        values = []
        for c in columns:
            if c == "_row_number":
                values.append("case when _check is null then _row_number else -_row_number end")
            elif c == "_extra":
                values.append(
                    "case when _check is null then _extra "
                    "else cast(to_json(_delivered) as varchar) end"
                )
            else:
                values.append(_ident(c))
        read = self.insert_from_staging(
            qualified_table,
            columns,
            f"select {', '.join(values)} from ({query}) as _delivered",
            constants,
        )
        where_parked = f"from {qualified_table} where _row_number < 0"
        [(parked,)] = self.con.execute(f"select count(*) {where_parked}").fetchall()
        if not parked:
            return read, read, pa.table({})
        kinds = self.con.execute(f"describe {query}").fetchall()
        shape = "{" + ", ".join(f"{_json_key(name)}: {_json_key(kind)}" for name, kind, *_ in kinds)
        shape += "}"
        unpacked = ", ".join(f"_parked.{_ident(name)} as {_ident(name)}" for name, *_ in kinds)
        broken = self.con.sql(
            f"select {unpacked} from (select json_transform(_extra, {_literal(shape)}) as _parked "
            f"{where_parked}) order by _parked._row_number"
        ).to_arrow_table()
        self.con.execute(f"delete {where_parked}")
        return read, read - broken.num_rows, broken

    def table_columns(self, schema: str, table: str) -> list[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = $schema and table_name = $table order by ordinal_position",
            {"schema": schema, "table": table},
        ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        self.con.close()
