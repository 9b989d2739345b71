"""The two models the risk model must beat on every backtest fold, fitted on the same rows.

- "last predikat repeats": the observed risk rate of each last-predikat value (missing is a value
  of its own) in the training rows. What an HR officer would guess without a model.
- logistic regression on the same model matrix: what a careful analyst would build in a day.
If XGBoost cannot beat these, its complexity buys nothing, and the better baseline is what gets
registered (ml.scorer): so each baseline scores and explains itself like the risk model does
(`probability` of mart rows, `contributions` of the model matrix in log-odds).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ml.explain import BIAS_COLUMN
from ml.features import FeatureSpec, label_vector

LAST_PREDIKAT = "baseline_last_predikat"
LOGREG = "baseline_logreg"
BASELINES = (LAST_PREDIKAT, LOGREG)
PREDIKAT_FEATURE = "predikat_terakhir"
_MISSING = -1.0
# A rate of exactly 0 or 1 has an infinite log-odds; explanations clip it here.
_RATE_CLIP = 1e-6


class Baseline(Protocol):
    spec: FeatureSpec

    def fit(self, train: pd.DataFrame) -> Baseline: ...
    def predict(self, rows: pd.DataFrame) -> np.ndarray: ...
    def probability(self, rows: pd.DataFrame) -> np.ndarray: ...
    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame: ...


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype="float64"), _RATE_CLIP, 1 - _RATE_CLIP)
    return np.log(p / (1 - p))


class LastPredikatRepeats:
    kind = LAST_PREDIKAT

    def __init__(self, spec: FeatureSpec | None = None) -> None:
        self.spec = spec or FeatureSpec()
        self.rates: dict[float, float] = {}
        self.overall = 0.0

    @staticmethod
    def _key(values: pd.Series) -> np.ndarray:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        return numbers.fillna(_MISSING).to_numpy()

    def fit(self, train: pd.DataFrame) -> LastPredikatRepeats:
        y = label_vector(train)
        keys = self._key(train[PREDIKAT_FEATURE])
        self.overall = float(y.mean())
        self.rates = {float(k): float(y[keys == k].mean()) for k in np.unique(keys)}
        return self

    def _rates_of(self, values: pd.Series) -> np.ndarray:
        return np.array([self.rates.get(float(k), self.overall) for k in self._key(values)])

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        return self._rates_of(rows[PREDIKAT_FEATURE])

    probability = predict

    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """All of a score's distance from the overall rate is the last predikat's doing."""
        values = pd.DataFrame(0.0, index=matrix.index, columns=[*matrix.columns, BIAS_COLUMN])
        bias = float(_logit(self.overall))
        values[PREDIKAT_FEATURE] = _logit(self._rates_of(matrix[PREDIKAT_FEATURE])) - bias
        values[BIAS_COLUMN] = bias
        return values

    def to_dict(self) -> dict:
        return {"rates": [[k, v] for k, v in self.rates.items()], "overall": self.overall}

    @classmethod
    def from_dict(cls, spec: FeatureSpec, data: dict) -> LastPredikatRepeats:
        baseline = cls(spec)
        baseline.rates = {float(k): float(v) for k, v in data["rates"]}
        baseline.overall = float(data["overall"])
        return baseline


class LogisticBaseline:
    kind = LOGREG

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

    probability = predict

    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """Exact SHAP values of a linear model: coefficient times the standardised value (whose
        training mean is 0), so the intercept is the bias. A missing-value indicator's effect
        belongs to the column it indicates."""
        imputer, scaler, regression = (step for _, step in self.pipeline.steps)
        scaled = scaler.transform(imputer.transform(matrix))
        effects = scaled * regression.coef_[0]
        width = matrix.shape[1]
        values = effects[:, :width].copy()
        indicated = imputer.indicator_.features_ if imputer.indicator_ is not None else []
        for position, column in enumerate(indicated):
            values[:, column] += effects[:, width + position]
        frame = pd.DataFrame(values, index=matrix.index, columns=list(matrix.columns))
        frame[BIAS_COLUMN] = float(regression.intercept_[0])
        return frame


def fit_baselines(train: pd.DataFrame, spec: FeatureSpec) -> dict[str, Baseline]:
    return {
        LAST_PREDIKAT: LastPredikatRepeats(spec).fit(train),
        LOGREG: LogisticBaseline(spec).fit(train),
    }
