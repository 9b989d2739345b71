"""How good a set of risk probabilities is: ranking (ROC-AUC, PR-AUC) and calibration (Brier,
expected calibration error), computed the same way for the model and its baselines."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

CALIBRATION_BINS = 10


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Mean gap between predicted and observed risk over equal-width probability bins, weighted
    by how many rows fall in each bin (0 = perfectly calibrated)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return float("nan")
    which = np.minimum((p * bins).astype(int), bins - 1)
    error = 0.0
    for b in np.unique(which):
        in_bin = which == b
        error += in_bin.sum() * abs(p[in_bin].mean() - y[in_bin].mean())
    return float(error / len(y))


def risk_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Metrics of one set of predictions; ranking metrics are NaN when only one class is present."""
    y = np.asarray(y, dtype=int)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    both_classes = len(np.unique(y)) == 2
    return {
        "roc_auc": float(roc_auc_score(y, p)) if both_classes else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both_classes else float("nan"),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "prevalence": float(y.mean()) if len(y) else float("nan"),
        "rows": float(len(y)),
    }
