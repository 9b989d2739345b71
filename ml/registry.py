"""The MLflow side: one experiment, every training run logged, every model registered, and the
`champion` alias moved only when a new version is clearly better.

Scoring never names a version: it asks for the champion, so promoting a version (here, or by
hand in the MLflow UI) changes what the next night publishes without a code change.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import sklearn
import xgboost
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.tracking import MlflowClient
from mlflow.types import ColSpec, Schema, TensorSpec
from xgboost import XGBClassifier

from kinerja.settings import Settings
from ml.dataset import TimeSplit
from ml.features import FEATURE_TABLE, LABEL_COLUMN, FeatureSpec

log = logging.getLogger(__name__)

EXPERIMENT_NAME = "kinerja-risiko-kinerja"
CHAMPION = "champion"
CHALLENGER = "challenger"
# Validation PR-AUC: the positive class is rare, and HR acts on the top of the ranking.
PROMOTION_METRIC = "val_pr_auc"
MODEL_ARTIFACT_NAME = "model"
INPUT_EXAMPLE_ROWS = 5


def open_store(settings: Settings) -> MlflowClient:
    """Point MLflow (tracking and registry) at the project's store and return a client for it."""
    if settings.mlflow_uri.startswith("sqlite:"):
        settings.mlflow_dir.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(settings.mlflow_uri)
    mlflow.set_registry_uri(settings.mlflow_uri)
    return MlflowClient(tracking_uri=settings.mlflow_uri, registry_uri=settings.mlflow_uri)


def ensure_experiment(client: MlflowClient, settings: Settings, name: str = EXPERIMENT_NAME) -> str:
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        try:
            return client.create_experiment(name, artifact_location=settings.mlflow_artifact_root)
        except MlflowException:
            # Another process created it between our look and our create.
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                raise
    if experiment.lifecycle_stage != "active":
        raise RuntimeError(f"MLflow experiment {name!r} is deleted; restore it or purge it first")
    return experiment.experiment_id


@dataclass(frozen=True)
class ModelRef:
    """A registered model version and the run that produced it."""

    name: str
    version: str
    run_id: str | None

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"


def version_by_alias(client: MlflowClient, name: str, alias: str) -> ModelRef | None:
    try:
        version = client.get_model_version_by_alias(name, alias)
    except MlflowException as error:
        # No such model: RESOURCE_DOES_NOT_EXIST; model without that alias: a "not found"
        # INVALID_PARAMETER_VALUE. Anything else (store down, bad URI) is a real failure.
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        if (
            error.error_code == "INVALID_PARAMETER_VALUE"
            and "alias" in str(error)
            and "not found" in str(error)
        ):
            return None
        raise
    return ModelRef(name=name, version=str(version.version), run_id=version.run_id)


def decide_promotion(
    client: MlflowClient, name: str, candidate_metric: float, margin: float
) -> tuple[bool, str]:
    """Whether the candidate becomes champion, and why, judged on the champion's logged metric.

    Ties keep the incumbent: a new version must beat the champion by at least `margin` and by
    more than nothing, so equally good retrains do not churn the published model.
    """
    champion = version_by_alias(client, name, CHAMPION)
    if champion is None:
        return True, "no champion yet: the first usable version becomes champion"
    champion_metric = None
    if champion.run_id:
        champion_metric = client.get_run(champion.run_id).data.metrics.get(PROMOTION_METRIC)
    if champion_metric is None:
        return True, (
            f"champion version {champion.version} has no logged {PROMOTION_METRIC}; "
            "replaced by a measured version"
        )
    gain = candidate_metric - champion_metric
    verdict = (
        f"{PROMOTION_METRIC} {candidate_metric:.4f} vs champion version {champion.version} "
        f"{champion_metric:.4f} (gain {gain:+.4f}, margin {margin:.4f})"
    )
    if gain > 0 and gain >= margin:
        return True, f"promoted: {verdict}"
    return False, f"kept as challenger: {verdict}"


def set_aliases(client: MlflowClient, name: str, version: str, promoted: bool) -> None:
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
        # A challenger older than the new champion no longer challenges anything.
        challenger = version_by_alias(client, name, CHALLENGER)
        if challenger is not None:
            client.delete_registered_model_alias(name, CHALLENGER)
    else:
        client.set_registered_model_alias(name, CHALLENGER, version)


@dataclass(frozen=True)
class Registered:
    run_id: str
    version: str
    promoted: bool
    reason: str


