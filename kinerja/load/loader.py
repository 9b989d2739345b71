"""Load one extract's delivery for one date into the raw layer, atomically and idempotently.

A batch is everything an extract delivered for one extraction date. Loading it replaces whatever
that date held before (raw rows and quarantined rows), in one transaction together with its audit
row, so a rerun or a changed re-delivery never duplicates and a crash never leaves half a batch.
An unchanged re-delivery (same files, same checksums) is a no-op.

Rows are checked against the contract in DuckDB while the file is read: clean rows go to the raw
table, rows that break a rule to `raw.quarantine` with the rule, the file, the row number and the
row's NIP, key and failing value, so rows delivered = rows loaded + rows quarantined for every
batch. A file that cannot be loaded at all rejects its batch, which leaves the date as it was.

Nothing in the landing area ends a night's load early or disappears in silence: a broken manifest,
a link or a file that cannot be read rejects its own batch (the other extracts and dates still
load); a date whose files are still arriving waits for the next night (WAITING, no audit row, so
catching up picks it up); a date already loaded and delivered again empty keeps its rows (REFUSED:
`kinerja retract` removes a date on purpose); folders the layout cannot place are findings.
"""

from __future__ import annotations

import csv
import hashlib
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from kinerja.contract import CONTRACT_VERSION, EXTRACTS, Extract
from kinerja.contract.extracts import DEFAULT_MAX_VALUE_LENGTH
from kinerja.landing.counting import rows_held
from kinerja.landing.discovery import (
    DeliveryFolder,
    Entry,
    delivery_dates,
    delivery_folder,
    layout_findings,
    open_landing,
)
from kinerja.landing.reader import (
    MAX_LINE_BYTES,
    FileInfo,
    FileRejected,
    inspect_file,
    normalise,
    normalised_select,
    parser_failure,
    quote_ident,
    quote_literal,
    reader_sql,
    repeated_column,
    with_columns,
)
from kinerja.landing.snapshots import snapshot_folder
from kinerja.load import checks as row_rules
from kinerja.load.raw_tables import (
    AUDIT_TABLE,
    QUARANTINE_TABLE,
    ensure_audit_table,
    ensure_partitions,
    ensure_raw_table,
    quarantine_kept_columns,
    raw_table,
    tables_to_analyze,
)
from kinerja.retention import days_cutoff
from kinerja.settings import Settings, get_settings
from kinerja.warehouse import Warehouse, connect, ensure_database

LOADED, UNCHANGED, REJECTED = "LOADED", "UNCHANGED", "REJECTED"
# WAITING: files still arriving, nothing read or audited. REFUSED: an empty re-delivery of a loaded
# date, which keeps its rows. RETRACTED: a date removed on purpose (kinerja.load.retract).
WAITING, REFUSED, RETRACTED = "WAITING", "REFUSED", "RETRACTED"


# What reading a landing area can raise beyond the loader's own verdicts: a vanished or unreadable
# file or folder, bytes no decoder or parser takes, a library refusing a broken file. A loader
# defect (LoadInvariantBroken) is none of these and still stops the night.
_LANDING_ERRORS = (OSError, UnicodeError, ValueError, csv.Error, duckdb.Error)


class LoadInvariantBroken(RuntimeError):
    """Rows delivered differ from rows loaded plus rows quarantined: a loader defect, not bad input."""


@dataclass
class FileOutcome:
    path: str
    status: str
    rows_delivered: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine_rules: dict[str, int] = field(default_factory=dict)
    rule: str = ""  # the file rule when rejected
    message: str = ""


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
    rows_rejected: int = 0
    quarantine_rules: dict[str, int] = field(default_factory=dict)
    file_outcomes: list[FileOutcome] = field(default_factory=list)


@dataclass
class NightLoad:
    as_of: date
    outcomes: list[BatchOutcome]
    # Landing entries no batch can own (an extract folder in another case, a badly named date
    # folder): not read, reported every night until somebody moves them.
    findings: list[Entry] = field(default_factory=list)

    @property
    def rejected(self) -> list[BatchOutcome]:
        """Batches not loaded because of what was delivered: a person has to act."""
        return [o for o in self.outcomes if o.status in (REJECTED, REFUSED)]

    @property
    def waiting(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == WAITING]

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
            raise FileRejected(
                path, "listed in _manifest.json but not delivered", "MANIFEST_MISMATCH"
            )
        if "sha256" in expected and expected["sha256"].lower() != checksums[path]:
            raise FileRejected(
                path,
                "sha256 does not match _manifest.json (incomplete or altered upload)",
                "MANIFEST_MISMATCH",
            )
        if "rows" in expected and path in rows and int(expected["rows"]) != rows[path]:
            raise FileRejected(
                path,
                f"_manifest.json says {expected['rows']} rows, the file has {rows[path]}",
                "MANIFEST_MISMATCH",
            )


