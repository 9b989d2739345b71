"""Scores into `marts.skor_kinerja`: one set per data date, replaced whole on a rerun."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kinerja.warehouse import Warehouse
from kinerja.warehouse.access import protect_rows

SKOR_TABLE = "marts.skor_kinerja"

# Types both engines read the same way. The key makes a duplicate impossible, not just unlikely.
SKOR_COLUMNS: dict[str, str] = {
    "nip": "text not null",
    "periode": "text not null",
    "skor": "float8 not null",
    "band": "text not null",
    "alasan": "text",
    "model_name": "text not null",
    "model_version": "text not null",
    "run_id": "text",
    "tanggal_data": "date not null",
    "scored_at": "timestamptz not null",
    # Added after the first release: last, so an older table gains them by `add column`.
    # alasan_1..3 are phrases of seed frasa_alasan (BI joins on frasa); alasan_kode is
    # "fitur:+0.42;..." for machines.
    "alasan_1": "text",
    "alasan_2": "text",
    "alasan_3": "text",
    "alasan_kode": "text",
}
SKOR_KEY = ("tanggal_data", "nip")


def ensure_skor_table(wh: Warehouse) -> None:
    wh.ensure_table(SKOR_TABLE, SKOR_COLUMNS, SKOR_KEY)
    protect_rows(wh, SKOR_TABLE)


def write_scores(wh: Warehouse, scores: pd.DataFrame, tanggal_data: date) -> int:
    """Replace the scores of `tanggal_data` with `scores` in one transaction; returns the rows."""
    foreign = scores.loc[scores["tanggal_data"] != tanggal_data, "tanggal_data"].unique()
    if len(foreign):
        raise ValueError(f"scores for {tanggal_data} carry other tanggal_data values: {foreign}")
    ensure_skor_table(wh)
    return wh.replace_where(
        SKOR_TABLE, scores[list(SKOR_COLUMNS)], "tanggal_data = :d", {"d": tanggal_data}
    )
