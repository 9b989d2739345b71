"""Reading a delivered file: once, by its literal path, into a private snapshot DuckDB reads."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from concurrent.futures import ThreadPoolExecutor

import duckdb
import fsspec
import pytest

from kinerja.landing.reader import (
    FileRejected,
    inspect_file,
    parser_failure,
    reader_sql,
    with_columns,
)
from kinerja.landing.snapshots import snapshot_folder

LOCAL = fsspec.filesystem("file")
HEADER = "nip,waktu,sumber\n"
ROW = "198503102010011001,2026-03-02T07:41:00+08:00,FACE\n"


@pytest.fixture
def snapshots(tmp_path):
    with snapshot_folder(tmp_path / "home") as folder:
        yield folder


def _rows(info) -> int:
    [(rows,)] = duckdb.connect().sql(f"select count(*) from {reader_sql(info)}").fetchall()
    return rows


def test_the_snapshot_is_private_and_gone_after_the_batch(tmp_path):
    delivered = tmp_path / "presensi.csv"
    delivered.write_text(HEADER + ROW)
    with snapshot_folder(tmp_path / "home") as folder:
        info = inspect_file(LOCAL, str(delivered), folder / "00000.csv")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "home" / "staging").stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "00000.csv").stat().st_mode) == 0o600
        assert info.snapshot == str(folder / "00000.csv")
    assert not folder.exists()


def test_a_file_still_growing_loads_the_bytes_that_were_hashed(tmp_path, snapshots):
    delivered = tmp_path / "presensi.csv"
    delivered.write_text(HEADER + ROW * 3)
    info = inspect_file(LOCAL, str(delivered), snapshots / "00000.csv")
    with delivered.open("a") as more:  # the upload goes on after the inspection
        more.write(ROW * 5)
    assert info.sha256 == hashlib.sha256((HEADER + ROW * 3).encode()).hexdigest()
    assert _rows(info) == 3


def test_a_name_that_looks_like_a_glob_reads_only_its_own_file(tmp_path, snapshots):
    for name in ("presensi_*.csv", "presensi_a.csv", "presensi_b.csv"):
        (tmp_path / name).write_text(HEADER + ROW)
    info = inspect_file(LOCAL, str(tmp_path / "presensi_*.csv"), snapshots / "00000.csv")
    assert _rows(info) == 1


def test_a_json_lines_key_first_seen_past_the_detection_sample_is_kept(tmp_path, snapshots):
    record = {"nip": "198503102010011001", "waktu": "2026-03-02T07:41:00+08:00"}
    lines = [json.dumps(record)] * 30_000  # DuckDB samples 20,480 records
    lines.append(json.dumps({**record, "Catatan": "late"}))
    delivered = tmp_path / "presensi.jsonl"
    delivered.write_text("\n".join(lines) + "\n")
    info = with_columns(
        duckdb.connect(), inspect_file(LOCAL, str(delivered), snapshots / "00000.jsonl")
    )
    assert info.header == ("nip", "waktu", "Catatan")
    [(late,)] = duckdb.connect().sql(f'select max("Catatan") from {reader_sql(info)}').fetchall()
    assert late == "late"


def test_a_directory_named_like_a_file_is_rejected_not_a_crash(tmp_path, snapshots):
    (tmp_path / "presensi.csv").mkdir()
    with pytest.raises(FileRejected) as rejected:
        inspect_file(LOCAL, str(tmp_path / "presensi.csv"), snapshots / "00000.csv")
    assert rejected.value.rule == "UNREADABLE"
    assert "cannot be read" in str(rejected.value) and "presensi.csv" in str(rejected.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_as_such(tmp_path, snapshots, encoding):
    delivered = tmp_path / "presensi.csv"
    delivered.write_bytes((HEADER + ROW).encode(encoding))
    with pytest.raises(FileRejected) as rejected:
        inspect_file(LOCAL, str(delivered), snapshots / "00000.csv")
    assert rejected.value.rule == "ENCODING"
    assert (
        "UTF-16" in rejected.value.reason and "re-export the file as UTF-8" in rejected.value.reason
    )
    assert rejected.value.sha256 == hashlib.sha256(delivered.read_bytes()).hexdigest()


def test_a_rejected_file_is_still_hashed_whole(tmp_path, snapshots):
    data = (HEADER + ROW + "198503102010011001,2026-03-02T16:05:00+08:00,Jos\xe9\n").encode(
        "cp1252"
    )
    delivered = tmp_path / "presensi.csv"
    delivered.write_bytes(data + ROW.encode() * 10)
    with pytest.raises(FileRejected) as rejected:
        inspect_file(LOCAL, str(delivered), snapshots / "00000.csv")
    assert (rejected.value.rule, rejected.value.line) == ("ENCODING", 3)
    assert rejected.value.sha256 == hashlib.sha256(delivered.read_bytes()).hexdigest()


def test_old_mac_line_endings_are_read_and_a_stray_carriage_return_is_named(tmp_path, snapshots):
    mac = tmp_path / "mac.csv"
    mac.write_bytes((HEADER + ROW + ROW).replace("\n", "\r").encode())
    info = inspect_file(LOCAL, str(mac), snapshots / "00000.csv")
    assert info.header == ("nip", "waktu", "sumber") and _rows(info) == 2
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"nip,waktu\r,sumber\n" + ROW.encode())
    with pytest.raises(FileRejected) as rejected:
        inspect_file(LOCAL, str(mixed), snapshots / "00001.csv")
    assert (rejected.value.rule, rejected.value.line) == ("UNREADABLE", 1)
    assert "carriage return" in rejected.value.reason


@pytest.mark.parametrize(("cut", "rule"), [(1, "UNREADABLE"), (2, "TRUNCATED")])
def test_only_a_cut_last_json_record_is_a_truncated_upload(tmp_path, snapshots, cut, rule):
    records = [json.dumps({"nip": "198503102010011001", "sumber": "FACE"}) for _ in range(3)]
    records[cut] = records[cut][:20]
    delivered = tmp_path / "presensi.jsonl"
    delivered.write_text("\n".join(records) + "\n\n")
    info = inspect_file(LOCAL, str(delivered), snapshots / "00000.jsonl")
    with pytest.raises(duckdb.Error) as error:
        with_columns(duckdb.connect(), info)
    rejected = parser_failure(info, error.value)
    assert (rejected.rule, rejected.line) == (rule, cut + 1)


def test_a_folder_left_by_a_killed_load_is_removed_a_day_later(tmp_path):
    with snapshot_folder(tmp_path / "home") as first:
        pass
    first.mkdir()  # as a SIGKILLed load leaves it
    (first / "00000.csv").write_text(HEADER + ROW)
    recent = first.parent / "batch-recent"
    recent.mkdir()
    day_old = time.time() - 25 * 3600
    os.utime(first, (day_old, day_old))
    with snapshot_folder(tmp_path / "home"):
        assert not first.exists() and recent.exists()


def test_loads_sharing_a_home_never_trip_over_each_other_s_batches(tmp_path):
    """Two loads on one home (PostgreSQL takes them at once): a batch folder that another load
    removes between listing the staging folder and looking at its age is no error. Before, about
    one batch in a few hundred failed as unreadable, naming the other load's folder."""

    def batches(_: int) -> int:
        for _ in range(300):
            with snapshot_folder(tmp_path / "home") as folder:
                (folder / "00000.csv").write_text(HEADER + ROW)
        return 300

    with ThreadPoolExecutor(4) as loads:
        assert sum(loads.map(batches, range(4))) == 1200
    assert list((tmp_path / "home" / "staging").iterdir()) == []
