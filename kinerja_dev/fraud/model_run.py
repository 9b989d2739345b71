"""The fraud scorer's evaluation run: fitted on one generated landing's candidates labelled by its
ground truth, measured next to the strict rules on another landing, logged and registered in
MLflow (`kinerja bench fraud`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import mlflow
import pandas as pd
import sklearn
import xgboost

from kinerja.settings import Settings
from kinerja_dev.fraud.evaluate import (
    Landing,
    candidate_counts,
    evaluate_findings,
    label_findings,
)
from kinerja_dev.fraud.pipeline import loose_vars
from ml.fraud_model import EVIDENCE, THRESHOLD, XGB_PARAMS, FraudScorer, fit_scorer
from ml.registry import ensure_experiment, open_store

EXPERIMENT_NAME = "kinerja-deteksi-presensi"
MODEL_NAME = "kinerja_deteksi_presensi"


def train_scorer(candidates: pd.DataFrame, truth: pd.DataFrame) -> FraudScorer:
    """One model per family, fitted on the candidates labelled by the ground truth."""
    return fit_scorer(candidates, label_findings(candidates, truth))


@dataclass(frozen=True)
class DetectionRun:
    rules: pd.DataFrame  # evaluate_findings of the strict rules on the test landing
    model: pd.DataFrame  # evaluate_findings of the test candidates the model keeps
    families: dict[str, str]  # FamilyModel.describe() per family
    run_id: str
    version: str


def _candidate_metrics(test: Landing) -> dict[str, float]:
    out = {}
    for row in candidate_counts(test.candidates, test.truth).itertuples(index=False):
        out[f"candidates_positive_{row.pola}"] = float(row.positif)
        out[f"candidates_negative_{row.pola}"] = float(row.negatif)
    return out


def _metrics(prefix: str, evaluation: pd.DataFrame) -> dict[str, float]:
    out = {}
    for row in evaluation.itertuples(index=False):
        out[f"{prefix}_precision_{row.pola}"] = float(row.precision)
        out[f"{prefix}_recall_{row.pola}"] = float(row.recall)
    out[f"{prefix}_patterns_meeting_target"] = float(evaluation["meets_target"].sum())
    return out


def train_and_evaluate(
    settings: Settings,
    train: Landing,
    test: Landing,
    params: dict,
) -> DetectionRun:
    """Fit on the training landing's candidates, measure the strict rules (its findings) and the
    model (the candidates it keeps) on the test landing, log both to MLflow and register the
    scorer."""
    scorer = train_scorer(train.candidates, train.truth)
    rules = evaluate_findings(test.findings, test.truth)
    model = evaluate_findings(scorer.keep(test.candidates), test.truth)
    families = {name: m.describe() for name, m in scorer.families.items()}

    client = open_store(settings)
    experiment_id = ensure_experiment(client, settings, EXPERIMENT_NAME)
    with mlflow.start_run(experiment_id=experiment_id, run_name="deteksi-presensi") as run:
        mlflow.log_params(params)
        mlflow.log_params({f"xgb_{k}": v for k, v in XGB_PARAMS.items()})
        mlflow.log_params(
            {f"family_{m.family}": "xgboost" if m.model else f"constant {m.constant:g}"
             for m in scorer.families.values()}
        )  # fmt: skip
        mlflow.log_params({"loose_vars": json.dumps(loose_vars(), sort_keys=True)})
        mlflow.log_metrics({**_metrics("rules", rules), **_metrics("model", model)})
        mlflow.log_metrics(_candidate_metrics(test))
        mlflow.log_text(rules.to_csv(index=False), "evaluation/rules.csv")
        mlflow.log_text(model.to_csv(index=False), "evaluation/model.csv")
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=scorer,
            registered_model_name=MODEL_NAME,
            # Listing requirements skips MLflow's slow inference in a subprocess.
            pip_requirements=[
                f"mlflow=={mlflow.__version__}",
                f"xgboost=={xgboost.__version__}",
                f"scikit-learn=={sklearn.__version__}",
                f"pandas=={pd.__version__}",
            ],
            # what it scores: rows of the mart built with these thresholds
            metadata={"evidence": list(EVIDENCE), "threshold": THRESHOLD, "dbt_vars": loose_vars()},
        )
    return DetectionRun(rules, model, families, run.info.run_id, str(info.registered_model_version))
