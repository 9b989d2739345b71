"""The model file MLflow logs "from code" for every risk-model version (see ml.scorer).

MLflow copies this file into the model and runs it when the model is loaded; `set_model` hands it
the scorer, whose `load_context` then reads the version's fitted parts.
"""

import mlflow

from ml.scorer import RiskScorer

mlflow.models.set_model(RiskScorer())
