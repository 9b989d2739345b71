"""A hand-made agency of six employees in three time zones, as its raw layer would hold it.

Every extract's rows are (extraction date, row as delivered), values text as a source writes them.
The dbt tests build it on both targets; the point-in-time test plants later rows on top of it.
"""

from __future__ import annotations

from datetime import date

NIP_A = "198501012010011001"  # PNS, WIB unit, stays active
NIP_B = "199002022015012002"  # PNS, WITA unit
NIP_C = "197003032000031003"  # PNS, retired (PENSIUN) in the April snapshot
NIP_D = "199505052024031004"  # PPPK, WIT unit, appointed 2024-03-01
# Colleagues from the April snapshot on: their punches cover their unit's days (coverage is per
# unit), so that A's and B's unexcused days stay judged.
NIP_E = "198806062024041005"  # PNS, WIB unit (U01), appointed 2024-04-01
NIP_F = "199107072024042006"  # PNS, WITA unit (U02), appointed 2024-04-01

SNAPSHOT_JAN = date(2024, 1, 5)
SNAPSHOT_APR = date(2024, 4, 1)

# ---------------------------------------------------------------------------------------------
# The raw layer: (extraction date, row as delivered) per extract. Values are text, as delivered.
# ---------------------------------------------------------------------------------------------

# fmt: off
UNITS = [
    {"kode_unit": "U01", "nama_unit": "Biro Umum", "kode_unit_induk": None,
     "instansi": "Pemprov Contoh", "zona_waktu": "WIB", "lat": "-6,2088", "lon": "106.8456",
     "radius_presensi_m": "100"},
    {"kode_unit": "U02", "nama_unit": "UPT Makassar", "kode_unit_induk": "U01",
     "instansi": "Pemprov Contoh", "zona_waktu": "wita", "lat": "-5.1477", "lon": "119.4327",
     "radius_presensi_m": "150"},
    {"kode_unit": "U03", "nama_unit": "UPT Jayapura", "kode_unit_induk": "U01",
     "instansi": "Pemprov Contoh", "zona_waktu": "WIT", "lat": None, "lon": None,
     "radius_presensi_m": None},
]


def employee(nip, nama, jk, lahir, status, golongan, jabatan, unit, pendidikan, tmt_cpns,
              tmt_jabatan, atasan=None):
    return {"nip": nip, "nik": "3171" + nip[:12], "nama": nama, "jenis_kelamin": jk,
            "tanggal_lahir": lahir, "status_kepegawaian": status, "golongan": golongan,
            "jenis_jabatan": jabatan, "nama_jabatan": f"Jabatan {nama}", "kode_unit": unit,
            "nip_atasan": atasan, "pendidikan": pendidikan, "tmt_cpns": tmt_cpns,
            "tmt_jabatan": tmt_jabatan, "status_aktif": "AKTIF",
            "email": f"{nama.lower()}@contoh.go.id", "no_hp": "081234567890"}


EMPLOYEE_A = employee(NIP_A, "Agus", "L", "1985-01-01", "PNS", "iii/b", "fungsional", "U01",
                       "S1", "2010-01-01", "2020-01-01", atasan=NIP_C)
EMPLOYEE_B = employee(NIP_B, "Butet", "P", "1990-02-02", "PNS", "II/c", "PELAKSANA", "U02",
                       "D3", "2015-01-01", "2024-05-01")
EMPLOYEE_C = employee(NIP_C, "Cahyo", "L", "1970-03-03", "PNS", "IV/a", "ADMINISTRATOR", "U01",
                       "S2", "2000-03-01", "2015-06-01")
EMPLOYEE_D = employee(NIP_D, "Dewi", "P", "1995-05-05", "PPPK", "ix", "FUNGSIONAL", "U03",
                       "S1", "2024-03-01", "2024-03-01")
EMPLOYEE_E = employee(NIP_E, "Eko", "L", "1988-06-06", "PNS", "III/a", "PELAKSANA", "U01",
                       "S1", "2024-04-01", "2024-04-01")
