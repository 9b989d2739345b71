"""The risk model's speed at agency scale: training (rolling-origin backtest with baselines and
calibration, fairness audit, MLflow logging) and nightly scoring (calibrated score, SHAP reasons
in Indonesian, PSI drift), on a synthetic feature mart of the real shape."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kinerja.settings import Settings
from kinerja_dev.synthetic import synthetic_features
from ml.backtest import run_backtest
from ml.bands import band_for
from ml.drift import DriftReference, population_stability
from ml.features import FeatureSpec
from ml.model import XGB_PARAMS
from ml.periods import next_periode_id, quarter_end
from ml.score import score_frame
from ml.selection import choose_contender
from ml.train import fairness_limits, summary_metrics


@dataclass
class MlBenchResult:
    employees: int
    quarters: int
    train_rows: int
    folds: int
    backtest_seconds: float
    fairness_seconds: float
    mlflow_seconds: float
    scoring_rows: int
    scoring_seconds: float
    drift_seconds: float
    metrics: dict[str, float]

    @property
    def training_seconds(self) -> float:
        return self.backtest_seconds + self.fairness_seconds + self.mlflow_seconds

    @property
    def nightly_scoring_seconds(self) -> float:
        return self.scoring_seconds + self.drift_seconds


def run_ml_bench(
    employees: int, quarters: int, folds: int, work_dir: Path, report=lambda message: None
) -> MlBenchResult:
    """`quarters` labelled quarters of features for `employees`, plus the unlabelled quarter
    scoring reads."""
    from ml.registry import ModelRef, load_model_version, log_and_register  # MLflow only here

    report(f"synthetic feature mart: {employees:,} employees x {quarters + 1} quarters")
    frame = synthetic_features(n_pegawai=employees, n_periods=quarters + 1, seed=0)
    labelled = frame[frame["label_berisiko"].notna()].reset_index(drop=True)
    latest_period = frame["periode_id"].max()
    scoring_rows = frame[frame["periode_id"] == latest_period].reset_index(drop=True)
    settings = Settings(
        home=work_dir,
        target="duckdb",
        mlflow_tracking_uri=None,
        backtest_folds=folds,
        model_name=f"bench_{uuid.uuid4().hex[:8]}",
    )
    spec = FeatureSpec()

    report(f"training: {folds}-fold rolling-origin backtest with baselines and calibration")
    began = time.perf_counter()
    backtest = run_backtest(
        labelled,
        spec,
        folds,
        XGB_PARAMS,
        progress=lambda done, total: report(f"fold {done}/{total}"),
    )
    backtest_seconds = time.perf_counter() - began

    began = time.perf_counter()
    choice = choose_contender(backtest, fairness_limits(settings))
    metrics = summary_metrics(backtest, choice.fairness, choice.contender)
    fairness_seconds = time.perf_counter() - began

    report("MLflow: metrics, datasets, plots, model card, model registration")
    began = time.perf_counter()
    as_of = quarter_end(next_periode_id(labelled["periode_id"].max()))
    registered = log_and_register(
        settings,
        backtest=backtest,
        choice=choice,
        metrics=metrics,
        as_of=as_of,
        latest_label_period=str(labelled["periode_id"].max()),
        trigger="benchmark",
    )
    mlflow_seconds = time.perf_counter() - began

    report(f"scoring {len(scoring_rows):,} employees: calibrated score, SHAP reasons")
    began = time.perf_counter()
    # As the night does: the registered whole scorer, loaded through MLflow.
    version = ModelRef(settings.model_name, registered.version, registered.run_id)
    scores = score_frame(load_model_version(version), scoring_rows)
    scoring_seconds = time.perf_counter() - began
    assert scores["band"].tolist() == [band_for(s) for s in scores["skor"]]

    began = time.perf_counter()
    reference = DriftReference.from_matrix(spec.encode(backtest.folds[-1].train))
    population_stability(reference, spec.encode(scoring_rows))
    drift_seconds = time.perf_counter() - began

    return MlBenchResult(
        employees=employees,
        quarters=quarters,
        train_rows=len(labelled),
        folds=len(backtest.folds),
        backtest_seconds=backtest_seconds,
        fairness_seconds=fairness_seconds,
        mlflow_seconds=mlflow_seconds,
        scoring_rows=len(scores),
        scoring_seconds=scoring_seconds,
        drift_seconds=drift_seconds,
        metrics=metrics,
    )


def results_frame(result: MlBenchResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("training: backtest (all folds, baselines, calibration)", result.backtest_seconds),
            ("training: fairness audit", result.fairness_seconds),
            ("training: MLflow logging and registration", result.mlflow_seconds),
            ("training: total", result.training_seconds),
            ("scoring: score + SHAP reasons", result.scoring_seconds),
            ("scoring: PSI drift", result.drift_seconds),
            ("scoring: total", result.nightly_scoring_seconds),
        ],
        columns=["stage", "seconds"],
    )
