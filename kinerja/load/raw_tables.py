"""DDL of the raw layer, derived from the contract: one text column per contract column."""

from __future__ import annotations

from kinerja.contract import Extract
from kinerja.warehouse import Warehouse

RAW_SCHEMA = "raw"

METADATA_DDL = (
    ("_batch_id", "varchar not null"),
    ("_extraction_date", "date not null"),
    ("_source_file", "varchar not null"),
    ("_row_number", "bigint not null"),
    ("_loaded_at", "timestamp with time zone not null"),
    ("_extra", "varchar"),
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
    ("raw_record", "varchar not null"),  # JSON of the row as delivered, every column
    ("quarantined_at", "timestamp with time zone not null"),
)
QUARANTINE_TABLE = f"{RAW_SCHEMA}.quarantine"
AUDIT_TABLE = f"{RAW_SCHEMA}.load_audit"


def raw_table(extract: Extract) -> str:
    return f"{RAW_SCHEMA}.{extract.name}"


def ensure_raw_table(wh: Warehouse, extract: Extract) -> None:
    """Create the extract's raw table, or add contract columns it does not have yet."""
    wh.ensure_schema(RAW_SCHEMA)
    existing = wh.table_columns(RAW_SCHEMA, extract.name)
    if not existing:
        columns = [f'"{c.name}" varchar' for c in extract.columns]
        columns += [f"{name} {ddl}" for name, ddl in METADATA_DDL]
        wh.execute(f"create table {raw_table(extract)} ({', '.join(columns)})")
        return
    for column in extract.columns:
        if column.name not in existing:
            wh.execute(f'alter table {raw_table(extract)} add column "{column.name}" varchar')


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
    """The load audit and the quarantine, created or brought up to date in place."""
    wh.ensure_schema(RAW_SCHEMA)
    _ensure_table(wh, "load_audit", AUDIT_COLUMNS)
    _ensure_table(wh, "quarantine", QUARANTINE_COLUMNS)
