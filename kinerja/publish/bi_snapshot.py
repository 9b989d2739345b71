"""The BI snapshot: on DuckDB, a file of its own holding the BI marts, replaced after each night.

DuckDB lets one process write a file and refuses other processes while it does, so a BI tool
reading the warehouse is refused for the whole dbt-and-publish phase, and one holding a pooled
connection makes the night's writers fail. BI tools open this file instead, read-only. It is
written under a temporary name beside its final path and swapped in with `os.replace`: a tool
holding the previous file open keeps reading the previous night (its open file is untouched),
the next process to connect opens the new one, and nothing the night does waits for a reader.

What goes in is what the role `kinerja_bi` reads on PostgreSQL: the relations of the marts schema
not declared `akses: terbatas` (kinerja.transform.akses), copied table by table inside DuckDB
(ATTACH, `create table as`), so the cost is the size of the BI marts and memory stays within the
warehouse connection's limit. As a second lock, a BI mart holding a direct identifier
(kinerja.contract.personal: nip, nik, nama, tanggal_lahir, nip_atasan, ...) stops the step and the
previous snapshot stays. On PostgreSQL BI reads the warehouse under its role: there
is no snapshot to write.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from kinerja.contract.personal import DIRECT_IDENTIFIERS
from kinerja.settings import Settings
from kinerja.transform.akses import bi_marts
from kinerja.transform.catalog import MARTS_SCHEMA, Relation
from kinerja.warehouse.duckdb import open_duckdb

# Tables of the snapshot's own schema `main`: when it was made and what it holds, so a dashboard
# can show its freshness and anyone can check it against the warehouse.
INFO_TABLE = "info_snapshot"  # one row: tanggal_data, dibuat_pada
TABLES_TABLE = "tabel_snapshot"  # one row per mart: nama_tabel, jumlah_baris

_ATTACHED = "snapshot_bi"


class SnapshotRefused(RuntimeError):
    """The BI marts are not what the snapshot may hold; the message names the mart and column."""


@dataclass(frozen=True)
class BiSnapshot:
    skipped: bool
    reason: str = ""
    path: Path | None = None
    tanggal_data: date | None = None
    dibuat_pada: datetime | None = None
    rows: dict[str, int] = field(default_factory=dict)  # per mart copied
    bytes: int = 0
    seconds: float = 0.0


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partial_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def _remove_leftovers(final: Path) -> None:
    """Partial files of a step that was killed: one writer at a time (the warehouse pool), so any
    partial file here is dead."""
    for stale in final.parent.glob(f".{final.name}.*.tmp*"):
        stale.unlink(missing_ok=True)


def write_bi_snapshot(settings: Settings, as_of: date) -> BiSnapshot:
    """Copy the BI marts of the warehouse into the snapshot file, stamped with the night `as_of`."""
    if not settings.embedded:
        return BiSnapshot(
            skipped=True,
            reason=f"{settings.target}: BI tools read the warehouse's BI marts as members of "
            "kinerja_bi; the snapshot is for DuckDB, which has no roles",
        )
    started = time.monotonic()
    marts = bi_marts(settings)
    final = settings.bi_snapshot_path
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(final)
    partial = _partial_path(final)
    made_at = datetime.now(UTC)
    con = open_duckdb(settings.duckdb_path, settings)
    try:
        built = [m.name for m in marts if not m.written_by_python]
        columns = _columns_to_copy(con, built, marts)
        rows = _copy(con, partial, columns, as_of, made_at)
    except BaseException:
        for path in (partial, partial.with_name(partial.name + ".wal")):
            path.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    partial.chmod(0o600)  # owner-only like the warehouse, whatever umask the caller left
    os.replace(partial, final)
    return BiSnapshot(
        skipped=False,
        path=final,
        tanggal_data=as_of,
        dibuat_pada=made_at,
        rows=rows,
        bytes=final.stat().st_size,
        seconds=round(time.monotonic() - started, 3),
    )


def _columns_to_copy(
    con: duckdb.DuckDBPyConnection, required: list[str], marts: list[Relation]
) -> dict[str, list[str]]:
    """The columns of each BI mart present in the warehouse, in table order; refuses a missing
    model (the night that just built them would be inconsistent) and any identifying column."""
    listed = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? "
        "order by table_name, column_index",
        [MARTS_SCHEMA],
    ).fetchall()
    present: dict[str, list[str]] = {}
    for table, column in listed:
        present.setdefault(table, []).append(column)
    missing = [name for name in required if name not in present]
    if missing:
        raise SnapshotRefused(f"BI marts missing from the warehouse: {', '.join(missing)}")
    columns = {m.name: present[m.name] for m in marts if m.name in present}
    breaches = [
        f"{MARTS_SCHEMA}.{table}.{column}"
        for table, names in columns.items()
        for column in names
        if column.lower() in DIRECT_IDENTIFIERS
    ]
    if breaches:
        raise SnapshotRefused(
            "a mart not declared `akses: terbatas` holds identifying columns, so no BI snapshot "
            f"was written (the previous one stays): {', '.join(breaches)}; declare the mart "
            "restricted in its yml or drop the columns"
        )
    return columns


def _copy(
    con: duckdb.DuckDBPyConnection,
    partial: Path,
    columns: dict[str, list[str]],
    as_of: date,
    made_at: datetime,
) -> dict[str, int]:
    quoted_path = str(partial).replace("'", "''")
    con.execute(f"attach '{quoted_path}' as {_ATTACHED}")
    con.execute(f"create schema {_ATTACHED}.{MARTS_SCHEMA}")
    rows: dict[str, int] = {}
    for table, names in columns.items():
        target = f"{_ATTACHED}.{MARTS_SCHEMA}.{_ident(table)}"
        selected = ", ".join(_ident(c) for c in names)
        # One statement per mart: each streams from the warehouse into the new file within the
        # connection's memory limit, spilling like any other query.
        source = f"{MARTS_SCHEMA}.{_ident(table)}"
        con.execute(f"create table {target} as select {selected} from {source}")
        rows[table] = int(con.execute(f"select count(*) from {target}").fetchone()[0])
    con.execute(
        f"create table {_ATTACHED}.main.{INFO_TABLE} (tanggal_data date, dibuat_pada timestamptz)"
    )
    con.execute(f"insert into {_ATTACHED}.main.{INFO_TABLE} values (?, ?)", [as_of, made_at])
    con.execute(
        f"create table {_ATTACHED}.main.{TABLES_TABLE} (nama_tabel text, jumlah_baris bigint)"
    )
    con.executemany(
        f"insert into {_ATTACHED}.main.{TABLES_TABLE} values (?, ?)",
        [[f"{MARTS_SCHEMA}.{table}", count] for table, count in rows.items()],
    )
    # Everything into the file itself, no write-ahead log beside it: the file is complete on its
    # own before it is swapped in.
    con.execute(f"checkpoint {_ATTACHED}")
    con.execute(f"detach {_ATTACHED}")
    return rows
