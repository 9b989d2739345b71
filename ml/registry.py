"""The MLflow side: one experiment, every training run logged, every model registered, and the
`champion` alias moved only when a new version passes the fairness gate and beats the champion
on the same quarter.

A version is a whole scorer (ml.scorer): the encoding, the chosen contender (XGBoost with its
calibration, or the baseline that beat it) and its output, the probability. Scoring never names a
version: it asks for the champion, so promoting a version (here, or by hand in the MLflow UI)
changes what the next night publishes without a code change.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import fsspec
import mlflow
import numpy as np
import pandas as pd
import sklearn
import xgboost
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from sklearn.metrics import average_precision_score

from kinerja.project import PROJECT_DIR
from kinerja.settings import Settings
from ml.backtest import BacktestResult, Fold
from ml.evidence import log_drift_reference, log_model_card, log_plots
from ml.fairness import FairnessReport
from ml.features import FEATURE_TABLE, LABEL_COLUMN, FeatureSpec, label_vector
from ml.scorer import (
    CODE_PATH,
    OUTPUT_COLUMN,
    SCORER_ARTIFACT,
    NotAWholeScorer,
    RegisteredScorer,
    save_scorer,
    scorer_signature,
)
from ml.selection import Choice

log = logging.getLogger(__name__)

EXPERIMENT_NAME = "kinerja-risiko-kinerja"
CHAMPION = "champion"
CHALLENGER = "challenger"
TAG_AS_OF = "kinerja.as_of"
TAG_LATEST_LABEL_PERIOD = "kinerja.latest_label_period"
TAG_MODEL_NAME = "kinerja.model_name"
TAG_CONTENDER = "kinerja.contender"
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


def load_model_version(ref: ModelRef) -> RegisteredScorer:
    """One registered version, loaded the way any MLflow user loads it (`pyfunc.load_model`).

    Raises NotAWholeScorer for a version registered before whole scorers (a bare XGBoost model).
    """
    if not is_whole_scorer(ref):
        raise NotAWholeScorer(
            f"{ref.uri} is not a whole scorer (a bare model registered before ml.scorer) and "
            "cannot score a mart row: train again (kinerja train --force) to register one"
        )
    return RegisteredScorer(mlflow.pyfunc.load_model(ref.uri))


def is_whole_scorer(ref: ModelRef) -> bool:
    """Whether the version was logged by ml.scorer (reads its MLmodel file only)."""
    metadata = mlflow.models.get_model_info(ref.uri).metadata or {}
    return "scorer" in metadata


def decide_promotion(
    client: MlflowClient,
    name: str,
    candidate_pr_auc: float,
    validation: pd.DataFrame,
    fairness: FairnessReport,
    margin: float,
) -> tuple[bool, str]:
    """Whether the candidate becomes champion, and why.

    Unfair never wins, whatever its accuracy. Otherwise the champion is re-scored on the
    candidate's own validation quarter, so both are judged on the same rows (a metric logged
    months ago on another quarter says nothing about tonight). Ties keep the incumbent: a new
    version must beat the champion by at least `margin` and by more than nothing.
    """
    if not fairness.passed:
        return False, fairness.reason
    champion = version_by_alias(client, name, CHAMPION)
    if champion is None:
        return True, "no champion yet: the first usable version becomes champion"
    try:
        incumbent = load_model_version(champion)
        champion_pr_auc = float(
            average_precision_score(label_vector(validation), incumbent.probability(validation))
        )
    except (KeyError, RuntimeError, MlflowException) as error:  # NotAWholeScorer too
        # Its features are gone from the mart or it cannot be loaded: it cannot be defended.
        return True, f"champion version {champion.version} cannot be re-scored ({error})"
    gain = candidate_pr_auc - champion_pr_auc
    verdict = (
        f"PR-AUC {candidate_pr_auc:.4f} vs champion version {champion.version} "
        f"{champion_pr_auc:.4f} on the same quarter (gain {gain:+.4f}, margin {margin:.4f})"
    )
    if gain > 0 and gain >= margin:
        return True, f"promoted: {verdict}"
    return False, f"kept as challenger: {verdict}"


def set_aliases(client: MlflowClient, name: str, version: str, promoted: bool, fair: bool) -> None:
    """Promoted: champion, and an older challenger stops challenging. Fair but not better:
    the new challenger. Refused by the fairness gate: no alias at all, so nothing serves it."""
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
        if version_by_alias(client, name, CHALLENGER) is not None:
            client.delete_registered_model_alias(name, CHALLENGER)
    elif fair:
        client.set_registered_model_alias(name, CHALLENGER, version)


@dataclass(frozen=True)
class Registered:
    run_id: str
    version: str
    promoted: bool
    reason: str


def run_name(as_of: date) -> str:
    """Unique per run: several trainings for one data date (a forced rerun) stay apart."""
    return f"train-{as_of.isoformat()}-{uuid.uuid4().hex[:8]}"


def log_and_register(
    settings: Settings,
    *,
    backtest: BacktestResult,
    choice: Choice,
    metrics: dict[str, float],
    as_of: date,
    latest_label_period: str,
    trigger: str = "",
) -> Registered:
    """One MLflow run: params, data digests, per-fold and overall metrics, plots, model card, the
    chosen contender as a whole scorer; then register it, decide on promotion, and record the
    choice and the decision on run and version (tags and the version's description)."""
    client = open_store(settings)
    experiment_id = ensure_experiment(client, settings)
    model = backtest.candidate
    scorer = backtest.contender(choice.contender)
    fairness = choice.fairness
    last = backtest.folds[-1]

    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name(as_of)) as run:
        mlflow.set_tags(
            {
                TAG_AS_OF: as_of.isoformat(),
                TAG_LATEST_LABEL_PERIOD: latest_label_period,
                "kinerja.training_trigger": trigger,
                TAG_MODEL_NAME: settings.model_name,
                "kinerja.feature_table": FEATURE_TABLE,
                TAG_CONTENDER: choice.contender,
                "kinerja.scorer": scorer.kind,
                "choice_reason": choice.reason,
            }
        )
        mlflow.log_params({f"xgb_{k}": v for k, v in backtest.params.items()})
        mlflow.log_params(
            {
                "as_of": as_of.isoformat(),
                "label": LABEL_COLUMN,
                "train_period_first": last.train_periods[0],
                "train_period_last": last.train_periods[-1],
                "train_period_count": len(last.train_periods),
                "validation_period": last.validation_period,
                "backtest_validation_periods": ",".join(
                    f.validation_period for f in backtest.folds
                ),
                "feature_count": len(model.spec.matrix_columns),
                "operating_threshold": fairness.threshold,
                "fairness_max_dp_diff": settings.fairness_max_dp_diff,
                "fairness_max_eo_diff": settings.fairness_max_eo_diff,
                "fairness_min_group_size": settings.fairness_min_group_size,
                # Chosen by the backtest (ml.backtest.platt_helps): "none" publishes the trees'
                # own probabilities, Platt scaling having raised the folds' Brier score.
                "calibration": "platt" if backtest.platt_calibration else "none",
                "calibration_slope": round(model.calibration.slope, 6),
                "calibration_intercept": round(model.calibration.intercept, 6),
            }
        )
        mlflow.log_metrics(metrics)
        _log_fold_metrics(backtest)
        digests = _log_datasets(model.spec, last)
        log_evidence(backtest, fairness)
        plots = log_plots(backtest, fairness, choice.contender)
        log_drift_reference(backtest)

        model_info = _log_scorer(settings, scorer, last, as_of, choice)
        version = str(model_info.registered_model_version)
        promoted, reason = decide_promotion(
            client,
            settings.model_name,
            metrics["val_pr_auc"],
            last.validation,
            fairness,
            settings.promotion_margin,
        )
        set_aliases(client, settings.model_name, version, promoted, fairness.passed)
        decision = {
            "promoted": str(promoted).lower(),
            "promotion_reason": reason,
            "fairness_gate": "passed" if fairness.passed else "failed",
            "fairness_reason": fairness.reason,
        }
        mlflow.set_tags(decision)
        version_tags = {
            **decision,
            TAG_CONTENDER: choice.contender,
            "scorer": scorer.kind,
            "choice_reason": choice.reason,
            "as_of": as_of.isoformat(),
        }
        for key, value in version_tags.items():
            client.set_model_version_tag(settings.model_name, version, key, value)
        client.update_model_version(
            settings.model_name,
            version,
            description=version_description(as_of, last, metrics, choice, promoted, reason),
        )
        log_model_card(
            backtest=backtest,
            contender=choice.contender,
            choice_reason=choice.reason,
            fairness=fairness,
            metrics=metrics,
            model_name=settings.model_name,
            model_version=version,
            run_id=run.info.run_id,
            as_of=as_of,
            promoted=promoted,
            promotion_reason=reason,
            dataset_digests=digests,
            plots=plots,
            max_dp_diff=settings.fairness_max_dp_diff,
            synthetic_data=landing_is_synthetic(settings),
        )
    return Registered(run_id=run.info.run_id, version=version, promoted=promoted, reason=reason)


