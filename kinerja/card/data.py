"""What a card shows, read in a login's scoped session (kinerja.warehouse.access.scoped_session).

Every query of a restricted mart keeps to `nip in (select nip from terlihat)`: the employees this
login may see. On PostgreSQL row-level security refuses other rows as well; on DuckDB this filter
is the only guard, so no query here may leave it out (tests/e2e/test_card_browser_duckdb.py).

A card's year is the year of the employee's latest attendance day in the warehouse (the data's
"now", which trails the calendar by a night and, in the demo, by years).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from kinerja.warehouse import Warehouse

IN_SCOPE = "nip in (select nip from terlihat)"
RECENT_DAYS = 10
# The order statuses are listed in, as the attendance mart's status codes (seed status_presensi).
STATUS_ORDER = (
    "HADIR",
    "TERLAMBAT",
    "PULANG_CEPAT",
    "CUTI",
    "IZIN",
    "DINAS_LUAR",
    "TANPA_KETERANGAN",
)


@dataclass(frozen=True)
class Pegawai:
    nip: str
    nama: str
    nama_jabatan: str | None
    nama_unit: str | None
    kode_unit: str | None
    status_kepegawaian: str | None
    golongan: str | None


@dataclass(frozen=True)
class Skor:
    skor: float
    band: str
    alasan: tuple[str, ...]
    periode: str
    tanggal_data: date
    model_name: str
    model_version: str


@dataclass(frozen=True)
class HariPresensi:
    tanggal: date
    status: str
    jam_masuk: str | None
    jam_pulang: str | None
    menit_terlambat: int | None
    menit_pulang_cepat: int | None
    zona_waktu: str | None


@dataclass(frozen=True)
class RingkasanPresensi:
    tahun: int
    hari_kerja: int
    per_status: tuple[tuple[str, int], ...]
    menit_terlambat: int
    menit_pulang_cepat: int
    tanggal_terakhir: date | None
    hari_terakhir: tuple[HariPresensi, ...]


@dataclass(frozen=True)
class Disiplin:
    hari_tanpa_keterangan: int
    menit_terlambat: int
    menit_pulang_cepat: int
    hari_setara_terlambat_pulang_cepat: int
    rangkaian_terpanjang: int
    tingkat_hukdis: str | None
    sanksi: str | None
    tanggal_terakhir: date | None


@dataclass(frozen=True)
class Kompetensi:
    jp_total: float
    jumlah_pelatihan: int
    jp_minimum: float | None
    jp_maksimum: float | None
    patuh_jp: bool | None


@dataclass(frozen=True)
class Peringatan:
    nama_pola: str
    tanggal: date | None
    tanggal_mulai: date | None
    tanggal_selesai: date | None
    bukti: str
    keterangan: str | None
    tindak_lanjut: str | None


@dataclass(frozen=True)
class Kartu:
    pegawai: Pegawai
    tahun: int
    skor: Skor | None
    presensi: RingkasanPresensi
    disiplin: Disiplin | None
    kompetensi: Kompetensi | None
    peringatan: tuple[Peringatan, ...]


def visible_employees(wh: Warehouse) -> list[Pegawai]:
    """Everyone this login may see, by name."""
    frame = wh.query_df(
        "select nip, nama, nama_jabatan, nama_unit, kode_unit, status_kepegawaian, golongan "
        f"from marts.dim_pegawai where {IN_SCOPE} order by nama_unit, nama, nip"
    )
    return [Pegawai(**_plain(row)) for row in frame.to_dict("records")]


def card(wh: Warehouse, nip: str) -> Kartu | None:
    """The card of `nip`, or None when this login may not see that employee (or there is none):
    the page answers both the same way, so it never tells whether a NIP exists."""
    frame = wh.query_df(
        "select nip, nama, nama_jabatan, nama_unit, kode_unit, status_kepegawaian, golongan "
        f"from marts.dim_pegawai where nip = :nip and {IN_SCOPE}",
        {"nip": nip},
    )
    if frame.empty:
        return None
    pegawai = Pegawai(**_plain(frame.to_dict("records")[0]))
    skor = _latest_score(wh, nip)
    tahun = _card_year(wh, nip, skor)
    return Kartu(
        pegawai=pegawai,
        tahun=tahun,
        skor=skor,
        presensi=_attendance(wh, nip, tahun),
        disiplin=_discipline(wh, nip, tahun),
        kompetensi=_training(wh, nip, tahun),
        peringatan=_warnings(wh, nip),
    )


def _latest_score(wh: Warehouse, nip: str) -> Skor | None:
    # None too before any night has scored (no skor_kinerja yet).
    row = _row_in_scope(
        wh,
        "skor_kinerja",
        "skor, band, alasan_1, alasan_2, alasan_3, periode, tanggal_data, model_name, "
        "model_version",
        "nip = :nip",
        {"nip": nip},
        order_by="tanggal_data desc",
    )
    if row is None:
        return None
    alasan = tuple(row.pop(f"alasan_{i}") for i in (1, 2, 3))
    return Skor(alasan=tuple(a for a in alasan if a), **row)


def _card_year(wh: Warehouse, nip: str, skor: Skor | None) -> int:
    last_day = _scalar_in_scope(
        wh, "fct_presensi_harian", "max(tanggal)", "nip = :nip", {"nip": nip}
    )
    if last_day is not None:
        return last_day.year
    if skor is not None:
        return skor.tanggal_data.year
    return datetime.now(ZoneInfo("Asia/Jakarta")).year


def _attendance(wh: Warehouse, nip: str, tahun: int) -> RingkasanPresensi:
    empty = RingkasanPresensi(tahun, 0, (), 0, 0, None, ())
    if not wh.table_exists("marts", "fct_presensi_harian"):
        return empty
    this_year = f"nip = :nip and extract(year from tanggal) = :tahun and {IN_SCOPE}"
    params = {"nip": nip, "tahun": tahun}
    counts = wh.query_df(
        "select status, count(*) as hari, coalesce(sum(menit_terlambat), 0) as terlambat, "
        "coalesce(sum(menit_pulang_cepat), 0) as pulang_cepat, max(tanggal) as terakhir "
        f"from marts.fct_presensi_harian where {this_year} group by status",
        params,
    )
    if counts.empty:
        return empty
    by_status = {str(r.status): int(r.hari) for r in counts.itertuples()}
    ordered = [s for s in STATUS_ORDER if s in by_status] + sorted(
        set(by_status) - set(STATUS_ORDER)
    )
    recent = wh.query_df(
        "select tanggal, status, jam_masuk, jam_pulang, menit_terlambat, menit_pulang_cepat, "
        f"zona_waktu from marts.fct_presensi_harian where {this_year} "
        f"order by tanggal desc limit {RECENT_DAYS}",
        params,
    )
    return RingkasanPresensi(
        tahun=tahun,
        hari_kerja=sum(by_status.values()),
        per_status=tuple((s, by_status[s]) for s in ordered),
        menit_terlambat=int(counts["terlambat"].sum()),
        menit_pulang_cepat=int(counts["pulang_cepat"].sum()),
        tanggal_terakhir=_date(counts["terakhir"].max()),
        hari_terakhir=tuple(
            HariPresensi(
                tanggal=_date(r["tanggal"]),
                status=r["status"],
                jam_masuk=_clock(r["jam_masuk"]),
                jam_pulang=_clock(r["jam_pulang"]),
                menit_terlambat=_int(r["menit_terlambat"]),
                menit_pulang_cepat=_int(r["menit_pulang_cepat"]),
                zona_waktu=r["zona_waktu"],
            )
            for r in (_plain(x) for x in recent.to_dict("records"))
        ),
    )


def _discipline(wh: Warehouse, nip: str, tahun: int) -> Disiplin | None:
    row = _row_in_scope(
        wh,
        "fct_disiplin_presensi",
        "hari_tanpa_keterangan, menit_terlambat, menit_pulang_cepat, "
        "hari_setara_terlambat_pulang_cepat, rangkaian_terpanjang, tingkat_hukdis, sanksi, "
        "tanggal_terakhir",
        "nip = :nip and tahun = :tahun",
        {"nip": nip, "tahun": tahun},
    )
    if row is None:
        return None
    return Disiplin(
        hari_tanpa_keterangan=_int(row["hari_tanpa_keterangan"]) or 0,
        menit_terlambat=_int(row["menit_terlambat"]) or 0,
        menit_pulang_cepat=_int(row["menit_pulang_cepat"]) or 0,
        hari_setara_terlambat_pulang_cepat=_int(row["hari_setara_terlambat_pulang_cepat"]) or 0,
        rangkaian_terpanjang=_int(row["rangkaian_terpanjang"]) or 0,
        tingkat_hukdis=row["tingkat_hukdis"],
        sanksi=row["sanksi"],
        tanggal_terakhir=_date(row["tanggal_terakhir"]),
    )


def _training(wh: Warehouse, nip: str, tahun: int) -> Kompetensi | None:
    row = _row_in_scope(
        wh,
        "fct_pengembangan_kompetensi",
        "jp_total, jumlah_pelatihan, jp_minimum, jp_maksimum, patuh_jp",
        "nip = :nip and tahun = :tahun",
        {"nip": nip, "tahun": tahun},
    )
    if row is None:
        return None
    return Kompetensi(
        jp_total=float(row["jp_total"] or 0),
        jumlah_pelatihan=_int(row["jumlah_pelatihan"]) or 0,
        jp_minimum=row["jp_minimum"],
        jp_maksimum=row["jp_maksimum"],
        patuh_jp=None if row["patuh_jp"] is None else bool(row["patuh_jp"]),
    )


def _warnings(wh: Warehouse, nip: str) -> tuple[Peringatan, ...]:
    if not wh.table_exists("marts", "mart_peringatan_presensi"):
        return ()
    frame = wh.query_df(
        "select nama_pola, tanggal, tanggal_mulai, tanggal_selesai, bukti, keterangan, "
        f"tindak_lanjut from marts.mart_peringatan_presensi where nip = :nip and {IN_SCOPE} "
        "order by coalesce(tanggal_selesai, tanggal, tanggal_mulai) desc, nama_pola",
        {"nip": nip},
    )
    return tuple(
        Peringatan(
            nama_pola=r["nama_pola"],
            tanggal=_date(r["tanggal"]),
            tanggal_mulai=_date(r["tanggal_mulai"]),
            tanggal_selesai=_date(r["tanggal_selesai"]),
            bukti=r["bukti"] or "",
            keterangan=r["keterangan"],
            tindak_lanjut=r["tindak_lanjut"],
        )
        for r in (_plain(x) for x in frame.to_dict("records"))
    )


def _row_in_scope(
    wh: Warehouse,
    mart: str,
    columns: str,
    where: str,
    params: dict[str, Any],
    order_by: str | None = None,
) -> dict[str, Any] | None:
    """The first row of `mart` that matches `where` within the viewer's scope; None when there is
    none or the mart is not built yet."""
    if not wh.table_exists("marts", mart):
        return None
    order = f" order by {order_by}" if order_by else ""
    frame = wh.query_df(
        f"select {columns} from marts.{mart} where {where} and {IN_SCOPE}{order} limit 1", params
    )
    return None if frame.empty else _plain(frame.to_dict("records")[0])


def _scalar_in_scope(
    wh: Warehouse, mart: str, expression: str, where: str, params: dict[str, Any]
) -> Any:
    if not wh.table_exists("marts", mart):
        return None
    value = wh.scalar(f"select {expression} from marts.{mart} where {where} and {IN_SCOPE}", params)
    return None if _missing(value) else value


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """NaN, NaT and pandas' NA as None: both engines' frames then read the same."""
    return {key: None if _missing(value) else value for key, value in row.items()}


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _date(value: Any) -> date | None:
    if _missing(value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    return value


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _clock(value: Any) -> str | None:
    """A punch's local time of day as HH:MM."""
    if _missing(value):
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return str(value)[:5]
