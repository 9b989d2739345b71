"""Retention in the raw layer: raw rows, quarantined rows and load audits older than their
periods are removed, quarantined records an earlier version kept whole are minimised, and every
removal is recorded in `raw.retention_log` in the transaction that made it.

PostgreSQL's monthly partitions of the big extracts are dropped whole once every day they hold
is past the cutoff (no dead rows, nothing to vacuum); anything else is deleted by date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

import pandas as pd

from kinerja.contract import EXTRACTS, Extract
from kinerja.contract.extracts import Delivery
from kinerja.landing.reader import normalise
from kinerja.load.raw_tables import (
    AUDIT_TABLE,
    QUARANTINE_TABLE,
    RAW_SCHEMA,
    RETENTION_LOG_TABLE,
    ensure_audit_table,
    existing_partitions,
    is_partitioned,
    next_month,
    partition_month,
    quarantine_kept_columns,
    raw_table,
)
from kinerja.retention import LOAD_AUDIT, QUARANTINE, QUARANTINE_MINIMISED, RAW, Purged, cutoffs
from kinerja.settings import Settings
from kinerja.warehouse import Warehouse, connect, ensure_database

# The setting behind each kind, named in every log row: why the rows went.
_SETTING = {
    RAW: "KINERJA_RETENTION_RAW_YEARS",
    QUARANTINE_MINIMISED: "quarantined records keep the NIP, key and failing column only",
}


def purge_warehouse(settings: Settings, as_of: date) -> list[Purged]:
    """Apply the raw layer's retention for the night `as_of`: one result per raw table, then the
    quarantine, its minimised records and the load audit."""
    limits = cutoffs(settings, as_of)
    ensure_database(settings)
    with connect(settings) as wh:
        ensure_audit_table(wh)
        return [
            *(_purge_raw(wh, extract, limits.raw, as_of) for extract in EXTRACTS.values()),
            _purge_dated(wh, QUARANTINE_TABLE, QUARANTINE, limits.quarantine, as_of),
            _minimise_quarantine(wh, as_of),
            _purge_dated(wh, AUDIT_TABLE, LOAD_AUDIT, limits.load_audit, as_of),
        ]


def record_purges(settings: Settings, as_of: date, purges: Iterable[Purged]) -> None:
    """Record purges done outside the warehouse (files) in the retention log."""
    done = [p for p in purges if p.anything]
    if not done:
        return
    with connect(settings) as wh:
        ensure_audit_table(wh)
        with wh.transaction():
            for purge in done:
                _record(wh, as_of, purge)


def _record(wh: Warehouse, as_of: date, purge: Purged) -> None:
    row = {
        "purged_at": datetime.now(UTC),
        "as_of": as_of,
        "kind": purge.kind,
        "target": purge.where,
        "cutoff": purge.cutoff,
        "rows_removed": purge.rows,
        "files_removed": purge.files,
        "removed": json.dumps(list(purge.removed)) if purge.removed else None,
        "reason": _SETTING.get(purge.kind, f"KINERJA_RETENTION_{purge.kind.upper()}_DAYS"),
    }
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    wh.execute(f"insert into {RETENTION_LOG_TABLE} ({names}) values ({values})", row)


def _purge_raw(wh: Warehouse, extract: Extract, cutoff: date | None, as_of: date) -> Purged:
    table = raw_table(extract)
    if cutoff is None or not wh.table_exists(RAW_SCHEMA, extract.name):
        return Purged(RAW, table, cutoff)
    cutoff = _last_snapshot_kept(wh, extract, cutoff)
    dropped = _drop_partitions(wh, extract, cutoff, as_of) if is_partitioned(wh, extract) else []
    rest = _purge_dated(wh, table, RAW, cutoff, as_of, column="_extraction_date")
    return Purged(
        RAW,
        table,
        cutoff,
        rows=rest.rows + sum(p.rows for p in dropped),
        removed=tuple(name for p in dropped for name in p.removed),
    )


def _last_snapshot_kept(wh: Warehouse, extract: Extract, cutoff: date) -> date:
    """A snapshot extract keeps its last delivery before the cutoff: that snapshot is the state
    from then on (an organisation tree delivered once, years ago, is still today's tree)."""
    if extract.delivery is not Delivery.SNAPSHOT:
        return cutoff
    last = wh.scalar(
        f"select max(_extraction_date) from {raw_table(extract)} where _extraction_date < :cutoff",
        {"cutoff": cutoff},
    )
    return cutoff if pd.isna(last) else min(cutoff, pd.Timestamp(last).date())


def _drop_partitions(wh: Warehouse, extract: Extract, cutoff: date, as_of: date) -> list[Purged]:
    """The monthly partitions holding only days before the cutoff, dropped whole, each in a short
    schema change of its own that also records it."""
    old = sorted(
        name
        for name in existing_partitions(wh, extract)
        if (month := partition_month(extract, name)) and next_month(month) <= cutoff
    )
    dropped = []
    for name in old:
        partition = f"{RAW_SCHEMA}.{name}"
        with wh.schema_change():
            rows = int(wh.scalar(f"select count(*) from {partition}") or 0)
            wh.execute(f"drop table {partition}")
            purge = Purged(RAW, raw_table(extract), cutoff, rows=rows, removed=(partition,))
            _record(wh, as_of, purge)
        dropped.append(purge)
    return dropped


def _purge_dated(
    wh: Warehouse,
    table: str,
    kind: str,
    cutoff: date | None,
    as_of: date,
    column: str = "extraction_date",
) -> Purged:
    if cutoff is None:
        return Purged(kind, table, cutoff)
    where, params = f"{column} < :cutoff", {"cutoff": cutoff}
    with wh.transaction():
        rows = int(wh.scalar(f"select count(*) from {table} where {where}", params) or 0)
        purge = Purged(kind, table, cutoff, rows=rows)
        if rows:
            wh.execute(f"delete from {table} where {where}", params)
            _record(wh, as_of, purge)
    return purge


def minimal_record(extract: Extract | None, column: str | None, record: str) -> str:
    """A quarantined record as the loader writes it now: the kept columns and the failing one,
    keyed by the names as delivered."""
    try:
        values = json.loads(record)
    except ValueError:
        values = None
    if extract is None or not isinstance(values, dict):
        return "{}"
    kept = {*quarantine_kept_columns(extract), column}
    return json.dumps(
        {k: v for i, (k, v) in enumerate(values.items()) if normalise(k, i) in kept},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _minimise_quarantine(wh: Warehouse, as_of: date) -> Purged:
    """Rows an earlier version quarantined whole keep what the loader keeps now. Works once after
    the upgrade: the loader writes its rows minimal."""
    old = wh.query_df(
        "select extract, batch_id, source_file, row_number, column_name, raw_record "
        f"from {QUARANTINE_TABLE} where record_minimised is null or not record_minimised"
    )
    purge = Purged(QUARANTINE_MINIMISED, QUARANTINE_TABLE, as_of, rows=len(old))
    if old.empty:
        return purge
    with wh.transaction():
        for row in old.itertuples(index=False):
            column = row.column_name if isinstance(row.column_name, str) else None
            wh.execute(
                f"update {QUARANTINE_TABLE} set raw_record = :record, record_minimised = true "
                "where batch_id = :batch and source_file = :file and row_number = :row",
                {
                    "record": minimal_record(EXTRACTS.get(row.extract), column, row.raw_record),
                    "batch": row.batch_id,
                    "file": row.source_file,
                    "row": int(row.row_number),
                },
            )
        _record(wh, as_of, purge)
    return purge
