"""What a night finds in the landing area beyond plain files, on both targets: links and pipes,
files still arriving, a broken manifest beside a good extract, an emptied date and its retraction.
The corpus (tests/corpus) holds the cases git can store; these need a live folder."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
from support.landing import deliver
from typer.testing import CliRunner

from kinerja.cli import app
from kinerja.load import load_night
from kinerja.warehouse import connect

DAY = date(2026, 3, 2)
PUNCHES = (
    "nip,waktu,sumber,id_perangkat,lat,lon\n"
    "198503102010011001,2026-03-02T07:41:00+08:00,FINGERPRINT,DEV-1,,\n"
    "198503102010011001,2026-03-02T16:05:00+08:00,FINGERPRINT,DEV-1,,\n"
)
UNITS = (
    "kode_unit,nama_unit,kode_unit_induk,instansi,zona_waktu,lat,lon,radius_presensi_m\n"
    "U1,Sekretariat,,Pemprov NTB,WITA,-8.58,116.1,100\n"
)


def _night(settings, landing: Path, day: date = DAY, catch_up: bool = False, **update):
    settings = settings.model_copy(update={"landing": str(landing), **update})
    return load_night(settings, day, catch_up=catch_up)


def _table(settings, sql: str):
    with connect(settings) as wh:
        return wh.query_df(sql)


def test_a_link_is_reported_never_followed(target_settings, tmp_path):
    landing = tmp_path / "landing"
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(PUNCHES, encoding="utf-8")
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    (landing / "presensi" / DAY.isoformat() / "susulan.csv").symlink_to(outside)
    [batch] = _night(target_settings, landing).outcomes
    assert batch.status == "REJECTED"
    [bad] = [f for f in batch.file_outcomes if f.rule]
    assert (Path(bad.path).name, bad.rule) == ("susulan.csv", "NOT_A_REGULAR_FILE")
    assert "symbolic link" in batch.message and str(outside) in batch.message
    audit = _table(target_settings, "select status, rows_rejected from raw.load_audit")
    assert audit.to_dict("records") == [{"status": "REJECTED", "rows_rejected": 2}]
    assert _table(target_settings, "select count(*) as n from raw.presensi").iat[0, 0] == 0


def test_a_pipe_is_reported_and_never_opened(target_settings, tmp_path):
    landing = tmp_path / "landing"
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    os.mkfifo(landing / "presensi" / DAY.isoformat() / "stream.csv")
    started = time.monotonic()
    [batch] = _night(target_settings, landing).outcomes
    assert time.monotonic() - started < 60  # opening a FIFO would block forever
    assert batch.status == "REJECTED" and "NOT_A_REGULAR_FILE" in batch.message
    assert "stream.csv" in batch.message


def test_a_broken_manifest_rejects_its_extract_and_the_others_load(target_settings, tmp_path):
    landing = tmp_path / "landing"
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    deliver(landing, "presensi", DAY, "_manifest.json", '{"files": {"presensi.csv": {"rows": 2')
    deliver(landing, "unit_kerja", DAY, "unit_kerja.csv", UNITS)
    night = _night(target_settings, landing)
    status = {o.extract: o.status for o in night.outcomes}
    assert status == {"presensi": "REJECTED", "unit_kerja": "LOADED"}
    [rejected] = night.rejected
    assert "_manifest.json" in rejected.message and "MANIFEST_INVALID" in rejected.message
    assert "line 1, column" in rejected.message
    assert _table(target_settings, "select count(*) as n from raw.unit_kerja").iat[0, 0] == 1


def test_a_file_younger_than_the_settle_time_holds_its_date_until_a_later_run(
    target_settings, tmp_path
):
    landing = tmp_path / "landing"
    young = deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    [batch] = _night(target_settings, landing, landing_settle_seconds=3600).outcomes
    assert batch.status == "WAITING" and "settle time 3600 s" in batch.file_outcomes[-1].message
    assert _table(target_settings, "select count(*) as n from raw.load_audit").iat[0, 0] == 0
    # Settled by the next night, the waiting date is caught up like any date never loaded.
    hour_ago = time.time() - 3600
    os.utime(young, (hour_ago, hour_ago))
    later = date(2026, 3, 3)
    night = _night(target_settings, landing, later, catch_up=True, landing_settle_seconds=3600)
    assert [(o.extraction_date, o.status, o.rows_loaded) for o in night.outcomes] == [
        (DAY, "LOADED", 2)
    ]


def test_catching_up_reads_only_the_dates_never_loaded(target_settings, tmp_path):
    """A later night's catch-up leaves a loaded date alone, even one changed since: a night costs
    its own date, not the history, and a corrected past date is rerun on purpose (README)."""
    landing = tmp_path / "landing"
    first = deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    assert [o.status for o in _night(target_settings, landing, catch_up=True).outcomes] == [
        "LOADED"
    ]
    first.write_text(PUNCHES + PUNCHES.splitlines()[-1].replace("16:05", "17:00") + "\n")
    later = date(2026, 3, 3)
    deliver(landing, "presensi", later, "presensi.csv", PUNCHES.replace("03-02T", "03-03T"))
    night = _night(target_settings, landing, later, catch_up=True)
    assert [(o.extraction_date, o.status) for o in night.outcomes] == [(later, "LOADED")]
    rerun = _night(target_settings, landing, DAY)
    assert [(o.status, o.rows_loaded) for o in rerun.outcomes] == [("LOADED", 3)]


def test_a_nights_batches_share_one_load_time_the_next_nights_are_later(target_settings, tmp_path):
    """The incremental models rebuild what was loaded after the newest punches they read: the
    units delivered after the punches in the same run must not count as loaded after them."""
    landing = tmp_path / "landing"
    later = date(2026, 3, 3)
    for day in (DAY, later):
        deliver(
            landing, "presensi", day, "presensi.csv", PUNCHES.replace("03-02T", f"{day:%m-%d}T")
        )
        deliver(landing, "unit_kerja", day, "unit_kerja.csv", UNITS)
    night = _night(target_settings, landing, later, catch_up=True)
    assert len(night.outcomes) == 4 and {o.status for o in night.outcomes} == {"LOADED"}
    stamps = _table(
        target_settings,
        "select _loaded_at from raw.presensi union select _loaded_at from raw.unit_kerja",
    )
    assert len(stamps) == 1
    next_day = date(2026, 3, 4)
    deliver(landing, "presensi", next_day, "presensi.csv", PUNCHES.replace("03-02T", "03-04T"))
    night = _night(target_settings, landing, next_day, catch_up=True)
    assert [(o.extraction_date, o.status) for o in night.outcomes] == [(next_day, "LOADED")]
    newest = _table(
        target_settings,
        "select distinct _extraction_date as day, _loaded_at from raw.presensi order by day",
    )
    assert newest["_loaded_at"].nunique() == 2, newest
    assert newest["_loaded_at"].iloc[-1] > newest["_loaded_at"].iloc[0]


def test_a_listed_file_is_read_however_young(target_settings, tmp_path):
    landing = tmp_path / "landing"
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    deliver(landing, "presensi", DAY, "_manifest.json", '{"files": {"presensi.csv": {}}}')
    [batch] = _night(target_settings, landing, landing_settle_seconds=3600).outcomes
    assert (batch.status, batch.rows_loaded) == ("LOADED", 2)


def test_an_emptied_date_keeps_its_rows_until_retracted_on_purpose(
    target_settings, tmp_path, monkeypatch
):
    landing = tmp_path / "landing"
    delivered = deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    assert _night(target_settings, landing).outcomes[0].status == "LOADED"
    delivered.rename(tmp_path / "kept.csv")  # the date folder is emptied
    for _ in range(2):  # refused every time, audited once
        [batch] = _night(target_settings, landing).outcomes
        assert batch.status == "REFUSED" and "EMPTY_REDELIVERY" in batch.message
    assert "kinerja retract presensi 2026-03-02" in batch.message
    audit = "select status, message from raw.load_audit order by loaded_at"
    assert list(_table(target_settings, audit)["status"]) == ["LOADED", "REFUSED"]
    assert _table(target_settings, "select count(*) as n from raw.presensi").iat[0, 0] == 2

    monkeypatch.setenv("COLUMNS", "200")
    retract = ["retract", "presensi", DAY.isoformat(), "--reason", "sent to the wrong agency"]
    result = CliRunner().invoke(app, [*retract, "--by", "operator-1"])
    assert result.exit_code == 0, result.output
    assert "2 raw and 0 quarantined rows removed" in result.output
    assert _table(target_settings, "select count(*) as n from raw.presensi").iat[0, 0] == 0
    last = _table(target_settings, audit).iloc[-1]
    assert last["status"] == "RETRACTED"
    assert "operator-1" in last["message"] and "sent to the wrong agency" in last["message"]
    again = CliRunner().invoke(app, [*retract, "--by", "operator-1"])
    assert again.exit_code == 1 and "no loaded batch" in again.output
    # The same files delivered again load again: a retraction is not an unchanged batch.
    (tmp_path / "kept.csv").rename(delivered)
    [batch] = _night(target_settings, landing).outcomes
    assert (batch.status, batch.rows_loaded) == ("LOADED", 2)


def test_an_empty_folder_for_a_new_date_is_reported(target_settings, tmp_path):
    landing = tmp_path / "landing"
    (landing / "presensi" / DAY.isoformat()).mkdir(parents=True)
    [batch] = _night(target_settings, landing).outcomes
    assert batch.status == "REJECTED" and "EMPTY_DELIVERY" in batch.message


def test_cli_load_names_folders_it_cannot_place_and_fails(kinerja_home, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    landing = tmp_path / "landing"
    deliver(landing, "Presensi", DAY, "presensi.csv", PUNCHES)
    deliver(landing, "unit_kerja", DAY, "unit_kerja.csv", UNITS)
    args = ["load", "--date", DAY.isoformat(), "--landing", str(landing)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "EXTRACT_FOLDER_CASE" in result.output and "'Presensi'" in result.output
    assert "unit_kerja.csv" in result.output and "LOADED" in result.output


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday"])
def test_cli_retract_refuses_a_bad_date_in_one_line(kinerja_home, bad):
    result = CliRunner().invoke(app, ["retract", "presensi", bad, "--reason", "x"])
    assert result.exit_code == 2 and "is not a date" in result.output
    assert "Traceback" not in result.output


def test_a_file_the_reader_chokes_on_rejects_its_batch_alone(target_settings, tmp_path):
    landing = tmp_path / "landing"
    # A bare CR inside the header line: Python's csv module raises instead of reading it.
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES.replace(",sumber", "\r,sumber", 1))
    deliver(landing, "unit_kerja", DAY, "unit_kerja.csv", UNITS)
    night = _night(target_settings, landing)
    status = {o.extract: o.status for o in night.outcomes}
    assert status == {"presensi": "REJECTED", "unit_kerja": "LOADED"}
    [rejected] = night.rejected
    assert "presensi.csv" in rejected.message and rejected.rows_rejected >= 2
    audit = _table(target_settings, "select status from raw.load_audit where extract = 'presensi'")
    assert list(audit["status"]) == ["REJECTED"]


def test_the_night_stops_on_a_folder_it_cannot_place_and_reports_a_waiting_date(
    kinerja_home, tmp_path, monkeypatch
):
    from kinerja.night.steps import NightFailed, load_extracts
    from kinerja.settings import Settings

    landing = tmp_path / "landing"
    monkeypatch.setenv("KINERJA_LANDING", str(landing))
    deliver(landing, "Presensi", DAY, "presensi.csv", PUNCHES)
    deliver(landing, "unit_kerja", DAY, "unit_kerja.csv", UNITS)
    deliver(landing, "unit_kerja", DAY, "_draft.csv", UNITS)
    with pytest.raises(NightFailed, match="EXTRACT_FOLDER_CASE") as failed:
        load_extracts(DAY, Settings())
    assert "'Presensi'" in str(failed.value)
    (landing / "Presensi" / DAY.isoformat() / "presensi.csv").unlink()
    (landing / "Presensi" / DAY.isoformat()).rmdir()
    (landing / "Presensi").rmdir()
    summary = load_extracts(DAY, Settings())
    [waiting] = summary.waiting
    assert "_draft.csv" in waiting and "UPLOAD_IN_PROGRESS" in waiting
    assert summary.rows_loaded["unit_kerja"] == 0 and summary.rejected == []


def test_a_broken_manifest_still_being_written_waits_and_is_judged_once_settled(
    target_settings, tmp_path
):
    landing = tmp_path / "landing"
    deliver(landing, "presensi", DAY, "presensi.csv", PUNCHES)
    manifest = deliver(landing, "presensi", DAY, "_manifest.json", '{"files": {"presensi.c')
    [batch] = _night(target_settings, landing, landing_settle_seconds=3600).outcomes
    assert batch.status == "WAITING" and "_manifest.json" in batch.message
    hour_ago = time.time() - 3600
    os.utime(manifest, (hour_ago, hour_ago))
    [batch] = _night(target_settings, landing, landing_settle_seconds=3600).outcomes
    assert batch.status == "REJECTED" and "MANIFEST_INVALID" in batch.message
