"""Training the risk model for one nightly data date: split by time, fit XGBoost, measure.

The model predicts `label_berisiko`: whether an employee's next-quarter predikat is Butuh
Perbaikan or worse. `train_and_register` is what the DAG calls; the pieces before it are pure
functions the tests call directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score
from xgboost import XGBClassifier

from kinerja.settings import Settings
from kinerja.warehouse import connect
from ml.dataset import InputTableMissing, TimeSplit, load_training_frame, split_by_time
from ml.features import LABEL_COLUMN, FeatureSpec, label_vector

log = logging.getLogger(__name__)

# Modest trees on a fixed seed: the same data gives the same model. No class weighting, so the
# output stays a calibrated probability that the fixed score bands can be read against. No early
# stopping either: it would tune on the validation quarter and flatter its metrics.
XGB_PARAMS: dict[str, Any] = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "n_estimators": 200,
    "max_depth": 4,
    "learning_rate": 0.05,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 2.0,
    "reg_lambda": 1.0,
    "random_state": 42,
    "n_jobs": 2,
}


@dataclass
class TrainingResult:
    """What one night's training did. Skips are results, not errors: `reason` says why."""

    skipped: bool
    reason: str
    run_id: str | None = None
    model_version: str | None = None
    promoted: bool = False
    metrics: dict[str, float] = field(default_factory=dict)
    as_of: date | None = None
    train_periods: list[str] = field(default_factory=list)
    validation_period: str | None = None


def plan_split(frame: pd.DataFrame, min_training_rows: int) -> tuple[TimeSplit | None, str]:
    """The time split of the labelled rows, or None and a plain reason why nothing can be fit."""
    if len(frame) < min_training_rows:
        return None, (
            f"only {len(frame)} labelled rows are available; at least {min_training_rows} "
            "are needed (KINERJA_MIN_TRAINING_ROWS)"
        )
    periods = frame["periode_id"].nunique()
    if periods < 2:
        return None, (
            f"labels exist for {periods} quarter(s); a time split needs at least 2 "
            "(earlier quarters train, the latest validates)"
        )
    split = split_by_time(frame)
    for part, rows in (("training", split.train), ("validation", split.validation)):
        classes = sorted(set(label_vector(rows).tolist()))
        if len(classes) < 2:
            return None, (
                f"the {part} rows hold only {LABEL_COLUMN} = {classes[0]}; "
                "both classes are needed to fit and to measure a classifier"
            )
    return split, ""


def fit_model(
    train: pd.DataFrame, spec: FeatureSpec, params: dict[str, Any] | None = None
) -> XGBClassifier:
    model = XGBClassifier(**(params or XGB_PARAMS))
    model.fit(spec.encode(train), label_vector(train))
    return model


def predict_risk(model: XGBClassifier, matrix: pd.DataFrame) -> np.ndarray:
    """Probability of the positive class (at risk) for each row of the model matrix."""
    return model.predict_proba(matrix)[:, 1]


def evaluate(model: XGBClassifier, split: TimeSplit, spec: FeatureSpec) -> dict[str, float]:
    """Validation metrics on the held-out latest quarter, plus the sizes they rest on."""
    y_val = label_vector(split.validation)
    p_val = predict_risk(model, spec.encode(split.validation))
    y_train = label_vector(split.train)
    return {
        "val_roc_auc": float(roc_auc_score(y_val, p_val)),
        "val_pr_auc": float(average_precision_score(y_val, p_val)),
        "val_log_loss": float(log_loss(y_val, p_val, labels=[0, 1])),
        "val_prevalence": float(y_val.mean()),
        "train_prevalence": float(y_train.mean()),
        "train_rows": float(len(y_train)),
        "val_rows": float(len(y_val)),
    }


def train_and_register(settings: Settings, as_of: date) -> TrainingResult:
    """Train on what was known by `as_of`, log and register the model, promote it if it is better.

    Returns a skipped result (never raises) when there is not enough labelled data yet.
    """
    from ml.registry import log_and_register  # MLflow only when there is something to log

    try:
        with connect(settings) as wh:
            frame = load_training_frame(wh, as_of)
    except InputTableMissing as missing:
        return _skipped(as_of, f"{missing}; build the marts before training")

    split, reason = plan_split(frame, settings.min_training_rows)
    if split is None:
        return _skipped(as_of, reason)

    spec = FeatureSpec()
    model = fit_model(split.train, spec)
    metrics = evaluate(model, split, spec)
    registered = log_and_register(
        settings,
        model=model,
        spec=spec,
        split=split,
        metrics=metrics,
        params=XGB_PARAMS,
        as_of=as_of,
    )
    log.info(
        "trained %s version %s (run %s): val_pr_auc %.4f; %s",
        settings.model_name,
        registered.version,
        registered.run_id,
        metrics["val_pr_auc"],
        registered.reason,
    )
    return TrainingResult(
        skipped=False,
        reason=registered.reason,
        run_id=registered.run_id,
        model_version=registered.version,
        promoted=registered.promoted,
        metrics=metrics,
        as_of=as_of,
        train_periods=split.train_periods,
        validation_period=split.validation_period,
    )


def _skipped(as_of: date, reason: str) -> TrainingResult:
    log.warning("training skipped for %s: %s", as_of, reason)
    return TrainingResult(skipped=True, reason=reason, as_of=as_of)
