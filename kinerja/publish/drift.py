"""Feature drift into `marts.drift_fitur`: one set per data date and model, replaced on a rerun."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kinerja.warehouse import Warehouse

DRIFT_TABLE = "marts.drift_fitur"

DRIFT_TABLE_COLUMNS: dict[str, str] = {
    "tanggal_data": "date not null",
    "model_name": "text not null",
    "model_version": "text not null",
    "fitur": "text not null",
    "psi": "float8 not null",
    "status": "text not null",
}
# The model name is part of the key so that another model's drift (e.g. a fraud model scored the
# same night) can live beside the risk model's; the version is not: a rerun after a promotion
# replaces the night's figures instead of adding a second set.
DRIFT_KEY = ("tanggal_data", "model_name", "fitur")


def ensure_drift_table(wh: Warehouse) -> None:
    wh.ensure_table(DRIFT_TABLE, DRIFT_TABLE_COLUMNS, DRIFT_KEY)


def write_drift(
    wh: Warehouse,
    frame: pd.DataFrame,
    tanggal_data: date,
    model_name: str,
    model_version: str,
) -> int:
    """Replace the drift of `tanggal_data` for `model_name` with `frame` (fitur, psi, status),
    in one transaction; returns the rows written."""
    rows = frame[["fitur", "psi", "status"]].assign(
        tanggal_data=tanggal_data, model_name=model_name, model_version=str(model_version)
    )[list(DRIFT_TABLE_COLUMNS)]
    ensure_drift_table(wh)
    return wh.replace_where(
        DRIFT_TABLE,
        rows,
        "tanggal_data = :d and model_name = :m",
        {"d": tanggal_data, "m": model_name},
    )
