"""Whole scorers without an MLflow store: saved and read back, explained, typed like the mart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from mlflow.types.schema import AnyType

from kinerja_dev.synthetic import synthetic_features
from ml.backtest import CONTENDERS, MODEL, BacktestResult, FoldPredictions
from ml.baselines import LAST_PREDIKAT, LOGREG, fit_baselines
from ml.explain import BIAS_COLUMN
from ml.fairness import FairnessLimits
from ml.features import FeatureSpec, mart_column_types
from ml.model import fit_risk_model
from ml.scorer import OUTPUT_COLUMN, RiskScorer, load_scorer, save_scorer, scorer_signature
from ml.selection import choose_contender

SPEC = FeatureSpec()


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = synthetic_features(n_pegawai=150, n_periods=5, seed=2)
    labelled = frame[frame["label_berisiko"].notna()].reset_index(drop=True)
    return labelled, frame[frame["periode_id"] == "2025-TW1"].reset_index(drop=True)


@pytest.fixture(scope="module")
def scorers(data) -> dict:
    train, _ = data
    return {MODEL: fit_risk_model(train, SPEC), **fit_baselines(train, SPEC)}


@pytest.mark.parametrize("name", CONTENDERS)
def test_a_saved_scorer_reads_back_to_the_same_scores_and_reasons(name, scorers, data, tmp_path):
    _, rows = data
    scorer = scorers[name]
    save_scorer(scorer, tmp_path)
    loaded = load_scorer(tmp_path)

    assert loaded.kind == scorer.kind and loaded.spec == SPEC
    np.testing.assert_allclose(loaded.probability(rows), scorer.probability(rows), atol=1e-12)
    matrix = SPEC.encode(rows)
    pd.testing.assert_frame_equal(loaded.contributions(matrix), scorer.contributions(matrix))


@pytest.mark.parametrize("name", [LOGREG, LAST_PREDIKAT])
def test_baseline_contributions_add_up_to_their_log_odds(name, scorers, data):
    _, rows = data
    baseline = scorers[name]
    contributions = baseline.contributions(SPEC.encode(rows))
    assert list(contributions.columns) == [*SPEC.matrix_columns, BIAS_COLUMN]
    p = np.clip(baseline.probability(rows), 1e-6, 1 - 1e-6)
    np.testing.assert_allclose(contributions.sum(axis=1), np.log(p / (1 - p)), atol=1e-6)
    if name == LAST_PREDIKAT:  # its only reason can be the last predikat
        others = contributions.drop(columns=["predikat_terakhir", BIAS_COLUMN])
        assert (others == 0).all().all()


def test_the_pyfunc_answers_a_float_column_for_raw_mart_rows(scorers, data, tmp_path):
    _, rows = data
    save_scorer(scorers[MODEL], tmp_path)
    python_model = RiskScorer()
    python_model.load_context(type("Context", (), {"artifacts": {"scorer": str(tmp_path)}})())
    # The mart's own columns: keys, audit dimensions, raw jenis_jabatan codes, nulls.
    answer = python_model.predict(None, rows)
    assert list(answer.columns) == [OUTPUT_COLUMN] and answer.index.equals(rows.index)
    assert answer[OUTPUT_COLUMN].dtype == np.float64
    np.testing.assert_allclose(answer[OUTPUT_COLUMN], scorers[MODEL].probability(rows))


def test_the_signature_is_the_mart_contract():
    signature = scorer_signature(SPEC)
    declared = mart_column_types()
    inputs = {spec.name: spec for spec in signature.inputs.inputs}
    assert list(inputs) == SPEC.source_columns  # raw columns, not the one-hot matrix
    expected = {"double precision": "double", "text": "string"}
    for name, column in inputs.items():
        assert not column.required, name
        if declared[name] == "integer":
            assert isinstance(column.type, AnyType), name
        else:
            assert column.type.name == expected[declared[name]], name
    assert [(o.name, o.type.name) for o in signature.outputs.inputs] == [(OUTPUT_COLUMN, "double")]


def _backtest_with_mean_pr_auc(means: dict[str, float]) -> BacktestResult:
    rows = [
        {"fold": f, "validation_period": f"P{f}", "contender": c, "metric": "pr_auc", "value": v}
        for f in range(2)
        for c, v in means.items()
    ]
    return BacktestResult(folds=[], metrics=pd.DataFrame(rows), candidate=None, latest=None)


def test_the_best_contender_ranks_first_and_ties_go_to_the_simpler():
    better_baseline = _backtest_with_mean_pr_auc({MODEL: 0.557, LOGREG: 0.560, LAST_PREDIKAT: 0.4})
    assert better_baseline.ranking() == [LOGREG, MODEL, LAST_PREDIKAT]
    better_model = _backtest_with_mean_pr_auc({MODEL: 0.61, LOGREG: 0.560, LAST_PREDIKAT: 0.4})
    assert better_model.ranking()[0] == MODEL
    tie = _backtest_with_mean_pr_auc({MODEL: 0.5, LOGREG: 0.5, LAST_PREDIKAT: 0.5})
    assert tie.ranking() == [LAST_PREDIKAT, LOGREG, MODEL]


def test_an_unfair_contender_is_passed_over_for_the_best_fair_one():
    rng = np.random.default_rng(0)
    n = 800
    women = np.arange(n) % 2 == 0
    validation = pd.DataFrame(
        {
            "jenis_kelamin": np.where(women, "P", "L"),
            "kelompok_umur": "30-39",
            "kelompok_golongan": "III",
            "zona_waktu": "WIB",
        }
    )
    y = (rng.random(n) < 0.3).astype(int)
    fair = np.clip(0.3 + 0.5 * y + rng.normal(0, 0.2, n), 0.01, 0.99)
    predictions = {
        MODEL: np.where(women, 0.9, 0.05),  # flags every woman, no man
        LOGREG: fair,
        LAST_PREDIKAT: np.full(n, 0.3),
    }
    backtest = _backtest_with_mean_pr_auc({MODEL: 0.7, LOGREG: 0.6, LAST_PREDIKAT: 0.4})
    backtest.latest = FoldPredictions(validation, y, predictions)
    limits = FairnessLimits(max_dp_diff=0.2, max_eo_diff=0.2, min_group_size=30)

    choice = choose_contender(backtest, limits)
    assert choice.contender == LOGREG and choice.fairness.passed and choice.is_baseline
    assert "model refused by it" in choice.reason
    assert "baseline registered instead of XGBoost" in choice.reason