def _latest_audit(
    wh: Warehouse,
    extract: str,
    day: date,
    statuses: tuple[str, ...] = (LOADED, REJECTED, RETRACTED),
) -> tuple[str, str] | None:
    names = ", ".join(f"'{s}'" for s in statuses)
    latest = wh.rows(
        f"select batch_id, status from {AUDIT_TABLE} where extract = :extract "
        f"and extraction_date = :day and status in ({names}) "
        "order by loaded_at desc limit 1",
        {"extract": extract, "day": day},
    )
    return latest[0] if latest else None


def holds_rows(wh: Warehouse, extract: str, day: date) -> bool:
    """Whether the date's rows come from a load (a rejection leaves them; a retraction removes)."""
    return (_latest_audit(wh, extract, day, (LOADED, RETRACTED)) or ("", ""))[1] == LOADED


def _write_audit(
    wh: Warehouse, outcome: BatchOutcome, checksums: dict[str, str], loaded_at: datetime
) -> None:
    row = {
        "batch_id": outcome.batch_id,
        "extract": outcome.extract,
        "extraction_date": outcome.extraction_date,
        "files": json.dumps([posixpath.basename(f) for f in outcome.files]),
        "status": outcome.status,
        "rows_delivered": outcome.rows_delivered,
        "rows_loaded": outcome.rows_loaded,
        "rows_quarantined": outcome.rows_quarantined,
        "extra_columns": json.dumps(outcome.extra_columns) if outcome.extra_columns else None,
        "message": outcome.message or None,
        "loaded_at": loaded_at,
        "rows_rejected": outcome.rows_rejected,
        "file_checksums": json.dumps({posixpath.basename(f): s for f, s in checksums.items()}),
        "quarantine_rules": json.dumps(outcome.quarantine_rules, sort_keys=True)
        if outcome.quarantine_rules
        else None,
        "contract_version": CONTRACT_VERSION,
    }
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    wh.execute(f"insert into {AUDIT_TABLE} ({names}) values ({values})", row)


# A file larger than this is read by several threads into a temporary table before its batch's
# transaction (`_stage_large_files`, where the warehouse `stages_large_files`); a smaller one fits
# one read buffer, so one statement reads, checks and inserts it.
PARALLEL_READ_BYTES = 8 << 20


@dataclass
class _Prepared:
    """One file whose header passed, with the query that reads it and checks every row."""

    info: FileInfo
    columns: list[str]  # normalised names, in delivered order
    checks: list[row_rules.Check]
    derived: str  # the _extra and _check columns, over the delivered ones
    staged_table: str | None = None  # where `_stage_large_files` read the file

    def checked_select(self, max_line_bytes: int = MAX_LINE_BYTES, numbered: bool = False) -> str:
        """The file's rows with their _extra and _check, and their row numbers if `numbered`."""
        number = "row_number() over () as _row_number, " if numbered else ""
        return (
            f"select *, {self.derived} from (select {number}{normalised_select(self.info)} "
            f"from {reader_sql(self.info, max_line_bytes)})"
        )

    @property
    def query(self) -> str:
        """_row_number, the delivered columns, _extra, _check."""
        if self.staged_table:
            return f"select rowid + 1 as _row_number, * from {self.staged_table}"
        return self.checked_select(numbered=True)


