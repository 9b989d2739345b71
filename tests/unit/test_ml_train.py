"""Training and scoring logic without services: split by time, determinism, skips, bands."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from kinerja_dev.synthetic import synthetic_features
from ml.bands import LOWEST_BAND, RISK_BANDS, band_for
from ml.features import AUDIT_COLUMNS, FEATURE_COLUMNS, LABEL_COLUMNS, FeatureSpec
from ml.model import fit_risk_model
from ml.periods import next_periode_id, quarter_end
from ml.score import REASON_COLUMNS, score_frame
from ml.train import plan_training

SPEC = FeatureSpec()


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    frame = synthetic_features(n_pegawai=150, n_periods=6, seed=1)
    return frame[frame["label_berisiko"].notna()].reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(labelled):
    train = labelled[labelled["periode_id"] < "2025-TW1"]
    validation = labelled[labelled["periode_id"] == "2025-TW1"]
    return validation, fit_risk_model(train, SPEC)


def test_too_few_rows_is_a_skip_with_a_reason(labelled):
    reason = plan_training(labelled.head(150), min_training_rows=200)
    assert "150 labelled rows" in reason and "200" in reason


def test_one_labelled_quarter_is_a_skip(labelled):
    one_quarter = labelled[labelled["periode_id"] == "2024-TW2"]
    assert "at least 2" in plan_training(one_quarter, min_training_rows=10)


def test_one_class_in_validation_is_a_skip(labelled):
    frame = labelled.copy()
    frame.loc[frame["periode_id"] == "2025-TW1", "label_berisiko"] = 0
    reason = plan_training(frame, min_training_rows=10)
    assert "validation" in reason and "label_berisiko = 0" in reason


def test_enough_rows_in_two_classes_and_quarters_can_train(labelled):
    assert plan_training(labelled, min_training_rows=200) == ""


def test_audit_dimensions_and_labels_are_never_features():
    matrix_sources = {SPEC.source_of(c) for c in SPEC.matrix_columns}
    assert not matrix_sources & set(AUDIT_COLUMNS)
    assert not matrix_sources & set(LABEL_COLUMNS)
    assert matrix_sources == set(FEATURE_COLUMNS)


def test_encoding_is_fixed_whatever_the_input():
    frame = pd.DataFrame(
        {name: [Decimal("1.5"), None] for name in SPEC.numeric}  # PostgreSQL numeric and NULL
        | {"jenis_jabatan": [" pelaksana", "KEPALA"]}  # case and spaces; an unknown level
    )
    matrix = SPEC.encode(frame)
    assert list(matrix.columns) == SPEC.matrix_columns
    assert all(dtype == np.float64 for dtype in matrix.dtypes)
    assert matrix.loc[0, "rasio_terlambat"] == 1.5 and np.isnan(matrix.loc[1, "rasio_terlambat"])
    one_hot = [c for c in SPEC.matrix_columns if c.startswith("jenis_jabatan=")]
    assert matrix.loc[0, one_hot].tolist() == [0, 0, 0, 0, 1]
    assert matrix.loc[1, one_hot].sum() == 0
    assert SPEC.unknown_category_count(frame) == 1
    assert FeatureSpec.from_dict(SPEC.to_dict()) == SPEC


def test_scores_are_probabilities_with_consistent_bands(fitted):
    validation, model = fitted
    scored = score_frame(model, validation)
    assert list(scored["nip"]) == list(validation["nip"])
    np.testing.assert_allclose(scored["skor"], model.probability(validation), atol=1e-6)
    assert scored["skor"].between(0, 1).all()
    assert [band_for(s) for s in scored["skor"]] == list(scored["band"])
    assert set(scored["band"]) <= {"TINGGI", "SEDANG", "RENDAH"}
    # Reasons are explained in tests/unit/test_ml_explain.py; here: they come with every score.
    assert list(scored.columns) == ["nip", "skor", "band", *REASON_COLUMNS]
    assert (scored["alasan"].str.len() > 0).all()
    assert all(a.startswith(first) for a, first in zip(scored["alasan"], scored["alasan_1"]))


def test_band_thresholds():
    assert RISK_BANDS == (("TINGGI", 0.5), ("SEDANG", 0.2)) and LOWEST_BAND == "RENDAH"
    assert band_for(0.5) == "TINGGI"
    assert band_for(0.4999) == "SEDANG"
    assert band_for(0.2) == "SEDANG"
    assert band_for(0.1999) == "RENDAH"
    assert band_for(0.0) == "RENDAH"


def test_score_predicts_the_next_quarter():
    assert next_periode_id("2026-TW3") == "2026-TW4"
    assert next_periode_id("2026-TW4") == "2027-TW1"
    assert quarter_end("2024-TW1").isoformat() == "2024-03-31"
    assert quarter_end("2024-TW4").isoformat() == "2024-12-31"
    with pytest.raises(ValueError):
        next_periode_id("2026-TAHUNAN")
