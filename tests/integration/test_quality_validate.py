"""Validating loaded raw batches on a real DuckDB warehouse and a real PostgreSQL one."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pandas as pd
import psycopg
import pytest
from psycopg import sql as pgsql
from support.contract_values import valid_value

from kinerja.contract.extracts import EXTRACTS, Extract
from kinerja.quality import (
    ValidationFailed,
    ValidationOutcome,
    raise_for_critical,
    validate_batch,
    validate_night,
)
from kinerja.quality.context import FRAME_DATASOURCE
from kinerja.settings import Settings, get_settings
from kinerja.warehouse import Warehouse, connect, ensure_database

PEGAWAI = EXTRACTS["pegawai"]
GOOD_BATCH = "2025-01-06"
# A colon, a quote and a space: the id must reach SQL intact and safely.
BAD_BATCH = "2025-01-07T02:00:00+07:00 o'clock"
GOOD_FILE = "pegawai/2025-01-06/pegawai.csv"
BAD_FILE = "pegawai/2025-01-07/pegawai;export.csv"

# The raw layout the loader writes: contract columns as text, then its metadata columns.
METADATA_DDL = (
    "_batch_id text, _extraction_date date, _source_file text, _row_number bigint, "
    "_loaded_at timestamp with time zone, _extra text"
)


def raw_rows(extract: Extract, batch_id: str, source_file: str, rows: int) -> pd.DataFrame:
    extraction_date = dt.date.fromisoformat(batch_id[:10])
    loaded_at = pd.Timestamp("2025-01-07T01:00:00+07:00")
    return pd.DataFrame(
        [
            {c.name: valid_value(c, i) for c in extract.columns}
            | {
                "_batch_id": batch_id,
                "_extraction_date": extraction_date,
                "_source_file": source_file,
                "_row_number": i,
                "_loaded_at": loaded_at,
                "_extra": None,
            }
            for i in range(1, rows + 1)
        ]
    )


def bad_rows() -> pd.DataFrame:
    """Four rows from one file: row 2 has a 17-digit NIP, row 3 an unknown status, row 4
    repeats row 1's NIP and misses a required value."""
    frame = raw_rows(PEGAWAI, BAD_BATCH, BAD_FILE, 4)
    frame.loc[1, "nip"] = "19850101201001002"  # 17 digits
    frame.loc[2, "status_kepegawaian"] = "HONORER"
    frame.loc[3, "nip"] = frame.loc[0, "nip"]
    frame.loc[3, "nama_jabatan"] = None
    return frame


def load_raw(wh: Warehouse, extract: Extract, *frames: pd.DataFrame) -> None:
    wh.ensure_schema("raw")
    columns = ", ".join(f'"{c}" text' for c in extract.column_names)
    wh.execute(f"create table raw.{extract.name} ({columns}, {METADATA_DDL})")
    for frame in frames:
        wh.bulk_insert(f"raw.{extract.name}", frame)


