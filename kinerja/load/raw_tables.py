"""DDL of the raw layer, derived from the contract: one text column per contract column.

On PostgreSQL the raw tables that grow with history are range-partitioned by month of
`_extraction_date`. A load replaces one date, so its delete reads one month instead of the
history; the incremental models read raw rows from a date on, which prunes to the recent months;
and old months can be detached or archived whole. Partitions are created as months arrive, by the
loader before its load transaction: DDL takes an exclusive lock on the parent table, which must
not be held for the length of a load.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from kinerja.contract import Extract
from kinerja.warehouse import Warehouse

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
# Punches (millions a month at scale) and the weekly employee snapshots: the extracts whose rows
# accumulate with every delivery. The others are a few thousand rows a year.
PARTITIONED_EXTRACTS = frozenset({"presensi", "pegawai"})

METADATA_DDL = (
    ("_batch_id", "varchar not null"),
    ("_extraction_date", "date not null"),
    ("_source_file", "varchar not null"),
    ("_row_number", "bigint not null"),
    ("_loaded_at", "timestamp with time zone not null"),
    ("_extra", "varchar"),
)
# How old a partitioned raw table's own statistics may get (see tables_to_analyze).
PARENT_STATISTICS_MAX_AGE = timedelta(days=7)
# Columns every row of a batch shares (given as `constants` to the inserts).
BATCH_CONSTANT_COLUMNS = ("_batch_id", "_extraction_date", "_source_file", "_loaded_at")
QUARANTINE_CONSTANT_COLUMNS = (
    "batch_id",
    "extract",
    "extraction_date",
    "source_file",
    "quarantined_at",
)

# One row per batch attempt. Columns after `loaded_at` came later: tables created by an earlier
# version gain them in place (see ensure_audit_table), never by being recreated.
AUDIT_COLUMNS = (
    ("batch_id", "varchar not null"),
    ("extract", "varchar not null"),
    ("extraction_date", "date not null"),
    ("files", "varchar"),
    ("status", "varchar not null"),
    ("rows_delivered", "bigint not null"),
    ("rows_loaded", "bigint not null"),
    ("rows_quarantined", "bigint not null"),
    ("extra_columns", "varchar"),
    ("message", "varchar"),
    ("loaded_at", "timestamp with time zone not null"),
    ("rows_rejected", "bigint"),  # rows in files rejected whole
    ("file_checksums", "varchar"),  # JSON {file: sha256}
    ("quarantine_rules", "varchar"),  # JSON {rule: rows}
    ("contract_version", "integer"),
    ("quality_status", "varchar"),  # filled by the dataset-level quality checks
    ("quality_details", "varchar"),  # JSON
)

QUARANTINE_COLUMNS = (
    ("batch_id", "varchar not null"),
    ("extract", "varchar not null"),
    ("extraction_date", "date not null"),
    ("source_file", "varchar not null"),
    ("row_number", "bigint not null"),
    ("rule", "varchar not null"),
    ("column_name", "varchar"),
    ("message", "varchar not null"),
    # JSON of the few values needed to fix the row (quarantine_kept_columns and the failing
    # column), keyed by the column names as delivered: never the whole row's personal data.
    ("raw_record", "varchar not null"),
    ("quarantined_at", "timestamp with time zone not null"),
    # True once raw_record holds only those values; an earlier version kept the whole row, which
    # the retention step minimises (kinerja.load.retention).
    ("record_minimised", "boolean"),
)
QUARANTINE_TABLE = f"{RAW_SCHEMA}.quarantine"
AUDIT_TABLE = f"{RAW_SCHEMA}.load_audit"

# One row per kind and table a retention run removed something from: what, when, up to which date
# and why. Names tables, dates and counts only, so it is kept with the load audit.
RETENTION_LOG_COLUMNS = (
    ("purged_at", "timestamp with time zone not null"),
    ("as_of", "date not null"),
    ("kind", "varchar not null"),
    ("target", "varchar not null"),
    ("cutoff", "date not null"),
    ("rows_removed", "bigint not null"),
    ("files_removed", "bigint not null"),
    ("removed", "varchar"),  # JSON list of partitions or folders removed whole
    ("reason", "varchar not null"),
)
RETENTION_LOG_TABLE = f"{RAW_SCHEMA}.retention_log"


def quarantine_kept_columns(extract: Extract) -> list[str]:
    """What a quarantined record always keeps, besides the failing column: the NIP, which tells
    HR whose row it is, and the extract's key, which finds the row in the source system."""
    return list(dict.fromkeys(["nip", *extract.key_columns]))