def landing_is_synthetic(settings: Settings) -> bool:
    """`kinerja generate` leaves its ground truth beside the deliveries; an agency's do not."""
    fs, root = fsspec.core.url_to_fs(settings.landing_url)
    return bool(fs.exists(f"{root.rstrip('/')}/_ground_truth"))


def _log_scorer(settings: Settings, scorer, last: Fold, as_of: date, choice: Choice):
    """The chosen contender as one MLflow model, logged from code (ml/scorer_code.py) with its
    fitted parts as artifacts, and registered."""
    with tempfile.TemporaryDirectory() as scratch:
        parts = Path(scratch) / SCORER_ARTIFACT
        parts.mkdir()
        save_scorer(scorer, parts)
        project = _private_copies(
            Path(scratch) / "project", PROJECT_DIR, "pyproject.toml", "uv.lock"
        )
        code = _private_copies(Path(scratch) / "code", CODE_PATH.parent, CODE_PATH.name)
        return mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT_NAME,
            python_model=str(code / CODE_PATH.name),
            artifacts={SCORER_ARTIFACT: str(parts)},
            signature=scorer_signature(scorer.spec),
            input_example=_input_example(scorer.spec, last.train),
            registered_model_name=settings.model_name,
            # Listing requirements skips MLflow's slow inference (it imports the model in a
            # subprocess). The scorer's code is the `kinerja` package's `ml`: it is not on PyPI,
            # so it is not listed (a same-named package there must never be installed); serve
            # from an environment that has it (`mlflow models serve --env-manager local`).
            pip_requirements=[
                f"mlflow=={mlflow.__version__}",
                f"xgboost=={xgboost.__version__}",
                f"scikit-learn=={sklearn.__version__}",
                f"pandas=={pd.__version__}",
            ],
            # MLflow copies the project's pyproject.toml and uv.lock into the model: the exact
            # environment (kinerja included) it was trained in. Named, not taken from the cwd.
            uv_project_path=project,
            metadata={
                "scorer": scorer.kind,
                "contender": choice.contender,
                "output": f"{OUTPUT_COLUMN}: calibrated probability that {LABEL_COLUMN} = 1",
                "code": "kinerja package, ml.scorer (install it where the model is served)",
                "feature_spec": scorer.spec.to_dict(),
                "label": LABEL_COLUMN,
                "feature_table": FEATURE_TABLE,
                "as_of": as_of.isoformat(),
                "validation_period": last.validation_period,
            },
        )


