"""A learned alternative to the rules' fixed thresholds: per pattern family, an XGBoost classifier
scores each candidate from its numeric evidence (how often, how far, how fast, how close in
time) and keeps those likely to be real.

Candidates are the findings of the rules run with loosened thresholds
(`loose_vars` in the fraud evaluation, kinerja_dev.fraud): the real cases plus near misses such as colleagues who queue
at a terminal together. The model learns from one generated landing's candidates labelled by
that landing's ground truth, and is measured on another landing generated with another seed,
next to the strict rules. Families group patterns whose evidence means the same thing; a family
whose training candidates are all of one class gets a constant (there is nothing to learn), and
the run says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
from xgboost import XGBClassifier

from kinerja.rules import pola, pola_peringatan

THRESHOLD = 0.5
# Patterns whose evidence means the same thing share a model; the codes are the seed's.
FAMILY = {
    pola("BUDDY_PUNCHING"): "pasangan",
    pola("LUAR_GEOFENCE"): "lokasi",
    pola("PERJALANAN_MUSTAHIL"): "lokasi",
    pola("PRESENSI_SAAT_CUTI"): "cuti",
    pola("NIK_GANDA"): "identitas",
    pola("PEGAWAI_TANPA_AKTIVITAS"): "identitas",
    pola("NIP_TIDAK_COCOK"): "identitas",
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
    for code in pola_peringatan():
        out[f"pola_{code}"] = (findings["pola"] == code).astype(float)
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


def fit_scorer(candidates: pd.DataFrame, labels: pd.Series) -> FraudScorer:
    """One model per family, fitted on the candidates and their labels (1: a real case)."""
    labels = labels.astype(int)
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
