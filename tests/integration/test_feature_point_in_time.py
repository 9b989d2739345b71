"""No feature looks past its quarter's end: plant later data in every source and watch.

The hand-made raw layer of test_dbt_models is built on DuckDB; the feature rows of 2024-TW1 are
kept. Then data dated after 31 March 2024 is planted in every source the features read (punches,
a leave approved and a leave cancelled after the quarter, an SKP rating and an SKP revision, a
training, a sanction, a pegawai snapshot that promotes, moves and adds people, a unit snapshot
that moves a unit to another time zone) and the project is rebuilt from scratch. Every TW1 row
must be exactly as before, while the HR facts and the TW2 rows show that each planted row was
read: a feature that reads past its quarter's end fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from support.hand_made_agency import (
    EMPLOYEE_A,
    EMPLOYEE_B,
    EMPLOYEE_C,
    EMPLOYEE_D,
    EMPLOYEE_E,
    EMPLOYEE_F,
    NIP_A,
    NIP_B,
    NIP_C,
    RAW,
    UNITS,
    employee,
    izin,
    punch,
    skp,
)
from support.raw_layer import create_raw_layer, raw_frame
from support.warehouse import WITHOUT_UNIT_TESTS, run_dbt

from kinerja.settings import Settings
from kinerja.warehouse import connect
from ml.features import LABEL_COLUMNS

QUARTER = "2024-TW1"
NEXT_QUARTER = "2024-TW2"

# A transfer from another agency, first delivered after TW1 with a TMT CPNS long before it.
NIP_G = "198209092008011007"
EMPLOYEE_G = employee(NIP_G, "Gita", "P", "1982-09-09", "PNS", "III/d", "FUNGSIONAL", "U01",
                       "S2", "2008-01-01", "2019-01-01")  # fmt: skip


def _rated_by(rater: str, row: dict) -> dict:
    return {**row, "nip_penilai": rater}


# fmt: off
# Before the quarter's end, so that the rater leniency has peers: A rates C in U01 as well.
SKP_BY_A = [
    (date(2024, 1, 16), _rated_by(NIP_A, skp("SKP-C-2023-TW4", NIP_C, "2023", "TW4", "2", "2",
                                              "2", "2024-01-16", "2024-01-16T09:00:00+07:00"))),
]

SNAPSHOT_LATER = date(2024, 4, 15)
PLANTED = {
    # Punches of days after the quarter: A late on Tuesday 2 April (a colleague covers U01).
    "presensi": [
        (date(2024, 4, 2), punch(NIP_A, "2024-04-02T08:45:00+07:00")),
        (date(2024, 4, 2), punch(NIP_A, "2024-04-02T16:00:00+07:00")),
        (date(2024, 4, 2), punch(NIP_B, "2024-04-02T09:30:00+08:00")),
    ],
    "izin": [
        # Sick leave for C's unexcused 4 March, approved only on 5 April.
        (date(2024, 4, 5), izin("IZ-9", NIP_C, "CUTI_SAKIT", "2024-03-04", "2024-03-04",
                                 "DISETUJUI", "2024-04-05T10:00:00+07:00")),
        # A's annual leave of 28 March, cancelled on 3 April.
        (date(2024, 4, 3), izin("IZ-1", NIP_A, "CUTI_TAHUNAN", "2024-03-28", "2024-03-28",
                                 "DIBATALKAN", "2024-04-03T10:00:00+07:00")),
    ],
    "skp": [
        # A rates C Sangat Baik for TW1, assessed after the quarter: not known at its end.
        (date(2024, 4, 8), _rated_by(NIP_A, skp("SKP-C-2024-TW1", NIP_C, "2024", "TW1", "1",
                                                 "1", "1", "2024-04-08",
                                                 "2024-04-08T09:00:00+07:00"))),
        # A's 2023-TW4 rating revised on 20 April: at TW1's end it was still Sangat Baik.
        (date(2024, 4, 20), skp("SKP-A-2023-TW4", NIP_A, "2023", "TW4", "3", "3", "5",
                                 "2024-01-15", "2024-04-20T09:00:00+07:00")),
    ],
    "pelatihan": [
        (date(2024, 4, 6), {"id_pelatihan": "PL-9", "nip": NIP_B, "nama_pelatihan": "Pelayanan",
                            "jenis": "KLASIKAL", "tanggal_mulai": "2024-04-01",
                            "tanggal_selesai": "2024-04-05", "jp": "24"}),
    ],
    "hukuman_disiplin": [
        (date(2024, 4, 11), {"id_hukdis": "HD-9", "nip": NIP_A, "tingkat": "RINGAN",
                             "jenis_hukuman": "Teguran tertulis", "tanggal_sk": "2024-04-10",
                             "tmt_mulai": "2024-04-10", "masa_bulan": None,
                             "alasan": "Tanpa keterangan"}),
    ],
    # A promoted, better educated and moved to the WITA unit; G joins. Everyone else as before.
    "pegawai": [
        (SNAPSHOT_LATER, {**EMPLOYEE_A, "golongan": "IV/a", "jenis_jabatan": "ADMINISTRATOR",
                          "pendidikan": "S3", "kode_unit": "U02", "tmt_jabatan": "2024-04-15"}),
        (SNAPSHOT_LATER, EMPLOYEE_B), (SNAPSHOT_LATER, {**EMPLOYEE_C, "status_aktif": "PENSIUN"}),
        (SNAPSHOT_LATER, EMPLOYEE_D), (SNAPSHOT_LATER, EMPLOYEE_E), (SNAPSHOT_LATER, EMPLOYEE_F),
        (SNAPSHOT_LATER, EMPLOYEE_G),
    ],
    # U01 re-delivered in the WITA zone: how late A was in March must not change.
    "unit_kerja": [
        (SNAPSHOT_LATER, {**u, "zona_waktu": "WITA"} if u["kode_unit"] == "U01" else u)
        for u in UNITS
    ],
}
# fmt: on


@dataclass
class Builds:
    before: pd.DataFrame
    after: pd.DataFrame
    daily_before: pd.DataFrame
    daily_after: pd.DataFrame


def _features(settings: Settings) -> pd.DataFrame:
    with connect(settings) as wh:
        frame = wh.query_df("select * from marts.fitur_kinerja_pegawai")
    return frame.set_index(["nip", "periode_id"]).sort_index()


def _daily(settings: Settings) -> pd.DataFrame:
    with connect(settings) as wh:
        frame = wh.query_df("select nip, tanggal, status from marts.fct_presensi_harian")
    frame["tanggal"] = pd.to_datetime(frame["tanggal"]).dt.date
    return frame.set_index(["nip", "tanggal"]).sort_index()


# Only what the feature table and its look-ahead checks are built from, and the daily HR facts
# (the snapshots, BI marts and docs are not needed here); the data tests of these nodes run too
# (their unit tests run in test_dbt_models).
SELECTION = [
    "+fitur_kinerja_pegawai",
    "+assert_fitur_tidak_melihat_ke_depan",
    "+assert_fitur_sama_dengan_hitung_ulang",
    "+fct_presensi_harian",
]


def _dbt_build(settings: Settings, work: Path, *extra: str) -> None:
    run_dbt(
        settings,
        work,
        "build",
        "--select",
        *SELECTION,
        "--indirect-selection",
        "cautious",
        *WITHOUT_UNIT_TESTS,
        *extra,
    )


def _insert(settings: Settings, rows: dict[str, list[tuple[date, dict]]], batch: str) -> None:
    with connect(settings) as wh:
        for extract, extract_rows in rows.items():
            frame = raw_frame(extract, extract_rows)
            frame["_batch_id"] = batch
            wh.bulk_insert(f"raw.{extract}", frame)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Iterator[Builds]:
    work = tmp_path_factory.mktemp("dbt_pit")
    settings = Settings(home=work / "home", target="duckdb")
    create_raw_layer(settings, RAW)
    _insert(settings, {"skp": SKP_BY_A}, "uji-peer")
    _dbt_build(settings, work)
    before, daily_before = _features(settings), _daily(settings)
    _insert(settings, PLANTED, "uji-masa-depan")
    # From scratch: an incremental run keeps old days as built and could hide a leak.
    _dbt_build(settings, work, "--full-refresh")
    yield Builds(before, _features(settings), daily_before, _daily(settings))


def _quarter(frame: pd.DataFrame, periode_id: str) -> pd.DataFrame:
    rows = frame[frame.index.get_level_values("periode_id") == periode_id]
    # The label is next quarter's predikat: later data may (and should) change it.
    return rows.drop(columns=list(LABEL_COLUMNS))


def test_planted_rows_reach_the_warehouse(builds):
    """Guards the test itself: every planted source is read, or an unchanged TW1 proves nothing."""
    before, after = builds.before, builds.after
    assert (NIP_G, NEXT_QUARTER) in after.index and (NIP_G, NEXT_QUARTER) not in before.index
    a2_before, a2_after = before.loc[(NIP_A, NEXT_QUARTER)], after.loc[(NIP_A, NEXT_QUARTER)]
    assert a2_after["jumlah_hukdis_24_bulan"] == a2_before["jumlah_hukdis_24_bulan"] + 1
    assert a2_after["hari_kerja_tercakup"] == a2_before["hari_kerja_tercakup"] + 1  # 2 April
    assert a2_after["zona_waktu"] == "WITA" and a2_after["jenis_jabatan"] == "ADMINISTRATOR"
    b2_before, b2_after = before.loc[(NIP_B, NEXT_QUARTER)], after.loc[(NIP_B, NEXT_QUARTER)]
    assert b2_after["jp_12_bulan"] == pytest.approx(b2_before["jp_12_bulan"] + 24)
    # The HR facts take the newest leave decisions, months back.
    daily_before, daily_after = builds.daily_before["status"], builds.daily_after["status"]
    assert daily_before[(NIP_C, date(2024, 3, 4))] == "TANPA_KETERANGAN"
    assert daily_after[(NIP_C, date(2024, 3, 4))] == "CUTI"
    # Nobody of U01 punched on 28 March: without the leave, A's day is not judged at all.
    assert daily_before[(NIP_A, date(2024, 3, 28))] == "CUTI"
    assert (NIP_A, date(2024, 3, 28)) not in daily_after.index


def test_a_transfer_in_is_expected_only_after_the_snapshot_that_did_not_list_them(builds):
    """G, TMT CPNS 2008, is first listed on 15 April; the 1 April snapshot of everyone did not
    list G, so G was not in the agency then: not absent on U01's covered days before it (which
    would count towards the PP 94/2021 thresholds and the tukin cut), expected from 2 April."""
    daily = builds.daily_after["status"]
    g_days = daily[daily.index.get_level_values("nip") == NIP_G]
    assert min(g_days.index.get_level_values("tanggal")) == date(2024, 4, 2)
    assert daily[(NIP_G, date(2024, 4, 2))] == "TANPA_KETERANGAN"  # A's punch covers U01
    # U01 was covered on 4 March (A punched), so an employee expected then has a row.
    assert (NIP_A, date(2024, 3, 4)) in daily.index and (NIP_G, date(2024, 3, 4)) not in daily.index


def test_the_planted_rows_do_not_move_a_quarter_they_postdate(builds):
    before, after = _quarter(builds.before, QUARTER), _quarter(builds.after, QUARTER)
    assert len(before) > 0
    assert set(after.index) == set(before.index), "employees appeared in or vanished from TW1"
    for key in before.index:
        changed = {
            column: (before.loc[key, column], after.loc[key, column])
            for column in before.columns
            if not _same(before.loc[key, column], after.loc[key, column])
        }
        assert not changed, f"{key} changed by data dated after the quarter: {changed}"


def test_the_quarter_keeps_what_was_known_at_its_end(builds):
    """The values the planted rows would have changed, read as they were known on 31 March."""
    tw1 = _quarter(builds.after, QUARTER)
    a1, c1 = tw1.loc[(NIP_A, QUARTER)], tw1.loc[(NIP_C, QUARTER)]
    assert a1["hari_izin_sah"] == 1 and a1["hari_tanpa_keterangan"] == 0  # leave still approved
    assert a1["rasio_izin_menempel_libur"] == pytest.approx(1.0)  # 28 March, before Good Friday
    assert c1["hari_tanpa_keterangan"] == 2 and c1["hari_cuti_sakit"] == 0
    assert a1["predikat_terakhir"] == 1  # the revision came in April
    assert (a1["kelompok_golongan"], a1["zona_waktu"], a1["tingkat_pendidikan"]) == (
        "III",
        "WIB",
        8,
    )
    assert a1["rata_menit_pulang_cepat"] == pytest.approx(5.0)  # in WIB, as U01 then was
    # Leniency from the two U01 raters known then: C gave 1 of 1 top, A 0 of 1: z = +-sqrt(2).
    assert a1["kelonggaran_penilai"] == pytest.approx(2**0.5)
    assert c1["kelonggaran_penilai"] == pytest.approx(-(2**0.5))
    assert (NIP_G, QUARTER) not in tw1.index


def _same(left, right) -> bool:
    if pd.isna(left) and pd.isna(right):
        return True
    if isinstance(left, float) or isinstance(right, float):
        return left == pytest.approx(right)
    return left == right