def _prepare(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    info: FileInfo,
    day: date,
    max_length: int,
) -> _Prepared:
    try:
        info = with_columns(con, info)
    except duckdb.Error as exc:
        raise parser_failure(info, exc) from exc
    if twice := repeated_column(info):
        raise twice
    columns = [normalise(c, i) for i, c in enumerate(info.header)]
    missing = [c for c in extract.required_columns if c not in columns]
    if missing:
        raise FileRejected(
            info.path,
            f"required column(s) missing from the header: {', '.join(missing)}",
            "MISSING_COLUMN",
            line=1 if info.suffix == ".csv" else None,
            column=missing[0],
        )
    checks = row_rules.row_checks(
        extract, columns, day, max_length, header_row=info.suffix == ".csv"
    )
    fast = row_rules.fast_clean_sql(extract, columns, day, max_length)
    extra = [c for c in columns if c not in extract.column_names]
    extra_json = (
        "cast(to_json(struct_pack("
        + ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in extra)
        + ")) as varchar)"
        if extra
        else "cast(null as varchar)"
    )
    derived = f"{extra_json} as _extra, {row_rules.check_index_sql(checks, fast)} as _check"
    return _Prepared(info, columns, checks, derived)


def _stage_large_files(con: duckdb.DuckDBPyConnection, prepared: list[_Prepared]) -> None:
    """Read and check each large file on every thread into a temporary table, outside the batch's
    transaction; its query then numbers the rows from the table.

    `row_number() over ()` makes DuckDB read a file on one thread, and so does the line limit
    that lets a value of any length reach the quarantine. A table filled in file order numbers
    its rows by `rowid` instead: a third off a large file's load. A file with a line past the
    lower limit is read again with the full one.
    """
    large = [(n, p) for n, p in enumerate(prepared) if p.info.size > PARALLEL_READ_BYTES]
    if not large:
        return
    # A global setting of the database: dbt-duckdb in this process (tests, benchmarks) turns it
    # off for its models; without it the rows would not keep the file's order.
    [(kept,)] = con.execute("select current_setting('preserve_insertion_order')").fetchall()
    con.execute("set preserve_insertion_order = true")
    try:
        for number, p in large:
            table = f"kinerja_staged_{number}"
            create = f"create or replace temp table {table} as "
            try:
                con.execute(create + p.checked_select(PARALLEL_READ_BYTES))
            except duckdb.Error:
                try:
                    con.execute(create + p.checked_select(MAX_LINE_BYTES))
                except duckdb.Error as exc:
                    raise parser_failure(p.info, exc) from exc
            p.staged_table = table
    finally:
        con.execute(f"set preserve_insertion_order = {str(bool(kept)).lower()}")


def _drop_staged(con: duckdb.DuckDBPyConnection, prepared: list[_Prepared]) -> None:
    for p in prepared:
        if p.staged_table:
            try:
                con.execute(f"drop table if exists {p.staged_table}")
            except duckdb.Error:
                pass  # a temporary table ends with its connection anyway; keep the first error


def _quarantine_select(extract: Extract, prepared: _Prepared, table: str) -> tuple[list[str], str]:
    """The quarantine's columns for the broken rows in `table`. The record keeps what a data
    engineer needs to fix the row and no more personal data: the NIP, the extract's key and the
    failing column, keyed by the column names as delivered (spelling, case and spaces kept) with
    the values as read. The row's NIK, name, birth date or phone stay in the source system."""
    info = prepared.info
    index = "_check"
    located = (
        f"select *, {row_rules.rule_sql(prepared.checks, index)} as _rule, "
        f"{row_rules.column_sql(prepared.checks, index)} as _column, "
        f"{row_rules.message_sql(prepared.checks, index)} as _message from {table}"
    )
    kept = quarantine_kept_columns(extract)
    delivered = list(zip(info.header, prepared.columns, strict=True))
    always = [
        f"{quote_literal(original)}, {quote_ident(name)}"
        for original, name in delivered
        if name in kept
    ]
    # One branch per other column: the failing one joins the kept ones, even when it is empty.
    branches = " ".join(
        f"when {quote_literal(name)} then json_object("
        + ", ".join([*always, f"{quote_literal(original)}, {quote_ident(name)}"])
        + ")"
        for original, name in delivered
        if name not in kept
    )
    record = f"json_object({', '.join(always)})"
    if branches:
        record = f"case _column {branches} else {record} end"
    values = {
        "row_number": "_row_number",
        "rule": "_rule",
        "column_name": "_column",
        "message": "_message",
        "raw_record": f"cast({record} as varchar)",
        "record_minimised": "true",
    }
    return list(values), f"select {', '.join(values.values())} from ({located})"