def log_and_register(
    settings: Settings,
    *,
    model: XGBClassifier,
    spec: FeatureSpec,
    split: TimeSplit,
    metrics: dict[str, float],
    params: dict[str, Any],
    as_of: date,
) -> Registered:
    """One MLflow run: params, data description, metrics, the model; then register and decide."""
    client = open_store(settings)
    experiment_id = ensure_experiment(client, settings)
    train_matrix = spec.encode(split.train)
    input_example = train_matrix.head(INPUT_EXAMPLE_ROWS)

    with mlflow.start_run(
        experiment_id=experiment_id, run_name=f"train-{as_of.isoformat()}"
    ) as run:
        mlflow.set_tags(
            {"kinerja.as_of": as_of.isoformat(), "kinerja.feature_table": FEATURE_TABLE}
        )
        mlflow.log_params({f"xgb_{k}": v for k, v in params.items()})
        mlflow.log_params(
            {
                "as_of": as_of.isoformat(),
                "label": LABEL_COLUMN,
                "train_period_first": split.train_periods[0],
                "train_period_last": split.train_periods[-1],
                "train_period_count": len(split.train_periods),
                "validation_period": split.validation_period,
                "feature_count": len(spec.matrix_columns),
            }
        )
        mlflow.log_metrics(metrics)
        _log_datasets(spec, split)

        model_info = mlflow.xgboost.log_model(
            model,
            name=MODEL_ARTIFACT_NAME,
            signature=model_signature(spec),
            input_example=input_example,
            registered_model_name=settings.model_name,
            # Listing requirements skips MLflow's slow inference (it imports the model in a
            # subprocess); these are exactly what loading the model needs.
            pip_requirements=[
                f"mlflow=={mlflow.__version__}",
                f"xgboost=={xgboost.__version__}",
                f"scikit-learn=={sklearn.__version__}",
                f"pandas=={pd.__version__}",
            ],
            metadata={
                "feature_spec": spec.to_dict(),
                "label": LABEL_COLUMN,
                "feature_table": FEATURE_TABLE,
                "as_of": as_of.isoformat(),
                "validation_period": split.validation_period,
            },
        )
        version = str(model_info.registered_model_version)
        promoted, reason = decide_promotion(
            client, settings.model_name, metrics[PROMOTION_METRIC], settings.promotion_margin
        )
        set_aliases(client, settings.model_name, version, promoted)
        decision = {"promoted": str(promoted).lower(), "promotion_reason": reason}
        mlflow.set_tags(decision)
        for key, value in decision.items():
            client.set_model_version_tag(settings.model_name, version, key, value)
    return Registered(run_id=run.info.run_id, version=version, promoted=promoted, reason=reason)


def model_signature(spec: FeatureSpec) -> ModelSignature:
    """Every matrix column is an optional double: any feature in the mart may be null.

    Declared rather than inferred from a few example rows, which would mark columns that happen
    to be filled there as required. The output is what the pyfunc flavour returns: the class.
    """
    inputs = Schema([ColSpec("double", name, required=False) for name in spec.matrix_columns])
    outputs = Schema([TensorSpec(np.dtype("int64"), (-1,))])
    return ModelSignature(inputs=inputs, outputs=outputs)


def _log_datasets(spec: FeatureSpec, split: TimeSplit) -> None:
    # Only the model matrix and label are described (schema, size, digest): no NIP leaves the
    # warehouse for the tracking store.
    for context, rows in (("training", split.train), ("validation", split.validation)):
        described = spec.encode(rows).assign(**{LABEL_COLUMN: rows[LABEL_COLUMN].astype("int64")})
        dataset = mlflow.data.from_pandas(
            described, targets=LABEL_COLUMN, name=f"fitur_kinerja_pegawai_{context}"
        )
        with warnings.catch_warnings():
            # The label is an integer with no missing values by construction; MLflow's hint
            # about nullable integers does not apply.
            warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")
            mlflow.log_input(dataset, context=context)


@dataclass(frozen=True)
class LoadedModel:
    ref: ModelRef
    model: XGBClassifier
    spec: FeatureSpec


def load_champion(settings: Settings) -> LoadedModel | None:
    """The version the `champion` alias points at now, with the feature spec it was trained on.

    The alias is resolved once and that exact version is loaded, so the version recorded with
    the scores is the one that made them even if the alias moves meanwhile.
    """
    client = open_store(settings)
    ref = version_by_alias(client, settings.model_name, CHAMPION)
    if ref is None:
        return None
    model = mlflow.xgboost.load_model(ref.uri)
    metadata = mlflow.models.get_model_info(ref.uri).metadata or {}
    if "feature_spec" not in metadata:
        raise RuntimeError(
            f"{ref.uri} carries no feature_spec metadata; it was not logged by ml.registry"
        )
    return LoadedModel(ref=ref, model=model, spec=FeatureSpec.from_dict(metadata["feature_spec"]))
