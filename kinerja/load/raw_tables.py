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

LOAD_AUDIT_DDL = f"""
create table if not exists {RAW_SCHEMA}.load_audit (
    batch_id varchar not null,
    extract varchar not null,
    extraction_date date not null,
    files varchar,
    status varchar not null,
    rows_delivered bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    extra_columns varchar,
    message varchar,
    loaded_at timestamp with time zone not null,
    quality_status varchar,
    quality_details varchar
)
"""

# Columns added to load_audit after its first release: older warehouses get them on start-up.
AUDIT_ADDED_COLUMNS = (("quality_status", "varchar"), ("quality_details", "varchar"))


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


def ensure_audit_table(wh: Warehouse) -> None:
    wh.ensure_schema(RAW_SCHEMA)
    wh.execute(LOAD_AUDIT_DDL)
    existing = wh.table_columns(RAW_SCHEMA, "load_audit")
    for name, ddl in AUDIT_ADDED_COLUMNS:
        if name not in existing:
            wh.execute(f"alter table {RAW_SCHEMA}.load_audit add column {name} {ddl}")
