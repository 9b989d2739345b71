"""Detection end to end: generated landings with planted fraud, through the loader and dbt on
DuckDB, into marts.mart_peringatan_presensi, once with the project's thresholds (findings) and
once loosened (candidates). The strict rules meet the target against the ground truth; the
scorer, trained on one seed's candidates, meets it on another seed's and is logged and registered
in a real MLflow store."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from kinerja.settings import Settings
from kinerja_dev.fraud.bench import landing_findings
from kinerja_dev.fraud.evaluate import (
    candidate_counts,
    case_keys,
    evaluate_findings,
    label_findings,
)
from kinerja_dev.fraud.model_run import (
    EXPERIMENT_NAME,
    MODEL_NAME,
    train_and_evaluate,
    train_scorer,
)
from kinerja_dev.synth.fraud import POLA
from ml.fraud_model import THRESHOLD

START, END = date(2025, 1, 1), date(2025, 3, 14)


@pytest.fixture(scope="module")
def landings(tmp_path_factory):
    work = tmp_path_factory.mktemp("fraud")
    return {
        seed: landing_findings(
            work / str(seed), seed, employees=120, start=START, end=END, rate=0.05
        )
        for seed in (7, 8)
    }


def test_every_pattern_meets_the_target(landings):
    test = landings[8]
    result = evaluate_findings(test.findings, test.truth).set_index("pola")
    assert (result.loc[list(POLA), "kasus"] >= 3).all(), result["kasus"].to_dict()
    missed = result[~result["meets_target"]]
    assert missed.empty, missed[["precision", "recall"]].to_dict("index")


def test_candidates_hold_every_finding_and_near_misses(landings):
    for landing in landings.values():
        for pola in POLA:
            assert case_keys(landing.findings, pola) <= case_keys(landing.candidates, pola), pola
        counts = candidate_counts(landing.candidates, landing.truth).set_index("pola")
        for pola in ("BUDDY_PUNCHING", "LUAR_GEOFENCE", "PERJALANAN_MUSTAHIL"):
            assert counts.loc[pola, "negatif"] >= 5, counts.to_dict("index")


def test_scorer_learns_where_both_classes_exist(landings):
    train, test = landings[7], landings[8]
    scorer = train_scorer(train.candidates, train.truth)
    for family in ("pasangan", "lokasi"):
        assert scorer.families[family].model is not None, scorer.families[family].describe()
    assert scorer.families["cuti"].model is None  # only real cases: a constant, and said so
    assert "constant" in scorer.families["cuti"].describe()
    buddy = test.candidates[test.candidates["pola"] == "BUDDY_PUNCHING"]
    scores = pd.Series(scorer.score(buddy), index=buddy.index)
    planted = label_findings(buddy, test.truth)
    assert planted.any() and (~planted).any()
    assert scores[planted].min() >= THRESHOLD > scores[~planted].max()


def test_scorer_meets_the_target_on_another_seed_and_is_registered(landings, tmp_path):
    settings = Settings(home=tmp_path / "home", target="duckdb")
    run = train_and_evaluate(settings, landings[7], landings[8], {"seed_train": 7, "seed_test": 8})
    assert set(run.model["pola"]) == set(POLA)
    missed = run.model[~run.model["meets_target"]]
    assert missed.empty, missed[["pola", "precision", "recall"]].to_dict("records")
    assert run.families["pasangan"].startswith("xgboost")
    client = MlflowClient(settings.mlflow_uri, settings.mlflow_uri)
    logged = client.get_run(run.run_id)
    assert logged.info.experiment_id == client.get_experiment_by_name(EXPERIMENT_NAME).experiment_id
    assert logged.data.metrics["rules_recall_BUDDY_PUNCHING"] == 1.0
    assert logged.data.metrics["candidates_negative_BUDDY_PUNCHING"] > 0
    assert "model_precision_NIP_TIDAK_COCOK" in logged.data.metrics
    version = client.get_model_version(MODEL_NAME, run.version)
    assert version.run_id == run.run_id
