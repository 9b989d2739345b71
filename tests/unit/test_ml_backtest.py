"""Backtests, baselines, calibration and the fairness gate, without services."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_dev.synthetic import synthetic_features
from ml.backtest import (
    CALIBRATION_VARIANTS,
    MODEL,
    MODEL_PLATT,
    MODEL_RAW,
    platt_helps,
    rolling_origin_folds,
    run_backtest,
)
from ml.baselines import BASELINES, LAST_PREDIKAT, LastPredikatRepeats
from ml.calibration import PlattCalibration
from ml.fairness import FairnessLimits, assess_fairness
from ml.features import FeatureSpec
from ml.metrics import expected_calibration_error, risk_metrics
from ml.train import assess_candidate, summary_metrics

SPEC = FeatureSpec()
LIMITS = FairnessLimits(max_dp_diff=0.2, max_eo_diff=0.2, min_group_size=30)


def _labelled(**kwargs) -> pd.DataFrame:
    frame = synthetic_features(**kwargs)
    return frame[frame["label_berisiko"].notna()].reset_index(drop=True)


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    return _labelled(n_pegawai=600, n_periods=7, seed=3)


@pytest.fixture(scope="module")
def backtest(labelled):
    return run_backtest(labelled, SPEC, max_folds=3)


def test_folds_roll_forward_and_never_train_on_the_validated_quarter_or_later(labelled):
    shuffled = labelled.sample(frac=1.0, random_state=7)  # row order must not matter
    folds = rolling_origin_folds(shuffled, max_folds=3)
    assert [f.validation_period for f in folds] == ["2024-TW4", "2025-TW1", "2025-TW2"]
    for fold in folds:
        assert set(fold.validation["periode_id"]) == {fold.validation_period}
        assert max(fold.train["periode_id"]) < fold.validation_period
    # An expanding window: each fold trains on everything the previous one saw, and its quarter.
    assert folds[1].train_periods == [*folds[0].train_periods, folds[0].validation_period]
    assert folds[0].train_periods == ["2024-TW1", "2024-TW2", "2024-TW3"]


def test_more_folds_than_quarters_uses_every_quarter_but_the_first(labelled):
    folds = rolling_origin_folds(labelled, max_folds=50)
    assert len(folds) == labelled["periode_id"].nunique() - 1
    assert folds[0].train_periods == ["2024-TW1"]


def test_quarter_ids_sort_in_time_across_years():
    frame = pd.DataFrame({"periode_id": ["2025-TW1", "2024-TW4", "2024-TW3"], "x": [1, 2, 3]})
    folds = rolling_origin_folds(frame, max_folds=1)
    assert folds[0].validation_period == "2025-TW1"
    assert folds[0].train_periods == ["2024-TW3", "2024-TW4"]


def test_model_beats_both_baselines_on_every_fold(backtest):
    pr_auc = backtest.fold_table("pr_auc")
    assert set(pr_auc.columns) == {MODEL, *BASELINES, *CALIBRATION_VARIANTS}
    assert (backtest.pr_auc_gains() > 0).all(), pr_auc
    assert (pr_auc[MODEL] > 0.8).all()


def test_every_fold_reports_ranking_and_calibration_for_every_contender(backtest):
    metrics = backtest.metrics
    for metric in ("roc_auc", "pr_auc", "brier", "ece", "log_loss"):
        table = backtest.fold_table(metric)
        assert set(table.columns) == {MODEL, *BASELINES, *CALIBRATION_VARIANTS}
        assert len(table) == 3 and table.notna().all().all()
    assert metrics["validation_period"].nunique() == 3


def test_same_seed_gives_same_backtest(labelled, backtest):
    again = run_backtest(labelled, SPEC, max_folds=3)
    pd.testing.assert_frame_equal(again.metrics, backtest.metrics)
    np.testing.assert_array_equal(
        again.latest.predictions[MODEL], backtest.latest.predictions[MODEL]
    )


def test_calibrated_scores_track_observed_rates(backtest):
    latest = backtest.latest
    assert expected_calibration_error(latest.y, latest.predictions[MODEL]) < 0.05
    # what the registered model publishes is what was measured as "model" on the last fold
    np.testing.assert_allclose(
        backtest.candidate.probability(latest.validation), latest.predictions[MODEL]
    )


def test_the_backtest_keeps_the_calibration_variant_with_the_lower_brier_score(backtest):
    brier = backtest.fold_table("brier")
    kept = MODEL_PLATT if backtest.platt_calibration else MODEL_RAW
    assert brier[MODEL].equals(brier[kept])
    assert brier[kept].mean() <= brier[[MODEL_PLATT, MODEL_RAW]].mean(axis=0).min()
    if not backtest.platt_calibration:
        assert backtest.candidate.calibration == PlattCalibration()


def test_platt_is_dropped_when_it_raises_the_brier_score():
    y = np.array([0, 1, 0, 1])
    truthful = np.array([0.1, 0.9, 0.2, 0.8])
    shifted = np.array([0.4, 0.95, 0.5, 0.9])  # a calibration quarter with a higher base rate
    assert not platt_helps([(y, shifted, truthful)])
    assert platt_helps([(y, truthful, shifted)])


def test_platt_calibration_undoes_an_overconfident_margin():
    rng = np.random.default_rng(0)
    true_logit = rng.normal(-1, 1.5, 20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-true_logit))).astype(int)
    overconfident = 3 * true_logit
    calibration = PlattCalibration.fit(overconfident, y)
    assert calibration.slope == pytest.approx(1 / 3, abs=0.03)
    before = expected_calibration_error(y, 1 / (1 + np.exp(-overconfident)))
    after = expected_calibration_error(y, calibration.probability(overconfident))
    assert after < 0.02 < before
    assert PlattCalibration.from_dict(calibration.to_dict()) == calibration


def test_calibration_on_one_class_is_the_identity():
    identity = PlattCalibration.fit(np.array([0.5, 1.0]), np.array([1, 1]))
    assert identity.probability(np.array([0.0]))[0] == pytest.approx(0.5)


def test_last_predikat_baseline_repeats_observed_rates():
    train = pd.DataFrame(
        {"predikat_terakhir": [1, 1, 3, 3, None, None], "label_berisiko": [0, 0, 1, 0, 1, 1]}
    )
    baseline = LastPredikatRepeats().fit(train)
    rows = pd.DataFrame({"predikat_terakhir": [1, 3, None, 5]})
    np.testing.assert_allclose(baseline.predict(rows), [0.0, 0.5, 1.0, 0.5])


def test_metrics_on_known_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    metrics = risk_metrics(y, p)
    assert metrics["roc_auc"] == pytest.approx(0.75)
    assert metrics["brier"] == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)
    # bins 1, 4, 3, 8 each hold one row: ECE is the mean absolute gap
    assert expected_calibration_error(y, p) == pytest.approx((0.1 + 0.4 + 0.65 + 0.2) / 4)
    assert np.isnan(risk_metrics(np.array([1, 1]), np.array([0.2, 0.9]))["roc_auc"])


def test_summary_names_what_mlflow_and_kinerja_models_read(backtest):
    fairness = assess_candidate(backtest, LIMITS)
    metrics = summary_metrics(backtest, fairness)
    for name in (
        "val_pr_auc",
        "val_roc_auc",
        "val_brier",
        "val_ece",
        f"{LAST_PREDIKAT}_pr_auc",
        "baseline_logreg_pr_auc",
        "backtest_folds",
        "backtest_min_pr_auc_gain",
        "fair_dp_diff_jenis_kelamin",
        "fair_eo_diff_zona_waktu",
    ):
        assert name in metrics, name
    assert metrics["backtest_folds"] == 3 and metrics["backtest_min_pr_auc_gain"] > 0


def test_an_unbiased_model_passes_the_gate(backtest):
    report = assess_candidate(backtest, LIMITS)
    assert report.passed, report.reason
    assert set(report.by_group["dimension"]) == {
        "jenis_kelamin",
        "kelompok_umur",
        "kelompok_golongan",
        "zona_waktu",
    }
    assert set(report.by_group["metric"]) >= {"selection_rate", "tpr", "fpr"}


def test_a_model_trained_on_a_biased_history_is_refused_with_its_numbers():
    biased = _labelled(n_pegawai=600, n_periods=7, seed=3, bias_against_women=0.35)
    backtest = run_backtest(biased, SPEC, max_folds=1)
    report = assess_candidate(backtest, LIMITS)
    assert not report.passed
    assert report.failed_dimensions[0] == "jenis_kelamin"
    gaps = report.differences["jenis_kelamin"]
    breached = [(name, gap) for name, gap in gaps.items() if gap > 0.2]
    assert breached, gaps
    for name, gap in breached:
        label = "demographic-parity" if name == "dp_diff" else "equalized-odds"
        assert f"jenis_kelamin: {label} difference {gap:.3f} > 0.2" in report.reason
    # the model never saw jenis_kelamin: it learnt the bias through a proxy feature
    assert "jenis_kelamin" not in SPEC.source_columns


def test_groups_below_the_minimum_size_are_reported_but_not_gated():
    y = np.array([0, 1] * 50 + [1, 1])
    p = np.array([0.1, 0.9] * 50 + [0.0, 0.0])  # the 2-person group is never flagged
    audit = pd.DataFrame(
        {
            "jenis_kelamin": ["L"] * 50 + ["P"] * 50 + ["X", "X"],
            "kelompok_umur": "30-39",
            "kelompok_golongan": "III",
            "zona_waktu": "WIB",
        }
    )
    report = assess_fairness(y, p, audit, 0.5, LIMITS)
    assert report.passed, report.reason
    small = report.by_group[(report.by_group["group"] == "X")]
    assert not small["in_gate"].any() and len(small) == 6
    strict = FairnessLimits(max_dp_diff=0.2, max_eo_diff=0.2, min_group_size=1)
    assert not assess_fairness(y, p, audit, 0.5, strict).passed


def _two_groups(rows_per_group: int, rate_l: float, rate_p: float):
    """Labels all 0 (so only the selection rate and FPR move); flagged shares per group."""
    flagged_l = round(rate_l * rows_per_group)
    flagged_p = round(rate_p * rows_per_group)
    p = np.array(
        [1.0] * flagged_l
        + [0.0] * (rows_per_group - flagged_l)
        + [1.0] * flagged_p
        + [0.0] * (rows_per_group - flagged_p)
    )
    audit = pd.DataFrame(
        {
            "jenis_kelamin": ["L"] * rows_per_group + ["P"] * rows_per_group,
            "kelompok_umur": "30-39",
            "kelompok_golongan": "III",
            "zona_waktu": "WIB",
        }
    )
    return np.zeros(len(p), dtype=int), p, audit


def test_a_gap_past_the_limit_is_refused_only_when_it_is_credible():
    limits = FairnessLimits(max_dp_diff=0.2, max_eo_diff=1.0, min_group_size=30)
    # the same 0.30 vs 0.52 selection rates: noise among 60 people each, a fact among 5,000
    small = assess_fairness(*_two_groups(60, 0.30, 0.52), 0.5, limits)
    large = assess_fairness(*_two_groups(5000, 0.30, 0.52), 0.5, limits)
    for report in (small, large):
        assert report.differences["jenis_kelamin"]["dp_diff"] == pytest.approx(0.22, abs=0.01)
    assert small.passed, small.reason
    assert small.lower_bounds["jenis_kelamin"]["dp_diff"] < 0.2
    assert not large.passed
    assert large.lower_bounds["jenis_kelamin"]["dp_diff"] > 0.2
    assert "jenis_kelamin: demographic-parity difference 0.220 > 0.2" in large.reason
    # the verdict is reproducible: the bootstrap has a fixed seed
    again = assess_fairness(*_two_groups(60, 0.30, 0.52), 0.5, limits)
    assert again.lower_bounds == small.lower_bounds
