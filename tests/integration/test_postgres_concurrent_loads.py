"""Loads and reads side by side on PostgreSQL: no exclusive lock on a raw table while a load
runs, loads of different dates in parallel, loads of one date one after the other."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

import psycopg
import pytest
from support.landing import deliver

from kinerja.load import load_night
from kinerja.load.loader import NightLoad
from kinerja.settings import Settings
from kinerja.warehouse import connect
from kinerja.warehouse.postgres import batch_lock_key

pytestmark = pytest.mark.postgres

DAY_A, DAY_B = date(2026, 3, 2), date(2026, 3, 3)
PUNCHES = 500
HEADER = "nip,waktu,sumber,id_perangkat,lat,lon\n"
UNITS = (
    "kode_unit,nama_unit,kode_unit_induk,instansi,zona_waktu,lat,lon,radius_presensi_m\n"
    "U01,Badan Kepegawaian,,Pemprov Contoh,WITA,-8.58,116.11,150\n"
)
WAIT_SECONDS = 30


def _punches(day: date) -> str:
    rows = (
        f"19850310201001{i % 10000:04d},{day}T07:{i % 60:02d}:00+08:00,FINGERPRINT,DEV-1,,\n"
        for i in range(PUNCHES)
    )
    return HEADER + "".join(rows)


@pytest.fixture
def settings(kinerja_home, pg_database, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("KINERJA_TARGET", "postgres")
    monkeypatch.setenv("KINERJA_PG_DATABASE", pg_database)
    landing = tmp_path / "landing"
    for day in (DAY_A, DAY_B):
        deliver(landing, "presensi", day, "presensi.csv", _punches(day))
    deliver(landing, "unit_kerja", DAY_B, "unit_kerja.csv", UNITS)
    monkeypatch.setenv("KINERJA_LANDING", str(landing))
    return Settings()


def _session(settings: Settings) -> psycopg.Connection:
    return psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        dbname=settings.pg_database,
        autocommit=True,
    )


class _Load(threading.Thread):
    """load_night in its own thread (its own connection), keeping its result or its error."""

    def __init__(self, settings: Settings, day: date, start: threading.Barrier | None = None):
        super().__init__(daemon=True)
        self.settings, self.day, self.start_together = settings, day, start
        self.night: NightLoad | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            if self.start_together:
                self.start_together.wait()
            self.night = load_night(self.settings, self.day, catch_up=False)
        except Exception as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc

    def finish(self) -> NightLoad:
        self.join(WAIT_SECONDS)
        assert not self.is_alive(), f"the load of {self.day} did not end"
        assert self.error is None, repr(self.error)
        return self.night


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _statuses(night: NightLoad, extract: str) -> list[str]:
    return [o.status for o in night.outcomes if o.extract == extract]


def test_a_reader_of_another_date_is_not_blocked_by_a_load(settings):
    load_night(settings, DAY_B, catch_up=False)  # date B is in the warehouse
    with _session(settings) as holder, _session(settings) as reader:
        # Hold the audit table so that the load of A stops at its last step, its punches
        # written and its transaction open, and keeps whatever locks it took until then.
        holder.execute("begin")
        holder.execute("lock table raw.load_audit in share mode")
        load = _Load(settings, DAY_A)
        load.start()
        _wait_for(
            lambda: (
                reader.execute(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                    "and query ilike 'insert into raw.load_audit%%'"
                ).fetchone()[0]
                == 1
            ),
            "the load to wait at its audit row",
        )
        # A reader that had to wait for the load's locks fails here (LockNotAvailable) instead of
        # waiting: the proof is the lock manager's, not a stopwatch on a shared machine.
        reader.execute("set lock_timeout = '2s'")
        [(count,)] = reader.execute(
            "select count(*) from raw.presensi where _extraction_date = %s", (DAY_B,)
        ).fetchall()
        assert count == PUNCHES
        # Uncommitted, the load's rows are invisible: readers see the date as it was.
        [(count,)] = reader.execute(
            "select count(*) from raw.presensi where _extraction_date = %s", (DAY_A,)
        ).fetchall()
        assert count == 0
        holder.execute("commit")
        night = load.finish()
    assert _statuses(night, "presensi") == ["LOADED"]


def test_loads_of_different_dates_and_extracts_run_together(settings):
    """Started together on an empty database: both create the tables they need, neither waits
    for the other's date, and each batch's rows carry its own batch id and date."""
    together = threading.Barrier(2)
    loads = [_Load(settings, day, together) for day in (DAY_A, DAY_B)]
    for load in loads:
        load.start()
    night_a, night_b = (load.finish() for load in loads)
    assert _statuses(night_a, "presensi") == ["LOADED"]
    assert _statuses(night_b, "presensi") == ["LOADED"]
    assert _statuses(night_b, "unit_kerja") == ["LOADED"]
    [batch_a] = [o.batch_id for o in night_a.outcomes if o.extract == "presensi"]
    [batch_b] = [o.batch_id for o in night_b.outcomes if o.extract == "presensi"]
    with connect(settings) as wh:
        rows = wh.query_df(
            "select _extraction_date, _batch_id, count(*) as n from raw.presensi group by 1, 2"
        )
        assert wh.scalar("select count(*) from raw.unit_kerja") == 1
    assert sorted(zip(rows["_extraction_date"], rows["_batch_id"], rows["n"], strict=True)) == [
        (DAY_A, batch_a, PUNCHES),
        (DAY_B, batch_b, PUNCHES),
    ]


def test_batches_loaded_one_after_the_other_in_one_session_keep_their_own_constants(settings):
    night = load_night(settings, DAY_B, catch_up=True)  # A then B, one connection
    batches = {o.extraction_date: o.batch_id for o in night.outcomes if o.extract == "presensi"}
    with connect(settings) as wh:
        rows = wh.query_df(
            "select _extraction_date, _batch_id, _source_file, count(*) as n "
            "from raw.presensi group by 1, 2, 3"
        )
    assert sorted(zip(rows["_extraction_date"], rows["_batch_id"], rows["n"], strict=True)) == [
        (DAY_A, batches[DAY_A], PUNCHES),
        (DAY_B, batches[DAY_B], PUNCHES),
    ]
    assert all(
        day.isoformat() in path
        for day, path in zip(rows["_extraction_date"], rows["_source_file"], strict=True)
    )


def test_loads_of_one_date_take_turns_and_leave_one_copy(settings):
    load_night(settings, DAY_B, catch_up=False)  # tables exist: the loads meet at the date
    with _session(settings) as holder:
        # Hold the date's lock so that both loads are inside their transactions at once.
        holder.execute("select pg_advisory_lock(%s)", (batch_lock_key("presensi", DAY_A),))
        together = threading.Barrier(2)
        loads = [_Load(settings, DAY_A, together) for _ in range(2)]
        for load in loads:
            load.start()
        _wait_for(
            lambda: (
                holder.execute(
                    "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                ).fetchone()[0]
                == 2
            ),
            "both loads to wait for the date's lock",
        )
        holder.execute("select pg_advisory_unlock(%s)", (batch_lock_key("presensi", DAY_A),))
        nights = [load.finish() for load in loads]
    # The second to get the lock finds the same files already loaded by the first.
    assert sorted(s for night in nights for s in _statuses(night, "presensi")) == [
        "LOADED",
        "UNCHANGED",
    ]
    with connect(settings) as wh:
        assert (
            wh.scalar(
                "select count(*) from raw.load_audit where extract = 'presensi' "
                "and extraction_date = :day and status = 'LOADED'",
                {"day": DAY_A},
            )
            == 1
        )
        assert (
            wh.scalar(
                "select count(*) from raw.presensi where _extraction_date = :day", {"day": DAY_A}
            )
            == PUNCHES
        )
        assert (
            wh.scalar(
                "select count(distinct _row_number) from raw.presensi where _extraction_date = :day",
                {"day": DAY_A},
            )
            == PUNCHES
        )
