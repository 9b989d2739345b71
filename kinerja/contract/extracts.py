"""The source extract contract (version 1), declared once.

The loader, the Great Expectations suites, the synthetic generator and the user docs all read
these declarations; nothing else may restate a column list or a code set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

CONTRACT_VERSION = 2  # 2: row-level rules (date sanity, numeric bounds, NIP profile)

# Longest value accepted in any column; longer ones are quarantined (VALUE_TOO_LONG).
DEFAULT_MAX_VALUE_LENGTH = 4000


class Kind(StrEnum):
    """How a column's text is to be read. Raw tables keep text; staging casts by kind."""

    TEXT = "text"
    NIP = "nip"  # 18 digits
    NIK = "nik"  # 16 digits
    DATE = "date"  # ISO YYYY-MM-DD
    TIMESTAMP = "timestamp"  # ISO-8601, offset expected
    INTEGER = "integer"
    DECIMAL = "decimal"
    CODE = "code"  # one of Column.codes, case-insensitive on input


class Delivery(StrEnum):
    SNAPSHOT = "snapshot"  # each delivery is the full current state
    INCREMENTAL = "incremental"  # new/changed rows; a later version of a key replaces the earlier


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = True
    codes: tuple[str, ...] = ()
    key: bool = False
    personal: bool = False  # direct identifier: stays in restricted layers
    description: str = ""
    # Date sanity: how many days after the extraction date a value may lie (None: no limit), and
    # the column of the same row this one may not precede (an end date and its start date).
    future_days: int | None = None
    not_before: str | None = None
    # Numeric bounds; `minimum_exclusive` makes the minimum itself out of range (jp > 0).
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    range_rule: str = "VALUE_OUT_OF_RANGE"


@dataclass(frozen=True)
class Extract:
    name: str
    delivery: Delivery
    columns: tuple[Column, ...]
    description: str = ""
    version_column: str | None = None  # for incremental upserts: newest version wins
    extra_rules: tuple[str, ...] = field(default=())
    # Deliveries of about the same size night after night (a snapshot, the day's punches): the
    # night judges each one's row count against the recent ones (kinerja.quality.deliveries).
    # Records made in bursts (assessments at a period's end, a course's participants, rosters
    # published for weeks ahead) swing by nature, and a row-count check would only cry wolf.
    steady_volume: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def key_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.key]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


ZONA_WAKTU = ("WIB", "WITA", "WIT")
UTC_OFFSET_HOURS = {"WIB": 7, "WITA": 8, "WIT": 9}

