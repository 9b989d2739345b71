"""Attendance-fraud and ghost-employee rules (marts.mart_peringatan_presensi) on both targets.

A small raw layer holds one case of every pattern next to a near miss that must stay silent
(meeting at both ends of the day on 4 days instead of 5, 61 s instead of 60, 800 m from the office instead of
1.5 km, a rejected or cancelled leave, a short appointment); only the mart and its upstream
models are built (`dbt build --select +mart_peringatan_presensi`), with their data tests (their
unit tests run in test_dbt_models).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from support.raw_layer import create_raw_layer, raw_frame
from support.warehouse import WITHOUT_UNIT_TESTS, BuiltWarehouse, empty_warehouse, run_dbt

from kinerja.load.raw_tables import QUARANTINE_TABLE, ensure_audit_table
from kinerja.settings import Settings
from kinerja.warehouse import connect

SNAPSHOT = date(2024, 3, 1)
OFFICE_U01 = (-6.2088, 106.8456)  # radius 100 m
OFFICE_U02 = (-5.1477, 119.4327)  # Makassar, about 1,400 km east

BUDDY_A = "198001012005011001"
BUDDY_B = "198102022005012002"
QUEUE_A = "198203032006011003"  # meets QUEUE_B at both ends on 4 days only
QUEUE_B = "198304042006012004"
ROAMER = "198405052007011005"  # mobile punches 1.5 km and 800 m from the office
SPOOFER = "198506062007012006"  # office terminal, then Makassar 90 minutes later
ON_LEAVE = "198607072008011007"  # WITA unit, punches during approved leave
NIK_OWNER = "198708082008012008"
NIK_TWIN = "198809092009011009"  # same NIK as NIK_OWNER; never punches, rated or trained
WRONG_BIRTH = "198910102009011010"  # NIP says 1989-10-10, profile says 1989-10-11
NEWCOMER = "199011112024051011"  # appointed 2024-05-01: silent for 31 days only
# refused by an older loader, when NIP_PROFILE_MISMATCH still quarantined: never in the snapshot
QUARANTINED = "199212122015011012"


def _employee(nip, unit, nik=None, lahir=None, tmt_cpns=None):
    born = lahir or f"{nip[:4]}-{nip[4:6]}-{nip[6:8]}"
    # NIP digits 9-14 are the TMT CPNS year-month: a profile agreeing with them is no finding
    tmt_cpns = tmt_cpns or f"{nip[8:12]}-{nip[12:14]}-01"
    return {"nip": nip, "nik": nik or "3171" + nip[:12], "nama": f"Pegawai {nip[-3:]}",
            "jenis_kelamin": "L" if nip[14] == "1" else "P", "tanggal_lahir": born,
            "status_kepegawaian": "PNS", "golongan": "III/a", "jenis_jabatan": "PELAKSANA",
            "nama_jabatan": "Pengadministrasi", "kode_unit": unit, "nip_atasan": None,
            "pendidikan": "S1", "tmt_cpns": tmt_cpns, "tmt_jabatan": tmt_cpns,
            "status_aktif": "AKTIF", "email": None, "no_hp": None}  # fmt: skip


def _punch(nip, waktu, device="FP-U01-01", sumber="FINGERPRINT", lat=None, lon=None):
    return {"nip": nip, "waktu": waktu, "sumber": sumber, "id_perangkat": device,
            "lat": None if lat is None else str(lat), "lon": None if lon is None else str(lon)}  # fmt: skip


def _izin(id_izin, nip, jenis, day, status, diperbarui):
    return {"id_izin": id_izin, "nip": nip, "jenis": jenis, "tanggal_mulai": day[0],
            "tanggal_selesai": day[1], "status": status, "diperbarui_pada": diperbarui}  # fmt: skip


# fmt: off
UNITS = [
    {"kode_unit": "U01", "nama_unit": "Biro Umum", "kode_unit_induk": None, "instansi": "Contoh",
     "zona_waktu": "WIB", "lat": str(OFFICE_U01[0]), "lon": str(OFFICE_U01[1]),
     "radius_presensi_m": "100"},
    {"kode_unit": "U02", "nama_unit": "UPT Makassar", "kode_unit_induk": "U01",
     "instansi": "Contoh", "zona_waktu": "WITA", "lat": str(OFFICE_U02[0]),
     "lon": str(OFFICE_U02[1]), "radius_presensi_m": "150"},
]

PEGAWAI = [
    _employee(BUDDY_A, "U01"), _employee(BUDDY_B, "U01"), _employee(QUEUE_A, "U01"),
    _employee(QUEUE_B, "U01"), _employee(ROAMER, "U01"), _employee(SPOOFER, "U01"),
    _employee(ON_LEAVE, "U02"), _employee(NIK_OWNER, "U01", nik="3171010101010001"),
    _employee(NIK_TWIN, "U02", nik="3171010101010001"),
    _employee(WRONG_BIRTH, "U01", lahir="1989-10-11"),
    _employee(NEWCOMER, "U01", tmt_cpns="2024-05-01"),
]

WEEK = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]
NEXT_WEEK = ["2024-03-11", "2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"]
PRESENSI = [
    # Buddies meet at arrival (30 s apart, exactly 60 s on the fifth day: the limit is
    # inclusive) and at departure (20 s) on five days.
    *[_punch(BUDDY_A, f"{d}T07:20:00+07:00") for d in WEEK],
    *[_punch(BUDDY_B, f"{d}T07:20:30+07:00") for d in WEEK[:4]],
    _punch(BUDDY_B, f"{WEEK[4]}T07:21:00+07:00"),
    *[_punch(BUDDY_A, f"{d}T16:00:00+07:00") for d in WEEK],
    *[_punch(BUDDY_B, f"{d}T16:00:20+07:00") for d in WEEK],
    # A queue at both ends on four days only: 61 s apart at departure on the fifth.
    *[_punch(QUEUE_A, f"{d}T07:40:00+07:00") for d in NEXT_WEEK],
    *[_punch(QUEUE_B, f"{d}T07:40:45+07:00") for d in NEXT_WEEK],
    *[_punch(QUEUE_A, f"{d}T16:30:00+07:00") for d in NEXT_WEEK],
    *[_punch(QUEUE_B, f"{d}T16:30:40+07:00") for d in NEXT_WEEK[:4]],
    _punch(QUEUE_B, f"{NEXT_WEEK[4]}T16:31:01+07:00"),
    # Mobile: at the office; 1.5 km south (outside 100 m + 1,000 m); 800 m south (inside).
    _punch(ROAMER, "2024-04-01T07:25:00Z", "HP-ROAMER", "MOBILE", *OFFICE_U01),
    _punch(ROAMER, "2024-04-01T09:00:00Z", "HP-ROAMER", "MOBILE", -6.2223, 106.8456),
    _punch(ROAMER, "2024-04-02T07:25:00Z", "HP-ROAMER", "MOBILE", -6.2160, 106.8456),
    # Jakarta terminal at 07:30 WIB, Makassar by phone at 09:00 WIB: ~1,400 km in 90 minutes.
    _punch(SPOOFER, "2024-04-03T07:30:00+07:00"),
    _punch(SPOOFER, "2024-04-03T02:00:00Z", "HP-SPOOFER", "MOBILE", *OFFICE_U02),
    # 12 km away by 16:00: outside the geofence, but a drive, not an impossible journey.
    _punch(SPOOFER, "2024-04-04T07:30:00+07:00"),
    _punch(SPOOFER, "2024-04-04T09:00:00Z", "HP-SPOOFER", "MOBILE", -6.3167, 106.8456),
    # WITA: 23:30 UTC is 07:30 the next local day. Approved leave 8-9 April.
    _punch(ON_LEAVE, "2024-04-08T07:25:00+08:00", "FP-U02-01"),
    _punch(ON_LEAVE, "2024-04-08T23:30:00Z", "FP-U02-01"),  # 9 April local: on leave
    _punch(ON_LEAVE, "2024-04-09T23:30:00Z", "FP-U02-01"),  # 10 April local: back at work
    _punch(ON_LEAVE, "2024-04-15T07:25:00+08:00", "FP-U02-01"),  # leave rejected
    _punch(ON_LEAVE, "2024-04-22T07:25:00+08:00", "FP-U02-01"),  # duty travel cancelled
    _punch(ON_LEAVE, "2024-04-23T07:25:00+08:00", "FP-U02-01"),  # IZIN: not leave
    _punch(WRONG_BIRTH, "2024-03-04T08:30:00+07:00", "FP-U01-02"),
    _punch(NIK_OWNER, "2024-05-31T08:00:00+07:00", "FP-U01-02"),  # the data ends on 31 May
]

# Delivered after the first build: a punch of an old day, which the incremental punch model
# must pick up (3 km south of the office).
LATE_PRESENSI = [
    (date(2024, 6, 5), _punch(ROAMER, "2024-03-20T02:00:00Z", "HP-ROAMER", "MOBILE", -6.2358, 106.8456)),
]

IZIN = [
    _izin("IZ-1", ON_LEAVE, "CUTI_TAHUNAN", ("2024-04-08", "2024-04-09"), "DISETUJUI",
          "2024-04-01T09:00:00+08:00"),
    _izin("IZ-2", ON_LEAVE, "CUTI_SAKIT", ("2024-04-15", "2024-04-15"), "DITOLAK",
          "2024-04-12T09:00:00+08:00"),
    _izin("IZ-3", ON_LEAVE, "DINAS_LUAR", ("2024-04-22", "2024-04-22"), "DISETUJUI",
          "2024-04-16T09:00:00+08:00"),
    _izin("IZ-3", ON_LEAVE, "DINAS_LUAR", ("2024-04-22", "2024-04-22"), "DIBATALKAN",
          "2024-04-18T09:00:00+08:00"),
    _izin("IZ-4", ON_LEAVE, "IZIN", ("2024-04-23", "2024-04-23"), "DISETUJUI",
          "2024-04-19T09:00:00+08:00"),
]
# fmt: on

EXPECTED = {
    ("BUDDY_PUNCHING", BUDDY_A, BUDDY_B, None),
    ("LUAR_GEOFENCE", ROAMER, None, date(2024, 3, 20)),  # delivered late
    ("LUAR_GEOFENCE", ROAMER, None, date(2024, 4, 1)),
    ("LUAR_GEOFENCE", SPOOFER, None, date(2024, 4, 3)),
    ("LUAR_GEOFENCE", SPOOFER, None, date(2024, 4, 4)),
    ("PERJALANAN_MUSTAHIL", SPOOFER, None, date(2024, 4, 3)),
    ("PRESENSI_SAAT_CUTI", ON_LEAVE, None, date(2024, 4, 8)),
    ("PRESENSI_SAAT_CUTI", ON_LEAVE, None, date(2024, 4, 9)),
    ("NIK_GANDA", NIK_OWNER, NIK_TWIN, None),
    ("PEGAWAI_TANPA_AKTIVITAS", NIK_TWIN, None, None),
    ("NIP_TIDAK_COCOK", WRONG_BIRTH, None, None),
    ("NIP_TIDAK_COCOK", QUARANTINED, None, None),
}


def _create_raw_layer(settings: Settings) -> None:
    create_raw_layer(
        settings,
        {
            "unit_kerja": [(SNAPSHOT, u) for u in UNITS],
            "pegawai": [(SNAPSHOT, p) for p in PEGAWAI],
            "presensi": [(date(2024, 6, 1), p) for p in PRESENSI],
            "izin": [(date(2024, 4, 20), i) for i in IZIN],
        },
    )
    with connect(settings) as wh:
        ensure_audit_table(wh)
        record = {"NIP": QUARANTINED, "tanggal_lahir": "1992-12-13", "jenis_kelamin": "L",
                  "status_kepegawaian": "PNS", "nik": "3171999999990001"}  # fmt: skip
        refused = pd.DataFrame(
            [
                {
                    "batch_id": "uji-karantina",
                    "extract": "pegawai",
                    "extraction_date": SNAPSHOT,
                    "source_file": "pegawai/2024-03-01/data.csv",
                    "row_number": 12,
                    "rule": "NIP_PROFILE_MISMATCH",
                    "column_name": "nip",
                    "message": f"nip '{QUARANTINED}' does not start with tanggal_lahir",
                    "raw_record": json.dumps(record),
                    "quarantined_at": datetime(2024, 3, 1, 18, 30, tzinfo=UTC),
                }
            ]
        )
        wh.bulk_insert(QUARANTINE_TABLE, refused)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def built(request, tmp_path_factory) -> Iterator[BuiltWarehouse]:
    work = tmp_path_factory.mktemp(f"fraud_{request.param}")
    with empty_warehouse(request.param, work, "kinerja_fraud") as settings:
        _create_raw_layer(settings)
        # every seed: the staging tests upstream of the mart read the contract's code lists
        run_dbt(settings, work, "seed")
        # dim_pegawai too: the mart's relationship tests check every NIP named against it
        build = ["build", "--select", "+mart_peringatan_presensi +dim_pegawai"]
        build += ["--indirect-selection", "cautious", *WITHOUT_UNIT_TESTS]
        run_dbt(settings, work, *build)
        with connect(settings) as wh:
            wh.bulk_insert("raw.presensi", raw_frame("presensi", LATE_PRESENSI))
        run_dbt(settings, work, *build)  # incremental: only days from the late punch's are rebuilt
        yield BuiltWarehouse(settings)


def _findings(built: BuiltWarehouse) -> dict[tuple, dict]:
    frame = built.query("select * from marts.mart_peringatan_presensi")
    frame = frame.astype(object).where(frame.notna(), None)
    found = {}
    for row in frame.to_dict("records"):
        day = None if row["tanggal"] is None else pd.Timestamp(row["tanggal"]).date()
        found[(row["pola"], row["nip"], row["nip_terkait"], day)] = row
    return found


def test_every_pattern_is_found_and_every_near_miss_stays_silent(built):
    assert set(_findings(built)) == EXPECTED


def test_findings_carry_identity_evidence_and_guidance(built):
    frame = built.query("select * from marts.mart_peringatan_presensi")
    assert frame["id_peringatan"].is_unique and frame["id_peringatan"].notna().all()
    assert frame["bukti"].str.len().gt(20).all()
    assert frame["keterangan"].notna().all() and frame["tindak_lanjut"].notna().all()
    # no NIK, whichever column: the pair is named by NIPs only
    text = frame.astype(str).to_string()
    assert "3171010101010001" not in text and "3171999999990001" not in text


def test_evidence_of_punch_patterns(built):
    found = _findings(built)
    buddy = found[("BUDDY_PUNCHING", BUDDY_A, BUDDY_B, None)]
    assert (buddy["jumlah_kejadian"], buddy["id_perangkat"]) == (5, "FP-U01-01")
    assert buddy["selisih_detik"] == pytest.approx(28.0)  # (4 x 30 + 60 + 5 x 20) / 10
    assert buddy["rasio_kejadian"] == pytest.approx(1.0)
    assert pd.Timestamp(buddy["tanggal_mulai"]).date() == date(2024, 3, 4)
    assert pd.Timestamp(buddy["tanggal_selesai"]).date() == date(2024, 3, 8)
    assert "2024-03-08 07:20:00/07:21:00, 16:00:00/16:00:20 di FP-U01-01" in buddy["bukti"]

    roam = found[("LUAR_GEOFENCE", ROAMER, None, date(2024, 4, 1))]
    assert roam["jarak_m"] == pytest.approx(1501, abs=2)
    assert (roam["jumlah_kejadian"], roam["id_perangkat"]) == (1, "HP-ROAMER")
    late = found[("LUAR_GEOFENCE", ROAMER, None, date(2024, 3, 20))]
    assert late["jarak_m"] == pytest.approx(3002, abs=2)
    assert "16:00:00 HP-ROAMER" in roam["bukti"]  # 09:00 UTC is 16:00 WIB

    trip = found[("PERJALANAN_MUSTAHIL", SPOOFER, None, date(2024, 4, 3))]
    assert trip["jarak_m"] == pytest.approx(1_406_000, rel=0.01)
    assert trip["selisih_detik"] == pytest.approx(5400)
    assert trip["kecepatan_kmh"] == pytest.approx(trip["jarak_m"] / 1000 / 1.5, rel=1e-3)
    assert "07:30:00 FINGERPRINT FP-U01-01" in trip["bukti"]

    leave = found[("PRESENSI_SAAT_CUTI", ON_LEAVE, None, date(2024, 4, 9))]
    assert leave["bukti"].startswith("Izin IZ-1 (CUTI_TAHUNAN 2024-04-08 s.d. 2024-04-09)")
    assert "07:30:00 FINGERPRINT FP-U02-01" in leave["bukti"]  # local WITA time


def test_evidence_of_ghost_employee_patterns(built):
    found = _findings(built)
    twin = found[("NIK_GANDA", NIK_OWNER, NIK_TWIN, None)]
    assert twin["jumlah_kejadian"] == 2 and "unit U02" in twin["bukti"]
    silent = found[("PEGAWAI_TANPA_AKTIVITAS", NIK_TWIN, None, None)]
    # the data runs from the first punch (4 March) to the last (31 May): 89 days
    assert silent["jumlah_kejadian"] == 89
    assert pd.Timestamp(silent["tanggal_mulai"]).date() == date(2024, 3, 4)
    refused = found[("NIP_TIDAK_COCOK", QUARANTINED, None, None)]
    assert "NIP_PROFILE_MISMATCH" in refused["bukti"]
    wrong = found[("NIP_TIDAK_COCOK", WRONG_BIRTH, None, None)]
    assert wrong["bukti"] == "Snapshot 2024-03-01: PNS dengan NIP tidak cocok: TANGGAL_LAHIR"