def _private_copies(folder: Path, source: Path, *names: str) -> Path:
    """Files MLflow copies into the model (the scorer's code, pyproject.toml and uv.lock) written
    anew, so owner-only: MLflow keeps their mode, and a checkout's files are readable by all. An
    installed package has no pyproject.toml or uv.lock: nothing to copy."""
    folder.mkdir()
    for name in names:
        if (source / name).is_file():
            (folder / name).write_bytes((source / name).read_bytes())
    return folder


def _input_example(spec: FeatureSpec, rows: pd.DataFrame) -> pd.DataFrame:
    """A few training rows, feature columns only: no NIP leaves the warehouse for the tracking
    store. Numbers as plain numbers: PostgreSQL's Decimals are not JSON."""
    example = rows[spec.source_columns].head(INPUT_EXAMPLE_ROWS).copy()
    for name in spec.numeric:
        if example[name].dtype == object:
            example[name] = pd.to_numeric(example[name]).astype("float64")
    return example


def version_description(
    as_of: date,
    last: Fold,
    metrics: dict[str, float],
    choice: Choice,
    promoted: bool,
    reason: str,
) -> str:
    """What the registry shows for a version: what it is, how good, why it was (not) promoted."""
    verdict = "Promoted to champion" if promoted else "Not promoted"
    return (
        f"Whole scorer ({choice.contender}) trained for data date {as_of.isoformat()}: mart "
        f"feature columns in, calibrated probability `{OUTPUT_COLUMN}` out. PR-AUC "
        f"{metrics['val_pr_auc']:.4f} on validation quarter {last.validation_period}, mean "
        f"backtest PR-AUC {metrics['backtest_mean_pr_auc']:.4f}. Chosen: {choice.reason}. "
        f"{verdict}: {reason}."
    )


