"""Batch scoring with the champion: one risk score per active employee for the coming quarter.

Each score carries its reasons: the features that moved this employee's score most, taken from
XGBoost's own SHAP values (`pred_contribs`), which add up exactly to the model's log-odds output.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from xgboost import DMatrix, XGBClassifier

from kinerja.settings import Settings
from kinerja.warehouse import connect
from ml.bands import band_for
from ml.dataset import InputTableMissing, load_scoring_frame
from ml.features import FeatureSpec
from ml.model import RiskModel
from ml.periods import next_periode_id

log = logging.getLogger(__name__)

REASON_COUNT = 3
SCORE_DECIMALS = 6

SCORE_COLUMNS = [
    "nip",
    "periode",
    "skor",
    "band",
    "alasan",
    "model_name",
    "model_version",
    "run_id",
    "tanggal_data",
    "scored_at",
]


def contributions(model: XGBClassifier, matrix: pd.DataFrame) -> pd.DataFrame:
    """Per-row SHAP values in log-odds, one column per matrix column plus `bias`.

    Each row sums to the model's margin (`output_margin`) for that row.
    """
    values = model.get_booster().predict(DMatrix(matrix), pred_contribs=True)
    return pd.DataFrame(values, index=matrix.index, columns=[*matrix.columns, "bias"])


def top_reasons(contribs: pd.DataFrame, spec: FeatureSpec, count: int = REASON_COUNT) -> list[str]:
    """The `count` features with the largest effect (either direction) on each row's score.

    One-hot columns fold back into their feature, so 'jenis_jabatan' is one reason, not five.
    """
    columns = [c for c in contribs.columns if c != "bias"]
    sources = [spec.source_of(c) for c in columns]
    names = list(dict.fromkeys(sources))
    folding = np.zeros((len(columns), len(names)))
    for column_index, source in enumerate(sources):
        folding[column_index, names.index(source)] = 1.0
    values = contribs[columns].to_numpy() @ folding
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :count]
    reasons = []
    for row_values, row_order in zip(values, order, strict=True):
        phrases = [
            f"{names[i]} ({row_values[i]:+.2f})"
            for i in row_order
            if round(row_values[i], 2) != 0  # a reason that rounds to nothing explains nothing
        ]
        reasons.append("; ".join(phrases))
    return reasons


def score_frame(model: RiskModel, features: pd.DataFrame) -> pd.DataFrame:
    """nip, skor, band and alasan for each feature row (model details are added by the caller).

    The score is the calibrated probability; the reasons explain the trees' margin, which the
    calibration maps monotonically, so they rank the same drivers."""
    if features.empty:
        return pd.DataFrame(columns=["nip", "skor", "band", "alasan"])
    spec = model.spec
    matrix = spec.encode(features)
    skor = np.round(model.calibration.probability(model.margin_of_matrix(matrix)), SCORE_DECIMALS)
    return pd.DataFrame(
        {
            "nip": features["nip"].astype(str).to_numpy(),
            "skor": skor,
            # From the rounded score, so a published score never contradicts its band.
            "band": [band_for(s) for s in skor],
            "alasan": top_reasons(contributions(model.booster, matrix), spec),
        }
    )


@dataclass
class ScoringResult:
    skipped: bool
    reason: str
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCORE_COLUMNS))
    tanggal_data: date | None = None
    model_name: str | None = None
    model_version: str | None = None
    run_id: str | None = None
    feature_periode_id: str | None = None
    predicted_periode_id: str | None = None
    active_employees: int = 0
    active_without_features: int = 0

    @property
    def rows(self) -> int:
        return len(self.frame)


def score_active_employees(settings: Settings, as_of: date) -> ScoringResult:
    """Score every active employee with the champion model, for the quarter after the latest
    quarter ended by `as_of`. Skips plainly (never raises) when there is no champion or no data.
    """
    from ml.registry import load_champion  # MLflow only when scoring

    loaded = load_champion(settings)
    if loaded is None:
        return _skipped(
            as_of, f"no {settings.model_name!r} version has the champion alias yet; train first"
        )
    try:
        with connect(settings) as wh:
            scoring_input = load_scoring_frame(wh, as_of)
    except InputTableMissing as missing:
        return _skipped(as_of, f"{missing}; build the marts before scoring")
    if scoring_input.feature_periode_id is None:
        return _skipped(as_of, f"no feature rows for a quarter ended by {as_of}")
    if scoring_input.frame.empty:
        return _skipped(
            as_of,
            f"none of the {scoring_input.active_employees} active employees has features for "
            f"{scoring_input.feature_periode_id}",
        )

    unknown = loaded.model.spec.unknown_category_count(scoring_input.frame)
    if unknown:
        log.warning("%d rows carry a category the model does not know; scored as none", unknown)
    predicted = next_periode_id(scoring_input.feature_periode_id)
    scores = score_frame(loaded.model, scoring_input.frame)
    scores = scores.assign(
        periode=predicted,
        model_name=loaded.ref.name,
        model_version=loaded.ref.version,
        run_id=loaded.ref.run_id,
        tanggal_data=as_of,
        scored_at=pd.Timestamp.now(tz="UTC"),
    )[SCORE_COLUMNS]
    if scoring_input.active_without_features:
        log.warning(
            "%d active employees have no features for %s and are not scored",
            scoring_input.active_without_features,
            scoring_input.feature_periode_id,
        )
    return ScoringResult(
        skipped=False,
        reason="",
        frame=scores,
        tanggal_data=as_of,
        model_name=loaded.ref.name,
        model_version=loaded.ref.version,
        run_id=loaded.ref.run_id,
        feature_periode_id=scoring_input.feature_periode_id,
        predicted_periode_id=predicted,
        active_employees=scoring_input.active_employees,
        active_without_features=scoring_input.active_without_features,
    )


def _skipped(as_of: date, reason: str) -> ScoringResult:
    log.warning("scoring skipped for %s: %s", as_of, reason)
    return ScoringResult(skipped=True, reason=reason, tanggal_data=as_of)