EMPLOYEE_F = employee(NIP_F, "Fitri", "P", "1991-07-07", "PNS", "II/c", "PELAKSANA", "U02",
                       "D3", "2024-04-01", "2024-04-01")

PEGAWAI = [
    (SNAPSHOT_JAN, EMPLOYEE_A), (SNAPSHOT_JAN, EMPLOYEE_B), (SNAPSHOT_JAN, EMPLOYEE_C),
    (SNAPSHOT_APR, EMPLOYEE_A), (SNAPSHOT_APR, EMPLOYEE_B),
    (SNAPSHOT_APR, {**EMPLOYEE_C, "status_aktif": "PENSIUN"}), (SNAPSHOT_APR, EMPLOYEE_D),
    (SNAPSHOT_APR, EMPLOYEE_E), (SNAPSHOT_APR, EMPLOYEE_F),
]


def punch(nip, waktu):
    return {"nip": nip, "waktu": waktu, "sumber": "FINGERPRINT", "id_perangkat": "DEV-1",
            "lat": None, "lon": None}


# Covered days: every date below that has a delivery. 2024-02-09 is cuti bersama (not judged).
PRESENSI = [
    (date(2024, 1, 8), punch(NIP_A, "2024-01-08T07:25:00+07:00")),
    (date(2024, 1, 8), punch(NIP_A, "2024-01-08T16:05:00+07:00")),
    # WITA unit, delivered with a WIB offset: 07:45 WIB is 08:45 WITA, 75 minutes late.
    (date(2024, 1, 8), punch(NIP_B, "2024-01-08T07:45:00+07:00")),
    (date(2024, 1, 8), punch(NIP_C, "2024-01-08T07:00:00+07:00")),
    (date(2024, 1, 8), punch(NIP_C, "2024-01-08T16:30:00+07:00")),
    (date(2024, 2, 9), punch(NIP_A, "2024-02-09T07:30:00+07:00")),
    # Friday: work ends 16:30, so 16:15 is 15 minutes early; the same clock on Monday is not.
    (date(2024, 3, 1), punch(NIP_A, "2024-03-01T07:20:00+07:00")),
    (date(2024, 3, 1), punch(NIP_A, "2024-03-01T16:15:00+07:00")),
    (date(2024, 3, 1), punch(NIP_B, "2024-03-01 07:29:00")),  # no offset: the unit's zone (WITA)
    (date(2024, 3, 1), punch(NIP_B, "2024-03-01T08:30:00Z")),  # 16:30 WITA
    (date(2024, 3, 1), punch(NIP_D, "2024-03-01T07:30:00+09:00")),  # single punch
    (date(2024, 3, 4), punch(NIP_A, "2024-03-04T07:20:00+07:00")),
    (date(2024, 3, 4), punch(NIP_A, "2024-03-04T16:15:00+07:00")),
    (date(2024, 3, 28), punch(NIP_D, "2024-03-28T07:00:00+09:00")),
    (date(2024, 3, 28), punch(NIP_D, "2024-03-28T16:00:00+09:00")),
    (date(2024, 4, 22), punch(NIP_A, "2024-04-22T07:40:30+07:00")),
    (date(2024, 4, 22), punch(NIP_A, "2024-04-22T07:40:30+07:00")),  # repeated punch
    (date(2024, 4, 22), punch(NIP_A, "2024-04-22T16:00:00+07:00")),
    (date(2024, 6, 28), punch(NIP_D, "2024-06-28T07:30:00+09:00")),
    (date(2024, 6, 28), punch(NIP_D, "2024-06-28T16:30:00+09:00")),
    (date(2024, 7, 1), punch(NIP_A, "2024-07-01T07:30:00+07:00")),
    (date(2024, 7, 1), punch(NIP_A, "2024-07-01T16:00:00+07:00")),
    # The same instant again, written in another zone and delivered a night later.
    (date(2024, 7, 2), punch(NIP_A, "2024-07-01T08:30:00+08:00")),
    # Mobile punches of a U01 employee (office -6.2088, 106.8456, radius 100 m): one at the
    # office, one about 1.2 km south: outside the geofence.
    (date(2024, 1, 8), {**punch(NIP_C, "2024-01-08T10:00:00+07:00"), "sumber": "MOBILE",
                        "lat": "-6.2088", "lon": "106.8456"}),
    (date(2024, 1, 8), {**punch(NIP_C, "2024-01-08T12:00:00+07:00"), "sumber": "MOBILE",
                        "lat": "-6.2200", "lon": "106.8456"}),
    # Colleagues present: a unit is judged on a day only when one of its employees punched, so
    # A's and B's unexcused days below are covered days of their units.
    (date(2024, 4, 22), punch(NIP_F, "2024-04-22T07:25:00+08:00")),
    (date(2024, 6, 28), punch(NIP_E, "2024-06-28T07:25:00+07:00")),
    (date(2024, 6, 28), punch(NIP_F, "2024-06-28T07:25:00+08:00")),
    (date(2024, 7, 1), punch(NIP_F, "2024-07-01T07:25:00+08:00")),
    (date(2024, 7, 2), punch(NIP_E, "2024-07-02T07:25:00+07:00")),
    (date(2024, 7, 2), punch(NIP_F, "2024-07-02T07:25:00+08:00")),
]
# Delivered after the first build: a late punch for an old day (outside the lookback window).
# 2024-03-28 is in Ramadan: work starts 08:00 (Perpres 21/2023), so 08:20 is 20 minutes late.
LATE_PRESENSI = [
    (date(2024, 7, 3), punch(NIP_B, "2024-03-28T08:20:00+08:00")),
    (date(2024, 7, 3), punch(NIP_E, "2024-07-03T07:25:00+07:00")),
    (date(2024, 7, 3), punch(NIP_F, "2024-07-03T07:25:00+08:00")),
]