def _log_fold_metrics(backtest: BacktestResult) -> None:
    # One series per contender and metric, stepped by fold: MLflow's charts then draw the model
    # and its baselines fold by fold.
    for row in backtest.metrics.itertuples(index=False):
        if not np.isnan(row.value):
            mlflow.log_metric(f"fold_{row.contender}_{row.metric}", row.value, step=row.fold)


def _log_datasets(spec: FeatureSpec, fold: Fold) -> dict[str, str]:
    # Only the model matrix and label are described (schema, size, digest): no NIP leaves the
    # warehouse for the tracking store.
    digests = {}
    for context, rows in (("training", fold.train), ("validation", fold.validation)):
        described = spec.encode(rows).assign(**{LABEL_COLUMN: label_vector(rows)})
        dataset = mlflow.data.from_pandas(
            described, targets=LABEL_COLUMN, name=f"fitur_kinerja_pegawai_{context}"
        )
        with warnings.catch_warnings():
            # The label is an integer with no missing values by construction; MLflow's hint
            # about nullable integers does not apply.
            warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer")
            mlflow.log_input(dataset, context=context)
        digests[context] = dataset.digest
    return digests


def log_evidence(backtest: BacktestResult, fairness: FairnessReport) -> None:
    """Tables behind the metrics, for the ML engineer who wants to look closer."""
    mlflow.log_table(backtest.metrics, artifact_file="backtest/metrics_per_fold.json")
    mlflow.log_table(fairness.by_group, artifact_file="fairness/by_group.json")


@dataclass(frozen=True)
class LoadedModel:
    ref: ModelRef
    model: RegisteredScorer


def load_champion(settings: Settings) -> LoadedModel | None:
    """The version the `champion` alias points at now.

    The alias is resolved once and that exact version is loaded, so the version recorded with
    the scores is the one that made them even if the alias moves meanwhile.
    """
    client = open_store(settings)
    ref = version_by_alias(client, settings.model_name, CHAMPION)
    if ref is None:
        return None
    return LoadedModel(ref=ref, model=load_model_version(ref))
