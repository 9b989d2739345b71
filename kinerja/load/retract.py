"""Remove a loaded date on purpose: the one way a date's rows leave the raw layer without a load.

An empty re-delivery never wipes a date (the loader refuses it); when a date really must go (sent
to the wrong agency, loaded by mistake), `kinerja retract` deletes its raw and quarantined rows in
one transaction together with a RETRACTED audit row that records who did it and why. Catching up
does not bring a retracted date back; reloading it is an explicit `kinerja load --date`.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from kinerja.contract import CONTRACT_VERSION, EXTRACTS
from kinerja.load.loader import RETRACTED, holds_rows
from kinerja.load.raw_tables import (
    AUDIT_TABLE,
    QUARANTINE_TABLE,
    ensure_audit_table,
    ensure_raw_table,
    raw_table,
)
from kinerja.settings import Settings
from kinerja.warehouse import connect, ensure_database


class RetractRefused(ValueError):
    """The retraction cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Retraction:
    extract: str
    extraction_date: date
    rows_removed: int
    rows_quarantined_removed: int
    by: str
    reason: str


def _count(wh, table: str, where: str, params: dict) -> int:
    return int(wh.query_df(f"select count(*) as n from {table} where {where}", params).iat[0, 0])


def retract(
    settings: Settings, extract: str, day: date, reason: str, by: str | None = None
) -> Retraction:
    if extract not in EXTRACTS:
        raise RetractRefused(f"unknown extract {extract!r}; one of {', '.join(EXTRACTS)}")
    if not reason.strip():
        raise RetractRefused("say why the date is retracted (--reason)")
    by = (by or getpass.getuser()).strip()
    ensure_database(settings)
    with connect(settings) as wh:
        ensure_audit_table(wh)
        ensure_raw_table(wh, EXTRACTS[extract])
        if not holds_rows(wh, extract, day):
            raise RetractRefused(f"{extract} {day} has no loaded batch to retract")
        table = raw_table(EXTRACTS[extract])
        params = {"extract": extract, "day": day}
        on_date = "extraction_date = :day and extract = :extract"
        now = datetime.now(UTC)
        with wh.transaction():
            wh.batch_lock(extract, day)  # a load of this date in progress finishes first
            raw_rows = _count(wh, table, "_extraction_date = :day", {"day": day})
            quarantined = _count(wh, QUARANTINE_TABLE, on_date, params)
            wh.execute(f"delete from {table} where _extraction_date = :day", {"day": day})
            wh.execute(f"delete from {QUARANTINE_TABLE} where {on_date}", params)
            row = {
                "batch_id": f"{extract}-{day:%Y%m%d}-retracted-{now:%Y%m%dT%H%M%S%f}",
                "extract": extract,
                "extraction_date": day,
                "files": json.dumps([]),
                "status": RETRACTED,
                "rows_delivered": 0,
                "rows_loaded": 0,
                "rows_quarantined": 0,
                "message": (
                    f"retracted by {by}: {reason.strip()} ({raw_rows} raw and {quarantined} "
                    "quarantined rows removed)"
                ),
                "loaded_at": now,
                "rows_rejected": 0,
                "contract_version": CONTRACT_VERSION,
            }
            names = ", ".join(row)
            values = ", ".join(f":{name}" for name in row)
            wh.execute(f"insert into {AUDIT_TABLE} ({names}) values ({values})", row)
    return Retraction(extract, day, raw_rows, quarantined, by, reason.strip())