JENIS_KELAMIN = ("L", "P")
STATUS_KEPEGAWAIAN = ("CPNS", "PNS", "PPPK")
GOLONGAN_PNS = (
    "I/a", "I/b", "I/c", "I/d",
    "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
)  # fmt: skip
GOLONGAN_PPPK = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip
JENIS_JABATAN = ("JPT", "ADMINISTRATOR", "PENGAWAS", "FUNGSIONAL", "PELAKSANA")
PENDIDIKAN = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
STATUS_AKTIF = ("AKTIF", "CLTN", "PENSIUN", "BERHENTI", "MENINGGAL")
SUMBER_PRESENSI = ("FINGERPRINT", "FACE", "MOBILE", "MANUAL")
JENIS_IZIN = (
    "CUTI_TAHUNAN", "CUTI_SAKIT", "CUTI_BESAR", "CUTI_MELAHIRKAN",
    "CUTI_ALASAN_PENTING", "CLTN", "DINAS_LUAR", "IZIN",
)  # fmt: skip
STATUS_IZIN = ("DIAJUKAN", "DISETUJUI", "DITOLAK", "DIBATALKAN")
PERIODE_SKP = (*(f"B{month:02d}" for month in range(1, 13)), "TW1", "TW2", "TW3", "TW4", "TAHUNAN")
# Ratings arrive as SIASN codes or as words; both map to the code (1 above, 2 as, 3 below).
RATING_CODES = ("1", "2", "3")
RATING_WORDS = {
    "DI ATAS EKSPEKTASI": "1",
    "DIATAS EKSPEKTASI": "1",
    "SESUAI EKSPEKTASI": "2",
    "DI BAWAH EKSPEKTASI": "3",
    "DIBAWAH EKSPEKTASI": "3",
}
PREDIKAT_CODES = ("1", "2", "3", "4", "5")
CAPAIAN_ORGANISASI = ("ISTIMEWA", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
JENIS_PELATIHAN = ("KLASIKAL", "NONKLASIKAL")
TINGKAT_HUKDIS = ("RINGAN", "SEDANG", "BERAT")


def _code(
    name: str, codes: tuple[str, ...], required: bool = True, description: str = ""
) -> Column:
    return Column(name, Kind.CODE, required=required, codes=codes, description=description)


def _employee_nip() -> Column:
    # Every record about an employee names them the same way; only pegawai has nip as its key.
    return Column("nip", Kind.NIP, personal=True, description="Employee number")


def _latitude(description: str) -> Column:
    return Column(
        "lat",
        Kind.DECIMAL,
        required=False,
        minimum=-90,
        maximum=90,
        range_rule="LAT_LON_OUT_OF_RANGE",
        description=description,
    )


def _longitude(description: str) -> Column:
    return Column(
        "lon",
        Kind.DECIMAL,
        required=False,
        minimum=-180,
        maximum=180,
        range_rule="LAT_LON_OUT_OF_RANGE",
        description=description,
    )


UNIT_KERJA = Extract(
    name="unit_kerja",
    delivery=Delivery.SNAPSHOT,
    description="Organisation tree, full snapshot.",
    columns=(
        Column("kode_unit", key=True, description="Unit code"),
        Column("nama_unit", description="Unit name"),
        Column("kode_unit_induk", required=False, description="Parent unit; empty at the root"),
        Column("instansi", description="Agency"),
        _code(
            "zona_waktu",
            ZONA_WAKTU,
            description="Time zone of the unit (WIB +07, WITA +08, WIT +09)",
        ),
        _latitude("Latitude of the office"),
        _longitude("Longitude of the office"),
        Column(
            "radius_presensi_m",
            Kind.INTEGER,
            required=False,
            minimum=0,
            description="Geofence radius for mobile attendance, metres",
        ),
    ),
)

PEGAWAI = Extract(
    name="pegawai",
    delivery=Delivery.SNAPSHOT,
    description="Employees: full snapshot of everyone active or changed in the last year.",
    extra_rules=(
        (
            "For PNS and CPNS the NIP's birth date, TMT CPNS year-month and sex digits should "
            "agree with tanggal_lahir, tmt_cpns and jenis_kelamin, and its sequence be 001 or "
            "more: a disagreement is a finding (NIP_PROFILE_MISMATCH), the row still loads."
        ),
    ),
    columns=(
        Column("nip", Kind.NIP, key=True, personal=True, description="Employee number, 18 digits"),
        Column("nik", Kind.NIK, personal=True, description="National identity number, 16 digits"),
        Column("nama", personal=True, description="Full name"),
        _code("jenis_kelamin", JENIS_KELAMIN, description="Sex: L male, P female"),
        Column("tanggal_lahir", Kind.DATE, personal=True, future_days=0, description="Birth date"),
        _code("status_kepegawaian", STATUS_KEPEGAWAIAN, description="CPNS, PNS or PPPK"),
        _code(
            "golongan",
            GOLONGAN_PNS + GOLONGAN_PPPK,
            description="Grade: I/a..IV/e (PNS, CPNS), I..XVII (PPPK)",
        ),
        _code("jenis_jabatan", JENIS_JABATAN, description="Position type"),
        Column("nama_jabatan", description="Position title"),
        Column("kode_unit", description="Unit code"),
        Column("nip_atasan", Kind.NIP, required=False, description="Direct supervisor's NIP"),
        _code("pendidikan", PENDIDIKAN, description="Highest education"),
        Column("tmt_cpns", Kind.DATE, future_days=0, description="Start date as CPNS"),
        Column("tmt_jabatan", Kind.DATE, description="Start date in the current position"),
        _code("status_aktif", STATUS_AKTIF, description="Employment status"),
        Column("email", required=False, personal=True, description="E-mail address"),
        Column("no_hp", required=False, personal=True, description="Mobile number"),
    ),
)

PRESENSI = Extract(
    name="presensi",
    delivery=Delivery.INCREMENTAL,
    description="Raw attendance punches of the day. No key: a repeated punch counts once.",
    columns=(
        _employee_nip(),
        Column(
            "waktu",
            Kind.TIMESTAMP,
            future_days=1,
            description="Punch time, ISO-8601 with offset",
        ),
        _code("sumber", SUMBER_PRESENSI, description="Punch source"),
        Column("id_perangkat", required=False, description="Device id"),
        _latitude("Latitude (MOBILE only)"),
        _longitude("Longitude (MOBILE only)"),
    ),
)

IZIN = Extract(
    name="izin",
    delivery=Delivery.INCREMENTAL,
    version_column="diperbarui_pada",
    description="Leave, duty travel and permits; a later version of an id_izin replaces the earlier.",
    columns=(
        Column("id_izin", key=True, description="Leave record id"),
        _employee_nip(),
        _code("jenis", JENIS_IZIN, description="Kind of leave or permit"),
        Column("tanggal_mulai", Kind.DATE, description="First day"),
        Column("tanggal_selesai", Kind.DATE, not_before="tanggal_mulai", description="Last day"),
        _code(
            "status", STATUS_IZIN, description="Approval status; only DISETUJUI is a valid reason"
        ),
        Column("diperbarui_pada", Kind.TIMESTAMP, description="Last update time in the source"),
    ),
)

SKP = Extract(
    name="skp",
    delivery=Delivery.INCREMENTAL,
    steady_volume=False,
    version_column="diperbarui_pada",
    description="Periodic and annual performance results (e-Kinerja).",
    columns=(
        Column("id_penilaian", key=True, description="Assessment id"),
        _employee_nip(),
        Column("nip_penilai", Kind.NIP, required=False, description="Rater's NIP"),
        Column("tahun", Kind.INTEGER, description="Year"),
        _code("periode", PERIODE_SKP, description="B01..B12 (monthly), TW1..TW4 or TAHUNAN"),
        _code(
            "rating_hasil_kerja",
            RATING_CODES,
            description="Result rating: 1 above, 2 as, 3 below expectation (words accepted)",
        ),
        _code("rating_perilaku_kerja", RATING_CODES, description="Behaviour rating, same scale"),
        _code(
            "predikat",
            PREDIKAT_CODES,
            description="Predikat as the source computed it: 1 Sangat Baik .. 5 Sangat Kurang",
        ),
        _code(
            "capaian_organisasi",
            CAPAIAN_ORGANISASI,
            required=False,
            description="The unit's result for the period",
        ),
        Column("tanggal_penilaian", Kind.DATE, future_days=0, description="Assessment date"),
        Column("diperbarui_pada", Kind.TIMESTAMP, description="Last update time in the source"),
    ),
)

PELATIHAN = Extract(
    name="pelatihan",
    delivery=Delivery.INCREMENTAL,
    steady_volume=False,
    description="Competency development (training) records.",
    columns=(
        Column("id_pelatihan", key=True, description="Training record id"),
        _employee_nip(),
        Column("nama_pelatihan", description="Training name"),
        _code("jenis", JENIS_PELATIHAN, description="KLASIKAL or NONKLASIKAL"),
        Column("tanggal_mulai", Kind.DATE, description="Start date"),
        Column("tanggal_selesai", Kind.DATE, not_before="tanggal_mulai", description="End date"),
        Column(
            "jp",
            Kind.DECIMAL,
            minimum=0,
            minimum_exclusive=True,
            description="Lesson hours (jam pelajaran), > 0",
        ),
    ),
)

HUKUMAN_DISIPLIN = Extract(
    name="hukuman_disiplin",
    delivery=Delivery.INCREMENTAL,
    steady_volume=False,
    description="Disciplinary sanctions.",
    columns=(
        Column("id_hukdis", key=True, description="Sanction id"),
        _employee_nip(),
        _code("tingkat", TINGKAT_HUKDIS, description="Level: RINGAN, SEDANG, BERAT"),
        Column("jenis_hukuman", description="Kind of sanction"),
        Column("tanggal_sk", Kind.DATE, future_days=0, description="Decree date"),
        Column("tmt_mulai", Kind.DATE, description="Effective from"),
        Column(
            "masa_bulan",
            Kind.INTEGER,
            required=False,
            minimum=0,
            description="Duration in months",
        ),
        Column("alasan", description="Reason"),
    ),
)

JADWAL_SHIFT = Extract(
    name="jadwal_shift",
    delivery=Delivery.INCREMENTAL,
    steady_volume=False,
    version_column="diperbarui_pada",
    description=(
        "Shift roster: the delivered schedule of an employee-day, for units that work shifts "
        "(hospitals, prisons, 24-hour services). One row per scheduled shift; a day without a "
        "row is not a working day of the employee. A later version of an id_jadwal replaces the "
        "earlier. Only read for units on the SHIFT pattern (dbt seed pola_kerja_unit)."
    ),
    columns=(
        Column("id_jadwal", key=True, description="Roster entry id"),
        _employee_nip(),
        Column("tanggal", Kind.DATE, description="The day the shift belongs to (its start, local)"),
        Column(
            "kode_shift",
            required=False,
            description="The source's name of the shift (e.g. PAGI, SIANG, MALAM)",
        ),
        Column(
            "waktu_mulai",
            Kind.TIMESTAMP,
            description="Scheduled start, ISO-8601; without offset the unit's local time",
        ),
        Column(
            "waktu_selesai",
            Kind.TIMESTAMP,
            not_before="waktu_mulai",
            description="Scheduled end, ISO-8601 (the next day for a night shift)",
        ),
        Column("diperbarui_pada", Kind.TIMESTAMP, description="Last update time in the source"),
    ),
)

EXTRACTS: dict[str, Extract] = {
    e.name: e
    for e in (
        UNIT_KERJA, PEGAWAI, PRESENSI, IZIN, SKP, PELATIHAN, HUKUMAN_DISIPLIN, JADWAL_SHIFT,
    )
}  # fmt: skip

# Columns the loader adds to every raw table; the leading underscore keeps them apart from
# source columns, which never start with one.
RAW_METADATA_COLUMNS = (
    "_batch_id",
    "_extraction_date",
    "_source_file",
    "_row_number",
    "_loaded_at",
    "_extra",
)


def get_extract(name: str) -> Extract:
    try:
        return EXTRACTS[name]
    except KeyError:
        raise KeyError(f"unknown extract {name!r}; the contract has {sorted(EXTRACTS)}") from None
