"""The two models the risk model must beat on every backtest fold, fitted on the same rows.

- "last predikat repeats": the observed risk rate of each last-predikat value (missing is a value
  of its own) in the training rows. What an HR officer would guess without a model.
- logistic regression on the same model matrix: what a careful analyst would build in a day.
If XGBoost cannot beat these, its complexity buys nothing.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml.features import FeatureSpec, label_vector

LAST_PREDIKAT = "baseline_last_predikat"
LOGREG = "baseline_logreg"
BASELINES = (LAST_PREDIKAT, LOGREG)
_MISSING = -1.0


class Baseline(Protocol):
    def fit(self, train: pd.DataFrame) -> Baseline: ...
    def predict(self, rows: pd.DataFrame) -> np.ndarray: ...


class LastPredikatRepeats:
    def __init__(self) -> None:
        self.rates: dict[float, float] = {}
        self.overall = 0.0

    @staticmethod
    def _key(rows: pd.DataFrame) -> np.ndarray:
        values = pd.to_numeric(rows["predikat_terakhir"], errors="coerce").astype("float64")
        return values.fillna(_MISSING).to_numpy()

    def fit(self, train: pd.DataFrame) -> LastPredikatRepeats:
        y = label_vector(train)
        keys = self._key(train)
        self.overall = float(y.mean())
        self.rates = {float(k): float(y[keys == k].mean()) for k in np.unique(keys)}
        return self

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        return np.array([self.rates.get(float(k), self.overall) for k in self._key(rows)])


class LogisticBaseline:
    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self.pipeline = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(max_iter=2000),
        )

    def fit(self, train: pd.DataFrame) -> LogisticBaseline:
        self.pipeline.fit(self.spec.encode(train), label_vector(train))
        return self

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(self.spec.encode(rows))[:, 1]


def fit_baselines(train: pd.DataFrame, spec: FeatureSpec) -> dict[str, Baseline]:
    return {
        LAST_PREDIKAT: LastPredikatRepeats().fit(train),
        LOGREG: LogisticBaseline(spec).fit(train),
    }
