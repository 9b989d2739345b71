"""Batch scoring with the champion: one risk score per active employee for the coming quarter.

The champion is a whole scorer (ml.scorer): the score is what its MLflow `predict` returns for
the mart rows, exactly what `mlflow models serve` would answer. Each score carries its reasons:
the features that moved this employee's score most, taken from the scorer's own SHAP values
(XGBoost's `pred_contribs`, or a baseline's exact linear ones) and told in Indonesian phrases
(ml/explain.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kinerja.publish.outbox import OUTBOX_COLUMNS
from kinerja.settings import Settings
from kinerja.warehouse import connect
from ml.bands import band_for
from ml.dataset import InputTableMissing, load_scoring_frame
from ml.drift import scoring_drift
from ml.explain import REASON_COUNT, explain
from ml.periods import next_periode_id

if TYPE_CHECKING:
    from ml.scorer import Scorer

log = logging.getLogger(__name__)

SCORE_DECIMALS = 6
# What score_frame says about each score (see ml.explain.explain); all are published.
REASON_COLUMNS = [
    "alasan",
    *(f"alasan_{rank}" for rank in range(1, REASON_COUNT + 1)),
    "alasan_kode",
]

# What the source systems receive in the outbox comes first; the warehouse keeps more.
SCORE_COLUMNS = [
    *OUTBOX_COLUMNS,
    "tanggal_data",
    "scored_at",
    *REASON_COLUMNS[1:],  # alasan stays where it was; the other reason columns came later
]


def score_frame(model: Scorer, features: pd.DataFrame) -> pd.DataFrame:
    """nip, skor, band and the reasons (`REASON_COLUMNS`) for each feature row.

    Model details are added by the caller. The score is the calibrated probability; the reasons
    explain the margin (log-odds), which the calibration maps monotonically, so they name the
    same drivers. The matrix they are read from comes from the model's own encoding.
    """
    if features.empty:
        return pd.DataFrame(columns=["nip", "skor", "band", *REASON_COLUMNS])
    spec = model.spec
    skor = np.round(model.probability(features), SCORE_DECIMALS)
    matrix = spec.encode(features)
    reasons = explain(model.contributions(matrix), spec, REASON_COUNT, matrix=matrix)
    scores = pd.DataFrame(
        {
            "nip": features["nip"].astype(str).to_numpy(),
            "skor": skor,
            # From the rounded score, so a published score never contradicts its band.
            "band": [band_for(s) for s in skor],
        }
    )
    return pd.concat([scores, reasons[REASON_COLUMNS].reset_index(drop=True)], axis=1)


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
    active_employees: int = 0
    active_without_features: int = 0
    # PSI per feature between the model's training data and tonight's scoring rows (ml.drift);
    # None when the model version carries no reference.
    drift: pd.DataFrame | None = None

    @property
    def drifted_features(self) -> list[str]:
        if self.drift is None:
            return []
        return list(self.drift.loc[self.drift["status"] == "BERGESER", "fitur"])

    @property
    def rows(self) -> int:
        return len(self.frame)


def score_active_employees(settings: Settings, as_of: date) -> ScoringResult:
    """Score every active employee with the champion model, for the quarter after the latest
    quarter ended by `as_of`. Skips plainly (never raises) when there is no champion or no data.
    """
    from ml.registry import load_champion  # MLflow only when scoring
    from ml.scorer import NotAWholeScorer

    try:
        loaded = load_champion(settings)
    except NotAWholeScorer as bare:
        return _skipped(as_of, str(bare))
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
    drift = scoring_drift(
        loaded.ref.run_id or loaded.ref.uri,
        loaded.model.spec.encode(scoring_input.frame),
        settings.drift_psi_threshold,
    )
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
        active_employees=scoring_input.active_employees,
        active_without_features=scoring_input.active_without_features,
        drift=drift,
    )


def _skipped(as_of: date, reason: str) -> ScoringResult:
    log.warning("scoring skipped for %s: %s", as_of, reason)
    return ScoringResult(skipped=True, reason=reason, tanggal_data=as_of)