def izin(id_izin, nip, jenis, mulai, selesai, status, diperbarui):
    return {"id_izin": id_izin, "nip": nip, "jenis": jenis, "tanggal_mulai": mulai,
            "tanggal_selesai": selesai, "status": status, "diperbarui_pada": diperbarui}


IZIN = [
    (date(2024, 3, 20), izin("IZ-1", NIP_A, "cuti_tahunan", "2024-03-28", "2024-03-28",
                              "DISETUJUI", "2024-03-20T10:00:00+07:00")),
    # Rejected leave: the day stays absent without valid reason.
    (date(2024, 6, 20), izin("IZ-2", NIP_A, "CUTI_TAHUNAN", "2024-06-28", "2024-06-28",
                              "DITOLAK", "2024-06-20T10:00:00+07:00")),
    # Submitted, then approved in a later version delivered a night later: the approval counts.
    (date(2024, 3, 1), izin("IZ-3", NIP_B, "DINAS_LUAR", "2024-03-04", "2024-03-05",
                             "DIAJUKAN", "2024-03-01T09:00:00+08:00")),
    (date(2024, 3, 2), izin("IZ-3", NIP_B, "DINAS_LUAR", "2024-03-04", "2024-03-05",
                             "DISETUJUI", "2024-03-02T09:00:00+08:00")),
    # Approved, then cancelled: no longer a valid reason.
    (date(2024, 4, 10), izin("IZ-4", NIP_B, "IZIN", "2024-04-22", "2024-04-22",
                              "DISETUJUI", "2024-04-10T09:00:00+08:00")),
    (date(2024, 4, 12), izin("IZ-4", NIP_B, "IZIN", "2024-04-22", "2024-04-22",
                              "DIBATALKAN", "2024-04-12T09:00:00+08:00")),
]


