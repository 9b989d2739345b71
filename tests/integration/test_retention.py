"""Retention on both targets: what is older than its period goes (whole monthly partitions on
PostgreSQL), what is newer stays, every purge is logged, a second run removes nothing, 0 keeps
everything; and a quarantined row keeps the NIP and the failing value, not the person."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from support.landing import deliver

from kinerja.load import load_night
from kinerja.load.raw_tables import QUARANTINE_TABLE, ensure_audit_table
from kinerja.night.report import read_report
from kinerja.night.steps import apply_retention
from kinerja.retention import DATA_DOCS, LOAD_AUDIT, OUTBOX, QUARANTINE, RAW, REPORTS
from kinerja.settings import Settings
from kinerja.warehouse import connect

AS_OF = date(2026, 3, 2)
# Raw keeps 2026 and two years before it: 2023 goes, December 2024 stays.
OLD_PUNCHES, KEPT_PUNCHES = date(2023, 5, 2), date(2024, 12, 2)
# The quarantine keeps 180 days (from 2025-09-03); the load audit, in these tests, 1000 days.
OLD_STAFF = date(2025, 8, 1)
# The organisation tree, delivered twice before the raw cutoff and never since: the older
# snapshot goes, the last one stays (it is still today's tree).
OLD_TREE, LAST_TREE = date(2021, 6, 1), date(2022, 6, 1)
UNIT_KERJA = (
    "kode_unit,nama_unit,kode_unit_induk,instansi,zona_waktu,lat,lon,radius_presensi_m\n"
    "U01,Sekretariat,,PEMPROV,WITA,-8.58,116.1,100\n"
)
PEGAWAI_HEADER = (
    "NIP,nik,Nama,jenis_kelamin,tanggal_lahir,status_kepegawaian,golongan,jenis_jabatan,"
    "nama_jabatan,kode_unit,nip_atasan,pendidikan,tmt_cpns,tmt_jabatan,status_aktif,email,no_hp\n"
)
GOOD_STAFF = (
    "198503102010011001,5271011003850001,Budi Santoso,L,1985-03-10,PNS,III/b,PELAKSANA,"
    "Analis SDM,U01,,S1,2010-01-01,2020-01-01,AKTIF,budi@contoh.go.id,08123456789\n"
)
# Sex 'X' breaks a code rule: the row is quarantined with column jenis_kelamin.
BAD_STAFF = (
    "199002152015032002,5271015502900002,Siti Aminah,X,1990-02-15,PNS,III/b,PELAKSANA,"
    "Analis SDM,U01,,S1,2015-03-01,2020-01-01,AKTIF,siti@contoh.go.id,08129876543\n"
)
PERSONAL = ("5271015502900002", "Siti Aminah", "1990-02-15", "siti@contoh.go.id", "08129876543")


def _punches(day: date) -> str:
    return (
        "nip,waktu,sumber,id_perangkat,lat,lon\n"
        f"198503102010011001,{day}T07:41:00+08:00,FINGERPRINT,DEV-1,,\n"
        f"198503102010011001,{day}T16:05:00+08:00,FINGERPRINT,DEV-1,,\n"
    )


def _written_on(path: Path, day: date, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = datetime.combine(day, datetime.min.time()).timestamp() + 3600
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def night(target_settings: Settings, tmp_path, monkeypatch) -> Settings:
    """A small raw layer loaded by the loader, plus the files a night leaves behind."""
    landing = tmp_path / "landing"
    monkeypatch.setenv("KINERJA_LANDING", str(landing))
    settings = Settings()
    for day in (OLD_PUNCHES, KEPT_PUNCHES, AS_OF):
        deliver(landing, "presensi", day, "presensi.csv", _punches(day))
    for day in (OLD_STAFF, AS_OF):
        deliver(landing, "pegawai", day, "pegawai.csv", PEGAWAI_HEADER + GOOD_STAFF + BAD_STAFF)
    for day in (OLD_TREE, LAST_TREE):
        deliver(landing, "unit_kerja", day, "unit_kerja.csv", UNIT_KERJA)
    load_night(settings, AS_OF)
    runs = settings.home_dir / "runs"
    for name in ("2025-01-01.json", "2025-01-01.airflow.log", "2025-01-01.tasks.jsonl"):
        _written_on(runs / name, date(2025, 1, 2))
    _written_on(runs / "2026-03-01.json", date(2026, 3, 2), "{}")
    pages, results = settings.data_docs_dir / "validations", settings.gx_validations_dir
    for root, suffix in ((pages, "html"), (results, "json")):
        _written_on(
            root / "presensi" / "old" / f"20251101T000000Z/batch.{suffix}", date(2025, 11, 1)
        )
        _written_on(
            root / "presensi" / "new" / f"20260301T000000Z/batch.{suffix}", date(2026, 3, 1)
        )
    _written_on(settings.data_docs_dir / "index.html", date(2025, 1, 1))
    outbox = Path(settings.outbox_url) / "skor_kinerja"
    for day in (date(2026, 1, 1), date(2026, 2, 28)):
        _written_on(outbox / day.isoformat() / "skor_kinerja.csv", day)
        _written_on(outbox / day.isoformat() / "_manifest.json", day)
    return settings.model_copy(update={"retention_load_audit_days": 1000})


def _dates(settings: Settings, sql: str) -> list[date]:
    with connect(settings) as wh:
        frame = wh.query_df(sql)
    return sorted({pd_date(v) for v in frame.iloc[:, 0]})


def pd_date(value) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else value.date()


def _log(settings: Settings):
    with connect(settings) as wh:
        return wh.query_df("select * from raw.retention_log order by kind, target")


def test_old_data_goes_new_stays_and_every_purge_is_logged(night):
    result = apply_retention(AS_OF, night)
    by_where = {(p.kind, p.where): p for p in result.purged}

    assert _dates(night, "select _extraction_date from raw.presensi") == [KEPT_PUNCHES, AS_OF]
    raw_punches = by_where[(RAW, "raw.presensi")]
    assert (raw_punches.rows, raw_punches.cutoff) == (2, date(2024, 1, 1))
    assert _dates(night, "select _extraction_date from raw.pegawai") == [OLD_STAFF, AS_OF]
    assert _dates(night, "select _extraction_date from raw.unit_kerja") == [LAST_TREE]
    assert _dates(night, "select extraction_date from raw.quarantine") == [AS_OF]
    assert by_where[(QUARANTINE, QUARANTINE_TABLE)].rows == 1
    assert OLD_PUNCHES not in _dates(night, "select extraction_date from raw.load_audit")
    # the audits of 2023's punches and of both trees are older than the audit's 1000 days
    assert by_where[(LOAD_AUDIT, "raw.load_audit")].rows == 3

    runs = night.home_dir / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["2026-03-01.json", "2026-03-02.json"]
    assert read_report(night, AS_OF).retention == result
    [reports] = [p for p in result.purged if p.kind == REPORTS]
    assert reports.files == 3
    for root in (night.data_docs_dir / "validations", night.gx_validations_dir):
        assert [p.name for p in (root / "presensi").iterdir()] == ["new"]
    assert (night.data_docs_dir / "index.html").exists()  # the site stays; its old pages go
    assert [p.files for p in result.purged if p.kind == DATA_DOCS] == [2]
    outbox = Path(night.outbox_url) / "skor_kinerja"
    assert [p.name for p in outbox.iterdir()] == ["2026-02-28"]
    [sent] = [p for p in result.purged if p.kind == OUTBOX]
    assert (sent.files, sent.removed) == (2, ("2026-01-01",))

    log = _log(night)
    logged = {(r.kind, r.target): r for r in log.itertuples()}
    assert logged[(RAW, "raw.presensi")].rows_removed == 2
    assert logged[(QUARANTINE, QUARANTINE_TABLE)].rows_removed == 1
    assert logged[(REPORTS, str(runs))].files_removed == 3
    assert set(log["reason"]) >= {
        "KINERJA_RETENTION_RAW_YEARS",
        "KINERJA_RETENTION_QUARANTINE_DAYS",
        "KINERJA_RETENTION_OUTBOX_DAYS",
    }
    assert set(log["as_of"].map(pd_date)) == {AS_OF}
    if night.target == "postgres":
        # The month went whole, as a partition; the months kept are still partitions.
        assert json.loads(logged[(RAW, "raw.presensi")].removed) == ["raw.presensi_2023_05"]
        with connect(night) as wh:
            partitions = set(
                wh.query_df(
                    "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                    "join pg_class p on p.oid = i.inhparent where p.relname = 'presensi'"
                )["relname"]
            )
        assert partitions == {"presensi_2024_12", "presensi_2026_03"}

    again = apply_retention(AS_OF, night)
    assert [p for p in again.purged if p.anything] == []
    assert len(_log(night)) == len(log)
    # A date whose audit was purged is not caught up again from the landing area.
    load_night(night, AS_OF)
    assert OLD_PUNCHES not in _dates(night, "select _extraction_date from raw.presensi")


def test_a_quarantined_row_keeps_the_nip_and_the_failing_value_not_the_person(night):
    with connect(night) as wh:
        rows = wh.query_df(
            "select source_file, row_number, rule, column_name, message, raw_record, "
            "record_minimised from raw.quarantine where extraction_date = :day",
            {"day": AS_OF},
        )
    [row] = rows.to_dict("records")
    assert row["source_file"].endswith("pegawai/2026-03-02/pegawai.csv")
    assert (row["row_number"], row["rule"], row["column_name"]) == (
        2,
        "INVALID_CODE",
        "jenis_kelamin",
    )
    assert "'X'" in row["message"] and row["record_minimised"]
    # Keyed as delivered ("NIP"), so the staging model still reads the NIP.
    assert json.loads(row["raw_record"]) == {"NIP": "199002152015032002", "jenis_kelamin": "X"}
    assert not [value for value in PERSONAL if value in row["raw_record"]]


def test_rows_quarantined_whole_by_an_earlier_version_are_minimised_once(night):
    record = {"NIP": "199002152015032002", "nik": PERSONAL[0], "Nama": PERSONAL[1],
              "tanggal_lahir": "1990-13-45", "no_hp": PERSONAL[4]}  # fmt: skip
    with connect(night) as wh:
        ensure_audit_table(wh)
        wh.execute(
            f"insert into {QUARANTINE_TABLE} (batch_id, extract, extraction_date, source_file, "
            "row_number, rule, column_name, message, raw_record, quarantined_at) values "
            "('lama', 'pegawai', :day, 'pegawai/2026-02-20/pegawai.csv', 7, 'INVALID_DATE', "
            "'tanggal_lahir', 'tanggal_lahir ''1990-13-45'' is not a date', :record, :at)",
            {"day": date(2026, 2, 20), "record": json.dumps(record), "at": datetime(2026, 2, 21)},
        )
    result = apply_retention(AS_OF, night)
    assert [p.rows for p in result.purged if p.kind == "quarantine_minimised"] == [1]
    with connect(night) as wh:
        kept = wh.scalar("select raw_record from raw.quarantine where batch_id = 'lama'")
    assert json.loads(kept) == {"NIP": "199002152015032002", "tanggal_lahir": "1990-13-45"}
    again = apply_retention(AS_OF, night)
    assert [p.rows for p in again.purged if p.kind == "quarantine_minimised"] == [0]


def test_zero_keeps_everything(night):
    forever = night.model_copy(
        update={name: 0 for name in Settings.model_fields if name.startswith("retention_")}
    )
    result = apply_retention(AS_OF, forever)
    assert {p.cutoff for p in result.purged if p.kind != "quarantine_minimised"} == {None}
    assert [p for p in result.purged if p.anything] == []
    assert _dates(forever, "select _extraction_date from raw.presensi") == [
        OLD_PUNCHES,
        KEPT_PUNCHES,
        AS_OF,
    ]
    assert len(list((forever.home_dir / "runs").iterdir())) == 5
    assert len(list((Path(forever.outbox_url) / "skor_kinerja").iterdir())) == 2
    assert _log(forever).empty


def test_an_empty_period_in_the_environment_keeps_forever(monkeypatch):
    monkeypatch.setenv("KINERJA_RETENTION_OUTBOX_DAYS", "")
    monkeypatch.setenv("KINERJA_RETENTION_RAW_YEARS", "5")
    settings = Settings()
    assert (settings.retention_outbox_days, settings.retention_raw_years) == (0, 5)
