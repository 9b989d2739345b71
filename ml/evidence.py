"""What a training run leaves for the people who judge it: plots, the model card and the drift
reference, logged as MLflow artifacts of the run.

Figures are made from the last backtest fold (the registered contender on its validation
quarter, next to the others fitted on the same rows) and from the fairness audit.
"""

from __future__ import annotations

from datetime import date

import mlflow
import pandas as pd

from ml.backtest import CALIBRATION_VARIANTS, MODEL, BacktestResult
from ml.bands import OPERATING_THRESHOLD
from ml.drift import DriftReference, log_reference
from ml.fairness import FairnessReport
from ml.model_card import (
    MODEL_CARD_ARTIFACT,
    FairnessDimension,
    ModelCardFacts,
    calibration_table,
    render_model_card,
)
from ml.plots import (
    backtest_figure,
    calibration_figure,
    confusion_figure,
    fairness_figure,
    pr_figure,
    roc_figure,
    shap_summary_figure,
)

PLOT_DIR = "plots"
PLOTTED_METRICS = ("pr_auc", "roc_auc", "brier", "ece")
# A beeswarm of more dots than this tells nothing more and takes long to draw.
SHAP_SAMPLE_ROWS = 5000


def backtest_frame(backtest: BacktestResult) -> pd.DataFrame:
    """fold (its validation quarter), model, metric, value: the tidy form plots and card take."""
    metrics = backtest.metrics
    chosen = metrics[
        metrics["metric"].isin(PLOTTED_METRICS) & ~metrics["contender"].isin(CALIBRATION_VARIANTS)
    ]
    return pd.DataFrame(
        {
            "fold": chosen["validation_period"],
            "model": chosen["contender"],
            "metric": chosen["metric"],
            "value": chosen["value"],
        }
    ).reset_index(drop=True)


def log_plots(
    backtest: BacktestResult, fairness: FairnessReport, contender: str = MODEL
) -> dict[str, str]:
    """Logs every figure (confusion and SHAP of the registered `contender`); returns caption ->
    artifact path for the model card."""
    latest = backtest.latest
    scorer = backtest.contender(contender)
    curves = {name: (latest.y, p) for name, p in latest.predictions.items()}
    validation = latest.validation
    sample = validation.sample(n=min(len(validation), SHAP_SAMPLE_ROWS), random_state=0)
    matrix = scorer.spec.encode(sample)
    figures = {
        "ROC curve": ("roc.png", roc_figure(curves)),
        "Precision-recall curve": ("pr.png", pr_figure(curves)),
        "Calibration": ("calibration.png", calibration_figure(curves)),
        "Confusion at the operating threshold": (
            "confusion.png",
            confusion_figure(latest.y, latest.predictions[contender], OPERATING_THRESHOLD),
        ),
        "SHAP summary": (
            "shap_summary.png",
            shap_summary_figure(scorer.contributions(matrix), matrix),
        ),
        "Fairness by group": (
            "fairness.png",
            fairness_figure(
                fairness.by_group[
                    fairness.by_group["metric"].isin(("selection_rate", "tpr", "fpr"))
                ]
            ),
        ),
        "Backtest by fold": ("backtest.png", backtest_figure(backtest_frame(backtest))),
    }
    logged = {}
    for caption, (file_name, figure) in figures.items():
        path = f"{PLOT_DIR}/{file_name}"
        mlflow.log_figure(figure, path)
        logged[caption] = path
    return logged


def log_drift_reference(backtest: BacktestResult) -> None:
    """The training matrix's distribution, which nightly scoring compares tonight's data to."""
    last = backtest.folds[-1]
    log_reference(DriftReference.from_matrix(backtest.candidate.spec.encode(last.train)))


def log_model_card(
    *,
    backtest: BacktestResult,
    contender: str = MODEL,
    choice_reason: str = "",
    fairness: FairnessReport,
    metrics: dict[str, float],
    model_name: str,
    model_version: str,
    run_id: str,
    as_of: date,
    promoted: bool,
    promotion_reason: str,
    dataset_digests: dict[str, str],
    plots: dict[str, str],
    max_dp_diff: float,
    synthetic_data: bool,
) -> None:
    last = backtest.folds[-1]
    latest = backtest.latest
    facts = ModelCardFacts(
        model_name=model_name,
        model_version=model_version,
        run_id=run_id,
        as_of=as_of,
        train_periods=last.train_periods,
        validation_period=last.validation_period,
        train_rows=len(last.train),
        validation_rows=len(last.validation),
        model_label=contender,
        scorer=backtest.contender(contender).kind,
        choice_reason=choice_reason,
        validation_metrics={k: v for k, v in metrics.items() if k.startswith("val_")},
        backtest=backtest_frame(backtest),
        calibration_bins=calibration_table(latest.y, latest.predictions[contender]),
        operating_threshold=OPERATING_THRESHOLD,
        fairness=[
            FairnessDimension(
                dimension=dimension,
                demographic_parity_difference=diffs["dp_diff"],
                equalized_odds_difference=diffs["eo_diff"],
                passed=dimension not in fairness.failed_dimensions,
            )
            for dimension, diffs in fairness.differences.items()
        ],
        fairness_by_group=fairness.by_group[["dimension", "group", "metric", "value"]],
        fairness_limit=max_dp_diff,
        fairness_passed=fairness.passed,
        fairness_reason=fairness.reason,
        promoted=promoted,
        promotion_reason=promotion_reason,
        dataset_digests=dataset_digests,
        features=backtest.contender(contender).spec.source_columns,
        plots=plots,
        synthetic_data=synthetic_data,
    )
    mlflow.log_text(render_model_card(facts), MODEL_CARD_ARTIFACT)
