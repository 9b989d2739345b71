"""Model plots: each function draws what it says for a small input, and the PNG can be saved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kinerja_dev.synthetic import synthetic_features
from ml.explain import contributions
from ml.features import FeatureSpec
from ml.model import fit_risk_model
from ml.plots import (
    backtest_figure,
    calibration_figure,
    confusion_figure,
    fairness_figure,
    pr_figure,
    roc_figure,
    shap_summary_figure,
)

SPEC = FeatureSpec()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    model = np.clip(0.6 * y + rng.normal(0.2, 0.2, 400), 0, 1)
    baseline = np.clip(0.2 * y + rng.normal(0.4, 0.2, 400), 0, 1)
    return y, model, baseline


def _saves_png(figure: Figure, tmp_path) -> None:
    path = tmp_path / "plot.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 5_000


def _legend(axes) -> list[str]:
    return [text.get_text() for text in axes.get_legend().get_texts()]


def test_roc_draws_the_model_the_baselines_and_chance(scored, tmp_path):
    y, model, baseline = scored
    figure = roc_figure({"xgboost": (y, model), "logreg": (y, baseline)})
    assert isinstance(figure, Figure) and len(figure.axes) == 1
    axes = figure.axes[0]
    assert len(axes.lines) == 3
    labels = _legend(axes)
    assert labels[0].startswith("xgboost (AUC 0.9") and labels[1].startswith("logreg (AUC")
    _saves_png(figure, tmp_path)


def test_pr_draws_each_curve_and_the_prevalence(scored, tmp_path):
    y, model, baseline = scored
    figure = pr_figure({"xgboost": (y, model), "logreg": (y, baseline), "last": (y, baseline)})
    axes = figure.axes[0]
    assert len(figure.axes) == 1 and len(axes.lines) == 4
    assert _legend(axes)[-1] == f"prevalence {y.mean():.3f}"
    _saves_png(figure, tmp_path)


def test_calibration_has_reliability_and_histogram(scored, tmp_path):
    y, model, _ = scored
    figure = calibration_figure({"xgboost": (y, model)}, n_bins=5)
    reliability, counts = figure.axes
    assert len(reliability.lines) == 2  # perfect diagonal and the model
    assert len(reliability.lines[1].get_xdata()) <= 5
    assert len(counts.patches) == 1  # one step histogram
    _saves_png(figure, tmp_path)


def test_confusion_counts_at_the_threshold(tmp_path):
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.2, 0.9, 0.5, 0.49, 0.8])
    figure = confusion_figure(y, p, threshold=0.5)
    texts = [t.get_text().split("\n")[0] for t in figure.axes[0].texts]
    # Row by row: true negatives, false positives, false negatives, true positives.
    assert texts == ["2", "1", "1", "3"]
    assert "0.5" in figure.axes[0].get_title()
    _saves_png(figure, tmp_path)


def test_shap_summary_orders_features_by_mean_absolute_value(tmp_path):
    frame = synthetic_features(n_pegawai=120, n_periods=4, seed=2)
    labelled = frame[frame["label_berisiko"].notna()]
    model = fit_risk_model(labelled, SPEC).booster
    matrix = SPEC.encode(labelled)
    contribs = contributions(model, matrix)
    figure = shap_summary_figure(contribs, matrix, title="SHAP summary, version 3", max_features=6)
    axes, colorbar = figure.axes
    labels = [t.get_text() for t in axes.get_yticklabels()]
    expected = contribs.drop(columns="bias").abs().mean().sort_values(ascending=False)
    assert labels == list(expected.index[:6])[::-1]  # largest on top
    assert len(axes.collections) == 12  # per feature: missing (grey) and known dots
    assert sum(len(c.get_offsets()) for c in axes.collections) == 6 * len(labelled)
    assert colorbar.get_ylabel() == "feature value"
    _saves_png(figure, tmp_path)


def test_swarm_keeps_each_dot_at_its_shap_value():
    contribs = pd.DataFrame({"a": [0.5, -0.5, 0.5], "b": [0.0, 0.1, 0.0], "bias": 1.0})
    matrix = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, 3.0]})
    axes = shap_summary_figure(contribs, matrix).axes[0]
    missing_a, known_a = axes.collections[2], axes.collections[3]  # 'a' is drawn last (top)
    assert missing_a.get_offsets()[:, 0].tolist() == [-0.5]
    assert sorted(known_a.get_offsets()[:, 0].tolist()) == [0.5, 0.5]
    assert known_a.get_offsets()[0, 1] != known_a.get_offsets()[1, 1]  # spread, not stacked


def test_fairness_has_a_panel_per_dimension_and_bars_per_group_and_metric(tmp_path):
    rows = [
        (dimension, group, metric, value)
        for dimension, groups in {
            "jenis_kelamin": ["L", "P"],
            "kelompok_golongan": ["I-II", "III", "IV", "PPPK"],
        }.items()
        for group in groups
        for metric, value in (("selection_rate", 0.2), ("tpr", 0.7), ("fpr", 0.1))
    ]
    frame = pd.DataFrame(rows, columns=["dimension", "group", "metric", "value"])
    figure = fairness_figure(frame)
    sex, grade = figure.axes
    assert (sex.get_title(), grade.get_title()) == ("jenis_kelamin", "kelompok_golongan")
    assert len(sex.patches) == 2 * 3 and len(grade.patches) == 4 * 3
    assert [t.get_text() for t in grade.get_xticklabels()] == ["I-II", "III", "IV", "PPPK"]
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["selection_rate", "tpr", "fpr"]
    _saves_png(figure, tmp_path)
    with pytest.raises(KeyError, match="dimension"):
        fairness_figure(frame.rename(columns={"dimension": "dimensi"}))


def test_backtest_has_a_panel_per_metric_and_a_line_per_model(tmp_path):
    folds = ["2024-TW3", "2024-TW4", "2025-TW1"]
    models = ["xgboost", "baseline_last_predikat", "baseline_logreg"]
    rows = [
        (fold, model, metric, 0.5 + 0.1 * i + 0.01 * j)
        for i, fold in enumerate(folds)
        for j, model in enumerate(models)
        for metric in ("pr_auc", "roc_auc", "brier")
    ]
    figure = backtest_figure(pd.DataFrame(rows, columns=["fold", "model", "metric", "value"]))
    assert [a.get_title() for a in figure.axes] == ["pr_auc", "roc_auc", "brier"]
    for axes in figure.axes:
        assert len(axes.lines) == 3
        assert [t.get_text() for t in axes.get_xticklabels()] == folds
    np.testing.assert_allclose(figure.axes[0].lines[1].get_ydata(), [0.51, 0.61, 0.71])
    assert [t.get_text() for t in figure.legends[0].get_texts()] == models
    _saves_png(figure, tmp_path)
