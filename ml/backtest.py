"""Rolling-origin backtests: the model and its baselines judged on quarters they never saw.

For each of the last N labelled quarters, everything labelled before it trains (an expanding
window) and that quarter validates, exactly as a night in that quarter would have trained and
scored. Never a random split: people and quarters are correlated, a random split leaks both.
The last fold's model is the candidate that gets registered, so the metrics logged with a
version are those of that very model on a quarter it did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ml.baselines import BASELINES, fit_baselines
from ml.features import FeatureSpec, label_vector
from ml.metrics import risk_metrics
from ml.model import RiskModel, fit_risk_model

MODEL = "model"


@dataclass
class Fold:
    index: int
    train: pd.DataFrame
    validation: pd.DataFrame

    @property
    def validation_period(self) -> str:
        return str(self.validation["periode_id"].iloc[0])

    @property
    def train_periods(self) -> list[str]:
        return sorted(self.train["periode_id"].unique())


def rolling_origin_folds(frame: pd.DataFrame, max_folds: int) -> list[Fold]:
    """Folds over the last `max_folds` labelled quarters that have at least one quarter before
    them. 'YYYY-TWn' ids sort in time order as text."""
    periods = sorted(frame["periode_id"].unique())
    validation_periods = periods[1:][-max_folds:] if max_folds > 0 else []
    folds = []
    for index, period in enumerate(validation_periods):
        folds.append(
            Fold(
                index=index,
                train=frame[frame["periode_id"] < period].reset_index(drop=True),
                validation=frame[frame["periode_id"] == period].reset_index(drop=True),
            )
        )
    return folds


@dataclass
class FoldPredictions:
    """The last fold's validation rows with what each contender predicted for them."""

    validation: pd.DataFrame
    y: np.ndarray
    predictions: dict[str, np.ndarray]  # model / baseline name -> probabilities


@dataclass
class BacktestResult:
    folds: list[Fold]
    metrics: pd.DataFrame  # fold, validation_period, contender, metric, value
    candidate: RiskModel
    latest: FoldPredictions
    params: dict[str, Any] = field(default_factory=dict)

    def fold_table(self, metric: str) -> pd.DataFrame:
        """One row per fold, one column per contender, for `metric`."""
        chosen = self.metrics[self.metrics["metric"] == metric]
        return chosen.pivot(index="fold", columns="contender", values="value")

    def pr_auc_gains(self) -> pd.Series:
        """Per fold: the model's PR-AUC minus the best baseline's (positive = model better)."""
        table = self.fold_table("pr_auc")
        return table[MODEL] - table[list(BASELINES)].max(axis=1)


def run_backtest(
    frame: pd.DataFrame,
    spec: FeatureSpec,
    max_folds: int,
    params: dict[str, Any] | None = None,
    progress=None,
) -> BacktestResult:
    folds = rolling_origin_folds(frame, max_folds)
    if not folds:
        raise ValueError("a backtest needs at least 2 labelled quarters")
    rows: list[dict[str, Any]] = []
    candidate: RiskModel | None = None
    latest: FoldPredictions | None = None
    for fold in folds:
        model = fit_risk_model(fold.train, spec, params)
        y = label_vector(fold.validation)
        predictions = {MODEL: model.probability(fold.validation)}
        for name, baseline in fit_baselines(fold.train, spec).items():
            predictions[name] = baseline.predict(fold.validation)
        for contender, p in predictions.items():
            for metric, value in risk_metrics(y, p).items():
                rows.append(
                    {
                        "fold": fold.index,
                        "validation_period": fold.validation_period,
                        "contender": contender,
                        "metric": metric,
                        "value": value,
                    }
                )
        candidate = model
        latest = FoldPredictions(fold.validation, y, predictions)
        if progress is not None:
            progress(fold.index + 1, len(folds))
    assert candidate is not None and latest is not None
    return BacktestResult(folds, pd.DataFrame(rows), candidate, latest, dict(params or {}))
