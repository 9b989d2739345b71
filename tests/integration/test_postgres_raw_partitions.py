"""PostgreSQL raw layer at scale: punches partitioned by month as months arrive, statistics
right after each load, and an installation from before partitioning converted in place."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from support.landing import deliver

from kinerja.contract import EXTRACTS
from kinerja.load import load_night, raw_tables
from kinerja.load.raw_tables import METADATA_DDL
from kinerja.settings import Settings
from kinerja.warehouse import connect

pytestmark = pytest.mark.postgres

MARCH, APRIL = date(2026, 3, 2), date(2026, 4, 1)
HEADER = "nip,waktu,sumber,id_perangkat,lat,lon\n"


def _punches(day: date, count: int) -> str:
    rows = [
        f"19850310201001{i:04d},{day}T07:{i % 60:02d}:00+08:00,FINGERPRINT,DEV-1,,\n"
        for i in range(count)
    ]
    return HEADER + "".join(rows)


@pytest.fixture
def settings(kinerja_home, pg_database, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("KINERJA_TARGET", "postgres")
    monkeypatch.setenv("KINERJA_PG_DATABASE", pg_database)
    monkeypatch.setenv("KINERJA_LANDING", str(tmp_path / "landing"))
    return Settings()


def _partitions(wh, table: str) -> dict[str, float]:
    """Partition name -> the planner's row count (pg_class.reltuples, -1 before any ANALYZE)."""
    frame = wh.query_df(
        "select c.relname, c.reltuples from pg_inherits i "
        "join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent "
        "join pg_namespace n on n.oid = p.relnamespace "
        "where n.nspname = 'raw' and p.relname = :table",
        {"table": table},
    )
    return dict(zip(frame["relname"], frame["reltuples"], strict=True))


def _partition_strategy(wh, table: str) -> str | None:
    return wh.scalar(
        "select p.partstrat from pg_partitioned_table p join pg_class c on c.oid = p.partrelid "
        "join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'raw' and c.relname = :table",
        {"table": table},
    )


def test_punches_land_in_a_monthly_partition_with_statistics(settings):
    landing = Path(settings.landing_url)
    deliver(landing, "presensi", MARCH, "presensi.csv", _punches(MARCH, 40))
    load_night(settings, MARCH)
    with connect(settings) as wh:
        assert _partition_strategy(wh, "presensi") == "r"  # range, on _extraction_date
        assert _partitions(wh, "presensi") == {"presensi_2026_03": 40}
        analysed = wh.query_df(
            "select relname, last_analyze from pg_stat_user_tables "
            "where schemaname = 'raw' and relname in ('presensi', 'presensi_2026_03', "
            "'load_audit', 'quarantine')"
        )
        assert len(analysed) == 4 and analysed["last_analyze"].notna().all(), analysed
        # Extracts that nothing was delivered for are left alone (no ANALYZE of empty tables).
        assert (
            wh.scalar(
                "select last_analyze from pg_stat_user_tables "
                "where schemaname = 'raw' and relname = 'skp'"
            )
            is None
        )

    deliver(landing, "presensi", APRIL, "presensi.csv", _punches(APRIL, 25))
    load_night(settings, APRIL)
    with connect(settings) as wh:
        assert _partitions(wh, "presensi") == {"presensi_2026_03": 40, "presensi_2026_04": 25}
        per_partition = wh.query_df(
            "select tableoid::regclass::text as part, count(*) as n from raw.presensi group by 1"
        )
        assert dict(zip(per_partition["part"], per_partition["n"], strict=True)) == {
            "raw.presensi_2026_03": 40,
            "raw.presensi_2026_04": 25,
        }


def _last_analysed(wh, table: str):
    return wh.scalar(
        "select last_analyze from pg_stat_user_tables where schemaname = 'raw' "
        "and relname = :table",
        {"table": table},
    )


