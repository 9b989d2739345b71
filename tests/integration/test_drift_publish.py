"""Drift on both engines (one set per date and model, replaced on a rerun) and the drift
reference stored with a model version in a real MLflow SQLite store."""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import mlflow
import numpy as np
import pandas as pd
import psycopg
import pytest
from mlflow.tracking import MlflowClient
from xgboost import XGBClassifier

from kinerja.publish.drift import DRIFT_TABLE, DRIFT_TABLE_COLUMNS, write_drift
from kinerja.warehouse import connect
from kinerja_dev.synthetic import synthetic_features
from ml.drift import (
    REFERENCE_ARTIFACT,
    DriftReference,
    find_reference,
    load_reference,
    log_reference,
    population_stability,
    scoring_drift,
)
from ml.features import FeatureSpec, label_vector

DAY = date(2026, 10, 2)
NEXT_DAY = date(2026, 10, 3)
MODEL = "kinerja_risiko_kinerja"


def _drift(psi: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fitur": [f"fitur_{i}" for i in range(len(psi))],
            "psi": psi,
            "status": ["BERGESER" if p >= 0.25 else "STABIL" for p in psi],
        }
    )


def _table(settings) -> pd.DataFrame:
    with connect(settings) as wh:
        frame = wh.query_df(f"select * from {DRIFT_TABLE} order by tanggal_data, model_name, fitur")
    frame["tanggal_data"] = pd.to_datetime(frame["tanggal_data"]).dt.date
    return frame


def test_writing_twice_for_one_date_leaves_one_set(target_settings):
    with connect(target_settings) as wh:
        assert write_drift(wh, _drift([0.01]), NEXT_DAY, MODEL, "1") == 1
        assert write_drift(wh, _drift([0.01, 0.3, 0.02]), DAY, MODEL, "1") == 3
        assert write_drift(wh, _drift([0.02, 0.4]), DAY, MODEL, "2") == 2
        # Another model the same night keeps its own set.
        assert write_drift(wh, _drift([0.05]), DAY, "kinerja_fraud", "7") == 1

    table = _table(target_settings)
    assert list(table.columns) == list(DRIFT_TABLE_COLUMNS)
    risk_today = table[(table["tanggal_data"] == DAY) & (table["model_name"] == MODEL)]
    assert list(risk_today["fitur"]) == ["fitur_0", "fitur_1"]
    assert list(risk_today["psi"]) == [0.02, 0.4]
    assert list(risk_today["status"]) == ["STABIL", "BERGESER"]
    assert set(risk_today["model_version"]) == {"2"}
    assert len(table[table["tanggal_data"] == NEXT_DAY]) == 1
    assert len(table[table["model_name"] == "kinerja_fraud"]) == 1


def test_a_failed_rewrite_keeps_the_previous_set(target_settings):
    with connect(target_settings) as wh:
        write_drift(wh, _drift([0.01, 0.3]), DAY, MODEL, "1")
        broken = _drift([0.02, 0.4])
        broken.loc[1, "fitur"] = "fitur_0"  # breaks the (tanggal_data, model_name, fitur) key
        with pytest.raises((duckdb.Error, psycopg.errors.UniqueViolation)):
            write_drift(wh, broken, DAY, MODEL, "2")
    assert list(_table(target_settings)["psi"]) == [0.01, 0.3]


@pytest.fixture
def tracking(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    previous = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    experiment = mlflow.create_experiment(
        "drift-test", artifact_location=(tmp_path / "artifacts").as_uri()
    )
    try:
        yield MlflowClient(tracking_uri=uri, registry_uri=uri), experiment
    finally:
        mlflow.set_tracking_uri(previous[0])
        mlflow.set_registry_uri(previous[1])


def test_reference_logged_with_the_run_is_read_back_by_run_id_and_model_uri(tracking):
    client, experiment = tracking
    spec = FeatureSpec()
    features = synthetic_features(n_pegawai=120, n_periods=3, seed=5).dropna(
        subset=["label_berisiko"]
    )
    matrix = spec.encode(features)
    reference = DriftReference.from_matrix(matrix)
    model = XGBClassifier(n_estimators=3, max_depth=2, n_jobs=1).fit(matrix, label_vector(features))

    with mlflow.start_run(experiment_id=experiment) as run:
        info = mlflow.xgboost.log_model(
            model, name="model", registered_model_name=MODEL, pip_requirements=["xgboost"]
        )
        log_reference(reference)
    client.set_registered_model_alias(MODEL, "champion", info.registered_model_version)

    assert REFERENCE_ARTIFACT in [a.path for a in client.list_artifacts(run.info.run_id)]
    by_run = load_reference(run.info.run_id)
    assert by_run == reference
    assert load_reference(f"models:/{MODEL}/{info.registered_model_version}") == reference
    assert load_reference(f"models:/{MODEL}@champion") == reference
    # The restored reference judges tonight's matrix exactly as the original does.
    tonight = spec.encode(synthetic_features(n_pegawai=120, n_periods=3, seed=6))
    np.testing.assert_allclose(
        population_stability(by_run, tonight, threshold=0.25)["psi"],
        population_stability(reference, tonight, threshold=0.25)["psi"],
    )


def test_a_version_without_reference_is_not_measured_and_does_not_fail(tracking, caplog):
    _, experiment = tracking
    with mlflow.start_run(experiment_id=experiment) as bare:
        mlflow.log_param("as_of", "2025-04-20")
    matrix = pd.DataFrame({"rasio_terlambat": np.linspace(0, 1, 50)})

    assert find_reference(bare.info.run_id) is None
    with caplog.at_level(logging.WARNING, logger="ml.drift"):
        assert scoring_drift(bare.info.run_id, matrix) is None
    assert "feature drift is not measured" in caplog.text

    with mlflow.start_run(experiment_id=experiment) as logged:
        log_reference(DriftReference.from_matrix(matrix))
    measured = scoring_drift(logged.info.run_id, matrix, threshold=0.25)
    assert list(measured["fitur"]) == ["rasio_terlambat"]
    assert measured.loc[0, "psi"] == pytest.approx(0.0)


def test_log_reference_needs_an_active_run():
    with pytest.raises(RuntimeError, match="active MLflow run"):
        log_reference(DriftReference.from_matrix(pd.DataFrame({"x": [1.0, 2.0]})))