def _reject(outcome: BatchOutcome, error: FileRejected, held: dict[str, int]) -> None:
    """The batch is not loaded; `held` is what each of its files holds (`rows_rejected`)."""
    outcome.status, outcome.message = REJECTED, str(error)
    outcome.rows_delivered = outcome.rows_loaded = outcome.rows_quarantined = 0
    outcome.quarantine_rules = {}
    outcome.extra_columns = []
    outcome.rows_rejected = sum(held.get(path, 0) for path in outcome.files)
    outcome.file_outcomes = []
    for path in outcome.files:
        if path == error.path:
            outcome.file_outcomes.append(
                FileOutcome(
                    path,
                    REJECTED,
                    rows_delivered=held.get(path, 0),
                    rule=error.rule,
                    message=str(error),
                )
            )
        else:
            name = posixpath.basename(error.path)
            outcome.file_outcomes.append(
                FileOutcome(
                    path,
                    REJECTED,
                    rows_delivered=held.get(path, 0),
                    message=f"not loaded: {name} of the same delivery was rejected",
                )
            )
    if error.path not in outcome.files:  # a file the manifest lists but nobody delivered
        outcome.file_outcomes.append(
            FileOutcome(error.path, REJECTED, rule=error.rule, message=str(error))
        )


def load_delivery(
    wh: Warehouse,
    fs,
    delivery: DeliveryFolder,
    max_length: int = DEFAULT_MAX_VALUE_LENGTH,
    home: Path | None = None,
    loaded_at: datetime | None = None,
) -> BatchOutcome:
    """Load one extract-date batch. Returns its outcome; never raises for bad input.

    The files are copied under `home` (default: the settings' KINERJA_HOME) while they are read.
    `loaded_at` stamps the rows (`_loaded_at`): the load run's time (load_night), or now.
    """
    with snapshot_folder(home or get_settings().home_dir) as snapshots:
        return _load_delivery(
            wh, fs, delivery, max_length, snapshots, loaded_at or datetime.now(UTC)
        )


def _load_delivery(
    wh: Warehouse,
    fs,
    delivery: DeliveryFolder,
    max_length: int,
    snapshots: Path,
    loaded_at: datetime,
) -> BatchOutcome:
    extract = EXTRACTS[delivery.extract]
    day = delivery.extraction_date
    if delivery.waiting and delivery.manifest is None and not delivery.problems:
        return _waiting(delivery)
    infos: dict[str, FileInfo] = {}
    checksums: dict[str, str] = {}
    problem = delivery.problems[0] if delivery.problems else None
    rejection = FileRejected(problem.path, problem.reason, problem.rule) if problem else None
    for number, path in enumerate(delivery.files):
        # Read once, by its literal path: DuckDB reads the snapshot under a generated name.
        snapshot = snapshots / f"{number:05d}{posixpath.splitext(path)[1].lower()}"
        try:
            infos[path] = inspect_file(fs, path, snapshot)
            checksums[path] = infos[path].sha256
        except FileRejected as exc:
            rejection = rejection or exc
            checksums[path] = exc.sha256 or ""
        except _LANDING_ERRORS as exc:
            reason = f"cannot be read ({type(exc).__name__}: {exc})"
            rejection = rejection or FileRejected(path, reason, "UNREADABLE")
            checksums[path] = ""
    # What was found beside the files is part of the batch's identity: adding a link to a loaded
    # folder is a different delivery, not an unchanged one.
    found = {p.path: f"{p.rule}:{p.reason}" for p in delivery.problems}
    batch_id = _batch_id(extract.name, day, checksums | found)
    outcome = BatchOutcome(extract.name, day, batch_id, LOADED, list(delivery.files))
    if rejection is None and not delivery.files and not delivery.listed:
        return _note_waiting(_empty(wh, delivery, outcome), delivery)
    latest = _latest_audit(wh, extract.name, day)
    if rejection is None and latest == (batch_id, LOADED):
        return _note_waiting(_unchanged(outcome, delivery), delivery)
    delivered: dict[str, int] = {}
    try:
        if rejection:
            raise rejection
        con = wh.staging()
        prepared = [_prepare(con, extract, infos[p], day, max_length) for p in delivery.files]
        try:
            if wh.stages_large_files:
                _stage_large_files(con, prepared)
            ensure_partitions(wh, extract, [day])  # DDL: before, never inside, the transaction
            _commit(wh, delivery, outcome, prepared, checksums, delivered, loaded_at)
        finally:
            _drop_staged(con, prepared)
    except (FileRejected, OSError) as exc:
        error = exc
        if not isinstance(exc, FileRejected):
            error = FileRejected(delivery.folder, f"cannot be read: {exc}", "UNREADABLE")
        _reject(outcome, error, {p: rows_held(fs, p) for p in delivery.files})
        # An unchanged rejected delivery is reported again but audited once.
        if latest != (batch_id, REJECTED):
            _write_audit(wh, outcome, checksums, datetime.now(UTC))
    return _note_waiting(outcome, delivery)


