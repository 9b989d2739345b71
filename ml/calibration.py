"""Platt scaling learnt out of time, so a published 0.3 means about 3 in 10 such employees.

XGBoost's raw probabilities drift from observed rates when quarters differ. The calibrator is fit
on the margins a model trained on the earlier training quarters gives the last training quarter:
the same "predict a quarter not seen" situation scoring is in. It is a monotone map of the margin,
so ranking metrics and the SHAP reasons (which explain the margin) are unchanged by it. A base
rate that moves from quarter to quarter can make it hurt rather than help: the backtest measures
both and keeps it only where it lowers the Brier score (ml.backtest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class PlattCalibration:
    slope: float = 1.0
    intercept: float = 0.0
    fitted_on_rows: int = 0

    @classmethod
    def fit(cls, margin: np.ndarray, y: np.ndarray) -> PlattCalibration:
        """Identity when the calibration rows cannot support a fit (one class only)."""
        y = np.asarray(y, dtype=int)
        if len(np.unique(y)) < 2:
            return cls()
        # Nearly unpenalised: two parameters, thousands of rows.
        fitted = LogisticRegression(C=1e4, max_iter=1000)
        fitted.fit(np.asarray(margin, dtype=float).reshape(-1, 1), y)
        return cls(
            slope=float(fitted.coef_[0, 0]),
            intercept=float(fitted.intercept_[0]),
            fitted_on_rows=len(y),
        )

    def probability(self, margin: np.ndarray) -> np.ndarray:
        z = self.slope * np.asarray(margin, dtype=float) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "platt",
            "slope": self.slope,
            "intercept": self.intercept,
            "fitted_on_rows": self.fitted_on_rows,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PlattCalibration:
        if not data:
            return cls()
        return cls(
            slope=float(data["slope"]),
            intercept=float(data["intercept"]),
            fitted_on_rows=int(data.get("fitted_on_rows", 0)),
        )