def signature(outcome: ValidationOutcome) -> tuple:
    """What must not depend on the engine."""
    failures = sorted(
        (
            f.expectation_type,
            f.column,
            f.severity,
            f.unexpected_count,
            f.element_count,
            frozenset((e.source_file, e.row_number, e.value) for e in f.examples),
        )
        for f in outcome.failures
    )
    return (outcome.success, outcome.row_count, outcome.source_files, failures)


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Fail any socket connection beyond this machine (PostgreSQL is on 127.0.0.1)."""
    attempts: list = []
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address) -> None:
        if isinstance(address, tuple):
            host = address[0]
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = host == "localhost"
            if not local:
                attempts.append(address)
                raise OSError(f"test blocks network access to {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield attempts
    assert attempts == [], f"validation tried to reach the network: {attempts}"


@pytest.fixture
def duckdb_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    settings = get_settings()
    with connect(settings) as wh:
        load_raw(wh, PEGAWAI, raw_rows(PEGAWAI, GOOD_BATCH, GOOD_FILE, 3), bad_rows())
    return settings


def assert_bad_batch_outcome(outcome: ValidationOutcome) -> None:
    assert not outcome.success
    assert outcome.source_files == (BAD_FILE,)
    assert outcome.row_count == 4  # only this batch's rows, not the good batch's
    found = {
        (f.expectation_type, f.column): {e.row_number for e in f.examples}
        for f in outcome.critical_failures
    }
    assert found == {
        ("expect_column_values_to_match_regex", "nip"): {2},
        ("expect_column_values_to_match_regex", "status_kepegawaian"): {3},
        ("expect_column_values_to_be_unique", "nip"): {1, 4},
        ("expect_column_values_to_not_be_null", "nama_jabatan"): {4},
    }
    message = outcome.message
    assert "raw.pegawai" in message and BAD_BATCH in message
    assert f"{BAD_FILE} row 2" in message and "expect_column_values_to_match_regex" in message


def test_duckdb_batches_are_validated_separately(
    duckdb_settings: Settings, no_internet: list
) -> None:
    good = validate_batch(duckdb_settings, "pegawai", GOOD_BATCH)
    assert good.success, good.message
    assert (good.row_count, good.source_files) == (3, (GOOD_FILE,))

    bad = validate_batch(duckdb_settings, "pegawai", BAD_BATCH)
    assert_bad_batch_outcome(bad)

    assert (duckdb_settings.data_docs_dir / "index.html").is_file()
    assert bad.data_docs_page
    assert Path(url2pathname(urlparse(bad.data_docs_page).path)).is_file()


def test_validate_night_and_raise_for_critical(duckdb_settings: Settings) -> None:
    # One run per extract covers all of the night's batches; keys are still unique per batch
    # (the good and the bad batch share NIPs without failing for it).
    [outcome] = validate_night(duckdb_settings, {"pegawai": [GOOD_BATCH, BAD_BATCH]})
    assert GOOD_BATCH in outcome.batch_id and BAD_BATCH in outcome.batch_id
    assert not outcome.success
    assert {e.source_file for f in outcome.critical_failures for e in f.examples} == {BAD_FILE}
    with pytest.raises(ValidationFailed) as raised:
        raise_for_critical([outcome])
    assert f"{BAD_FILE} row 4" in str(raised.value)
    assert f"{GOOD_FILE} row" not in str(raised.value)
    [good] = validate_night(duckdb_settings, {"pegawai": [GOOD_BATCH]})
    assert good.success


def test_a_batch_of_an_extract_never_loaded_is_reported(duckdb_settings: Settings) -> None:
    with pytest.raises(LookupError, match=r"raw\.izin"):
        validate_batch(duckdb_settings, "izin", GOOD_BATCH)


@pytest.fixture
def postgres_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    database = f"kinerja_gx_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_TARGET", "postgres")
    monkeypatch.setenv("KINERJA_PG_DATABASE", database)
    settings = get_settings()
    ensure_database(settings)
    try:
        yield settings
    finally:
        with psycopg.connect(
            host=settings.pg_host, port=settings.pg_port, user=settings.pg_user, dbname="postgres"
        ) as con:
            con.autocommit = True
            # GX keeps pooled connections to the database; force ends them.
            con.execute(
                pgsql.SQL("drop database if exists {} with (force)").format(
                    pgsql.Identifier(database)
                )
            )


@pytest.mark.postgres
def test_postgres_validates_in_sql_with_the_same_outcome_as_pandas(
    postgres_settings: Settings, no_internet: list
) -> None:
    good_rows = raw_rows(PEGAWAI, GOOD_BATCH, GOOD_FILE, 3)
    with connect(postgres_settings) as wh:
        load_raw(wh, PEGAWAI, good_rows, bad_rows())

    good = validate_batch(postgres_settings, "pegawai", GOOD_BATCH)
    assert good.success, good.message
    bad = validate_batch(postgres_settings, "pegawai", BAD_BATCH)
    assert_bad_batch_outcome(bad)
    assert bad.data_docs_page and FRAME_DATASOURCE not in bad.data_docs_page  # checked in SQL

    # The same rows validated as a DataFrame (the DuckDB path) give the same outcome.
    assert signature(bad) == signature(
        validate_batch(postgres_settings, "pegawai", BAD_BATCH, frame=bad_rows())
    )
    assert signature(good) == signature(
        validate_batch(postgres_settings, "pegawai", GOOD_BATCH, frame=good_rows)
    )
    assert (postgres_settings.data_docs_dir / "index.html").is_file()


def _many_bad_nips(batch_id: str, rows: int) -> pd.DataFrame:
    frame = raw_rows(PEGAWAI, batch_id, f"pegawai/{batch_id}/pegawai.csv", rows)
    frame.loc[::2, "nip"] = "1985"  # every other row: more bad rows than a result keeps
    frame.loc[1, "status_kepegawaian"] = "HONORER"
    return frame


@pytest.mark.parametrize(
    ("chunk_rows", "chunks"),
    [
        # A budget below a day's rows: each batch is read and validated alone.
        (1, [["2025-01-06"], ["2025-01-07"], ["2025-01-08"], ["2025-01-09"]]),
        # 9 + 5 + 13 + 7 rows: consecutive batches share a chunk while they fit the budget.
        (15, [["2025-01-06", "2025-01-07"], ["2025-01-08"], ["2025-01-09"]]),
        (1_000_000, [["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09"]]),
    ],
)
def test_a_catch_up_is_validated_chunk_by_chunk_with_the_same_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int, chunks: list[list[str]]
) -> None:
    """Months of batches never sit in memory together beyond the row budget, and adding up the
    per-chunk results says exactly what one run over all of them together says: counts, files,
    rows and rules."""
    import gc
    import weakref

    from kinerja.quality import validate as validate_module

    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_TARGET", "duckdb")
    monkeypatch.setenv("KINERJA_VALIDATE_CHUNK_ROWS", str(chunk_rows))
    settings = get_settings()
    batches = ["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09"]
    frames = [
        _many_bad_nips(batches[0], 9),
        raw_rows(PEGAWAI, batches[1], f"pegawai/{batches[1]}/pegawai.csv", 5),
        _many_bad_nips(batches[2], 13),
        _many_bad_nips(batches[3], 7),
    ]
    with connect(settings) as wh:
        load_raw(wh, PEGAWAI, *frames)
        together = wh.query_df("select * from raw.pegawai order by _source_file, _row_number")

    held: list[tuple[list[str], weakref.ref]] = []
    read_batches = validate_module.raw_batch_frames

    def watched(*args, **kwargs):
        for batch_id, frame in read_batches(*args, **kwargs):
            gc.collect()
            alive = [ids for ids, ref in held if ref() is not None]
            assert alive == [], f"batches {alive} still held while the next one is read"
            held.append((sorted(frame["_batch_id"].unique()), weakref.ref(frame)))
            yield batch_id, frame
            del frame  # this spy's own reference

    monkeypatch.setattr(validate_module, "raw_batch_frames", watched)
    one_by_one = validate_module.validate_batches(settings, "pegawai", batches)
    assert [ids for ids, _ in held] == chunks

    at_once = validate_module.validate_batches(settings, "pegawai", batches, frame=together)
    assert not one_by_one.success
    assert one_by_one.failures == at_once.failures
    assert (one_by_one.row_count, one_by_one.source_files) == (34, at_once.source_files)
    assert one_by_one.row_count == at_once.row_count
    [nip] = [
        f
        for f in one_by_one.critical_failures
        if (f.column, f.expectation_type) == ("nip", "expect_column_values_to_match_regex")
    ]
    assert (nip.unexpected_count, nip.element_count) == (5 + 7 + 4, 34)
    assert [(e.source_file, e.row_number) for e in nip.examples][:6] == [
        (f"pegawai/{batches[0]}/pegawai.csv", n) for n in (1, 3, 5, 7, 9)
    ] + [(f"pegawai/{batches[2]}/pegawai.csv", 1)]
    without_docs = [line for line in one_by_one.message.splitlines() if "Data Docs" not in line]
    assert without_docs == [
        line for line in at_once.message.splitlines() if "Data Docs" not in line
    ]
    assert one_by_one.data_docs_page
    assert Path(url2pathname(urlparse(one_by_one.data_docs_page).path)).is_file()