def _waiting(delivery: DeliveryFolder) -> BatchOutcome:
    """Files still arriving and no manifest to say the delivery is complete: read nothing yet."""
    names = ", ".join(posixpath.basename(w.path) for w in delivery.waiting)
    outcome = BatchOutcome(
        delivery.extract,
        delivery.extraction_date,
        _batch_id(delivery.extract, delivery.extraction_date, {}),
        WAITING,
        list(delivery.files),
        message=(
            f"{delivery.folder}: UPLOAD_IN_PROGRESS: {names} still arriving; the date is loaded "
            "by a later run once every file has settled (or a _manifest.json lists the delivery)"
        ),
    )
    outcome.file_outcomes = [
        FileOutcome(p, WAITING, message="not read yet: the date waits for its other files")
        for p in delivery.files
    ]
    return _note_waiting(outcome, delivery)


def _note_waiting(outcome: BatchOutcome, delivery: DeliveryFolder) -> BatchOutcome:
    """Report the files still arriving beside a batch; with a manifest they do not hold it."""
    outcome.file_outcomes += [
        FileOutcome(w.path, WAITING, rule=w.rule, message=f"not read: {w.reason}")
        for w in delivery.waiting
    ]
    if delivery.waiting and outcome.status != WAITING:
        names = ", ".join(posixpath.basename(w.path) for w in delivery.waiting)
        note = f"not read, not listed in _manifest.json and still arriving: {names}"
        outcome.message = "; ".join(m for m in (outcome.message, note) if m)
    return outcome


def _empty(wh: Warehouse, delivery: DeliveryFolder, outcome: BatchOutcome) -> BatchOutcome:
    """A folder with nothing to load never replaces a loaded date with nothing."""
    extract, day = delivery.extract, delivery.extraction_date
    what = "a _manifest.json listing no file" if delivery.manifest is not None else "no file"
    if holds_rows(wh, extract, day):
        outcome.status, rule = REFUSED, "EMPTY_REDELIVERY"
        reason = (
            f"delivered again with {what}; the rows loaded before are kept. To remove this date "
            f'on purpose: kinerja retract {extract} {day} --reason "..."'
        )
    else:
        outcome.status, rule = REJECTED, "EMPTY_DELIVERY"
        reason = f"{what} to load; a day without rows is delivered as a header-only file"
    outcome.message = f"{delivery.folder}: {rule}: {reason}"
    outcome.file_outcomes = [
        FileOutcome(delivery.folder, outcome.status, rule=rule, message=outcome.message)
    ]
    everything = (LOADED, REJECTED, RETRACTED, REFUSED)
    if _latest_audit(wh, extract, day, everything) != (outcome.batch_id, outcome.status):
        _write_audit(wh, outcome, {}, datetime.now(UTC))
    return outcome


def _load_file(
    wh: Warehouse,
    extract: Extract,
    prepared: _Prepared,
    batch: dict[str, str],
) -> FileOutcome:
    """Clean rows into the raw table, broken ones into the quarantine, in one read of the file."""
    con = wh.staging()
    present = [c for c in extract.column_names if c in prepared.columns]
    source = {"_source_file": quote_literal(prepared.info.path)}
    try:
        read, loaded, broken = wh.insert_checked(
            raw_table(extract),
            [*present, "_row_number", "_extra"],
            prepared.query,
            batch | source,
        )
    except duckdb.Error as exc:
        raise parser_failure(prepared.info, exc) from exc
    outcome = FileOutcome(prepared.info.path, LOADED, rows_delivered=read, rows_loaded=loaded)
    for index in broken.column("_check").to_pylist() if broken.num_rows else []:
        rule = prepared.checks[index - 1].rule
        outcome.quarantine_rules[rule] = outcome.quarantine_rules.get(rule, 0) + 1
    extra = [c for c in prepared.columns if c not in extract.column_names]
    if extra:
        outcome.message = f"extra columns kept in _extra: {', '.join(extra)}"
    if broken.num_rows:
        # The broken rows are few: give them to DuckDB (replacement scan of the local name) to
        # render rule, column, message and the values needed to fix the row.
        con.execute("create or replace temp table kinerja_broken as select * from broken")
        try:
            names, query = _quarantine_select(extract, prepared, "kinerja_broken")
            constants = {
                "batch_id": batch["_batch_id"],
                "extract": quote_literal(extract.name),
                "extraction_date": batch["_extraction_date"],
                "source_file": source["_source_file"],
                "quarantined_at": batch["_loaded_at"],
            }
            outcome.rows_quarantined = wh.insert_from_staging(
                QUARANTINE_TABLE, names, query, constants
            )
        finally:
            con.execute("drop table if exists kinerja_broken")
    if outcome.rows_delivered != outcome.rows_loaded + outcome.rows_quarantined:
        # Never expected: a row neither loaded nor quarantined would be lost, so nothing commits.
        raise LoadInvariantBroken(
            f"{prepared.info.path}: {read} rows read, {loaded} loaded, "
            f"{outcome.rows_quarantined} quarantined"
        )
    return outcome


