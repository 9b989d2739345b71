"""The loader on both targets: text-exact raw tables, audit, idempotent reruns, rejections."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.landing import deliver

from kinerja.load import load_night
from kinerja.warehouse import connect

DAY = date(2026, 3, 2)
UNIT_CSV = (
    "kode_unit,nama_unit,kode_unit_induk,instansi,zona_waktu,lat,lon,radius_presensi_m\n"
    "U01,Badan Kepegawaian,,Pemprov Contoh,WITA,-8.58,116.11,150\n"
    "U02,Bidang Mutasi,U01,Pemprov Contoh,wita,-8.58,116.11,150\n"
)
PRESENSI_CSV = (
    "\ufeffnip;waktu;sumber;id_perangkat;lat;lon;catatan\n"
    '198503102010011001;2026-03-02T07:41:00+08:00;FINGERPRINT;DEV-1;;;"ok; tepat"\n'
    "198503102010011001;2026-03-02T16:05:00+08:00;FINGERPRINT;DEV-1;;;\n"
)


@pytest.fixture
def landing(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "landing"
    deliver(root, "unit_kerja", DAY, "unit.csv", UNIT_CSV)
    deliver(root, "presensi", DAY, "presensi.csv", PRESENSI_CSV)
    monkeypatch.setenv("KINERJA_LANDING", str(root))
    return root


def _raw(settings, table: str):
    with connect(settings) as wh:
        return wh.query_df(f"select * from raw.{table} order by _source_file, _row_number")


def test_loads_text_as_delivered_with_metadata(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    night = load_night(settings, DAY)
    assert night.rows_loaded()["unit_kerja"] == 2
    assert night.rows_loaded()["presensi"] == 2
    units = _raw(settings, "unit_kerja")
    # Values stay exactly as delivered: case, empties as NULL, numbers as text.
    assert list(units["zona_waktu"]) == ["WITA", "wita"]
    assert units["kode_unit_induk"].isna().tolist() == [True, False]
    assert units["lat"].iloc[0] == "-8.58"
    punches = _raw(settings, "presensi")
    # `;` separator and BOM understood; the unknown column is kept, not dropped.
    assert punches["waktu"].iloc[0] == "2026-03-02T07:41:00+08:00"
    assert json.loads(punches["_extra"].iloc[0]) == {"catatan": "ok; tepat"}
    assert set(punches["_row_number"]) == {1, 2}
    assert {o.status for o in night.outcomes} == {"LOADED"}


def test_rerun_is_a_noop_and_a_changed_redelivery_replaces(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    load_night(settings, DAY)
    again = load_night(settings, DAY)
    assert {o.status for o in again.outcomes} == {"UNCHANGED"}
    assert len(_raw(settings, "unit_kerja")) == 2
    deliver(
        landing,
        "unit_kerja",
        DAY,
        "unit.csv",
        UNIT_CSV + "U03,Bidang Baru,U01,Pemprov Contoh,WIB,,,\n",
    )
    changed = load_night(settings, DAY)
    assert [o.status for o in changed.outcomes if o.extract == "unit_kerja"] == ["LOADED"]
    units = _raw(settings, "unit_kerja")
    assert sorted(units["kode_unit"]) == ["U01", "U02", "U03"]
    assert units["_batch_id"].nunique() == 1


def test_missing_required_column_rejects_the_file_and_keeps_other_extracts(
    target_settings, landing
):
    from kinerja.settings import Settings

    settings = Settings()
    deliver(
        landing, "izin", DAY, "izin.csv", "id_izin,nip,jenis\nI1,198503102010011001,CUTI_TAHUNAN\n"
    )
    night = load_night(settings, DAY)
    [rejected] = night.rejected
    assert rejected.extract == "izin"
    assert "izin.csv" in rejected.message and "tanggal_mulai" in rejected.message
    assert night.rows_loaded()["presensi"] == 2
    with connect(settings) as wh:
        audit = wh.query_df("select extract, status from raw.load_audit order by extract")
    assert ("izin", "REJECTED") in set(map(tuple, audit.values.tolist()))


def test_manifest_that_lies_rejects_the_batch(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    path = landing / "unit_kerja" / DAY.isoformat() / "unit.csv"
    manifest = {
        "files": {"unit.csv": {"rows": 3, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}}
    }
    (path.parent / "_manifest.json").write_text(json.dumps(manifest))
    night = load_night(settings, DAY)
    [rejected] = night.rejected
    assert "says 3 rows, the file has 2" in rejected.message
    assert _raw(settings, "unit_kerja").empty


def test_reads_from_an_in_memory_filesystem(kinerja_home, monkeypatch):
    from kinerja.settings import Settings

    fs = fsspec.filesystem("memory")
    fs.pipe(f"/landing-{id(fs)}/unit_kerja/{DAY.isoformat()}/unit.csv", UNIT_CSV.encode())
    monkeypatch.setenv("KINERJA_LANDING", f"memory:///landing-{id(fs)}")
    night = load_night(Settings(), DAY)
    assert night.rows_loaded()["unit_kerja"] == 2


BAD_PUNCH = "198503102010011001;2026-03-02T12:00:00+08:00;BADGE;DEV-1;;;\n"


def _state(settings) -> str:
    """A checksum of everything the loader writes: raw tables, quarantine and audit counts."""
    digest = hashlib.sha256()
    with connect(settings) as wh:
        for table in ("unit_kerja", "presensi", "quarantine"):
            frame = wh.query_df(f"select * from raw.{table}")
            rows = sorted(json.dumps([str(v) for v in r]) for r in frame.values.tolist())
            digest.update(json.dumps([table, list(frame.columns), rows]).encode())
        counts = wh.query_df(
            "select extract, status, count(*) as n, sum(rows_loaded) as l, "
            "sum(rows_quarantined) as q from raw.load_audit group by 1, 2 order by 1, 2"
        )
        digest.update(json.dumps(counts.astype(str).values.tolist()).encode())
    return digest.hexdigest()


def test_three_reruns_of_a_date_leave_identical_tables(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    deliver(landing, "presensi", DAY, "presensi.csv", PRESENSI_CSV + BAD_PUNCH)
    deliver(landing, "izin", DAY, "izin.csv", "id_izin,nip\nI1,198503102010011001\n")
    first = load_night(settings, DAY)
    assert [o.status for o in first.outcomes] == ["LOADED", "LOADED", "REJECTED"]
    states = {_state(settings)}
    for _ in range(3):
        again = load_night(settings, DAY)
        # Unchanged files are no-ops; the unchanged bad file is reported again, audited once.
        assert [o.status for o in again.outcomes] == ["UNCHANGED", "UNCHANGED", "REJECTED"]
        states.add(_state(settings))
    assert len(states) == 1


def test_a_changed_redelivery_replaces_raw_and_quarantined_rows(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    deliver(landing, "presensi", DAY, "presensi.csv", PRESENSI_CSV + BAD_PUNCH)
    night = load_night(settings, DAY)
    [punches] = [o for o in night.outcomes if o.extract == "presensi"]
    assert (punches.rows_loaded, punches.rows_quarantined) == (2, 1)
    with connect(settings) as wh:
        [(rule, record)] = wh.query_df("select rule, raw_record from raw.quarantine").values
    assert rule == "INVALID_CODE" and json.loads(record)["sumber"] == "BADGE"
    deliver(
        landing, "presensi", DAY, "presensi.csv", PRESENSI_CSV + BAD_PUNCH.replace("BADGE", "FACE")
    )
    fixed = load_night(settings, DAY)
    [punches] = [o for o in fixed.outcomes if o.extract == "presensi"]
    assert (punches.status, punches.rows_loaded, punches.rows_quarantined) == ("LOADED", 3, 0)
    with connect(settings) as wh:
        assert wh.scalar("select count(*) from raw.quarantine") == 0
        assert wh.scalar("select count(*) from raw.presensi") == 3
        assert wh.scalar("select count(distinct _batch_id) from raw.presensi") == 1


def test_a_rejected_redelivery_leaves_the_loaded_date_untouched(target_settings, landing):
    from kinerja.settings import Settings

    settings = Settings()
    load_night(settings, DAY)
    before = _raw(settings, "presensi")
    deliver(landing, "presensi", DAY, "presensi.csv", PRESENSI_CSV + "198503102010011001;2026-03")
    night = load_night(settings, DAY)
    [rejected] = night.rejected
    assert [f.rule for f in rejected.file_outcomes] == ["TRUNCATED"]
    assert "presensi.csv, line 4: TRUNCATED" in rejected.message
    after = _raw(settings, "presensi")
    assert after.equals(before)


def test_an_old_audit_table_is_migrated_in_place(target_settings, landing):
    from kinerja.load.raw_tables import AUDIT_COLUMNS
    from kinerja.settings import Settings

    settings = Settings()
    old = ", ".join(f"{name} {kind}" for name, kind in AUDIT_COLUMNS[:11])
    with connect(settings) as wh:
        wh.execute("create schema if not exists raw")
        wh.execute(f"create table raw.load_audit ({old})")
        wh.execute(
            "insert into raw.load_audit values ('b0', 'pegawai', date '2026-03-01', '[]', "
            "'LOADED', 1, 1, 0, null, null, timestamp '2026-03-01 23:00:00')"
        )
    load_night(settings, DAY)
    with connect(settings) as wh:
        columns = wh.table_columns("raw", "load_audit")
        statuses = wh.query_df("select batch_id, quality_status from raw.load_audit")
    assert columns == [name for name, _ in AUDIT_COLUMNS]
    assert "b0" in set(statuses["batch_id"]) and len(statuses) == 3
    assert statuses["quality_status"].isna().all()


ROSTER_CSV = (
    "id_jadwal,nip,tanggal,kode_shift,waktu_mulai,waktu_selesai,diperbarui_pada\n"
    "J1,198503102010011001,2026-03-02,MALAM,2026-03-02T21:00:00+08:00,"
    "2026-03-03T07:00:00+08:00,2026-02-23T10:00:00+08:00\n"
    "J2,198503102010011001,2026-03-03,PAGI,2026-03-03T07:00:00,2026-03-03T14:00:00,"
    "2026-02-23T10:00:00+08:00\n"
    "J3,198503102010011001,2026-03-04,PAGI,2026-03-04T07:00:00+08:00,"
    "2026-03-03T14:00:00+08:00,2026-02-23T10:00:00+08:00\n"
)


def test_a_shift_roster_loads_and_an_end_before_its_start_is_quarantined(target_settings, landing):
    """The roster extract (jadwal_shift): a night shift ending the next day and an offset-less
    local time load as written; an end on a day before the start is quarantined."""
    from kinerja.settings import Settings

    settings = Settings()
    deliver(landing, "jadwal_shift", DAY, "jadwal.csv", ROSTER_CSV)
    night = load_night(settings, DAY)
    [roster] = [o for o in night.outcomes if o.extract == "jadwal_shift"]
    assert (roster.rows_loaded, roster.rows_quarantined) == (2, 1)
    rows = _raw(settings, "jadwal_shift")
    assert list(rows["id_jadwal"]) == ["J1", "J2"]
    assert rows["waktu_selesai"].iloc[0] == "2026-03-03T07:00:00+08:00"
    with connect(settings) as wh:
        [(rule, record)] = wh.query_df("select rule, raw_record from raw.quarantine").values
    assert rule == "DATE_OUT_OF_RANGE" and json.loads(record)["id_jadwal"] == "J3"


def test_a_row_of_megabytes_is_quarantined_not_the_file_rejected(target_settings, landing):
    from kinerja.settings import Settings

    # One catatan of 9 MiB (a pasted scan, say), past DuckDB's default line limit (2 MB): its
    # row breaks VALUE_TOO_LONG, the file's other rows load.
    huge = "x" * (9 << 20)
    rows = PRESENSI_CSV + f"198503102010011001;2026-03-02T12:00:00+08:00;MANUAL;;;;{huge}\n"
    deliver(landing, "presensi", DAY, "presensi.csv", rows)
    settings = Settings()
    night = load_night(settings, DAY)
    [batch] = [o for o in night.outcomes if o.extract == "presensi"]
    assert (batch.status, batch.rows_loaded, batch.rows_quarantined) == ("LOADED", 2, 1)
    assert batch.quarantine_rules == {"VALUE_TOO_LONG": 1}
    with connect(settings) as wh:
        [(row_number, rule)] = wh.rows("select row_number, rule from raw.quarantine")
    assert (row_number, rule) == (3, "VALUE_TOO_LONG")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_large_file_is_read_in_parallel_with_every_row_numbered_as_in_the_file(
    target_settings, landing, suffix
):
    import duckdb

    from kinerja.load import loader
    from kinerja.settings import Settings

    # Past one read buffer (loader.PARALLEL_READ_BYTES): read on every thread into a staged
    # table, the rows numbered from it. Three rows break a rule, far apart in the file; 720,000
    # rows are enough for DuckDB to reorder them when insertion order is not preserved.
    rows, broken = 720_000, {2: "INVALID_CODE", 360_001: "INVALID_NIP"}
    broken[719_999] = "INVALID_TIMESTAMP"
    records = [
        {
            "nip": "198503102010011001",
            "waktu": f"2026-03-02T{r % 24:02d}:{r % 60:02d}:00+08:00",
            "sumber": "FINGERPRINT",
            "id_perangkat": f"D{r}",
            "catatan": f"c{r}",
        }
        for r in range(1, rows + 1)
    ]
    records[2 - 1]["sumber"] = "TELEPATI"
    records[360_001 - 1]["nip"] = "1985031020100110"
    records[719_999 - 1]["waktu"] = "kemarin 23:59:00"
    folder = landing / "presensi" / DAY.isoformat()
    (folder / "presensi.csv").unlink()
    path = folder / f"presensi{suffix}"
    if suffix == ".csv":
        lines = [",".join(records[0])] + [",".join(r.values()) for r in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:  # uncompressed (past the threshold), in row groups that DuckDB reads side by side
        columns = {c: [r[c] for r in records] for c in records[0]}
        pq.write_table(pa.table(columns), path, compression="none", row_group_size=60_000)
    assert path.stat().st_size > loader.PARALLEL_READ_BYTES
    settings = Settings()
    held = None
    if settings.target == "duckdb":
        # dbt-duckdb in the same process turns the database's global setting off for its models.
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        held = duckdb.connect(str(settings.duckdb_path))
        held.execute("set preserve_insertion_order = false")
    try:
        night = load_night(settings, DAY)
    finally:
        if held is not None:
            held.close()
    [batch] = [o for o in night.outcomes if o.extract == "presensi"]
    assert (batch.status, batch.rows_loaded, batch.rows_quarantined) == ("LOADED", rows - 3, 3)
    with connect(settings) as wh:
        mismatched = wh.scalar(
            "select count(*) from raw.presensi "
            "where id_perangkat <> 'D' || _row_number or _extra <> '{\"catatan\":\"c' "
            "|| _row_number || '\"}'"
        )
        quarantined = wh.rows("select row_number, rule from raw.quarantine order by row_number")
    assert mismatched == 0
    assert quarantined == sorted(broken.items())
