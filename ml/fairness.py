"""The fairness gate: does the model flag one group of employees more often, or err more for it?

Measured with fairlearn's MetricFrame on the latest validation quarter at the operating threshold
(the score above which HR is asked to act), per audit dimension: selection rate, true-positive rate
and false-positive rate per group; the demographic-parity difference (largest gap in selection
rate) and the equalized-odds difference (largest gap in TPR or FPR). A version past either limit
on any dimension is not promoted.

Groups smaller than the configured minimum are reported but left out of the differences: a gap
between 3 people and 300 is noise, and refusing models on noise would teach people to ignore the
gate. The minimum counts rows for the selection rate, positives for the TPR and negatives for
the FPR, since each rate rests on those rows only. For the same reason the gate judges each
difference by its one-sided 95 % lower bound (a stratified bootstrap): a version is refused
when its gap is credibly past the limit, not when a few hundred people's noise crosses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

from ml.features import AUDIT_COLUMNS


def _positives(y_true, y_pred) -> int:
    return int(np.sum(y_true))


def _negatives(y_true, y_pred) -> int:
    return int(len(y_true) - np.sum(y_true))


GROUP_METRICS = {
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "count": count,
    "positives": _positives,
    "negatives": _negatives,
}
UNKNOWN_GROUP = "TIDAK_DIKETAHUI"
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 0  # the same predictions always get the same verdict


@dataclass(frozen=True)
class FairnessLimits:
    max_dp_diff: float
    max_eo_diff: float
    min_group_size: int


@dataclass
class FairnessReport:
    passed: bool
    reason: str
    differences: dict[str, dict[str, float]]  # dimension -> {"dp_diff": .., "eo_diff": ..}
    by_group: pd.DataFrame = field(repr=False)  # dimension, group, metric, value
    threshold: float = 0.5
    failed_dimensions: tuple[str, ...] = ()
    # dimension -> the same differences' one-sided 95 % lower bounds, which the gate judges
    lower_bounds: dict[str, dict[str, float]] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        """Flat names for MLflow: fair_dp_diff_<dim>, fair_eo_diff_<dim> and their lower bounds
        fair_dp_diff_low_<dim>, fair_eo_diff_low_<dim>."""
        flat = {}
        for dimension, diffs in self.differences.items():
            flat[f"fair_dp_diff_{dimension}"] = diffs["dp_diff"]
            flat[f"fair_eo_diff_{dimension}"] = diffs["eo_diff"]
        for dimension, bounds in self.lower_bounds.items():
            flat[f"fair_dp_diff_low_{dimension}"] = bounds["dp_diff"]
            flat[f"fair_eo_diff_low_{dimension}"] = bounds["eo_diff"]
        return flat


def _spread_lower_bound(rates: pd.Series, sizes: pd.Series, rng: np.random.Generator) -> float:
    """5th percentile of the largest gap between group rates, by a stratified bootstrap.

    Resampling a group's rows keeps its size and draws its rate as Binomial(size, rate) / size,
    so the bootstrap costs nothing per row. The largest of several noisy gaps is biased upwards;
    judging its lower bound refuses a version only where the gap is credibly past the limit.
    """
    rates, sizes = rates.dropna(), sizes[rates.dropna().index]
    if len(rates) < 2:
        return 0.0
    counts = rng.binomial(
        sizes.to_numpy(dtype=np.int64)[None, :],
        rates.to_numpy(dtype=float)[None, :],
        size=(BOOTSTRAP_SAMPLES, len(rates)),
    )
    resampled = counts / sizes.to_numpy(dtype=float)[None, :]
    spreads = resampled.max(axis=1) - resampled.min(axis=1)
    return float(np.quantile(spreads, 0.05))


def _spread(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.max() - values.min()) if len(values) >= 2 else 0.0


def assess_fairness(
    y: np.ndarray,
    p: np.ndarray,
    audit: pd.DataFrame,
    threshold: float,
    limits: FairnessLimits,
    dimensions: tuple[str, ...] = AUDIT_COLUMNS,
) -> FairnessReport:
    """Per-group rates and the gate verdict for predictions `p` of labels `y`."""
    y = np.asarray(y, dtype=int)
    flagged = (np.asarray(p, dtype=float) >= threshold).astype(int)
    tidy, differences, lower_bounds, breaches, failed = [], {}, {}, [], []
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    for dimension in dimensions:
        groups = audit[dimension].astype("string").fillna(UNKNOWN_GROUP).to_numpy()
        frame = MetricFrame(
            metrics=GROUP_METRICS, y_true=y, y_pred=flagged, sensitive_features=groups
        )
        by_group = frame.by_group
        enough = limits.min_group_size
        rates = {
            "selection_rate": (by_group.loc[by_group["count"] >= enough], "count"),
            "tpr": (by_group.loc[by_group["positives"] >= enough], "positives"),
            "fpr": (by_group.loc[by_group["negatives"] >= enough], "negatives"),
        }
        dp_diff = _spread(rates["selection_rate"][0]["selection_rate"])
        eo_diff = max(_spread(rates[m][0][m]) for m in ("tpr", "fpr"))
        low = {
            m: _spread_lower_bound(table[m], table[size], rng) for m, (table, size) in rates.items()
        }
        dp_low, eo_low = low["selection_rate"], max(low["tpr"], low["fpr"])
        differences[dimension] = {"dp_diff": dp_diff, "eo_diff": eo_diff}
        lower_bounds[dimension] = {"dp_diff": dp_low, "eo_diff": eo_low}
        if dp_low > limits.max_dp_diff or eo_low > limits.max_eo_diff:
            failed.append(dimension)
        if dp_low > limits.max_dp_diff:
            breaches.append(
                f"{dimension}: demographic-parity difference {dp_diff:.3f} > {limits.max_dp_diff}"
                f" (95 % lower bound {dp_low:.3f})"
            )
        if eo_low > limits.max_eo_diff:
            breaches.append(
                f"{dimension}: equalized-odds difference {eo_diff:.3f} > {limits.max_eo_diff}"
                f" (95 % lower bound {eo_low:.3f})"
            )
        for group, row in by_group.iterrows():
            for metric in GROUP_METRICS:
                tidy.append(
                    {
                        "dimension": dimension,
                        "group": str(group),
                        "metric": metric,
                        "value": float(row[metric]),
                        "in_gate": bool(row["count"] >= limits.min_group_size),
                    }
                )
    if breaches:
        reason = "refused by the fairness gate: " + "; ".join(breaches)
    else:
        worst = max(differences.items(), key=lambda kv: max(kv[1].values()), default=None)
        reason = "passed the fairness gate" + (
            f" (largest gap: {worst[0]} {max(worst[1].values()):.3f})" if worst else ""
        )
    return FairnessReport(
        passed=not breaches,
        reason=reason,
        differences=differences,
        lower_bounds=lower_bounds,
        failed_dimensions=tuple(failed),
        by_group=pd.DataFrame(tidy),
        threshold=threshold,
    )
