"""Rolling-origin backtests: the model and its baselines judged on quarters they never saw.

For each of the last N labelled quarters, everything labelled before it trains (an expanding
window) and that quarter validates, exactly as a night in that quarter would have trained and
scored. Never a random split: people and quarters are correlated, a random split leaks both.
The last fold's fitted contenders (the model and both baselines) are what can be registered, so
the metrics logged with a version are those of that very scorer on a quarter it did not see;
`ranking` orders them by their PR-AUC over all folds (ml.train picks the best fair one). Whether its probabilities are
Platt-calibrated is decided here too: both variants are measured on every fold and the one with
the lower mean Brier score is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss

from ml.baselines import BASELINES, LAST_PREDIKAT, LOGREG, Baseline, fit_baselines
from ml.calibration import PlattCalibration
from ml.features import FeatureSpec, label_vector
from ml.metrics import risk_metrics
from ml.model import RiskModel, fit_risk_model

MODEL = "model"
# The model's two calibration variants, measured side by side; MODEL is the one kept.
MODEL_PLATT = "model_platt"
MODEL_RAW = "model_tanpa_kalibrasi"
CALIBRATION_VARIANTS = (MODEL_PLATT, MODEL_RAW)
# Everything that may be registered, simplest first: on equal PR-AUC the simpler one wins.
CONTENDERS = (LAST_PREDIKAT, LOGREG, MODEL)


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
    platt_calibration: bool = True
    # The last fold's fitted baselines, each registrable like `candidate` (ml.scorer).
    baselines: dict[str, Baseline] = field(default_factory=dict)

    def contender(self, name: str) -> RiskModel | Baseline:
        """The last fold's fitted scorer of contender `name` (MODEL or a baseline)."""
        return self.candidate if name == MODEL else self.baselines[name]

    def mean_pr_auc(self) -> pd.Series:
        """Per contender: its PR-AUC averaged over the backtest folds."""
        return self.fold_table("pr_auc")[list(CONTENDERS)].mean()

    def ranking(self) -> list[str]:
        """Contenders, best mean backtest PR-AUC first; ties to the simpler. Over all folds
        rather than the last one: one quarter's rows are too few to crown a model on."""
        mean = self.mean_pr_auc().fillna(-np.inf)
        return sorted(CONTENDERS, key=lambda name: (-mean[name], CONTENDERS.index(name)))

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
    fitted: list[tuple[Fold, RiskModel, np.ndarray, dict[str, np.ndarray]]] = []
    baselines: dict[str, Baseline] = {}
    for fold in folds:
        model = fit_risk_model(fold.train, spec, params)
        y = label_vector(fold.validation)
        margin = model.margin(fold.validation)
        predictions = {
            MODEL_PLATT: model.calibration.probability(margin),
            MODEL_RAW: PlattCalibration().probability(margin),
        }
        baselines = fit_baselines(fold.train, spec)
        for name, baseline in baselines.items():
            predictions[name] = baseline.predict(fold.validation)
        fitted.append((fold, model, y, predictions))
        if progress is not None:
            progress(fold.index + 1, len(folds))

    keep_platt = platt_helps([(y, p[MODEL_PLATT], p[MODEL_RAW]) for _, _, y, p in fitted])
    rows: list[dict[str, Any]] = []
    for fold, model, y, predictions in fitted:
        # The model as it will be published, next to both calibration variants it was chosen from.
        predictions[MODEL] = predictions[MODEL_PLATT] if keep_platt else predictions[MODEL_RAW]
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
    last_fold, candidate, y, predictions = fitted[-1]
    if not keep_platt:
        candidate.calibration = PlattCalibration()
    latest = FoldPredictions(
        last_fold.validation,
        y,
        {name: p for name, p in predictions.items() if name not in CALIBRATION_VARIANTS},
    )
    return BacktestResult(
        folds, pd.DataFrame(rows), candidate, latest, dict(params or {}), keep_platt, baselines
    )


def platt_helps(folds: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> bool:
    """Whether Platt scaling lowered the Brier score over the backtest folds (y, calibrated, raw).

    The calibrator is learnt on one earlier quarter, whose base rate may not be the next one's;
    where that hurts more than it helps, the trees' own probabilities are published instead. The
    backtest, not a belief, decides.
    """
    calibrated = np.mean([brier_score_loss(y, p) for y, p, _ in folds])
    raw = np.mean([brier_score_loss(y, p) for y, _, p in folds])
    return bool(calibrated < raw)