def _unchanged(outcome: BatchOutcome, delivery: DeliveryFolder) -> BatchOutcome:
    outcome.status = UNCHANGED
    outcome.message = "same files as the batch already loaded for this date"
    outcome.file_outcomes = [
        FileOutcome(p, UNCHANGED, message="already loaded") for p in delivery.files
    ]
    return outcome


def _commit(
    wh: Warehouse,
    delivery: DeliveryFolder,
    outcome: BatchOutcome,
    prepared: list[_Prepared],
    checksums: dict[str, str],
    delivered: dict[str, int],
    loaded_at: datetime,
) -> None:
    """Replace the date's rows in one transaction; a file failing on the way rolls it all back."""
    extract = EXTRACTS[delivery.extract]
    day, batch_id = outcome.extraction_date, outcome.batch_id
    batch = {
        "_batch_id": quote_literal(batch_id),
        "_extraction_date": f"date '{day}'",
        "_loaded_at": f"cast('{loaded_at.isoformat()}' as timestamptz)",
    }
    with wh.transaction():
        wh.batch_lock(extract.name, day)  # a concurrent load of this date finishes first
        concurrent = not wh.single_writer
        if concurrent and _latest_audit(wh, extract.name, day) == (batch_id, LOADED):
            _unchanged(outcome, delivery)  # that load brought these very files
            return
        wh.execute(f"delete from {raw_table(extract)} where _extraction_date = :day", {"day": day})
        wh.execute(
            f"delete from {QUARANTINE_TABLE} where extract = :extract and extraction_date = :day",
            {"extract": extract.name, "day": day},
        )
        for p in prepared:
            file_outcome = _load_file(wh, extract, p, batch)
            delivered[p.info.path] = file_outcome.rows_delivered
            outcome.file_outcomes.append(file_outcome)
        if delivery.manifest is not None:
            _check_manifest(delivery, checksums, delivered)
        _summarise(extract, outcome, prepared)
        # the audit keeps when the attempt was made: it orders a date's attempts (_latest_audit)
        _write_audit(wh, outcome, checksums, datetime.now(UTC))


def _summarise(extract: Extract, outcome: BatchOutcome, prepared: list[_Prepared]) -> None:
    for f in outcome.file_outcomes:
        outcome.rows_delivered += f.rows_delivered
        outcome.rows_loaded += f.rows_loaded
        outcome.rows_quarantined += f.rows_quarantined
        for rule, count in f.quarantine_rules.items():
            outcome.quarantine_rules[rule] = outcome.quarantine_rules.get(rule, 0) + count
    for p in prepared:
        extra = [c for c in p.columns if c not in extract.column_names]
        outcome.extra_columns.extend(c for c in extra if c not in outcome.extra_columns)
    notes = []
    if outcome.rows_quarantined:
        rules = ", ".join(f"{r} {n}" for r, n in sorted(outcome.quarantine_rules.items()))
        notes.append(f"{outcome.rows_quarantined} row(s) quarantined ({rules})")
    if outcome.extra_columns:
        notes.append(f"extra columns kept in _extra: {', '.join(outcome.extra_columns)}")
    outcome.message = "; ".join(notes)


