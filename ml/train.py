"""Training the risk model for one nightly data date: backtest, gate on fairness, register.

The model predicts `label_berisiko`: whether an employee's next-quarter predikat is Butuh
Perbaikan or worse. `train_and_register` is what the DAG calls; it trains only when the cadence
says so (ml.cadence). The pieces before it are pure functions the tests call directly.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from kinerja.settings import Settings
from kinerja.warehouse import connect
from ml.backtest import MODEL, BacktestResult, run_backtest
from ml.baselines import BASELINES
from ml.dataset import InputTableMissing, load_training_frame
from ml.fairness import FairnessLimits, FairnessReport
from ml.features import LABEL_COLUMN, FeatureSpec, label_vector
from ml.model import XGB_PARAMS
from ml.selection import assess_candidate, choose_contender
from ml.training_result import TrainingResult

__all__ = ["assess_candidate", "summary_metrics", "train_and_register"]

log = logging.getLogger(__name__)

VALIDATION_METRICS = ("roc_auc", "pr_auc", "brier", "ece", "log_loss", "prevalence", "rows")


def plan_training(frame: pd.DataFrame, min_training_rows: int) -> str:
    """Why the labelled rows cannot support a backtest, or "" when they can."""
    if len(frame) < min_training_rows:
        return (
            f"only {len(frame)} labelled rows are available; at least {min_training_rows} "
            "are needed (KINERJA_MIN_TRAINING_ROWS)"
        )
    periods = sorted(frame["periode_id"].unique())
    if len(periods) < 2:
        return (
            f"labels exist for {len(periods)} quarter(s); a time split needs at least 2 "
            "(earlier quarters train, the latest validates)"
        )
    latest = frame["periode_id"] == periods[-1]
    for part, rows in (("training", frame[~latest]), ("validation", frame[latest])):
        classes = sorted(set(label_vector(rows).tolist()))
        if len(classes) < 2:
            return (
                f"the {part} rows hold only {LABEL_COLUMN} = {classes[0]}; "
                "both classes are needed to fit and to measure a classifier"
            )
    return ""


def fairness_limits(settings: Settings) -> FairnessLimits:
    return FairnessLimits(
        max_dp_diff=settings.fairness_max_dp_diff,
        max_eo_diff=settings.fairness_max_eo_diff,
        min_group_size=settings.fairness_min_group_size,
    )


def summary_metrics(
    backtest: BacktestResult, fairness: FairnessReport, contender: str = MODEL
) -> dict[str, float]:
    """The run's headline numbers: the latest fold (the registered contender's own validation,
    `val_*`), every contender on it, the worst fold's gain of XGBoost over the best baseline,
    the mean backtest PR-AUC of each contender, and fairness gaps."""
    last_fold = backtest.metrics[backtest.metrics["fold"] == backtest.folds[-1].index]
    metrics: dict[str, float] = {}
    for _, row in last_fold.iterrows():
        if row["contender"] == contender and row["metric"] in VALIDATION_METRICS:
            metrics[f"val_{row['metric']}"] = float(row["value"])
        if row["contender"] in (MODEL, *BASELINES) and row["metric"] in (
            "pr_auc",
            "roc_auc",
            "brier",
        ):
            metrics[f"{row['contender']}_{row['metric']}"] = float(row["value"])
    gains = backtest.pr_auc_gains()
    metrics["backtest_folds"] = float(len(backtest.folds))
    metrics["backtest_min_pr_auc_gain"] = float(gains.min())
    metrics["backtest_folds_beating_baselines"] = float((gains > 0).sum())
    mean = backtest.mean_pr_auc()
    metrics["backtest_mean_pr_auc"] = float(mean[contender])
    for name, value in mean.items():
        metrics[f"backtest_mean_pr_auc_{name}"] = float(value)
    metrics["train_rows"] = float(len(backtest.folds[-1].train))
    metrics.update(fairness.metrics())
    return {k: v for k, v in metrics.items() if not np.isnan(v)}


def train_and_register(
    settings: Settings, as_of: date, force: bool = False, progress=None
) -> TrainingResult:
    """Train on what was known by `as_of` when the cadence says so (or `force`), log, register,
    and promote when better and fair. Returns a skipped result (never raises) when there is
    nothing to do or not enough labelled data yet."""
    from ml.cadence import training_due
    from ml.registry import log_and_register, open_store

    try:
        with connect(settings) as wh:
            frame = load_training_frame(wh, as_of)
    except InputTableMissing as missing:
        return _skipped(as_of, f"{missing}; build the marts before training")

    reason = plan_training(frame, settings.min_training_rows)
    if reason:
        return _skipped(as_of, reason)
    latest_label_period = str(max(frame["periode_id"]))
    trigger = "forced by hand"
    if not force:
        due, trigger = training_due(open_store(settings), settings, as_of, latest_label_period)
        if not due:
            return _skipped(as_of, trigger)

    spec = FeatureSpec()
    backtest = run_backtest(frame, spec, settings.backtest_folds, XGB_PARAMS, progress=progress)
    choice = choose_contender(backtest, fairness_limits(settings))
    fairness = choice.fairness
    if choice.is_baseline:
        log.warning("%s: %s", settings.model_name, choice.reason)
    metrics = summary_metrics(backtest, fairness, choice.contender)
    registered = log_and_register(
        settings,
        backtest=backtest,
        choice=choice,
        metrics=metrics,
        as_of=as_of,
        latest_label_period=latest_label_period,
        trigger=trigger,
    )
    log.info(
        "trained %s version %s (run %s, %s): val_pr_auc %.4f; %s",
        settings.model_name,
        registered.version,
        registered.run_id,
        choice.contender,
        metrics["val_pr_auc"],
        registered.reason,
    )
    last = backtest.folds[-1]
    return TrainingResult(
        skipped=False,
        reason=registered.reason,
        run_id=registered.run_id,
        model_version=registered.version,
        promoted=registered.promoted,
        fairness_passed=fairness.passed,
        contender=choice.contender,
        choice_reason=choice.reason,
        metrics=metrics,
        as_of=as_of,
        train_periods=last.train_periods,
        validation_period=last.validation_period,
    )


def _skipped(as_of: date, reason: str) -> TrainingResult:
    log.warning("training skipped for %s: %s", as_of, reason)
    return TrainingResult(skipped=True, reason=reason, as_of=as_of)
