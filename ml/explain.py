"""Why a score is what it is: XGBoost's own SHAP values turned into Indonesian phrases.

The phrases live in one table, the dbt seed `frasa_alasan` (fitur, arah, frasa). ML reads the
CSV file directly, so explaining needs no warehouse; the same file is seeded into the warehouse
so BI can decode published reasons. A feature without both phrases is an error, never a silent
gap in what an employee is told.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from xgboost import DMatrix, XGBClassifier

from kinerja.project import SEEDS_DIR
from ml.features import FeatureSpec

PHRASES_PATH = SEEDS_DIR / "frasa_alasan.csv"
RAISES = "naik"
LOWERS = "turun"
MISSING = "kosong"
DIRECTIONS = (RAISES, LOWERS, MISSING)
REQUIRED_DIRECTIONS = (RAISES, LOWERS)

REASON_COUNT = 3
# In log-odds. Smaller effects move a probability by well under a percentage point: telling
# someone they are a reason would mislead.
MIN_EFFECT = 0.01
BIAS_COLUMN = "bias"
REASON_SEPARATOR = "; "
CODE_SEPARATOR = ";"


class MissingPhrases(KeyError):
    """A model feature has no phrase for a direction: its reasons could not be told."""


def contributions(model: XGBClassifier, matrix: pd.DataFrame) -> pd.DataFrame:
    """Per-row SHAP values in log-odds, one column per matrix column plus `bias`.

    Each row sums to the model's margin (`output_margin=True`) for that row.
    """
    values = model.get_booster().predict(DMatrix(matrix), pred_contribs=True)
    return pd.DataFrame(values, index=matrix.index, columns=[*matrix.columns, BIAS_COLUMN])


def load_phrases(path: Path = PHRASES_PATH) -> pd.DataFrame:
    """The phrase table (fitur, arah, frasa), checked for the mistakes a hand edit makes."""
    phrases = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["fitur", "arah", "frasa"]
    if list(phrases.columns) != expected:
        raise ValueError(f"{path}: columns {list(phrases.columns)}, expected {expected}")
    phrases = phrases.apply(lambda column: column.str.strip())
    unknown = sorted(set(phrases["arah"]) - set(DIRECTIONS))
    if unknown:
        raise ValueError(f"{path}: arah must be one of {DIRECTIONS}, found {unknown}")
    empty = phrases.loc[(phrases == "").any(axis=1), "fitur"].tolist()
    if empty:
        raise ValueError(f"{path}: empty values in the rows of {empty}")
    for key in (["fitur", "arah"], ["frasa"]):
        repeated = phrases[phrases.duplicated(key, keep=False)]
        if not repeated.empty:
            raise ValueError(f"{path}: {key} must be unique: {repeated.to_dict('records')}")
    return phrases


def missing_phrases(features: Iterable[str], phrases: pd.DataFrame) -> list[str]:
    """'fitur/arah' for every required phrase that the table lacks (empty: all present)."""
    present = set(zip(phrases["fitur"], phrases["arah"], strict=True))
    return [
        f"{feature}/{direction}"
        for feature in features
        for direction in REQUIRED_DIRECTIONS
        if (feature, direction) not in present
    ]


def explain(
    contribs: pd.DataFrame,
    spec: FeatureSpec,
    count: int = REASON_COUNT,
    *,
    matrix: pd.DataFrame | None = None,
    phrases: pd.DataFrame | None = None,
    min_effect: float = MIN_EFFECT,
) -> pd.DataFrame:
    """The top `count` reasons of each row, largest absolute effect first.

    One-hot columns fold back into their feature (jenis_jabatan is one reason). Only effects of
    at least `min_effect` log-odds count, in either direction. With the model `matrix`, a feature
    whose value is missing gets its `kosong` phrase when the table has one: "belum ada predikat
    periode lalu" is true where "predikat periode lalu rendah" would not be.

    Columns: `alasan` (phrases joined by "; ", empty when nothing counts), `alasan_1` ..
    `alasan_<count>` (phrase or None) and `alasan_kode` ("fitur:+0.42;fitur:-0.10", for
    machines).
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    phrases = load_phrases() if phrases is None else phrases
    columns = [c for c in contribs.columns if c != BIAS_COLUMN]
    sources = [spec.source_of(c) for c in columns]
    features = list(dict.fromkeys(sources))
    lacking = missing_phrases(features, phrases)
    if lacking:
        raise MissingPhrases(
            f"no phrase in {PHRASES_PATH.name} for {lacking}; add a row per feature and direction"
        )

    folding = np.zeros((len(columns), len(features)))
    folding[np.arange(len(columns)), [features.index(s) for s in sources]] = 1.0
    effects = contribs[columns].to_numpy(dtype="float64") @ folding
    table = _phrase_table(features, phrases)
    kind = np.where(effects > 0, 0, 1)  # the row of `table`: 0 raises, 1 lowers, 2 missing
    if matrix is not None:
        has_phrase = np.array([phrase is not None for phrase in table[2]], dtype=bool)
        told_as_missing = _missing_values(matrix, spec, features) & has_phrase
        kind = np.where(told_as_missing, 2, kind)

    take = min(count, len(features))
    order = np.argsort(-np.abs(effects), axis=1, kind="stable")[:, :take]
    top = np.take_along_axis(effects, order, axis=1)
    top_kind = np.take_along_axis(kind, order, axis=1)
    # Sorted by size, so the effects that count form a prefix of each row.
    counts = np.abs(top) >= min_effect

    names = np.asarray(features, dtype=object)
    result = pd.DataFrame(index=contribs.index)
    alasan = np.full(len(effects), "", dtype=object)
    kode = np.full(len(effects), "", dtype=object)
    for rank in range(count):
        if rank < take:
            phrase = table[top_kind[:, rank], order[:, rank]]
            code = names[order[:, rank]] + ":" + np.char.mod("%+.2f", top[:, rank]).astype(object)
            kept = counts[:, rank]
            separator = REASON_SEPARATOR if rank else ""
            alasan = np.where(kept, alasan + separator + phrase, alasan)
            kode = np.where(kept, kode + (CODE_SEPARATOR if rank else "") + code, kode)
            result[f"alasan_{rank + 1}"] = np.where(kept, phrase, None)
        else:
            result[f"alasan_{rank + 1}"] = None
    result.insert(0, "alasan", alasan)
    result["alasan_kode"] = kode
    return result


