"""Load one extract's delivery for one date into the raw layer, atomically and idempotently.

A batch is everything an extract delivered for one extraction date. Loading it replaces whatever
that date held before, in one transaction together with its audit row, so a rerun or a changed
re-delivery never duplicates and a crash never leaves half a batch. An unchanged re-delivery
(same files, same checksums) is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from kinerja.contract import EXTRACTS, Extract
from kinerja.landing.discovery import DeliveryFolder, delivery_dates, delivery_folder, open_landing
from kinerja.landing.reader import FileRejected, file_sha256, read_delivery_file
from kinerja.load.raw_tables import ensure_audit_table, ensure_raw_table, raw_table
from kinerja.settings import Settings
from kinerja.warehouse import Warehouse, connect, ensure_database

LOADED, UNCHANGED, REJECTED = "LOADED", "UNCHANGED", "REJECTED"


@dataclass
class BatchOutcome:
    extract: str
    extraction_date: date
    batch_id: str
    status: str
    files: list[str]
    rows_delivered: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    extra_columns: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class NightLoad:
    as_of: date
    outcomes: list[BatchOutcome]

    @property
    def rejected(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == REJECTED]

    def loaded_batches(self) -> dict[str, list[str]]:
        """Batch ids loaded in this run, per extract (what validation must look at)."""
        batches: dict[str, list[str]] = {}
        for o in self.outcomes:
            if o.status == LOADED:
                batches.setdefault(o.extract, []).append(o.batch_id)
        return batches

    def rows_loaded(self) -> dict[str, int]:
        totals = {name: 0 for name in EXTRACTS}
        for o in self.outcomes:
            if o.status == LOADED:
                totals[o.extract] += o.rows_loaded
        return totals


def _batch_id(extract: str, extraction_date: date, checksums: dict[str, str]) -> str:
    digest = hashlib.sha256(
        json.dumps(sorted((posixpath.basename(f), s) for f, s in checksums.items())).encode()
    ).hexdigest()
    return f"{extract}-{extraction_date:%Y%m%d}-{digest[:16]}"


def _check_manifest(
    delivery: DeliveryFolder, checksums: dict[str, str], rows: dict[str, int]
) -> None:
    listed = (delivery.manifest or {}).get("files", {})
    for name, expected in listed.items():
        path = posixpath.join(delivery.folder, name)
        if path not in checksums:
            raise FileRejected(path, "listed in _manifest.json but not delivered")
        if "sha256" in expected and expected["sha256"].lower() != checksums[path]:
            raise FileRejected(
                path, "sha256 does not match _manifest.json (incomplete or altered upload)"
            )
        if "rows" in expected and int(expected["rows"]) != rows[path]:
            raise FileRejected(
                path, f"_manifest.json says {expected['rows']} rows, the file has {rows[path]}"
            )


def _conform(extract: Extract, frame: pd.DataFrame, path: str) -> tuple[pd.DataFrame, list[str]]:
    """Contract columns in contract order; unknown columns kept as JSON in `_extra`."""
    missing = [c for c in extract.required_columns if c not in frame.columns]
    if missing:
        raise FileRejected(path, f"required column(s) missing: {', '.join(missing)}")
    extra = [c for c in frame.columns if c not in extract.column_names]
    out = pd.DataFrame(
        {c.name: frame[c.name] if c.name in frame.columns else None for c in extract.columns},
        index=frame.index,
        dtype=object,
    )
    if extra:
        out["_extra"] = [
            json.dumps(dict(zip(extra, values)), ensure_ascii=False)
            for values in frame[extra].itertuples(index=False, name=None)
        ]
    else:
        out["_extra"] = None
    return out, extra


def _already_loaded(wh: Warehouse, extract: str, day: date, batch_id: str) -> bool:
    latest = wh.query_df(
        "select batch_id from raw.load_audit where extract = :extract and extraction_date = :day "
        "and status = 'LOADED' order by loaded_at desc limit 1",
        {"extract": extract, "day": day},
    )
    return not latest.empty and latest.iat[0, 0] == batch_id


def _write_audit(wh: Warehouse, outcome: BatchOutcome) -> None:
    wh.bulk_insert(
        "raw.load_audit",
        pd.DataFrame(
            [
                {
                    "batch_id": outcome.batch_id,
                    "extract": outcome.extract,
                    "extraction_date": outcome.extraction_date,
                    "files": json.dumps([posixpath.basename(f) for f in outcome.files]),
                    "status": outcome.status,
                    "rows_delivered": outcome.rows_delivered,
                    "rows_loaded": outcome.rows_loaded,
                    "rows_quarantined": outcome.rows_quarantined,
                    "extra_columns": json.dumps(outcome.extra_columns)
                    if outcome.extra_columns
                    else None,
                    "message": outcome.message or None,
                    "loaded_at": datetime.now(UTC),
                }
            ]
        ),
    )


def load_delivery(wh: Warehouse, fs, delivery: DeliveryFolder) -> BatchOutcome:
    """Load one extract-date batch. Returns its outcome; never raises for bad input."""
    extract = EXTRACTS[delivery.extract]
    checksums = {path: file_sha256(fs, path) for path in delivery.files}
    batch_id = _batch_id(extract.name, delivery.extraction_date, checksums)
    outcome = BatchOutcome(
        extract.name, delivery.extraction_date, batch_id, LOADED, list(delivery.files)
    )
    if _already_loaded(wh, extract.name, delivery.extraction_date, batch_id):
        outcome.status = UNCHANGED
        outcome.message = "same files as the batch already loaded for this date"
        return outcome
    try:
        frames, rows_per_file = [], {}
        for path in delivery.files:
            frame = read_delivery_file(fs, path)
            rows_per_file[path] = len(frame)
            conformed, extra = _conform(extract, frame, path)
            conformed["_source_file"] = path
            conformed["_row_number"] = range(1, len(conformed) + 1)
            frames.append(conformed)
            outcome.extra_columns.extend(c for c in extra if c not in outcome.extra_columns)
        if delivery.manifest is not None:
            _check_manifest(delivery, checksums, rows_per_file)
    except FileRejected as exc:
        outcome.status, outcome.message = REJECTED, str(exc)
        _write_audit(wh, outcome)
        return outcome
    batch = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not batch.empty:
        batch["_batch_id"] = batch_id
        batch["_extraction_date"] = delivery.extraction_date
        batch["_loaded_at"] = datetime.now(UTC)
    outcome.rows_delivered = outcome.rows_loaded = len(batch)
    if outcome.extra_columns:
        outcome.message = f"extra columns kept in _extra: {', '.join(outcome.extra_columns)}"
    with wh.transaction():
        wh.replace_where(
            raw_table(extract), batch, "_extraction_date = :day", {"day": delivery.extraction_date}
        )
        _write_audit(wh, outcome)
    return outcome


def _dates_to_load(
    wh: Warehouse, fs, root: str, extract: str, as_of: date, catch_up: bool
) -> list[date]:
    """The night's own date, plus (catching up) every earlier date never loaded before."""
    available = [d for d in delivery_dates(fs, root, extract) if d <= as_of]
    if not catch_up:
        return [d for d in available if d == as_of]
    seen = set(
        wh.query_df(
            "select distinct extraction_date from raw.load_audit where extract = :extract",
            {"extract": extract},
        )["extraction_date"].map(lambda v: v if isinstance(v, date) else pd.Timestamp(v).date())
    )
    return [d for d in available if d == as_of or d not in seen]


def load_night(
    settings: Settings,
    as_of: date,
    catch_up: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> NightLoad:
    """Load every extract's deliveries for `as_of` (and, catching up, earlier never-loaded dates)."""
    ensure_database(settings)
    fs, root = open_landing(settings.landing_url)
    outcomes: list[BatchOutcome] = []
    with connect(settings) as wh:
        ensure_audit_table(wh)
        for extract in EXTRACTS.values():
            ensure_raw_table(wh, extract)
            days = _dates_to_load(wh, fs, root, extract.name, as_of, catch_up)
            for done, day in enumerate(days, start=1):
                delivery = delivery_folder(fs, root, extract.name, day)
                if delivery is not None:
                    outcomes.append(load_delivery(wh, fs, delivery))
                if progress:
                    progress(extract.name, done, len(days))
    return NightLoad(as_of, outcomes)
