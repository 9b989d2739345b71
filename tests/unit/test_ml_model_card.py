"""The model card states use, limits, data, measured figures and the DPIA facts of a version."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve

from ml.features import AUDIT_COLUMNS, FEATURE_COLUMNS
from ml.model_card import (
    INTENDED_USE,
    INTENDED_USE_ID,
    OUT_OF_SCOPE,
    OUT_OF_SCOPE_ID,
    DataProtectionFacts,
    FairnessDimension,
    ModelCardFacts,
    calibration_table,
    render_model_card,
)

SECTIONS = [
    "# Model card: risiko-kinerja version 7",
    "## Intended use",
    "### Not for",
    "## Limits",
    "## Data",
    "## Metrics",
    "## Calibration",
    "## Fairness",
    "## Figures",
    "## Data protection (UU 27/2022 Pelindungan Data Pribadi): facts for the DPIA",
    "### Categories of personal data processed",
    "### Purposes",
    "### Recipients",
    "### Rights of the employee (data subject)",
    "### Safeguards",
]


def _backtest(gain_on_last_fold: float) -> pd.DataFrame:
    rows = []
    for fold, xgb in (("2024-TW4", 0.71234), ("2025-TW1", 0.6)):
        logreg = 0.55 if fold == "2024-TW4" else 0.6 - gain_on_last_fold
        for model, pr_auc in (("xgboost", xgb), ("baseline_logreg", logreg), ("last", 0.4)):
            rows += [(fold, model, "pr_auc", pr_auc), (fold, model, "brier", 0.1)]
    return pd.DataFrame(rows, columns=["fold", "model", "metric", "value"])


@pytest.fixture
def facts() -> ModelCardFacts:
    groups = pd.DataFrame(
        [
            ("jenis_kelamin", "L", "selection_rate", 0.21),
            ("jenis_kelamin", "P", "selection_rate", 0.19),
            ("jenis_kelamin", "L", "tpr", 0.8),
            ("jenis_kelamin", "P", "tpr", 0.75),
        ],
        columns=["dimension", "group", "metric", "value"],
    )
    return ModelCardFacts(
        model_name="risiko-kinerja",
        model_version="7",
        run_id="0123abcd",
        as_of=date(2025, 4, 20),
        train_periods=["2024-TW1", "2024-TW2", "2024-TW3", "2024-TW4"],
        validation_period="2025-TW1",
        train_rows=48_000,
        validation_rows=12_000,
        validation_metrics={"val_pr_auc": 0.61234, "val_brier": 0.08765, "val_ece": 0.0123},
        backtest=_backtest(gain_on_last_fold=0.05),
        calibration_bins=pd.DataFrame(
            {"predicted": [0.05, 0.55], "observed": [0.04, 0.6], "rows": [9000, 3000]}
        ),
        operating_threshold=0.5,
        fairness=[
            FairnessDimension("jenis_kelamin", 0.02, 0.05, True),
            FairnessDimension("zona_waktu", 0.13, 0.21, False),
        ],
        fairness_by_group=groups,
        fairness_limit=0.1,
        fairness_passed=False,
        fairness_reason="zona_waktu: equalized odds difference 0.210 > 0.100",
        promoted=False,
        promotion_reason="refused by the fairness gate",
        dataset_digests={"train": "d41d8cd9", "validation": "9e107d9d"},
        plots={"ROC curve": "plots/roc.png", "SHAP summary": "plots/shap_summary.png"},
    )


def test_every_section_is_present_in_order(facts):
    card = render_model_card(facts)
    positions = [card.find(heading + "\n") for heading in SECTIONS]
    assert -1 not in positions, [h for h, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_identity_use_and_limits(facts):
    card = render_model_card(facts)
    assert "`0123abcd`" in card and "2025-04-20" in card
    assert "not promoted: refused by the fairness gate" in card
    intended = card.split("## Intended use")[1].split("## Limits")[0]
    assert "coaching" in intended and "human review" in intended
    for excluded in ("pay", "sanctions", "promotion", "a human decides"):
        assert excluded in intended
    limits = card.split("## Limits")[1].split("## Data")[0]
    assert "Synthetic data" in limits
    assert "2024-TW1 to 2025-TW1 (5 quarters)" in limits
    assert "Butuh Perbaikan or worse" in limits
    assert "Synthetic data" not in render_model_card(replace(facts, synthetic_data=False))


def test_data_section_lists_periods_rows_digests_features_and_audit_dimensions(facts):
    data = render_model_card(facts).split("## Data\n")[1].split("## Metrics")[0]
    assert "| training rows | 48,000 |" in data and "| validation rows | 12,000 |" in data
    assert "| dataset digest (train) | `d41d8cd9` |" in data
    assert "2024-TW1, 2024-TW2, 2024-TW3, 2024-TW4" in data
    for name in (*FEATURE_COLUMNS, *AUDIT_COLUMNS):
        assert f"`{name}`" in data
    features, _audit = data.split("Audit dimensions")
    assert not any(f"`{name}`" in features for name in AUDIT_COLUMNS)


def test_metrics_per_fold_with_baselines_and_the_gain(facts):
    metrics = render_model_card(facts).split("## Metrics")[1].split("## Calibration")[0]
    assert "| val_pr_auc | 0.612 |" in metrics  # rounded to three decimals
    assert "| fold | model | pr_auc | brier |" in metrics
    assert "| 2024-TW4 | xgboost | 0.712 | 0.100 |" in metrics
    assert "| 2025-TW1 | baseline_logreg | 0.550 | 0.100 |" in metrics
    assert "better on every fold" in metrics
    assert "| 2024-TW4 | 0.162 |" in metrics and "| 2025-TW1 | 0.050 |" in metrics
    worse = render_model_card(replace(facts, backtest=_backtest(gain_on_last_fold=-0.02)))
    assert "NOT on every fold (worst -0.020)" in worse


def test_calibration_and_fairness_figures(facts):
    card = render_model_card(facts)
    calibration = card.split("## Calibration")[1].split("## Fairness")[0]
    assert "val_brier 0.088" in calibration and "val_ece 0.012" in calibration
    assert "| 0.550 | 0.600 | 3,000 |" in calibration
    assert "at or above 0.500" in calibration
    fairness = card.split("## Fairness")[1].split("## Figures")[0]
    assert "Fairness gate: **FAILED** (limit 0.100)" in fairness
    assert "| zona_waktu | 0.130 | 0.210 | FAILED |" in fairness
    assert "| jenis_kelamin | 0.020 | 0.050 | passed |" in fairness
    assert "| jenis_kelamin | P | 0.190 | 0.750 |" in fairness
    assert "![SHAP summary](plots/shap_summary.png)" in card


def test_missing_measurements_are_said_not_hidden(facts):
    bare = replace(
        facts,
        validation_metrics={},
        backtest=None,
        calibration_bins=None,
        operating_threshold=None,
        fairness=(),
        fairness_by_group=None,
        fairness_passed=None,
        plots={},
    )
    card = render_model_card(bare)
    assert "No metrics were recorded." in card
    assert "No calibration was recorded." in card
    assert "No fairness audit was recorded: this version must not be promoted." in card
    assert "## Figures" not in card


def test_dpia_section_lists_the_personal_data_categories_and_rights(facts):
    dpia = render_model_card(facts).split("## Data protection")[1]
    categories = dpia.split("### Categories of personal data processed")[1].split("###")[0]
    for category in (
        "identity",
        "employment",
        "attendance",
        "leave",
        "performance appraisal",
        "rater data",
        "training",
        "discipline",
        "audit dimensions",
        "derived",
    ):
        assert re.search(rf"^- {category}", categories, re.MULTILINE), category
    assert "sick leave is health information" in categories  # sick leave: specific personal data
    assert "Pasal 20" in dpia  # legal basis
    rights = dpia.split("### Rights of the employee")[1].split("###")[0]
    assert "own data, score and score reasons" in rights and "Pasal 10" in rights
    safeguards = dpia.split("### Safeguards")[1]
    assert "pseudonymous" in safeguards and "fairness gate" in safeguards
    assert "no sex, age, region or grade-group feature" in safeguards
    for label in ("controller", "legal basis", "who can see scores", "retention"):
        assert f"| {label} |" in dpia


def test_agency_facts_replace_the_defaults(facts):
    agency = DataProtectionFacts(controller="Pemerintah Kabupaten Contoh", retention="2 tahun")
    card = render_model_card(replace(facts, data_protection=agency))
    assert "| controller | Pemerintah Kabupaten Contoh |" in card
    assert "| retention | 2 tahun |" in card


def test_a_pipe_in_a_value_does_not_break_the_table(facts):
    card = render_model_card(replace(facts, promotion_reason="a | b"))
    assert "not promoted: a \\| b" in card


def test_calibration_table_matches_sklearn_and_counts_every_row():
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 0.3, 300), rng.uniform(0.7, 1, 100)])  # bins 4-6 empty
    y = (rng.uniform(0, 1, 400) < p).astype(int)
    table = calibration_table(y, p, n_bins=10)
    observed, predicted = calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose(table["predicted"], predicted)
    np.testing.assert_allclose(table["observed"], observed)
    assert table["rows"].sum() == 400 and len(table) == 6


def test_the_indonesian_purpose_the_employee_card_shows_matches_the_card_item_for_item():
    """Employees read INTENDED_USE_ID and OUT_OF_SCOPE_ID on their card: the same statements as
    the English card, no more and no fewer, and the same key terms in each."""
    assert len(INTENDED_USE_ID) == len(INTENDED_USE)
    assert len(OUT_OF_SCOPE_ID) == len(OUT_OF_SCOPE)
    for english, indonesian in zip(OUT_OF_SCOPE, OUT_OF_SCOPE_ID, strict=True):
        for term in ("tunjangan kinerja", "hukuman disiplin", "SKP"):
            assert (term in english) == (term in indonesian), (term, english)
    assert "Butuh Perbaikan" in INTENDED_USE[0] and "Butuh Perbaikan" in INTENDED_USE_ID[0]