def test_a_night_analyses_the_month_it_loaded_not_the_history(settings, monkeypatch):
    """Analysing the partitioned table would analyse every month again: a night analyses the
    partitions it loaded into, and the table's own statistics only once they are a week old."""
    landing = Path(settings.landing_url)
    deliver(landing, "presensi", MARCH, "presensi.csv", _punches(MARCH, 40))
    load_night(settings, MARCH)
    with connect(settings) as wh:
        first = {t: _last_analysed(wh, t) for t in ("presensi", "presensi_2026_03")}
    assert None not in first.values()  # never analysed: the table itself too

    deliver(landing, "presensi", APRIL, "presensi.csv", _punches(APRIL, 25))
    load_night(settings, APRIL)
    with connect(settings) as wh:
        assert _last_analysed(wh, "presensi") == first["presensi"]
        assert _last_analysed(wh, "presensi_2026_03") == first["presensi_2026_03"]
        assert _last_analysed(wh, "presensi_2026_04") is not None
        assert _partitions(wh, "presensi")["presensi_2026_04"] == 25

    # A week on, the table's own statistics are sampled again (and with them every month).
    monkeypatch.setattr(raw_tables, "PARENT_STATISTICS_MAX_AGE", timedelta(0))
    may = date(2026, 5, 4)
    deliver(landing, "presensi", may, "presensi.csv", _punches(may, 10))
    load_night(settings, may)
    with connect(settings) as wh:
        assert _last_analysed(wh, "presensi") > first["presensi"]
        assert _last_analysed(wh, "presensi_2026_03") > first["presensi_2026_03"]
        assert _partitions(wh, "presensi")["presensi_2026_05"] == 10


def test_a_redelivered_date_is_replaced_inside_its_partition(settings):
    landing = Path(settings.landing_url)
    deliver(landing, "presensi", MARCH, "presensi.csv", _punches(MARCH, 40))
    load_night(settings, MARCH)
    deliver(landing, "presensi", MARCH, "presensi.csv", _punches(MARCH, 30))
    again = load_night(settings, MARCH)
    assert [o.status for o in again.outcomes] == ["LOADED"]
    with connect(settings) as wh:
        assert wh.scalar("select count(*) from raw.presensi_2026_03") == 30
        assert _partitions(wh, "presensi") == {"presensi_2026_03": 30}  # analysed again


def test_an_unpartitioned_installation_is_partitioned_in_place(settings):
    """Raw tables created before partitioning keep every row; the views on them go (dbt
    recreates them on its next build)."""
    presensi = EXTRACTS["presensi"]
    columns = [f'"{c.name}" varchar' for c in presensi.columns]
    columns += [f"{name} {ddl}" for name, ddl in METADATA_DDL]
    with connect(settings) as wh:
        wh.ensure_schema("raw")
        wh.execute(f"create table raw.presensi ({', '.join(columns)})")
        for day, nip in ((date(2026, 1, 5), "A"), (date(2026, 2, 2), "B"), (date(2026, 2, 3), "C")):
            wh.execute(
                "insert into raw.presensi (nip, waktu, _batch_id, _extraction_date, "
                "_source_file, _row_number, _loaded_at) "
                "values (:nip, '2026-01-05T07:00:00+07:00', 'old', :day, 'old.csv', 1, now())",
                {"nip": nip, "day": day},
            )
        wh.execute("create schema staging")
        wh.execute("create view staging.old_punches as select nip from raw.presensi")

    deliver(Path(settings.landing_url), "presensi", MARCH, "presensi.csv", _punches(MARCH, 5))
    load_night(settings, MARCH)
    with connect(settings) as wh:
        assert _partition_strategy(wh, "presensi") == "r"
        assert set(_partitions(wh, "presensi")) == {
            "presensi_2026_01",
            "presensi_2026_02",
            "presensi_2026_03",
        }
        assert wh.scalar("select count(*) from raw.presensi_2026_02") == 2
        assert wh.scalar("select count(*) from raw.presensi where _batch_id = 'old'") == 3
        assert wh.scalar("select count(*) from raw.presensi") == 8
        assert not wh.table_exists("raw", "presensi_unpartitioned")
        assert not wh.table_exists("staging", "old_punches")
