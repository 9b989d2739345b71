"""A raw layer written the way the loader writes it: every contract column as text exactly as
delivered, plus the loader's metadata columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from datetime import time as clock

import pandas as pd

from kinerja.contract.extracts import EXTRACTS
from kinerja.load.raw_tables import AUDIT_TABLE, ensure_audit_table
from kinerja.settings import Settings
from kinerja.warehouse import connect

RAW_METADATA_DDL = {
    "_batch_id": "text",
    "_extraction_date": "date",
    "_source_file": "text",
    "_row_number": "bigint",
    "_loaded_at": "timestamp with time zone",
    "_extra": "text",
}

RawRows = Sequence[tuple[date, dict]]


def loaded_at(extraction_date: date) -> datetime:
    """The loader runs in the night after the extraction date."""
    return datetime.combine(extraction_date, clock(18, 30), tzinfo=UTC)


def raw_frame(extract_name: str, rows: RawRows) -> pd.DataFrame:
    """Rows of (extraction date, row as delivered) as the raw table holds them."""
    columns = EXTRACTS[extract_name].column_names
    records = []
    for row_number, (extraction_date, row) in enumerate(rows, start=1):
        record = {c: row.get(c) for c in columns}
        record.update(
            _batch_id=f"uji-{extraction_date.isoformat()}",
            _extraction_date=extraction_date,
            _source_file=f"{extract_name}/{extraction_date.isoformat()}/data.csv",
            _row_number=row_number,
            _loaded_at=loaded_at(extraction_date),
            _extra=None,
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*columns, *RAW_METADATA_DDL])
    return frame.astype({c: object for c in columns})


def create_raw_layer(
    settings: Settings,
    rows: Mapping[str, RawRows],
    header_only: Mapping[str, Sequence[date]] | None = None,
) -> None:
    """Every extract's raw table, holding `rows` where given and empty otherwise, and the load
    audit the loader keeps: one LOADED batch per extract and extraction date, including the
    `header_only` dates (a delivery of no rows)."""
    with connect(settings) as wh:
        wh.ensure_schema("raw")
        ensure_audit_table(wh)
        audit = []
        for name, extract in EXTRACTS.items():
            ddl = [f'"{c}" text' for c in extract.column_names]
            ddl += [f"{c} {kind}" for c, kind in RAW_METADATA_DDL.items()]
            wh.execute(f"create table raw.{name} ({', '.join(ddl)})")
            delivered = Counter(day for day, _ in rows.get(name, ()))
            delivered.update({day: 0 for day in (header_only or {}).get(name, ())})
            audit += [_loaded_batch(name, day, count) for day, count in delivered.items()]
            if rows.get(name):
                wh.bulk_insert(f"raw.{name}", raw_frame(name, rows[name]))
        if audit:
            wh.bulk_insert(AUDIT_TABLE, pd.DataFrame.from_records(audit))


def _loaded_batch(extract_name: str, extraction_date: date, rows: int) -> dict:
    return {
        "batch_id": f"uji-{extract_name}-{extraction_date.isoformat()}",
        "extract": extract_name,
        "extraction_date": extraction_date,
        "status": "LOADED",
        "rows_delivered": rows,
        "rows_loaded": rows,
        "rows_quarantined": 0,
        "loaded_at": loaded_at(extraction_date),
    }
