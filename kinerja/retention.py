"""How long each kind of data is kept, and what a purge removed.

The periods are settings (`KINERJA_RETENTION_*`); 0 keeps a kind forever. Every cutoff is counted
back from the night's date (`as_of`), never from the clock: rerunning or backfilling an old night
removes nothing the latest night kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from kinerja.settings import Settings

RAW = "raw"
QUARANTINE = "quarantine"
QUARANTINE_MINIMISED = "quarantine_minimised"
LOAD_AUDIT = "load_audit"
REPORTS = "reports"
DATA_DOCS = "data_docs"
OUTBOX = "outbox"


@dataclass(frozen=True)
class Purged:
    """One kind of data after a purge: what was older than `cutoff` is gone (None: kept forever)."""

    kind: str
    where: str  # the table or folder
    cutoff: date | None
    rows: int = 0
    files: int = 0
    removed: tuple[str, ...] = ()  # the partitions, tables or folders removed whole, by name

    @property
    def anything(self) -> bool:
        return bool(self.rows or self.files)

    def describe(self) -> str:
        if self.cutoff is None:
            return f"{self.kind} ({self.where}): kept forever"
        what = ", ".join(
            f"{n} {unit}" for n, unit in ((self.rows, "rows"), (self.files, "files")) if n
        )
        return f"{self.kind} ({self.where}): {what or 'nothing'} before {self.cutoff}" + (
            f", {', '.join(self.removed)} removed whole" if self.removed else ""
        )


def days_cutoff(as_of: date, days: int) -> date | None:
    return as_of - timedelta(days=days) if days else None


def raw_cutoff(as_of: date, years: int) -> date | None:
    """Whole calendar years: the current one and `years` before it. A year's history goes at
    once, so no model ever sees part of a year."""
    return date(as_of.year - years, 1, 1) if years else None


@dataclass(frozen=True)
class Cutoffs:
    raw: date | None
    quarantine: date | None
    load_audit: date | None
    reports: date | None
    data_docs: date | None
    outbox: date | None


def cutoffs(settings: Settings, as_of: date) -> Cutoffs:
    return Cutoffs(
        raw=raw_cutoff(as_of, settings.retention_raw_years),
        quarantine=days_cutoff(as_of, settings.retention_quarantine_days),
        load_audit=days_cutoff(as_of, settings.retention_load_audit_days),
        reports=days_cutoff(as_of, settings.retention_reports_days),
        data_docs=days_cutoff(as_of, settings.retention_data_docs_days),
        outbox=days_cutoff(as_of, settings.retention_outbox_days),
    )


def remove_files_before(root: Path, before: date) -> int:
    """Remove the files under `root` last written before `before` (local midnight) and the
    folders that leaves empty; how many files went."""
    if not root.is_dir():
        return 0
    limit = datetime.combine(before, datetime.min.time()).timestamp()
    removed = 0
    for folder, subfolders, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(folder, name)
            if path.lstat().st_mtime < limit:
                path.unlink()
                removed += 1
        for name in subfolders:
            path = Path(folder, name)
            if not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
    return removed
