"""What the model may see, what it predicts, and what it must never see: declared once.

The input is the dbt mart `marts.fitur_kinerja_pegawai` (grain: nip x quarter). Every other ML
module takes its column lists from here. The encoding of the model matrix (`FeatureSpec`) is
stored with each model version, so scoring rebuilds exactly the matrix the model was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kinerja.contract.extracts import JENIS_JABATAN
from kinerja.project import DBT_PROJECT_DIR

FEATURE_TABLE = "marts.fitur_kinerja_pegawai"
# The mart's enforced dbt contract: its column names and SQL types.
FEATURE_TABLE_YML = DBT_PROJECT_DIR / "models" / "marts" / "fitur_kinerja_pegawai.yml"
DIM_PEGAWAI = "marts.dim_pegawai"
ACTIVE_STATUS = "AKTIF"

KEY_COLUMNS = (
    "nip",
    "pegawai_key",
    "periode_id",
    "tahun",
    "periode",
    "tanggal_akhir_periode",
)

NUMERIC_FEATURES = (
    "hari_kerja_tercakup",
    "rasio_hadir",
    "rasio_terlambat",
    "rata_menit_terlambat",
    "rata_menit_pulang_cepat",
    "hari_tanpa_keterangan",
    "hari_tanpa_keterangan_ytd",
    "hari_izin_sah",
    "delta_rasio_terlambat",
    "hari_cuti_sakit",
    "rasio_izin_menempel_libur",
    "jp_12_bulan",
    "jumlah_hukdis_24_bulan",
    "predikat_terakhir",
    "rating_hasil_terakhir",
    "rating_perilaku_terakhir",
    "kelonggaran_penilai",
    "masa_kerja_tahun",
    "masa_jabatan_tahun",
    "tingkat_pendidikan",
)

# Category levels come from the extract contract, so a new code is a contract change, not a
# silent new column.
CATEGORICAL_FEATURES: dict[str, tuple[str, ...]] = {"jenis_jabatan": JENIS_JABATAN}

FEATURE_COLUMNS = NUMERIC_FEATURES + tuple(CATEGORICAL_FEATURES)

# Used to check the scores for unequal treatment; a model that saw them could learn to
# discriminate on them, so they are never features. Grade (kelompok_golongan: I-II, III, IV,
# PPPK) is one of them: what grade says about a job is carried by jenis_jabatan and tenure.
AUDIT_COLUMNS = ("jenis_kelamin", "kelompok_umur", "kelompok_golongan", "zona_waktu")

LABEL_COLUMN = "label_berisiko"
LABEL_AVAILABLE_COLUMN = "tanggal_label_tersedia"
LABEL_COLUMNS = ("predikat_berikutnya", LABEL_COLUMN, LABEL_AVAILABLE_COLUMN)

_ONE_HOT_SEPARATOR = "="


@dataclass(frozen=True)
class FeatureSpec:
    """How feature columns become the model matrix: numeric as float, categories one-hot.

    One-hot with fixed levels (rather than learned codes) keeps the matrix identical between
    training and scoring, and keeps every matrix column readable in explanations.
    """

    numeric: tuple[str, ...] = NUMERIC_FEATURES
    categorical: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(CATEGORICAL_FEATURES)
    )

    @property
    def source_columns(self) -> list[str]:
        return list(self.numeric) + list(self.categorical)

    @property
    def matrix_columns(self) -> list[str]:
        columns = list(self.numeric)
        for name, levels in self.categorical.items():
            columns += [f"{name}{_ONE_HOT_SEPARATOR}{level}" for level in levels]
        return columns

    def source_of(self, matrix_column: str) -> str:
        """The feature a matrix column was built from (one-hot columns fold back to it)."""
        return matrix_column.split(_ONE_HOT_SEPARATOR, 1)[0]

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model matrix for `frame`: float64 columns in `matrix_columns` order, NaN = missing.

        A category value outside the known levels (or missing) encodes as all zeros.
        """
        missing = [c for c in self.source_columns if c not in frame.columns]
        if missing:
            raise KeyError(f"feature columns missing from the input: {missing}")
        matrix = pd.DataFrame(index=frame.index)
        for name in self.numeric:
            # PostgreSQL numeric arrives as Decimal objects and nulls as None: make them floats.
            matrix[name] = pd.to_numeric(frame[name], errors="raise").astype("float64")
        for name, levels in self.categorical.items():
            values = frame[name].astype("string").str.strip().str.upper()
            for level in levels:
                matrix[f"{name}{_ONE_HOT_SEPARATOR}{level}"] = (
                    (values == level).fillna(False).astype("float64")
                )
        return matrix

    def unknown_category_count(self, frame: pd.DataFrame) -> int:
        """Rows carrying a category value the spec does not know (worth a warning, not a stop)."""
        count = 0
        for name, levels in self.categorical.items():
            values = frame[name].astype("string").str.strip().str.upper()
            count += int((values.notna() & ~values.isin(levels)).sum())
        return count

    def to_dict(self) -> dict[str, Any]:
        return {
            "numeric": list(self.numeric),
            "categorical": {k: list(v) for k, v in self.categorical.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        return cls(
            numeric=tuple(data["numeric"]),
            categorical={k: tuple(v) for k, v in data["categorical"].items()},
        )


@cache
def mart_column_types() -> dict[str, str]:
    """Column -> SQL data type of the feature mart, as its enforced dbt contract declares them."""
    table = FEATURE_TABLE.split(".")[1]
    declared = yaml.safe_load(FEATURE_TABLE_YML.read_text())
    (model,) = [m for m in declared["models"] if m["name"] == table]
    return {column["name"]: column["data_type"] for column in model["columns"]}


def label_vector(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(frame[LABEL_COLUMN], errors="raise").astype("int64").to_numpy()
