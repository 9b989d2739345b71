"""The fairness gate: does the model flag one group of employees more often, or err more for it?

Measured with fairlearn's MetricFrame on the latest validation quarter at the operating threshold
(the score above which HR is asked to act), per audit dimension: selection rate, true-positive rate
and false-positive rate per group; the demographic-parity difference (largest gap in selection
rate) and the equalized-odds difference (largest gap in TPR or FPR). A version past either limit
on any dimension is not promoted.

Groups smaller than the configured minimum are reported but left out of the differences: a gap
between 3 people and 300 is noise, and refusing models on noise would teach people to ignore the
gate. The minimum counts rows for the selection rate, positives for the TPR and negatives for
the FPR, since each rate rests on those rows only.
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

    def metrics(self) -> dict[str, float]:
        """Flat names for MLflow: fair_dp_diff_<dim>, fair_eo_diff_<dim>."""
        flat = {}
        for dimension, diffs in self.differences.items():
            flat[f"fair_dp_diff_{dimension}"] = diffs["dp_diff"]
            flat[f"fair_eo_diff_{dimension}"] = diffs["eo_diff"]
        return flat


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
    tidy, differences, breaches, failed = [], {}, [], []
    for dimension in dimensions:
        groups = audit[dimension].astype("string").fillna(UNKNOWN_GROUP).to_numpy()
        frame = MetricFrame(
            metrics=GROUP_METRICS, y_true=y, y_pred=flagged, sensitive_features=groups
        )
        by_group = frame.by_group
        enough = limits.min_group_size
        dp_diff = _spread(by_group.loc[by_group["count"] >= enough, "selection_rate"])
        eo_diff = max(
            _spread(by_group.loc[by_group["positives"] >= enough, "tpr"]),
            _spread(by_group.loc[by_group["negatives"] >= enough, "fpr"]),
        )
        differences[dimension] = {"dp_diff": dp_diff, "eo_diff": eo_diff}
        if dp_diff > limits.max_dp_diff or eo_diff > limits.max_eo_diff:
            failed.append(dimension)
        if dp_diff > limits.max_dp_diff:
            breaches.append(
                f"{dimension}: demographic-parity difference {dp_diff:.3f} > {limits.max_dp_diff}"
            )
        if eo_diff > limits.max_eo_diff:
            breaches.append(
                f"{dimension}: equalized-odds difference {eo_diff:.3f} > {limits.max_eo_diff}"
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
        failed_dimensions=tuple(failed),
        by_group=pd.DataFrame(tidy),
        threshold=threshold,
    )
