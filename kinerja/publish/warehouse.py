"""Scores into `marts.skor_kinerja`: one set per data date, replaced whole on a rerun."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kinerja.warehouse import Warehouse

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
}
SKOR_KEY = ("tanggal_data", "nip")


def ensure_skor_table(wh: Warehouse) -> None:
    schema, table = SKOR_TABLE.split(".")
    wh.ensure_schema(schema)
    columns = ", ".join(f"{name} {kind}" for name, kind in SKOR_COLUMNS.items())
    wh.execute(
        f"create table if not exists {SKOR_TABLE} ({columns}, primary key ({', '.join(SKOR_KEY)}))"
    )
    present = wh.table_columns(schema, table)
    if present != list(SKOR_COLUMNS):
        raise RuntimeError(
            f"{SKOR_TABLE} exists with columns {present}, expected {list(SKOR_COLUMNS)}; "
            "migrate or drop it"
        )


def write_scores(wh: Warehouse, scores: pd.DataFrame, tanggal_data: date) -> int:
    """Replace the scores of `tanggal_data` with `scores` in one transaction; returns the rows."""
    foreign = scores.loc[scores["tanggal_data"] != tanggal_data, "tanggal_data"].unique()
    if len(foreign):
        raise ValueError(f"scores for {tanggal_data} carry other tanggal_data values: {foreign}")
    ensure_skor_table(wh)
    return wh.replace_where(
        SKOR_TABLE, scores[list(SKOR_COLUMNS)], "tanggal_data = :d", {"d": tanggal_data}
    )
