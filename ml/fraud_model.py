"""A learned alternative to the rules' fixed thresholds: per pattern family, an XGBoost classifier
scores each candidate from its numeric evidence (how often, how far, how fast, how close in
time) and keeps those likely to be real.

Candidates are the findings of the rules run with loosened thresholds
(kinerja.fraud.pipeline.loose_vars): the real cases plus near misses such as colleagues who queue
at a terminal together. The model learns from one generated landing's candidates labelled by
that landing's ground truth, and is measured on another landing generated with another seed,
next to the strict rules. Families group patterns whose evidence means the same thing; a family
whose training candidates are all of one class gets a constant (there is nothing to learn), and
the run says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
import sklearn
import xgboost
from xgboost import XGBClassifier

from kinerja.fraud.bench import Landing
from kinerja.fraud.evaluate import candidate_counts, evaluate_findings, label_findings
from kinerja.fraud.pipeline import loose_vars
from kinerja.settings import Settings
from kinerja.synth.fraud import POLA
from ml.registry import ensure_experiment, open_store

EXPERIMENT_NAME = "kinerja-deteksi-presensi"
MODEL_NAME = "kinerja_deteksi_presensi"
THRESHOLD = 0.5
FAMILY = {
    "BUDDY_PUNCHING": "pasangan",
    "LUAR_GEOFENCE": "lokasi",
    "PERJALANAN_MUSTAHIL": "lokasi",
    "PRESENSI_SAAT_CUTI": "cuti",
    "NIK_GANDA": "identitas",
    "PEGAWAI_TANPA_AKTIVITAS": "identitas",
    "NIP_TIDAK_COCOK": "identitas",
}
EVIDENCE = ("jumlah_kejadian", "jarak_m", "kecepatan_kmh", "selisih_detik", "rasio_kejadian")
XGB_PARAMS = {
    "n_estimators": 80,
    "max_depth": 3,
    "learning_rate": 0.1,
    "min_child_weight": 1.0,
    "eval_metric": "logloss",
    # Exact splits sit halfway between neighbouring values (hist splits sit on a value): on
    # log features that is the geometric middle of the gap between the classes.
    "tree_method": "exact",
    "random_state": 0,
    "n_jobs": 1,
}


def features(findings: pd.DataFrame) -> pd.DataFrame:
    """The numeric evidence of each finding (log scale: the evidence spans orders of magnitude,
    a few hundred metres of drift to a thousand kilometres), its span in days and its pattern
    (one-hot); a column the mart lacks is missing (NaN), which XGBoost handles."""
    out = pd.DataFrame(index=findings.index)
    for column in EVIDENCE:
        present = column in findings.columns
        values = pd.to_numeric(findings[column], errors="coerce") if present else np.nan
        out[column] = np.log1p(pd.Series(values, index=findings.index, dtype=float).clip(lower=0))
    first = pd.to_datetime(findings.get("tanggal_mulai"), errors="coerce")
    last = pd.to_datetime(findings.get("tanggal_selesai"), errors="coerce")
    out["rentang_hari"] = (last - first).dt.days.astype(float)
    for pola in POLA:
        out[f"pola_{pola}"] = (findings["pola"] == pola).astype(float)
    return out


@dataclass
class FamilyModel:
    family: str
    model: XGBClassifier | None  # None: constant
    constant: float
    rows: int
    positives: int

    def describe(self) -> str:
        if self.model is None:
            return (
                f"constant {self.constant:g} (one class: {self.positives} of {self.rows} "
                "training candidates are real)"
            )
        return f"xgboost ({self.positives} of {self.rows} training candidates are real)"

    def score(self, matrix: pd.DataFrame) -> np.ndarray:
        if self.model is None:
            return np.full(len(matrix), self.constant)
        return self.model.predict_proba(matrix)[:, 1]


class FraudScorer(mlflow.pyfunc.PythonModel):
    """Probability that a candidate (a row of the mart built with loose_vars) is a real case,
    from the family model of its pattern."""

    def __init__(self, families: dict[str, FamilyModel]):
        self.families = families

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.score(model_input)

    def score(self, findings: pd.DataFrame) -> np.ndarray:
        matrix = features(findings)
        out = np.zeros(len(findings))
        family = findings["pola"].map(FAMILY).to_numpy()
        for name, model in self.families.items():
            rows = family == name
            if rows.any():
                out[rows] = model.score(matrix[rows])
        return out

    def keep(self, findings: pd.DataFrame) -> pd.DataFrame:
        return findings[self.score(findings) >= THRESHOLD]


def train_scorer(candidates: pd.DataFrame, truth: pd.DataFrame) -> FraudScorer:
    """One model per family, fitted on the candidates labelled by the ground truth."""
    labels = label_findings(candidates, truth).astype(int)
    matrix = features(candidates)
    family = candidates["pola"].map(FAMILY)
    models = {}
    for name in sorted(set(FAMILY.values())):
        rows = (family == name).to_numpy()
        y = labels[rows]
        positives = int(y.sum())
        if y.nunique() < 2:
            constant = float(y.iloc[0]) if len(y) else 1.0  # no candidates: keep what comes
            models[name] = FamilyModel(name, None, constant, int(rows.sum()), positives)
            continue
        model = XGBClassifier(**XGB_PARAMS)
        model.fit(matrix[rows], y)
        models[name] = FamilyModel(name, model, float("nan"), int(rows.sum()), positives)
    return FraudScorer(models)


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
