"""Feature drift (PSI) between a training matrix and a scoring matrix."""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
import pytest

from kinerja_dev.synthetic import synthetic_features
from ml.drift import (
    BERGESER,
    BERUBAH,
    STABIL,
    DriftReference,
    drift_status,
    population_stability,
)
from ml.features import FeatureSpec


def _matrix(seed: int = 0, rows: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "rasio_terlambat": rng.beta(2, 8, rows),
            "rata_menit_terlambat": rng.gamma(2.0, 5.0, rows),
            "hari_tanpa_keterangan": rng.poisson(0.7, rows).astype("float64"),
            "jenis_jabatan=STRUKTURAL": (rng.random(rows) < 0.2).astype("float64"),
        }
    )


def test_identical_data_has_no_drift():
    matrix = _matrix()
    frame = population_stability(DriftReference.from_matrix(matrix), matrix, threshold=0.25)

    assert list(frame.columns) == ["fitur", "psi", "status"]
    assert list(frame["fitur"]) == list(matrix.columns)
    assert frame["psi"].abs().max() < 1e-9
    assert set(frame["status"]) == {STABIL}


def test_another_sample_of_the_same_population_stays_stable():
    reference = DriftReference.from_matrix(_matrix(seed=0))
    frame = population_stability(reference, _matrix(seed=1), threshold=0.25)

    assert frame["psi"].max() < 0.1
    assert set(frame["status"]) == {STABIL}


def test_a_shifted_feature_crosses_the_threshold_and_only_that_one(caplog):
    training = _matrix(seed=0)
    tonight = _matrix(seed=1)
    # Everyone arrives later: the lateness ratio moves up by two training deciles' worth.
    tonight["rasio_terlambat"] = tonight["rasio_terlambat"] + 0.15

    with caplog.at_level(logging.WARNING, logger="ml.drift"):
        frame = population_stability(DriftReference.from_matrix(training), tonight, threshold=0.25)

    by_feature = frame.set_index("fitur")
    assert by_feature.loc["rasio_terlambat", "psi"] >= 0.25
    assert by_feature.loc["rasio_terlambat", "status"] == BERGESER
    others = by_feature.drop(index="rasio_terlambat")
    assert set(others["status"]) == {STABIL}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "rasio_terlambat" in warnings[0]
    assert "rata_menit_terlambat" not in warnings[0]


def test_a_new_category_share_counts_as_drift():
    training = _matrix(seed=0)
    tonight = _matrix(seed=1)
    tonight["jenis_jabatan=STRUKTURAL"] = 1.0  # everyone is structural tonight

    frame = population_stability(DriftReference.from_matrix(training), tonight, threshold=0.25)

    assert frame.set_index("fitur").loc["jenis_jabatan=STRUKTURAL", "status"] == BERGESER


def test_missing_values_are_a_bin_of_their_own():
    training = _matrix(seed=0)
    reference = DriftReference.from_matrix(training)
    column = reference.column("rata_menit_terlambat")
    assert column.kind == "numeric"
    assert column.shares[-1] == 0.0  # no missing value in training
    assert len(column.shares) == len(column.edges) + 2
    assert sum(column.shares) == pytest.approx(1.0)

    tonight = _matrix(seed=1)
    # Half the values go missing: the other bins keep their relative shares, so only the
    # missing bin can make this drift.
    tonight.loc[tonight.index[::2], "rata_menit_terlambat"] = np.nan
    frame = population_stability(reference, tonight, threshold=0.25).set_index("fitur")
    assert frame.loc["rata_menit_terlambat", "status"] == BERGESER

    # Missing in training as often as tonight: no drift.
    training.loc[training.index[::2], "rata_menit_terlambat"] = np.nan
    reference = DriftReference.from_matrix(training)
    assert reference.column("rata_menit_terlambat").shares[-1] == pytest.approx(0.5)
    again = population_stability(reference, tonight, threshold=0.25).set_index("fitur")
    assert again.loc["rata_menit_terlambat", "status"] == STABIL


def test_deciles_for_continuous_columns_values_for_low_cardinality_ones():
    reference = DriftReference.from_matrix(_matrix())
    continuous = reference.column("rasio_terlambat")
    assert continuous.kind == "numeric" and len(continuous.edges) == 9
    # Deciles: about a tenth of the training rows in each of the ten bins.
    assert all(s == pytest.approx(0.1, abs=0.01) for s in continuous.shares[:-1])
    one_hot = reference.column("jenis_jabatan=STRUKTURAL")
    assert one_hot.kind == "categorical" and one_hot.categories == (0.0, 1.0)
    counts = reference.column("hari_tanpa_keterangan")
    assert counts.kind == "categorical"


def test_a_value_never_seen_in_training_falls_in_the_other_bin():
    training = pd.DataFrame({"predikat_terakhir": [1.0, 2.0, 3.0, 4.0] * 50})
    reference = DriftReference.from_matrix(training)
    tonight = pd.DataFrame({"predikat_terakhir": [5.0] * 200})

    column = reference.column("predikat_terakhir")
    assert column.bin_counts(tonight["predikat_terakhir"]).tolist() == [0, 0, 0, 0, 200, 0]
    frame = population_stability(reference, tonight, threshold=0.25)
    assert frame.loc[0, "status"] == BERGESER
    assert np.isfinite(frame.loc[0, "psi"])  # the empty training bin is smoothed, not infinite


def test_reference_round_trips_through_json_and_scores_the_same():
    spec = FeatureSpec()
    features = synthetic_features(n_pegawai=200, n_periods=4, seed=3)
    training = spec.encode(features)
    reference = DriftReference.from_matrix(training)

    restored = DriftReference.from_dict(json.loads(json.dumps(reference.to_dict())))

    assert restored == reference
    assert restored.names == spec.matrix_columns
    tonight = spec.encode(synthetic_features(n_pegawai=200, n_periods=4, seed=4))
    pd.testing.assert_frame_equal(
        population_stability(reference, tonight, threshold=0.25),
        population_stability(restored, tonight, threshold=0.25),
    )


def test_status_bands_and_threshold_from_the_setting(monkeypatch):
    assert drift_status(0.05, 0.25) == STABIL
    assert drift_status(0.1, 0.25) == BERUBAH
    assert drift_status(0.2499, 0.25) == BERUBAH
    assert drift_status(0.25, 0.25) == BERGESER

    training = _matrix(seed=0)
    tonight = _matrix(seed=1)
    tonight["rasio_terlambat"] = tonight["rasio_terlambat"] + 0.15
    reference = DriftReference.from_matrix(training)
    psi = population_stability(reference, tonight, threshold=0.25).loc[0, "psi"]
    monkeypatch.setenv("KINERJA_DRIFT_PSI_THRESHOLD", str(psi + 1))
    assert population_stability(reference, tonight).loc[0, "status"] == BERUBAH


def test_a_matrix_without_a_reference_column_is_refused():
    reference = DriftReference.from_matrix(_matrix())
    with pytest.raises(KeyError, match="rasio_terlambat"):
        population_stability(reference, _matrix().drop(columns="rasio_terlambat"), threshold=0.25)