def raw_table(extract: Extract) -> str:
    return f"{RAW_SCHEMA}.{extract.name}"


def is_partitioned(wh: Warehouse, extract: Extract) -> bool:
    """Whether the extract's raw table is (to be) partitioned by month on this warehouse."""
    return wh.partitions_by_month and extract.name in PARTITIONED_EXTRACTS


def ensure_raw_table(wh: Warehouse, extract: Extract) -> None:
    """Create the extract's raw table, or add contract columns it does not have yet.

    A PostgreSQL table of a partitioned extract created unpartitioned (by an earlier version) is
    converted here, before any load transaction.
    """
    with wh.schema_change():
        wh.ensure_schema(RAW_SCHEMA)
        _create_or_complete_raw_table(wh, extract)
        wh.prepare_batch_columns(raw_table(extract), BATCH_CONSTANT_COLUMNS)


def _create_or_complete_raw_table(wh: Warehouse, extract: Extract) -> None:
    existing = wh.table_columns(RAW_SCHEMA, extract.name)
    if not existing:
        columns = [f'"{c.name}" varchar' for c in extract.columns]
        columns += [f"{name} {ddl}" for name, ddl in METADATA_DDL]
        partitioning = (
            " partition by range (_extraction_date)" if is_partitioned(wh, extract) else ""
        )
        wh.execute(f"create table {raw_table(extract)} ({', '.join(columns)}){partitioning}")
        return
    for column in extract.columns:
        if column.name not in existing:
            wh.execute(f'alter table {raw_table(extract)} add column "{column.name}" varchar')
    if is_partitioned(wh, extract) and not _is_partitioned_table(wh, extract):
        _partition_in_place(wh, extract)


def _month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(extract: Extract, day: date) -> str:
    return f"{extract.name}_{day:%Y_%m}"


def partition_month(extract: Extract, name: str) -> date | None:
    """The month a partition named by `partition_name` holds; None for any other name."""
    try:
        return datetime.strptime(name.removeprefix(f"{extract.name}_"), "%Y_%m").date()
    except ValueError:
        return None


def _is_partitioned_table(wh: Warehouse, extract: Extract) -> bool:
    return bool(
        wh.scalar(
            "select count(*) from pg_partitioned_table p join pg_class c on c.oid = p.partrelid "
            "join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = :schema and c.relname = :table",
            {"schema": RAW_SCHEMA, "table": extract.name},
        )
    )


def existing_partitions(wh: Warehouse, extract: Extract) -> set[str]:
    frame = wh.query_df(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
        "join pg_class p on p.oid = i.inhparent join pg_namespace n on n.oid = p.relnamespace "
        "where n.nspname = :schema and p.relname = :table",
        {"schema": RAW_SCHEMA, "table": extract.name},
    )
    return set(frame["relname"]) if not frame.empty else set()


def _create_partition(wh: Warehouse, extract: Extract, month: date) -> None:
    wh.execute(
        f"create table if not exists {RAW_SCHEMA}.{partition_name(extract, month)} "
        f"partition of {raw_table(extract)} "
        f"for values from ('{month}') to ('{next_month(month)}')"
    )


def ensure_partitions(wh: Warehouse, extract: Extract, days: Iterable[date]) -> None:
    """The monthly partitions the given extraction dates load into (PostgreSQL; else nothing).

    Call outside a transaction: creating a partition locks the parent table exclusively.
    """
    if not is_partitioned(wh, extract):
        return
    months = sorted({_month(d) for d in days})
    have = existing_partitions(wh, extract)
    if all(partition_name(extract, m) in have for m in months):
        return  # the usual case: no DDL, so no lock
    with wh.schema_change():
        have = existing_partitions(wh, extract)
        for month in months:
            if partition_name(extract, month) not in have:
                _create_partition(wh, extract, month)


