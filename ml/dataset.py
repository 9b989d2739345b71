"""Reading the feature mart for training and scoring, and splitting it by time.

Only what a nightly run could have known on its data date D is read: training rows whose label
was available by D, and for scoring the features of the latest quarter that had ended by D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kinerja.warehouse import Warehouse
from ml.features import (
    ACTIVE_STATUS,
    AUDIT_COLUMNS,
    DIM_PEGAWAI,
    FEATURE_COLUMNS,
    FEATURE_TABLE,
    KEY_COLUMNS,
    LABEL_AVAILABLE_COLUMN,
    LABEL_COLUMN,
    LABEL_COLUMNS,
)


class InputTableMissing(LookupError):
    """A table the ML step reads does not exist yet (dbt has not built it)."""


def _split_name(qualified_table: str) -> tuple[str, str]:
    schema, table = qualified_table.split(".")
    return schema, table


def require_columns(wh: Warehouse, qualified_table: str, columns: list[str]) -> None:
    """Fail with a plain message when the table or some of its expected columns are missing.

    A missing table is a normal first-night state (callers turn it into a skip); missing columns
    mean the mart and this code disagree, which is a bug that must stop the run.
    """
    present = wh.table_columns(*_split_name(qualified_table))
    if not present:
        raise InputTableMissing(f"{qualified_table} does not exist yet")
    missing = [c for c in columns if c not in present]
    if missing:
        raise KeyError(f"{qualified_table} lacks the columns the model needs: {missing}")


def _select_list(columns: list[str] | tuple[str, ...], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{c}" for c in columns)


def _normalise_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    # DuckDB returns datetime64 and PostgreSQL returns date objects: make both plain dates.
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def load_training_frame(wh: Warehouse, as_of: date) -> pd.DataFrame:
    """Labelled rows whose label was known by `as_of`: keys, features, labels, and the audit
    dimensions the fairness gate groups by (never given to the model)."""
    columns = list(KEY_COLUMNS) + list(FEATURE_COLUMNS) + list(AUDIT_COLUMNS) + list(LABEL_COLUMNS)
    require_columns(wh, FEATURE_TABLE, columns)
    frame = wh.query_df(
        f"select {_select_list(columns)} from {FEATURE_TABLE} "
        f"where {LABEL_COLUMN} is not null and {LABEL_AVAILABLE_COLUMN} <= :as_of "
        "order by periode_id, nip",
        {"as_of": as_of},
    )
    return _normalise_dates(frame, ["tanggal_akhir_periode", LABEL_AVAILABLE_COLUMN])


@dataclass(frozen=True)
class ScoringInput:
    """Feature rows of active employees for one quarter, and who could not be scored."""

    frame: pd.DataFrame
    feature_periode_id: str | None
    active_employees: int

    @property
    def active_without_features(self) -> int:
        return self.active_employees - len(self.frame)


def load_scoring_frame(wh: Warehouse, as_of: date) -> ScoringInput:
    """Active employees with their features for the latest quarter ended by `as_of`.

    One quarter for everyone, so one run publishes one predicted quarter; an active employee
    without a row in that quarter is counted, not scored from stale features.
    """
    columns = list(KEY_COLUMNS) + list(FEATURE_COLUMNS)
    require_columns(wh, FEATURE_TABLE, columns)
    require_columns(wh, DIM_PEGAWAI, ["nip", "status_aktif"])
    active = f"select nip from {DIM_PEGAWAI} where status_aktif = :aktif"
    # DuckDB rejects parameters a statement does not use, so each gets exactly its own.
    aktif = {"aktif": ACTIVE_STATUS}
    active_employees = int(wh.scalar(f"select count(distinct nip) from ({active}) a", aktif))
    latest = wh.query_df(
        f"select periode_id, tanggal_akhir_periode from {FEATURE_TABLE} "
        "where tanggal_akhir_periode <= :as_of order by tanggal_akhir_periode desc limit 1",
        {"as_of": as_of},
    )
    if latest.empty:
        return ScoringInput(pd.DataFrame(columns=columns), None, active_employees)
    feature_periode_id = str(latest.iat[0, 0])
    frame = wh.query_df(
        f"select {_select_list(columns, 'f')} from {FEATURE_TABLE} f "
        f"where f.periode_id = :periode_id and f.nip in ({active}) "
        "order by f.nip",
        {**aktif, "periode_id": feature_periode_id},
    )
    frame = _normalise_dates(frame, ["tanggal_akhir_periode"])
    return ScoringInput(frame, feature_periode_id, active_employees)