def _dates_to_load(
    wh: Warehouse, fs, root: str, extract: str, as_of: date, catch_up: bool, forgotten: date | None
) -> list[date]:
    """The night's own date, plus (catching up) every earlier date never loaded before. Dates
    before `forgotten` are not caught up: their audit rows are purged (kinerja.retention), so
    they would look never loaded and come back every night."""
    available = [d for d in delivery_dates(fs, root, extract) if d <= as_of]
    if not catch_up:
        return [d for d in available if d == as_of]
    if forgotten:
        available = [d for d in available if d >= forgotten or d == as_of]
    # Plain dates on both engines: a pandas Timestamp never equals a date, and every date of the
    # history would be re-read (and its files hashed again) every night.
    seen = {
        _as_date(day)
        for (day,) in wh.rows(
            "select distinct extraction_date from raw.load_audit where extract = :extract",
            {"extract": extract},
        )
    }
    return [d for d in available if d == as_of or d not in seen]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def load_night(
    settings: Settings,
    as_of: date,
    catch_up: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> NightLoad:
    """Load every extract's deliveries for `as_of` (and, catching up, earlier never-loaded dates).

    Every batch of the run is stamped with the run's one load time. The incremental models keep
    the newest presensi load time they have read as their watermark and rebuild what any source
    loaded after it touches: a stamp per batch would put the izin and snapshots loaded seconds
    after the night's last punches past that watermark, and the next night would rebuild every
    day they cover again (after a catch-up night, the whole history)."""
    ensure_database(settings)
    loaded_at = datetime.now(UTC)
    fs, root = open_landing(settings.landing_url)
    forgotten = days_cutoff(as_of, settings.retention_load_audit_days)
    outcomes: list[BatchOutcome] = []
    with connect(settings) as wh:
        ensure_audit_table(wh)
        findings: list[Entry] = []
        findings += _landed(lambda: layout_findings(fs, root, list(EXTRACTS)), root, findings) or []
        for extract in EXTRACTS.values():
            ensure_raw_table(wh, extract)
            folder = posixpath.join(root, extract.name)
            days = _landed(
                lambda e=extract: _dates_to_load(wh, fs, root, e.name, as_of, catch_up, forgotten),
                folder,
                findings,
            )
            for done, day in enumerate(days or [], start=1):
                outcome = _load_date(wh, fs, root, extract, day, settings, loaded_at)
                if outcome is not None:
                    outcomes.append(outcome)
                if progress:
                    progress(extract.name, done, len(days))
        loaded: dict[Extract, set[date]] = {}
        for o in outcomes:
            if o.status == LOADED:
                loaded.setdefault(EXTRACTS[o.extract], set()).add(o.extraction_date)
        if loaded:
            stale = tables_to_analyze(wh, loaded, loaded_at)
            wh.analyze([*stale, QUARANTINE_TABLE, AUDIT_TABLE])
    return NightLoad(as_of, outcomes, findings)


def _landed(list_, path: str, findings: list[Entry]):
    """List part of the landing area; a folder that cannot be listed becomes a finding."""
    try:
        return list_()
    except _LANDING_ERRORS as exc:
        findings.append(Entry(path, "UNREADABLE", f"cannot be listed: {exc}"))
        return None


def _load_date(
    wh: Warehouse,
    fs,
    root: str,
    extract: Extract,
    day: date,
    settings: Settings,
    loaded_at: datetime,
) -> BatchOutcome | None:
    """One extract-date batch; whatever the landing area raises rejects this batch alone."""
    delivery = None
    try:
        delivery = delivery_folder(fs, root, extract.name, day, settings.landing_settle_seconds)
        if delivery is None:
            return None
        return load_delivery(
            wh, fs, delivery, settings.max_value_length, settings.home_dir, loaded_at
        )
    except _LANDING_ERRORS as exc:
        folder = posixpath.join(root, extract.name, day.isoformat())
        reason = f"the delivery cannot be read ({type(exc).__name__}: {exc})"
        files = list(delivery.files) if delivery else []
        outcome = BatchOutcome(
            extract.name, day, _batch_id(extract.name, day, {folder: reason}), REJECTED, files
        )
        held = {p: rows_held(fs, p) for p in files}
        _reject(outcome, FileRejected(folder, reason, "UNREADABLE"), held)
        if _latest_audit(wh, extract.name, day) != (outcome.batch_id, REJECTED):
            _write_audit(wh, outcome, {}, datetime.now(UTC))
        return outcome
