"""The night costs the day: an agency built night by night equals the same data built at once.

A small generated agency (with planted attendance fraud, so that every warning rule has
findings) is loaded and built incrementally over four nights; between them come what a real
source does to old days: a late punch of a day weeks back, a late phone punch far from the office
(a new geofence and impossible-travel finding on an old day), a re-delivered employee snapshot
that moves people to another unit, and leave decisions cancelled after the fact (one of them under
a punch-on-leave finding, which must disappear). The last night delivers a new employee
snapshot, which the employee history and current state take in without rebuilding older
snapshots. After the last night every incremental model is
copied aside, the project is rebuilt with `--full-refresh` on the same raw layer, and the two must
hold exactly the same rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from support.warehouse import DBT_KEY_ENV

from kinerja.load import load_night
from kinerja.settings import Settings
from kinerja.transform.invoke import invoke_dbt
from kinerja.warehouse import connect
from kinerja_dev.synth import generate

START, END = date(2024, 3, 1), date(2024, 4, 12)
NIGHTS = (date(2024, 4, 3), date(2024, 4, 8), date(2024, 4, 10), date(2024, 4, 12))
LATE_BEFORE = date(2024, 3, 20)  # the late punch is of a day of the previous quarter
REDELIVERED_SNAPSHOT_MOVES = 5

INCREMENTAL_MODELS = {
    "staging": ["stg_simpeg__pegawai"],
    "intermediate": [
        "int_pegawai__riwayat",
        "int_presensi__harian",
        "int_presensi__punch",
        "int_presensi__pegawai_hari",
        "int_disiplin__tahunan",
        "int_fitur__presensi_harian",
        "int_fitur__presensi_kuartal",
        "int_peringatan__buddy_punching_harian",
        "int_peringatan__luar_geofence",
        "int_peringatan__perjalanan_mustahil",
        "int_peringatan__presensi_saat_cuti",
    ],
    "marts": [
        "fct_presensi_harian",
        "fct_disiplin_presensi",
        "fct_potongan_tukin",
        "mart_peringatan_presensi",
    ],
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental_landing")
    generate(root, employees=60, start=START, end=END, seed=12, ground_truth=False, fraud=0.05)
    return root


def _dbt(settings: Settings, work: Path, *args: str) -> None:
    invoke_dbt(settings, work, *args, env=DBT_KEY_ENV)


def _cancel_izin(wh, id_izin_sql: str, night: date) -> None:
    """A new version of the izin `id_izin_sql` selects, cancelled, delivered on `night`."""
    columns = [c for c in wh.table_columns("raw", "izin") if c != "_loaded_at"]
    listed = ", ".join(columns)
    wh.execute(
        f"""
        insert into raw.izin ({listed}, _loaded_at)
        select {
            listed.replace("status", "'DIBATALKAN'")
            .replace("diperbarui_pada", "'" + night.isoformat() + "T09:00:00+07:00'")
            .replace("_extraction_date", "cast(:night as date)")
        }, current_timestamp
        from raw.izin
        where id_izin = ({id_izin_sql})
        """,
        {"night": night},
    )


def _deliver_late_warnings(settings: Settings, night: date) -> dict[str, tuple[str, date]]:
    """Late raw rows that change the warnings of days older than the lookback window: the leave
    under the first punch-on-leave finding cancelled (the finding must go), and a phone punch
    333 km from the office five minutes after someone's first terminal punch of an old day (a
    geofence and an impossible-travel finding must appear)."""
    with connect(settings) as wh:
        on_leave = wh.query_df(
            "select nip, tanggal from marts.mart_peringatan_presensi "
            "where pola = 'PRESENSI_SAAT_CUTI' and tanggal < :day order by tanggal, nip limit 1",
            {"day": LATE_BEFORE + timedelta(days=7)},
        )
        assert len(on_leave) == 1, "the planted agency has no punch on leave to cancel"
        leave_nip, leave_day = str(on_leave["nip"].iloc[0]), _as_date(on_leave["tanggal"].iloc[0])
        _cancel_izin(
            wh,
            "select min(id_izin) from raw.izin where status = 'DISETUJUI' "
            f"and nip = '{leave_nip}' and cast(tanggal_mulai as date) <= date '{leave_day}' "
            f"and cast(tanggal_selesai as date) >= date '{leave_day}'",
            night,
        )
        present = wh.query_df(
            "select nip, tanggal, waktu_lokal, lat_unit, lon_unit "
            "from intermediate.int_presensi__punch "
            "where tanggal < :day and sumber = 'FINGERPRINT' and lat_unit is not null "
            "order by tanggal, nip, waktu_utc limit 1",
            {"day": LATE_BEFORE},
        )
        assert len(present) == 1, "the agency has no terminal punch before the late day"
        row = present.iloc[0]
        far_nip, far_day = str(row["nip"]), _as_date(row["tanggal"])
        wh.execute(
            """
            insert into raw.presensi (nip, waktu, sumber, id_perangkat, lat, lon,
                _batch_id, _extraction_date, _source_file, _row_number, _loaded_at)
            values (:nip, :waktu, 'MOBILE', 'HP-LATE', :lat, :lon,
                'late-phone', :night, 'presensi/late-phone.csv', 1, current_timestamp)
            """,
            {
                "nip": far_nip,
                "waktu": (row["waktu_lokal"] + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S"),
                "lat": str(float(row["lat_unit"]) + 3.0),
                "lon": str(float(row["lon_unit"])),
                "night": night,
            },
        )
    return {"cancelled": (leave_nip, leave_day), "far": (far_nip, far_day)}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def _deliver_late_changes(settings: Settings, night: date) -> tuple[str, date]:
    """Raw rows as the loader writes them, delivered on `night` but about old days."""
    with connect(settings) as wh:
        # A punch of an old day from an employee absent without notice that day (the terminal
        # uploaded late): the day, its month, year and quarter must all change.
        absent = wh.query_df(
            "select nip, tanggal from marts.fct_presensi_harian "
            "where tanggal < :day and status = 'TANPA_KETERANGAN' "
            "and nip in (select nip from raw.presensi) "  # not a planted ghost, who never punches
            "order by tanggal, nip limit 1",
            {"day": LATE_BEFORE},
        )
        assert len(absent) == 1, "the generated agency has no unexcused day to correct"
        nip, late_day = str(absent["nip"].iloc[0]), absent["tanggal"].iloc[0]
        late_day = late_day.date() if hasattr(late_day, "date") else late_day
        wh.execute(
            """
            insert into raw.presensi (nip, waktu, sumber, id_perangkat, lat, lon,
                _batch_id, _extraction_date, _source_file, _row_number, _loaded_at)
            select nip, :waktu, sumber, id_perangkat, lat, lon,
                'late-punch', :night, 'presensi/late.csv', 1, current_timestamp
            from raw.presensi where nip = :nip order by _loaded_at, _row_number limit 1
            """,
            {"waktu": f"{late_day.isoformat()}T07:20:00", "night": night, "nip": nip},
        )
        # The first snapshot re-delivered with a few employees in another unit: every day from
        # the snapshot's date on must follow.
        first_snapshot = wh.scalar("select min(_extraction_date) from raw.pegawai")
        columns = [c for c in wh.table_columns("raw", "pegawai") if c != "_loaded_at"]
        listed = ", ".join(columns)
        wh.execute(
            f"""
            insert into raw.pegawai ({listed}, _loaded_at)
            select {
                listed.replace("kode_unit", "coalesce(moved.kode_unit_baru, p.kode_unit)").replace(
                    "_batch_id", "'redelivered'"
                )
            }, current_timestamp
            from raw.pegawai as p
            left join (
                select nip, (select max(kode_unit) from raw.unit_kerja) as kode_unit_baru
                from raw.pegawai where _extraction_date = :snapshot
                order by nip limit {REDELIVERED_SNAPSHOT_MOVES}
            ) as moved using (nip)
            where p._extraction_date = :snapshot
            """,
            {"snapshot": first_snapshot},
        )
        # An approved leave of an old day cancelled afterwards: the day turns back to what the
        # punches say.
        cancelled = wh.scalar(
            "select count(*) from raw.izin where status = 'DISETUJUI' and tanggal_mulai < :day",
            {"day": night.isoformat()},
        )
        assert cancelled, "the generated agency has no approved leave to cancel"
        _cancel_izin(
            wh,
            "select min(id_izin) from raw.izin "
            "where status = 'DISETUJUI' and tanggal_mulai < '2024-03-01'",
            night,
        )
    return nip, late_day


def _retire_from_last_snapshot(settings: Settings) -> str:
    """An employee of the newest snapshot built so far left out of the snapshots just loaded
    (retired): the current state must keep their last state and no longer flag it as in the
    newest snapshot."""
    with connect(settings) as wh:
        built = wh.scalar("select max(tanggal_snapshot) from staging.stg_simpeg__pegawai")
        assert wh.scalar(
            "select count(distinct _extraction_date) from raw.pegawai where _extraction_date > :built",
            {"built": built},
        ), "the last night delivers no new employee snapshot"
        nip = wh.scalar(
            "select min(nip) from staging.stg_simpeg__pegawai where dalam_snapshot_terakhir"
        )
        wh.execute(
            "delete from raw.pegawai where _extraction_date > :built and nip = :nip",
            {"built": built, "nip": nip},
        )
    return str(nip)


def _patterns(settings: Settings, nip: str, day: date) -> set[str]:
    with connect(settings) as wh:
        frame = wh.query_df(
            "select pola from marts.mart_peringatan_presensi where nip = :nip and tanggal = :day",
            {"nip": nip, "day": day},
        )
    return set(frame["pola"])


def _rows(settings: Settings, schema: str, model: str) -> set[tuple]:
    with connect(settings) as wh:
        frame = wh.query_df(f"select * from {schema}.{model}")
    frame = frame.astype(object).where(frame.notna(), None)
    return {tuple(str(v) for v in row) for row in frame.itertuples(index=False)}


def test_four_incremental_nights_equal_a_full_refresh(target_settings, landing, tmp_path):
    settings = target_settings.model_copy(update={"landing": str(landing)})
    work = tmp_path / "dbt"
    for number, night in enumerate(NIGHTS):
        load_night(settings, night, catch_up=True)
        if number == 0:
            _dbt(settings, work, "seed")
        if number == 1:
            late_nip, late_day = _deliver_late_changes(settings, night)
            warnings = _deliver_late_warnings(settings, night)
        if number == 3:
            retired = _retire_from_last_snapshot(settings)
        _dbt(settings, work, "run")

    with connect(settings) as wh:
        corrected = wh.query_df(
            "select status, jumlah_punch from marts.fct_presensi_harian "
            "where tanggal = :day and nip = :nip",
            {"day": late_day, "nip": late_nip},
        )
    assert corrected["jumlah_punch"].tolist() == [1], "the late punch did not reach its day"
    assert corrected["status"].iloc[0] != "TANPA_KETERANGAN"
    assert _patterns(settings, *warnings["cancelled"]) == set(), (
        "the cancelled leave's finding stayed"
    )
    assert _patterns(settings, *warnings["far"]) >= {"LUAR_GEOFENCE", "PERJALANAN_MUSTAHIL"}
    with connect(settings) as wh:
        listed = wh.scalar(
            "select dalam_snapshot_terakhir from staging.stg_simpeg__pegawai where nip = :nip",
            {"nip": retired},
        )
    assert not listed, "an employee the newest snapshots leave out is still flagged as in them"

    incremental = {
        (schema, model): _rows(settings, schema, model)
        for schema, models in INCREMENTAL_MODELS.items()
        for model in models
    }
    _dbt(settings, work, "run", "--full-refresh")
    for (schema, model), rows in incremental.items():
        full = _rows(settings, schema, model)
        assert rows, f"{model} is empty"
        assert rows == full, (
            f"{model}: incremental differs from a full rebuild: "
            f"{len(rows - full)} rows only incremental, {len(full - rows)} only in full"
        )
