"""Detection end to end: a generated landing with planted fraud, through the loader and dbt on
DuckDB, into marts.mart_peringatan_presensi; every pattern meets the target against the ground
truth. Then the scorer is trained, logged and registered in a real MLflow store."""

from __future__ import annotations

from datetime import date

import pytest
from mlflow.tracking import MlflowClient

from kinerja.fraud.bench import landing_findings
from kinerja.fraud.evaluate import evaluate_findings
from kinerja.settings import Settings
from kinerja.synth.fraud import POLA
from ml.fraud_model import EXPERIMENT_NAME, MODEL_NAME, train_and_evaluate

START, END = date(2025, 1, 1), date(2025, 3, 14)


@pytest.fixture(scope="module")
def detected(tmp_path_factory):
    work = tmp_path_factory.mktemp("fraud")
    return landing_findings(work, seed=7, employees=120, start=START, end=END, rate=0.05)


def test_every_pattern_meets_the_target(detected):
    findings, truth = detected
    result = evaluate_findings(findings, truth).set_index("pola")
    assert (result.loc[list(POLA), "kasus"] >= 3).all(), result["kasus"].to_dict()
    missed = result[~result["meets_target"]]
    assert missed.empty, missed[["precision", "recall"]].to_dict("index")


def test_scorer_is_logged_and_registered(detected, tmp_path):
    settings = Settings(home=tmp_path / "home", target="duckdb")
    run = train_and_evaluate(settings, detected, detected, {"seed_train": 7, "seed_test": 7})
    assert set(run.model["pola"]) == set(POLA)
    # The scorer only drops findings: on its own training landing it keeps the true ones.
    assert (run.model["recall"] >= 0.9).all()
    client = MlflowClient(settings.mlflow_uri, settings.mlflow_uri)
    logged = client.get_run(run.run_id)
    assert logged.info.experiment_id == client.get_experiment_by_name(EXPERIMENT_NAME).experiment_id
    assert logged.data.metrics["rules_recall_BUDDY_PUNCHING"] == 1.0
    assert "model_precision_NIP_TIDAK_COCOK" in logged.data.metrics
    version = client.get_model_version(MODEL_NAME, run.version)
    assert version.run_id == run.run_id
