"""The risk model as it is published: XGBoost trees, the feature encoding they were fit on, and
the calibration that turns their margin into a probability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from xgboost import XGBClassifier

from ml.calibration import PlattCalibration
from ml.explain import contributions
from ml.features import FeatureSpec, label_vector

XGBOOST = "xgboost"

# Modest trees on a fixed seed: the same data gives the same model. No class weighting, so the
# margin stays close to log-odds and calibration has little to correct. No early stopping: it
# would tune on the validation quarter and flatter its metrics.
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
class RiskModel:
    booster: XGBClassifier
    spec: FeatureSpec
    calibration: PlattCalibration
    kind = XGBOOST

    def margin(self, frame: pd.DataFrame) -> np.ndarray:
        return self.margin_of_matrix(self.spec.encode(frame))

    def margin_of_matrix(self, matrix: pd.DataFrame) -> np.ndarray:
        return self.booster.predict(matrix, output_margin=True)

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibration.probability(self.margin(frame))

    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """SHAP values of the trees' margin (the calibration maps it monotonically, so the same
        features drive the probability)."""
        return contributions(self.booster, matrix)


def _fit_trees(rows: pd.DataFrame, spec: FeatureSpec, params: dict[str, Any]) -> XGBClassifier:
    booster = XGBClassifier(**params)
    booster.fit(spec.encode(rows), label_vector(rows))
    return booster


def _has_both_classes(rows: pd.DataFrame) -> bool:
    return len(np.unique(label_vector(rows))) == 2


def fit_risk_model(
    train: pd.DataFrame, spec: FeatureSpec, params: dict[str, Any] | None = None
) -> RiskModel:
    """Trees on all of `train`; Platt calibration learnt on its last quarter out of time (the
    backtest then decides whether it is kept, ml.backtest.platt_helps).

    The calibration quarter is predicted by trees fit on the quarters before it only, so the
    calibrator sees the margins of an unseen quarter, as scoring will. With one quarter (or one
    class) there is nothing to calibrate on, and the identity map is kept.
    """
    params = params or XGB_PARAMS
    periods = sorted(train["periode_id"].unique())
    calibration = PlattCalibration()
    if len(periods) >= 2:
        earlier = train[train["periode_id"] < periods[-1]]
        last = train[train["periode_id"] == periods[-1]]
        if _has_both_classes(earlier) and _has_both_classes(last):
            inner = _fit_trees(earlier, spec, params)
            margin = inner.predict(spec.encode(last), output_margin=True)
            calibration = PlattCalibration.fit(margin, label_vector(last))
    return RiskModel(_fit_trees(train, spec, params), spec, calibration)