def tables_to_analyze(
    wh: Warehouse, loaded: Mapping[Extract, Iterable[date]], now: datetime
) -> list[str]:
    """The raw tables whose planner statistics a load of these extraction dates made stale.

    For a partitioned extract, the month partitions the dates went into. Its parent's own
    statistics (which the planner uses for joins over the whole table) are sampled again only
    when missing or older than PARENT_STATISTICS_MAX_AGE: PostgreSQL before 17 has no ANALYZE
    ONLY, so analysing the parent analyses every partition again, 2.5-3.2 s a night with twelve
    months of a million punches each against 0.18 s for the one month loaded, and growing with
    the months kept. A day's delivery barely moves the distribution of a year.
    """
    tables: list[str] = []
    for extract, days in loaded.items():
        if not is_partitioned(wh, extract) or _statistics_older_than(
            wh, raw_table(extract), now - PARENT_STATISTICS_MAX_AGE
        ):
            tables.append(raw_table(extract))
            continue
        months = sorted({_month(d) for d in days})
        tables += [f"{RAW_SCHEMA}.{partition_name(extract, m)}" for m in months]
    return tables


def _statistics_older_than(wh: Warehouse, table: str, moment: datetime) -> bool:
    """Whether the table was last analysed before `moment`, or never (or the server's activity
    statistics were reset since)."""
    schema, name = table.split(".")
    last = wh.scalar(
        "select last_analyze from pg_stat_user_tables where schemaname = :schema "
        "and relname = :table",
        {"schema": schema, "table": name},
    )
    return last is None or last < moment


def _partition_in_place(wh: Warehouse, extract: Extract) -> None:
    """Convert an unpartitioned raw table into a partitioned one with the same rows, atomically.

    Views that read the old table (dbt's staging and intermediate views) are dropped with it: a
    PostgreSQL view is bound to the table it was created on, not to its name. dbt recreates them
    on its next build, which the night runs right after the load.
    """
    table = raw_table(extract)
    old = f"{extract.name}_unpartitioned"
    log.warning(
        "partitioning %s by month; dependent views are dropped until the next dbt build", table
    )
    with wh.transaction():
        wh.execute(f"alter table {table} rename to {old}")
        wh.execute(
            f"create table {table} (like {RAW_SCHEMA}.{old} including defaults) "
            "partition by range (_extraction_date)"
        )
        months = wh.query_df(
            f"select distinct cast(date_trunc('month', _extraction_date) as date) as month "
            f"from {RAW_SCHEMA}.{old}"
        )
        for month in months["month"] if not months.empty else []:
            _create_partition(wh, extract, month)
        columns = ", ".join(f'"{c}"' for c in wh.table_columns(RAW_SCHEMA, old))
        wh.execute(f"insert into {table} ({columns}) select {columns} from {RAW_SCHEMA}.{old}")
        wh.execute(f"drop table {RAW_SCHEMA}.{old} cascade")


def _ensure_table(wh: Warehouse, table: str, columns: tuple[tuple[str, str], ...]) -> None:
    existing = wh.table_columns(RAW_SCHEMA, table)
    if not existing:
        ddl = ", ".join(f"{name} {kind}" for name, kind in columns)
        wh.execute(f"create table {RAW_SCHEMA}.{table} ({ddl})")
        return
    for name, kind in columns:
        if name not in existing:
            wh.execute(f"alter table {RAW_SCHEMA}.{table} add column {name} {kind}")


def ensure_audit_table(wh: Warehouse) -> None:
    """The load audit, the quarantine and the retention log, created or brought up to date in
    place."""
    with wh.schema_change():
        wh.ensure_schema(RAW_SCHEMA)
        _ensure_table(wh, "load_audit", AUDIT_COLUMNS)
        _ensure_table(wh, "quarantine", QUARANTINE_COLUMNS)
        _ensure_table(wh, "retention_log", RETENTION_LOG_COLUMNS)
        wh.prepare_batch_columns(QUARANTINE_TABLE, QUARANTINE_CONSTANT_COLUMNS)
