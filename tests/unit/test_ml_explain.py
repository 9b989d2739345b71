"""Reasons per score: SHAP values that add up, told by phrases from the one phrase table."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from kinerja_dev.synthetic import synthetic_features
from ml.explain import (
    PHRASES_PATH,
    MissingPhrases,
    contributions,
    explain,
    load_phrases,
    missing_phrases,
)
from ml.features import FEATURE_COLUMNS, FeatureSpec
from ml.model import fit_risk_model

SPEC = FeatureSpec()
PHRASES = load_phrases()
PHRASE = {(r.fitur, r.arah): r.frasa for r in PHRASES.itertuples()}


@pytest.fixture(scope="module")
def fitted():
    frame = synthetic_features(n_pegawai=150, n_periods=6, seed=1)
    labelled = frame[frame["label_berisiko"].notna()].reset_index(drop=True)
    train = labelled[labelled["periode_id"] < "2025-TW1"]
    return labelled, fit_risk_model(train, SPEC).booster


def _contribs(rows: list[dict[str, float]], spec: FeatureSpec = SPEC) -> pd.DataFrame:
    """Hand-made SHAP values: every matrix column 0 unless given, bias 0."""
    frame = pd.DataFrame(0.0, index=range(len(rows)), columns=[*spec.matrix_columns, "bias"])
    for index, values in enumerate(rows):
        for column, value in values.items():
            frame.loc[index, column] = value
    return frame


def test_every_model_feature_has_a_phrase_for_both_directions():
    assert missing_phrases(FEATURE_COLUMNS, PHRASES) == []
    for feature in FEATURE_COLUMNS:
        assert PHRASE[(feature, "naik")] != PHRASE[(feature, "turun")]


def test_a_feature_without_a_phrase_fails_loudly():
    spec = FeatureSpec(numeric=(*SPEC.numeric, "fitur_baru"))
    assert missing_phrases(spec.source_columns, PHRASES) == ["fitur_baru/naik", "fitur_baru/turun"]
    only_one_way = pd.concat(
        [PHRASES, pd.DataFrame([{"fitur": "fitur_baru", "arah": "naik", "frasa": "x baru"}])]
    )
    assert missing_phrases(["fitur_baru"], only_one_way) == ["fitur_baru/turun"]
    with pytest.raises(MissingPhrases, match="fitur_baru/naik"):
        explain(_contribs([{"fitur_baru": 0.5}], spec), spec)


def test_any_feature_list_with_phrases_is_explained():
    # A feature added to the model (its phrases already in the table) needs no code change.
    spec = FeatureSpec(numeric=("kelonggaran_penilai", "rasio_hadir"), categorical={})
    reasons = explain(_contribs([{"kelonggaran_penilai": -0.7, "rasio_hadir": 0.2}], spec), spec)
    assert reasons.loc[0, "alasan_1"] == PHRASE[("kelonggaran_penilai", "turun")]
    assert reasons.loc[0, "alasan_kode"] == "kelonggaran_penilai:-0.70;rasio_hadir:+0.20"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rasio_hadir,naik,dua kali", "unique"),
        ("rasio_hadir,naik_sedikit,x", "arah must be one of"),
        ("rasio_hadir,kosong,", "empty values"),
        ("fitur_lain,naik,tingkat kehadiran rendah dalam 3 bulan terakhir", "unique"),
    ],
)
def test_a_broken_phrase_table_is_refused(tmp_path, line, message):
    path = tmp_path / "frasa_alasan.csv"
    path.write_text(PHRASES_PATH.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_phrases(path)


def test_shap_contributions_plus_bias_add_up_to_the_margin_on_every_row(fitted):
    labelled, model = fitted
    matrix = SPEC.encode(labelled)
    assert matrix.isna().to_numpy().any()  # missing values take their own path in the trees
    contribs = contributions(model, matrix)
    assert list(contribs.columns) == [*SPEC.matrix_columns, "bias"]
    margin = model.predict(matrix, output_margin=True)
    np.testing.assert_allclose(contribs.sum(axis=1).to_numpy(), margin, rtol=0, atol=1e-4)


def test_reasons_are_the_largest_effects_in_order_with_their_direction():
    contribs = _contribs(
        [
            {"rasio_terlambat": 0.8, "predikat_terakhir": -1.2, "jp_12_bulan": 0.05, "bias": -3},
            {"delta_rasio_terlambat": -0.3, "hari_tanpa_keterangan": 0.2},
        ]
    )
    reasons = explain(contribs, SPEC, count=2)
    assert list(reasons.columns) == ["alasan", "alasan_1", "alasan_2", "alasan_kode"]
    first, second = reasons.to_dict("records")
    assert first["alasan_1"] == PHRASE[("predikat_terakhir", "turun")]
    assert first["alasan_2"] == PHRASE[("rasio_terlambat", "naik")]
    assert first["alasan"] == f"{first['alasan_1']}; {first['alasan_2']}"
    assert first["alasan_kode"] == "predikat_terakhir:-1.20;rasio_terlambat:+0.80"
    assert second["alasan_1"] == PHRASE[("delta_rasio_terlambat", "turun")]
    assert second["alasan_2"] == PHRASE[("hari_tanpa_keterangan", "naik")]
    assert second["alasan_kode"] == "delta_rasio_terlambat:-0.30;hari_tanpa_keterangan:+0.20"


def test_negligible_effects_are_no_reasons():
    contribs = _contribs(
        [
            {"rasio_terlambat": 0.4, "jp_12_bulan": -0.0099, "masa_kerja_tahun": 0.005},
            {"rasio_hadir": 0.001},
        ]
    )
    reasons = explain(contribs, SPEC)
    assert reasons.loc[0, "alasan"] == PHRASE[("rasio_terlambat", "naik")]
    assert reasons.loc[0, "alasan_kode"] == "rasio_terlambat:+0.40"
    assert reasons.loc[0, "alasan_2"] is None and reasons.loc[0, "alasan_3"] is None
    assert reasons.loc[1, "alasan"] == "" and reasons.loc[1, "alasan_kode"] == ""
    assert reasons.loc[1, ["alasan_1", "alasan_2", "alasan_3"]].isna().all()


def test_one_hot_columns_fold_into_one_reason():
    # Two small one-hot effects that add up to the largest effect of the row.
    contribs = _contribs(
        [{"jenis_jabatan=PELAKSANA": 0.3, "jenis_jabatan=FUNGSIONAL": 0.25, "rasio_hadir": -0.5}]
    )
    reasons = explain(contribs, SPEC)
    assert reasons.loc[0, "alasan_1"] == PHRASE[("jenis_jabatan", "naik")]
    assert reasons.loc[0, "alasan_kode"] == "jenis_jabatan:+0.55;rasio_hadir:-0.50"


def test_a_missing_value_is_told_as_missing_when_the_table_can():
    contribs = _contribs([{"predikat_terakhir": 0.6, "hari_izin_sah": -0.2}] * 2)
    frame = pd.DataFrame({name: [1.0, 1.0] for name in SPEC.numeric} | {"jenis_jabatan": ["X"] * 2})
    frame.loc[0, ["predikat_terakhir", "hari_izin_sah"]] = np.nan
    matrix = SPEC.encode(frame)
    assert "hari_izin_sah" not in {f for f, a in PHRASE if a == "kosong"}
    reasons = explain(contribs, SPEC, matrix=matrix)
    assert reasons.loc[0, "alasan_1"] == PHRASE[("predikat_terakhir", "kosong")]
    assert reasons.loc[1, "alasan_1"] == PHRASE[("predikat_terakhir", "naik")]
    # No kosong phrase: the direction tells it.
    assert reasons.loc[0, "alasan_2"] == PHRASE[("hari_izin_sah", "turun")]
    # An unknown jabatan sets no one-hot column: missing too.
    contribs.loc[:, "jenis_jabatan=PELAKSANA"] = 1.0
    assert (
        explain(contribs, SPEC, matrix=matrix).loc[0, "alasan_1"]
        == PHRASE[("jenis_jabatan", "kosong")]
    )


def test_real_model_reasons_follow_the_sign_of_the_folded_contributions(fitted):
    labelled, model = fitted
    matrix = SPEC.encode(labelled)
    contribs = contributions(model, matrix)
    reasons = explain(contribs, SPEC, matrix=matrix)
    assert len(reasons) == len(labelled) and (reasons.index == labelled.index).all()
    folded = contribs.drop(columns="bias").T.groupby(SPEC.source_of).sum().T
    for index in reasons.index[:200]:
        row = folded.loc[index]
        codes = reasons.loc[index, "alasan_kode"].split(";")
        expected = row[row.abs() >= 0.01].abs().sort_values(ascending=False, kind="stable")
        assert [c.split(":")[0] for c in codes] == list(expected.index[:3])
        for rank, code in enumerate(codes, start=1):
            feature, value = code.split(":")
            assert float(value) == pytest.approx(row[feature], abs=0.005)
            value_missing = (
                np.isnan(matrix.loc[index, feature]) if feature in SPEC.numeric else False
            )
            arah = "naik" if row[feature] > 0 else "turun"
            if value_missing and (feature, "kosong") in PHRASE:
                arah = "kosong"
            assert reasons.loc[index, f"alasan_{rank}"] == PHRASE[(feature, arah)]
    kosong = PHRASE[("predikat_terakhir", "kosong")]
    assert (reasons[["alasan_1", "alasan_2", "alasan_3"]] == kosong).any(axis=None)


def test_count_sets_the_number_of_reason_columns():
    contribs = _contribs([{"rasio_hadir": 0.5, "rasio_terlambat": 0.4, "jp_12_bulan": 0.3}])
    one = explain(contribs, SPEC, count=1)
    assert list(one.columns) == ["alasan", "alasan_1", "alasan_kode"]
    assert one.loc[0, "alasan"] == PHRASE[("rasio_hadir", "naik")]
    five = explain(contribs, SPEC, count=5)
    assert five.loc[0, "alasan"].count("; ") == 2
    assert five.loc[0, ["alasan_4", "alasan_5"]].isna().all()
    with pytest.raises(ValueError):
        explain(contribs, SPEC, count=0)


def _python_calls(rows: int) -> int:
    """Python function calls made by explaining `rows` rows: a vectorised explanation makes as
    many for 100,000 rows as for 1,000 (counted, not timed: a timing depends on the machine)."""
    rng = np.random.default_rng(0)
    columns = [*SPEC.matrix_columns, "bias"]
    contribs = pd.DataFrame(rng.normal(0, 0.3, (rows, len(columns))), columns=columns)
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        reasons = explain(contribs, SPEC)
    finally:
        sys.setprofile(None)
    assert reasons["alasan_3"].notna().all()
    return calls


def test_explaining_100000_rows_is_vectorised():
    small, large = _python_calls(1_000), _python_calls(100_000)
    assert large < 2 * small, f"{large} Python calls for 100,000 rows against {small} for 1,000"
