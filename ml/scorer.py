"""A registered version is a whole scorer: mart rows in, the calibrated probability out.

What MLflow stores for a version is the contender the training chose (XGBoost with its
calibration, or the baseline that beat it), with the feature encoding (`FeatureSpec`, the only
encoding there is) inside. `mlflow.pyfunc.load_model`, `mlflow models serve` and nightly scoring
all call the same `predict`: the columns of `marts.fitur_kinerja_pegawai` as the mart holds them
(numbers, `jenis_jabatan` as its raw code; other columns are ignored) give one float column,
`skor`. Nightly scoring also asks the inner scorer for its SHAP contributions, for the reasons.

The model is logged "from code" (MLflow 3's recommended way for custom models): MLflow stores
`ml/scorer_code.py`, which only names `RiskScorer`; the fitted parts are plain files (XGBoost's
JSON, the spec and calibration as JSON, the logistic baseline's scikit-learn pipeline), read back
by `load_context`. Loading needs the `kinerja` package (it ships `ml`) installed where MLflow runs.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, Protocol

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema
from mlflow.types.schema import AnyType
from xgboost import XGBClassifier

from ml.baselines import LAST_PREDIKAT, LOGREG, LastPredikatRepeats, LogisticBaseline
from ml.calibration import PlattCalibration
from ml.features import FeatureSpec, mart_column_types
from ml.model import XGBOOST, RiskModel

SCORER_ARTIFACT = "scorer"
OUTPUT_COLUMN = "skor"
CODE_PATH = Path(__file__).with_name("scorer_code.py")
_DESCRIPTION = "scorer.json"
_BOOSTER = "booster.json"
_PIPELINE = "pipeline.pkl"
KINDS = (XGBOOST, LOGREG, LAST_PREDIKAT)


class Scorer(Protocol):
    """What scoring needs of a model: a probability per mart row, and per matrix row the
    log-odds contributions of each matrix column plus `bias` (ml.explain turns them into
    reasons)."""

    kind: str
    spec: FeatureSpec

    def probability(self, frame: pd.DataFrame) -> np.ndarray: ...
    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame: ...


def save_scorer(scorer: Scorer, directory: Path) -> None:
    """Writes the fitted parts of `scorer` into `directory` (which must exist)."""
    description: dict[str, Any] = {"kind": scorer.kind, "feature_spec": scorer.spec.to_dict()}
    if isinstance(scorer, RiskModel):
        scorer.booster.save_model(directory / _BOOSTER)
        description["calibration"] = scorer.calibration.to_dict()
    elif isinstance(scorer, LogisticBaseline):
        (directory / _PIPELINE).write_bytes(pickle.dumps(scorer.pipeline))
    elif isinstance(scorer, LastPredikatRepeats):
        description["last_predikat"] = scorer.to_dict()
    else:
        raise TypeError(f"no way to save a {type(scorer).__name__} as a whole scorer")
    (directory / _DESCRIPTION).write_text(json.dumps(description, indent=2))


def load_scorer(directory: Path) -> Scorer:
    description = json.loads((directory / _DESCRIPTION).read_text())
    spec = FeatureSpec.from_dict(description["feature_spec"])
    kind = description["kind"]
    if kind == XGBOOST:
        booster = XGBClassifier()
        booster.load_model(directory / _BOOSTER)
        return RiskModel(booster, spec, PlattCalibration.from_dict(description["calibration"]))
    if kind == LOGREG:
        baseline = LogisticBaseline(spec)
        # Written by save_scorer into the version's own artifacts, never taken from elsewhere.
        baseline.pipeline = pickle.loads((directory / _PIPELINE).read_bytes())
        return baseline
    if kind == LAST_PREDIKAT:
        return LastPredikatRepeats.from_dict(spec, description["last_predikat"])
    raise ValueError(f"unknown scorer kind {kind!r} in {directory}")


class RiskScorer(mlflow.pyfunc.PythonModel):
    """The pyfunc face of a saved scorer."""

    scorer: Scorer

    def load_context(self, context) -> None:
        self.scorer = load_scorer(Path(context.artifacts[SCORER_ARTIFACT]))

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        frame = pd.DataFrame(model_input)
        return pd.DataFrame({OUTPUT_COLUMN: self.scorer.probability(frame)}, index=frame.index)


def scorer_signature(spec: FeatureSpec) -> ModelSignature:
    """The mart's feature columns, typed as its dbt contract declares them, each optional (a
    mart row may hold nulls); out: `skor`, a double.

    Declared rather than inferred from a few example rows, which would mark columns that happen
    to be filled there as required. `double precision` is MLflow's double (it accepts floats,
    32-bit integers and PostgreSQL's Decimals) and `text` its string (the raw code: the encoding is
    the model's). An `integer` column is Any: MLflow has no integer that can be missing ("long"
    refuses a null and a float, "double" refuses pandas' int64, which a PostgreSQL read gives), so
    the encoding (`FeatureSpec.encode`, which refuses anything not numeric) checks it instead.
    """
    declared = mart_column_types()
    inputs = Schema(
        [
            ColSpec(_mlflow_type(declared[name]), name, required=False)
            for name in spec.source_columns
        ]
    )
    return ModelSignature(inputs=inputs, outputs=Schema([ColSpec("double", OUTPUT_COLUMN)]))


def _mlflow_type(sql_type: str):
    types = {"double precision": "double", "text": "string", "integer": AnyType()}
    if sql_type not in types:
        raise ValueError(f"no MLflow type for the mart's SQL type {sql_type!r}")
    return types[sql_type]


class NotAWholeScorer(RuntimeError):
    """A registered version that is not a whole scorer (a bare XGBoost model from before)."""


class RegisteredScorer:
    """A loaded version: probabilities from its pyfunc `predict` (exactly what a server would
    answer), reasons from the scorer inside it (the same fitted parts, loaded once)."""

    def __init__(self, model: mlflow.pyfunc.PyFuncModel) -> None:
        metadata = model.metadata.metadata or {}
        if metadata.get("scorer") not in KINDS:
            raise NotAWholeScorer(
                f"{model.metadata.model_uuid} is not a whole scorer (no scorer metadata); it was "
                "registered before ml.scorer: train again to register one"
            )
        self.model = model
        self.inner: Scorer = model.unwrap_python_model().scorer

    @property
    def kind(self) -> str:
        return self.inner.kind

    @property
    def spec(self) -> FeatureSpec:
        return self.inner.spec

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        scored = self.model.predict(frame[self.spec.source_columns])
        return scored[OUTPUT_COLUMN].to_numpy(dtype="float64")

    def contributions(self, matrix: pd.DataFrame) -> pd.DataFrame:
        return self.inner.contributions(matrix)