def _phrase_table(features: list[str], phrases: pd.DataFrame) -> np.ndarray:
    """Phrases as a (3, features) object array: rows raise, lower, missing.

    Without a `kosong` phrase a missing value is told by the direction of its effect.
    """
    lookup = dict(zip(zip(phrases["fitur"], phrases["arah"], strict=True), phrases["frasa"]))
    table = np.empty((3, len(features)), dtype=object)
    for index, feature in enumerate(features):
        table[0, index] = lookup[(feature, RAISES)]
        table[1, index] = lookup[(feature, LOWERS)]
        table[2, index] = lookup.get((feature, MISSING))
    return table


def _missing_values(matrix: pd.DataFrame, spec: FeatureSpec, features: list[str]) -> np.ndarray:
    """(rows, features) True where the feature's value is missing.

    A numeric value is missing when NaN; a category when none of its one-hot columns is set
    (missing or a level the model does not know).
    """
    missing = np.zeros((len(matrix), len(features)), dtype=bool)
    for index, feature in enumerate(features):
        if feature in spec.categorical:
            one_hot = [c for c in matrix.columns if spec.source_of(c) == feature]
            missing[:, index] = matrix[one_hot].to_numpy().sum(axis=1) == 0
        else:
            missing[:, index] = np.isnan(matrix[feature].to_numpy(dtype="float64"))
    return missing
