"""Small synthetic feature marts with a known signal, for exercising the ML steps without dbt.

The rows follow the column spec of `marts.fitur_kinerja_pegawai` and `marts.dim_pegawai`; the
label depends on lateness, unexplained absence and the last predikat, so a working model must
find it (and with `signal=0` there is nothing to find).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import JENIS_JABATAN
from kinerja.warehouse import Warehouse
from ml.features import (
    AUDIT_COLUMNS,
    FEATURE_COLUMNS,
    KEY_COLUMNS,
    LABEL_AVAILABLE_COLUMN,
    LABEL_COLUMN,
    LABEL_COLUMNS,
)
from ml.periods import next_periode_id, parse_periode_id, periode_ids, quarter_end

LABEL_DELAY_DAYS = 15  # a quarter's predikat is known about two weeks after it ends


def synthetic_features(
    n_pegawai: int = 150,
    first_period: str = "2024-TW1",
    n_periods: int = 6,
    seed: int = 0,
    signal: float = 1.0,
    bias_against_women: float = 0.0,
) -> pd.DataFrame:
    """One row per employee and quarter. The last quarter's label is unknown (null), as in life.

    The risk is not linear in the features (lateness matters past a habit threshold, unexplained
    absence past PP 94/2021's first sanction step), as in the generated agency.
    `bias_against_women` > 0 plants a biased history: raters marked women down that much more
    often, and women take more sanctioned leave (`hari_izin_sah`), a proxy through which a model
    can learn the bias without ever seeing jenis_kelamin.
    """
    rng = np.random.default_rng(seed)
    # Columns added later draw from their own stream, so the older columns keep their values.
    extra = np.random.default_rng([seed, 1])
    periods = periode_ids(first_period, n_periods)
    nips = [str(198001012005011000 + i) for i in range(n_pegawai)]
    lateness = rng.beta(2, 8, n_pegawai)  # a person's habit persists from quarter to quarter
    absence = rng.poisson(0.8, n_pegawai).astype(float)
    jabatan = rng.choice(JENIS_JABATAN, n_pegawai, p=[0.03, 0.07, 0.15, 0.45, 0.30])
    masa_kerja = rng.uniform(1, 30, n_pegawai)
    jenis_kelamin = rng.choice(["L", "P"], n_pegawai)
    woman = jenis_kelamin == "P"

    rows = []
    previous_predikat: np.ndarray = np.full(n_pegawai, np.nan)
    for index, periode_id in enumerate(periods):
        tahun, quarter = parse_periode_id(periode_id)
        rasio_terlambat = np.clip(lateness + rng.normal(0, 0.05, n_pegawai), 0, 1)
        tanpa_keterangan = rng.poisson(absence)
        predikat_term = np.nan_to_num(previous_predikat - 2, nan=0.0)
        hari_izin_sah = rng.poisson(np.where(woman, 2 + 6 * bias_against_women, 2))
        late_term = 12 * np.maximum(rasio_terlambat - 0.25, 0)
        absence_term = np.where(tanpa_keterangan >= 3, 2.5, 0.2 * tanpa_keterangan)
        risk = signal * (late_term + absence_term + 0.8 * predikat_term)
        risk = risk + rng.normal(0, 0.7, n_pegawai)
        at_risk = (risk > np.quantile(risk, 0.75)).astype(int)
        marked_down = woman & (rng.random(n_pegawai) < bias_against_women)
        at_risk = np.where(marked_down, 1, at_risk)
        predikat_berikutnya = np.where(
            at_risk == 1, rng.choice([3, 4, 5], n_pegawai), rng.choice([1, 2], n_pegawai)
        )
        known = index < len(periods) - 1
        label_available = quarter_end(next_periode_id(periode_id)) + timedelta(
            days=LABEL_DELAY_DAYS
        )
        frame = pd.DataFrame(
            {
                "nip": nips,
                "pegawai_key": [f"pk{n[-6:]}" for n in nips],
                "periode_id": periode_id,
                "tahun": tahun,
                "periode": f"TW{quarter}",
                "tanggal_akhir_periode": quarter_end(periode_id),
                "hari_kerja_tercakup": 60.0,
                "rasio_hadir": np.clip(
                    1 - tanpa_keterangan / 60 - rng.uniform(0, 0.05, n_pegawai), 0, 1
                ),
                "rasio_terlambat": rasio_terlambat,
                "rata_menit_terlambat": rasio_terlambat * rng.uniform(5, 40, n_pegawai),
                "rata_menit_pulang_cepat": rng.exponential(3, n_pegawai),
                "hari_tanpa_keterangan": tanpa_keterangan.astype(float),
                "hari_tanpa_keterangan_ytd": tanpa_keterangan * quarter,
                "hari_izin_sah": hari_izin_sah.astype(float),
                "delta_rasio_terlambat": rng.normal(0, 0.05, n_pegawai),
                "hari_cuti_sakit": extra.poisson(0.5, n_pegawai).astype(float),
                "rasio_izin_menempel_libur": np.where(
                    extra.uniform(size=n_pegawai) < 0.3, np.nan, extra.beta(2, 3, n_pegawai)
                ),
                "jp_12_bulan": rng.uniform(0, 40, n_pegawai),
                "jumlah_hukdis_24_bulan": rng.poisson(0.1, n_pegawai).astype(float),
                "predikat_terakhir": pd.array(previous_predikat, dtype="Float64").astype("Int64"),
                "rating_hasil_terakhir": pd.array(rng.choice([1, 2, 3], n_pegawai), dtype="Int64"),
                "rating_perilaku_terakhir": pd.array(
                    rng.choice([1, 2, 3], n_pegawai), dtype="Int64"
                ),
                "kelonggaran_penilai": np.where(
                    extra.uniform(size=n_pegawai) < 0.2, np.nan, extra.normal(0, 1, n_pegawai)
                ),
                "masa_kerja_tahun": masa_kerja + index / 4,
                "masa_jabatan_tahun": rng.uniform(0, 10, n_pegawai),
                "tingkat_pendidikan": pd.array(rng.integers(1, 10, n_pegawai), dtype="Int64"),
                "jenis_jabatan": jabatan,
                "jenis_kelamin": jenis_kelamin,
                "kelompok_umur": rng.choice(["<30", "30-39", "40-49", "50+"], n_pegawai),
                "kelompok_golongan": extra.choice(
                    ["I-II", "III", "IV", "PPPK"], n_pegawai, p=[0.15, 0.45, 0.2, 0.2]
                ),
                "zona_waktu": "WIB",
                "predikat_berikutnya": pd.array(
                    predikat_berikutnya if known else [None] * n_pegawai, dtype="Int64"
                ),
                LABEL_COLUMN: pd.array(at_risk if known else [None] * n_pegawai, dtype="Int64"),
                LABEL_AVAILABLE_COLUMN: label_available if known else None,
            }
        )
        rows.append(frame)
        previous_predikat = predikat_berikutnya.astype(float)
    columns = [*KEY_COLUMNS, *FEATURE_COLUMNS, *AUDIT_COLUMNS, *LABEL_COLUMNS]
    return pd.concat(rows, ignore_index=True)[columns]


def synthetic_dim_pegawai(features: pd.DataFrame, inactive_every: int = 10) -> pd.DataFrame:
    """Every employee in `features`; each `inactive_every`-th one has retired (PENSIUN)."""
    nips = sorted(features["nip"].unique())
    status = [
        "PENSIUN" if i % inactive_every == inactive_every - 1 else "AKTIF" for i in range(len(nips))
    ]
    return pd.DataFrame({"nip": nips, "status_aktif": status})


def write_table(
    wh: Warehouse, qualified_table: str, frame: pd.DataFrame, float_type: str = "float8"
) -> int:
    """Replace `qualified_table` with `frame`, typed from its dtypes (`float_type` for floats:
    'numeric' mimics marts that PostgreSQL returns as Decimal)."""
    schema, _ = qualified_table.split(".")
    columns = ", ".join(f'"{name}" {_sql_type(frame[name], float_type)}' for name in frame.columns)
    wh.ensure_schema(schema)
    with wh.transaction():
        wh.execute(f"drop table if exists {qualified_table}")
        wh.execute(f"create table {qualified_table} ({columns})")
        return wh.bulk_insert(qualified_table, frame)


def _sql_type(series: pd.Series, float_type: str) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return float_type
    if pd.api.types.is_datetime64_any_dtype(series):
        return "timestamp"
    sample = series.dropna()
    if not sample.empty and isinstance(sample.iloc[0], date):
        return "date"
    # An all-null object column is a date in this mart (tanggal_label_tersedia of the last quarter).
    if sample.empty and series.name == LABEL_AVAILABLE_COLUMN:
        return "date"
    return "text"
