"""A NIP that disagrees with the profile is a finding, not a disappearance (issue 16, item 6).

Through the real loader and dbt, on both targets: a PNS whose NIP contradicts the profile loads,
stays in dim_pegawai and is flagged NIP_TIDAK_COCOK with the parts that disagree; a NIP that
cannot identify anyone (not 18 digits) is still quarantined, with its file, row and rule.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.landing import deliver
from support.raw_layer import RAW_METADATA_DDL
from support.warehouse import WITHOUT_UNIT_TESTS, BuiltWarehouse, run_dbt

from kinerja.contract.extracts import EXTRACTS
from kinerja.load import load_night
from kinerja.settings import Settings
from kinerja.warehouse import connect

DAY = date(2024, 3, 1)
MATCHING = "198501012010011001"  # agrees with its profile in every part
WRONG_BIRTH = "198910102009011010"  # the profile says born 1989-10-11
WRONG_TMT_AND_SEQUENCE = "199002022011012000"  # TMT CPNS 2015-01 in the profile; sequence 000
PPPK = "199505052024031004"  # another scheme: never read as a PNS number

HEADER = (
    "nip,nik,nama,jenis_kelamin,tanggal_lahir,status_kepegawaian,golongan,jenis_jabatan,"
    "nama_jabatan,kode_unit,nip_atasan,pendidikan,tmt_cpns,tmt_jabatan,status_aktif,email,no_hp"
)
# fmt: off
PEGAWAI_ROWS = [
    f"{MATCHING},3171198501010001,Agus,L,1985-01-01,PNS,III/b,PELAKSANA,Analis,U01,,S1,2010-01-01,2020-01-01,AKTIF,,",
    f"{WRONG_BIRTH},3171198910100002,Bayu,L,1989-10-11,PNS,III/a,PELAKSANA,Analis,U01,,S1,2009-01-01,2020-01-01,AKTIF,,",
    f"{WRONG_TMT_AND_SEQUENCE},3171199002020003,Citra,P,1990-02-02,PNS,II/c,PELAKSANA,Analis,U01,,D3,2015-01-01,2020-01-01,AKTIF,,",
    f"{PPPK},3171199505050004,Dewi,L,1999-09-09,PPPK,IX,FUNGSIONAL,Analis,U01,,S1,2024-03-01,2024-03-01,AKTIF,,",
    "19850101201001100,3171198501010005,Eko,L,1985-01-01,PNS,III/b,PELAKSANA,Analis,U01,,S1,2010-01-01,2020-01-01,AKTIF,,",
    "19850101201001100X,3171198501010006,Fitri,P,1985-01-01,PNS,III/b,PELAKSANA,Analis,U01,,S1,2010-01-01,2020-01-01,AKTIF,,",
]
# fmt: on
UNIT = (
    "kode_unit,nama_unit,kode_unit_induk,instansi,zona_waktu,lat,lon,radius_presensi_m\n"
    "U01,Biro Umum,,Contoh,WIB,-6.2088,106.8456,100\n"
)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(request, tmp_path, kinerja_home, monkeypatch) -> BuiltWarehouse:
    monkeypatch.setenv("KINERJA_TARGET", request.param)
    if request.param == "postgres":
        monkeypatch.setenv("KINERJA_PG_DATABASE", request.getfixturevalue("pg_database"))
    landing = tmp_path / "landing"
    for extract, text in {
        "pegawai": "\n".join([HEADER, *PEGAWAI_ROWS]) + "\n",
        "unit_kerja": UNIT,
    }.items():
        deliver(landing, extract, DAY, f"{extract}.csv", text)
    monkeypatch.setenv("KINERJA_LANDING", str(landing))
    settings = Settings()
    night = load_night(settings, DAY, catch_up=False)
    assert {o.extract: o.status for o in night.outcomes} == {
        "pegawai": "LOADED",
        "unit_kerja": "LOADED",
    }
    # the extracts nobody delivered: empty raw tables, as the loader would create them
    with connect(settings) as wh:
        for name, extract in EXTRACTS.items():
            ddl = [f'"{c}" text' for c in extract.column_names]
            ddl += [f"{c} {kind}" for c, kind in RAW_METADATA_DDL.items()]
            wh.execute(f"create table if not exists raw.{name} ({', '.join(ddl)})")
    run_dbt(settings, tmp_path, "seed")
    build = ["build", "--select", "+mart_peringatan_presensi +dim_pegawai"]
    run_dbt(settings, tmp_path, *build, "--indirect-selection", "cautious", *WITHOUT_UNIT_TESTS)
    return BuiltWarehouse(settings)


def test_a_nip_disagreeing_with_the_profile_loads_and_is_flagged(loaded):
    quarantine = loaded.query(
        "select source_file, row_number, rule, column_name, message from raw.quarantine"
    )
    # only the NIPs that cannot identify anyone: 17 digits (row 5) and a letter (row 6)
    assert sorted(quarantine[["row_number", "rule"]].itertuples(index=False, name=None)) == [
        (5, "INVALID_NIP"),
        (6, "INVALID_NIP"),
    ]
    for refused in quarantine.to_dict("records"):
        assert refused["source_file"].endswith("pegawai/2024-03-01/pegawai.csv")
        assert refused["column_name"] == "nip" and "18 digits" in refused["message"], refused

    dim = loaded.query("select nip from marts.dim_pegawai")
    assert set(dim["nip"]) == {MATCHING, WRONG_BIRTH, WRONG_TMT_AND_SEQUENCE, PPPK}

    flagged = loaded.query(
        "select nip, bukti from marts.mart_peringatan_presensi where pola = 'NIP_TIDAK_COCOK'"
    )
    assert dict(zip(flagged["nip"], flagged["bukti"], strict=True)) == {
        WRONG_BIRTH: "Snapshot 2024-03-01: PNS dengan NIP tidak cocok: TANGGAL_LAHIR",
        WRONG_TMT_AND_SEQUENCE: "Snapshot 2024-03-01: PNS dengan NIP tidak cocok: "
        "TMT_CPNS,NOMOR_URUT",
    }
    parts = loaded.query(
        "select nip, bagian_tidak_cocok from intermediate.int_peringatan__nip_tidak_cocok"
    )
    assert dict(zip(parts["nip"], parts["bagian_tidak_cocok"], strict=True)) == {
        WRONG_BIRTH: "TANGGAL_LAHIR",
        WRONG_TMT_AND_SEQUENCE: "TMT_CPNS,NOMOR_URUT",
    }