def skp(id_penilaian, nip, tahun, periode, hasil, perilaku, predikat, dinilai, diperbarui):
    return {"id_penilaian": id_penilaian, "nip": nip, "nip_penilai": NIP_C, "tahun": tahun,
            "periode": periode, "rating_hasil_kerja": hasil, "rating_perilaku_kerja": perilaku,
            "predikat": predikat, "capaian_organisasi": "BAIK", "tanggal_penilaian": dinilai,
            "diperbarui_pada": diperbarui}


SKP = [
    (date(2024, 1, 15), skp("SKP-A-2023-TW4", NIP_A, "2023", "TW4", "1", "1", "1",
                             "2024-01-15", "2024-01-15T09:00:00+07:00")),
    (date(2024, 1, 20), skp("SKP-A-2023-TAHUNAN", NIP_A, "2023", "tahunan", "2", "2", "2",
                             "2024-01-20", "2024-01-20T09:00:00+07:00")),
    # Words instead of codes; the source says Butuh Perbaikan (3), the matrix says Kurang (4).
    (date(2024, 4, 10), skp("SKP-A-2024-TW1", NIP_A, "2024", "TW1", "Sesuai Ekspektasi",
                             "di bawah  ekspektasi", "3", "2024-04-10",
                             "2024-04-10T09:00:00+07:00")),
    # Assessed after the end of TW2: a label for TW1, never a TW2 feature.
    (date(2024, 7, 5), skp("SKP-A-2024-TW2", NIP_A, "2024", "TW2", "3", "2", "3",
                            "2024-07-05", "2024-07-05T09:00:00+07:00")),
    # Two versions of one record: the later diperbarui_pada wins.
    (date(2024, 4, 5), skp("SKP-B-2024-TW1", NIP_B, "2024", "TW1", "2", "2", "2",
                            "2024-04-05", "2024-04-05T10:00:00+08:00")),
    (date(2024, 4, 6), skp("SKP-B-2024-TW1", NIP_B, "2024", "TW1", "1", "1", "1",
                            "2024-04-06", "2024-04-06T10:00:00+08:00")),
]

PELATIHAN = [
    (date(2023, 5, 21), {"id_pelatihan": "PL-1", "nip": NIP_A, "nama_pelatihan": "Latsar",
                         "jenis": "KLASIKAL", "tanggal_mulai": "2023-05-01",
                         "tanggal_selesai": "2023-05-20", "jp": "40"}),
    (date(2024, 5, 11), {"id_pelatihan": "PL-2", "nip": NIP_A, "nama_pelatihan": "Analisis Data",
                         "jenis": "nonklasikal", "tanggal_mulai": "2024-05-06",
                         "tanggal_selesai": "2024-05-10", "jp": "12,5"}),
]

HUKUMAN_DISIPLIN = [
    (date(2022, 8, 2), {"id_hukdis": "HD-1", "nip": NIP_B, "tingkat": "RINGAN",
                        "jenis_hukuman": "Teguran lisan", "tanggal_sk": "2022-08-01",
                        "tmt_mulai": "2022-08-01", "masa_bulan": None,
                        "alasan": "Terlambat berulang"}),
    (date(2024, 5, 16), {"id_hukdis": "HD-2", "nip": NIP_B, "tingkat": "sedang",
                         "jenis_hukuman": "Pemotongan tukin", "tanggal_sk": "2024-05-15",
                         "tmt_mulai": "2024-06-01", "masa_bulan": "6",
                         "alasan": "Tanpa keterangan"}),
]
# fmt: on

# Days delivered as a header-only file: the source said there was nothing new. 2023 had no
# sanction; without this delivery nobody could tell that from a year never delivered.
HEADER_ONLY = {"hukuman_disiplin": [date(2023, 12, 29)]}

RAW = {
    "unit_kerja": [(SNAPSHOT_JAN, u) for u in UNITS],
    "pegawai": PEGAWAI,
    "presensi": PRESENSI,
    "izin": IZIN,
    "skp": SKP,
    "pelatihan": PELATIHAN,
    "hukuman_disiplin": HUKUMAN_DISIPLIN,
}
