"""Feature drift between the data a model was trained on and the data it scores tonight.

The training matrix is summarised once, when the model is trained, into a `DriftReference`: for
each matrix column the bins and the share of training rows in each. The reference travels with
the model version (an MLflow artifact), so the nightly check compares against what *that*
version saw, never against whatever the warehouse holds now. The measure is the population
stability index (PSI) per matrix column.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import pandas as pd

from kinerja.settings import get_settings

log = logging.getLogger(__name__)

REFERENCE_ARTIFACT = "drift_reference.json"
REFERENCE_FORMAT = 1

DECILES = tuple(i / 10 for i in range(1, 10))
# A column with at most this many distinct training values is compared value by value: deciles
# of a count that takes five values would merge and split them arbitrarily.
MAX_CATEGORIES = 10
# Stands in for an empty bin's share: ln(0) is undefined, and a bin a few rows away from empty
# must not dominate the index.
EPSILON = 1e-4

STABIL = "STABIL"
BERUBAH = "BERUBAH"
BERGESER = "BERGESER"
# Below this the population is conventionally taken as unchanged; the upper threshold is a setting.
STABLE_BELOW = 0.1

DRIFT_COLUMNS = ["fitur", "psi", "status"]

Kind = Literal["numeric", "categorical"]


@dataclass(frozen=True)
class ColumnBins:
    """One matrix column's training distribution.

    numeric: bins (-inf, e1], (e1, e2], ..., (ek, inf) over `edges`;
    categorical: one bin per training value in `categories`, then one for any other value.
    Either way `shares` ends with the bin of missing values.
    """

    name: str
    kind: Kind
    edges: tuple[float, ...]
    categories: tuple[float, ...]
    shares: tuple[float, ...]

    @property
    def labels(self) -> list[str]:
        """Readable bin names, in `shares` order (for reports and debugging)."""
        if self.kind == "categorical":
            names = [f"={_number(c)}" for c in self.categories] + ["lainnya"]
        else:
            bounds = ["-inf", *(_number(e) for e in self.edges), "inf"]
            names = [f"({lo}, {hi}]" for lo, hi in pairwise(bounds)]
        return [*names, "kosong"]

    def bin_counts(self, values: pd.Series) -> np.ndarray:
        """How many of `values` fall in each bin (the last bin: missing values)."""
        numbers = pd.to_numeric(values, errors="raise").astype("float64").to_numpy()
        missing = np.isnan(numbers)
        present = numbers[~missing]
        if self.kind == "categorical":
            # Categories are stored sorted (np.unique), so a binary search finds each value.
            categories = np.asarray(self.categories, dtype="float64")
            other = len(categories)
            position = np.searchsorted(categories, present)
            known = position < other
            known[known] = categories[position[known]] == present[known]
            index = np.where(known, position, other)
            size = other + 1
        else:
            # side="left": a value equal to an edge belongs to the bin that edge closes.
            index = np.searchsorted(np.asarray(self.edges, dtype="float64"), present, side="left")
            size = len(self.edges) + 1
        counts = np.bincount(index, minlength=size).astype("float64")
        return np.append(counts, float(missing.sum()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "edges": list(self.edges),
            "categories": list(self.categories),
            "shares": list(self.shares),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnBins:
        return cls(
            name=data["name"],
            kind=data["kind"],
            edges=tuple(float(e) for e in data["edges"]),
            categories=tuple(float(c) for c in data["categories"]),
            shares=tuple(float(s) for s in data["shares"]),
        )


@dataclass(frozen=True)
class DriftReference:
    """The training distribution of every matrix column, in matrix order."""

    columns: tuple[ColumnBins, ...]
    rows: int

    @classmethod
    def from_matrix(cls, matrix: pd.DataFrame) -> DriftReference:
        """Summarise a training model matrix (`FeatureSpec.encode` output)."""
        if matrix.empty:
            raise ValueError("a drift reference needs at least one training row")
        return cls(
            columns=tuple(_column_bins(str(name), matrix[name]) for name in matrix.columns),
            rows=len(matrix),
        )

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> ColumnBins:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REFERENCE_FORMAT,
            "rows": self.rows,
            "columns": [column.to_dict() for column in self.columns],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftReference:
        if data.get("format") != REFERENCE_FORMAT:
            raise ValueError(
                f"drift reference format {data.get('format')!r} is not {REFERENCE_FORMAT}"
            )
        return cls(
            columns=tuple(ColumnBins.from_dict(c) for c in data["columns"]),
            rows=int(data["rows"]),
        )


def _column_bins(name: str, values: pd.Series) -> ColumnBins:
    numbers = pd.to_numeric(values, errors="raise").astype("float64")
    present = numbers.dropna()
    distinct = np.unique(present.to_numpy())
    # One-hot columns (0/1) and codes such as predikat land here.
    if len(distinct) <= MAX_CATEGORIES:
        bins = ColumnBins(name, "categorical", (), tuple(float(v) for v in distinct), ())
    else:
        # Ties collapse repeated quantiles into one edge, so a column heavy on one value gets
        # fewer, fuller bins instead of empty ones.
        edges = np.unique(np.quantile(present.to_numpy(), DECILES))
        bins = ColumnBins(name, "numeric", tuple(float(e) for e in edges), (), ())
    counts = bins.bin_counts(numbers)
    shares = tuple(float(s) for s in counts / counts.sum())
    return ColumnBins(bins.name, bins.kind, bins.edges, bins.categories, shares)


def psi(expected: np.ndarray, actual: np.ndarray, epsilon: float = EPSILON) -> float:
    """Population stability index of two share vectors over the same bins."""
    e = np.clip(np.asarray(expected, dtype="float64"), epsilon, None)
    a = np.clip(np.asarray(actual, dtype="float64"), epsilon, None)
    return float(np.sum((a - e) * np.log(a / e)))


def drift_status(value: float, threshold: float) -> str:
    if value >= threshold:
        return BERGESER
    if value >= STABLE_BELOW:
        return BERUBAH
    return STABIL


def population_stability(
    reference: DriftReference, matrix: pd.DataFrame, threshold: float | None = None
) -> pd.DataFrame:
    """PSI and status per reference column of `matrix` (tonight's scoring matrix).

    `threshold` defaults to the KINERJA_DRIFT_PSI_THRESHOLD setting. Columns of `matrix` the
    reference does not know are ignored; a reference column missing from `matrix` is an error,
    because then the model could not have scored it either.
    """
    if threshold is None:
        threshold = get_settings().drift_psi_threshold
    missing = [name for name in reference.names if name not in matrix.columns]
    if missing:
        raise KeyError(f"matrix lacks columns of the drift reference: {missing}")
    if matrix.empty:
        raise ValueError("no rows to compare with the drift reference")
    rows = []
    for column in reference.columns:
        counts = column.bin_counts(matrix[column.name])
        value = psi(np.asarray(column.shares), counts / counts.sum())
        rows.append((column.name, value, drift_status(value, threshold)))
    frame = pd.DataFrame(rows, columns=DRIFT_COLUMNS)
    shifted = frame.loc[frame["status"] == BERGESER]
    if not shifted.empty:
        log.warning(
            "feature drift past PSI %.2f in %d of %d features: %s",
            threshold,
            len(shifted),
            len(frame),
            ", ".join(
                f"{f} ({p:.2f})" for f, p in zip(shifted["fitur"], shifted["psi"], strict=True)
            ),
        )
    return frame


def log_reference(reference: DriftReference) -> None:
    """Store the reference in the active MLflow run, as `drift_reference.json`."""
    import mlflow

    if mlflow.active_run() is None:
        raise RuntimeError("log_reference needs an active MLflow run")
    mlflow.log_dict(reference.to_dict(), REFERENCE_ARTIFACT)


def load_reference(run_id_or_model_uri: str) -> DriftReference:
    """The reference logged with a run, given its id or a `models:/` URI of a version it made."""
    import mlflow

    run_id = run_id_or_model_uri
    if run_id_or_model_uri.startswith("models:/"):
        run_id = mlflow.models.get_model_info(run_id_or_model_uri).run_id
        if not run_id:
            raise ValueError(f"{run_id_or_model_uri} was not logged from a run")
    data = mlflow.artifacts.load_dict(f"runs:/{run_id}/{REFERENCE_ARTIFACT}")
    return DriftReference.from_dict(data)


def find_reference(run_id_or_model_uri: str) -> DriftReference | None:
    """Like `load_reference`, but None for a version trained before references were logged."""
    from mlflow.exceptions import MlflowException

    try:
        return load_reference(run_id_or_model_uri)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


def scoring_drift(
    run_id_or_model_uri: str, matrix: pd.DataFrame, threshold: float | None = None
) -> pd.DataFrame | None:
    """PSI of tonight's scoring `matrix` against the reference stored with the scoring model;
    None (and a warning, never a failure) when that version carries no reference."""
    reference = find_reference(run_id_or_model_uri)
    if reference is None:
        log.warning(
            "%s carries no %s; feature drift is not measured for it",
            run_id_or_model_uri,
            REFERENCE_ARTIFACT,
        )
        return None
    return population_stability(reference, matrix, threshold)


def _number(value: float) -> str:
    return f"{value:g}"
