"""The pictures an ML engineer looks at for each model version, as matplotlib Figures.

Figures are built without pyplot (a Figure with an Agg canvas), so nothing global is kept
between training runs and no display is needed; `mlflow.log_figure` or `Figure.savefig` take them
as they are. Each function takes plain arrays or tidy frames, so the same code draws a validation
quarter, a backtest fold or a test's tiny input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

# name -> (y_true, p_score): the model and its baselines drawn on the same axes.
Curves = Mapping[str, tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray]]

LABEL = "label_berisiko"
SHAP_POINTS_PER_FEATURE = 2_000  # enough to see the shape; more only makes the file heavy
SHAP_MAX_FEATURES = 20
FAIRNESS_METRICS = ("selection_rate", "tpr", "fpr")


def _figure(width: float = 6.4, height: float = 4.8) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _arrays(y: object, p: object) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(y, dtype="int64"), np.asarray(p, dtype="float64")


def roc_figure(curves: Curves, title: str = "ROC curve") -> Figure:
    """One ROC curve per model (AUC in the legend) and the chance diagonal."""
    figure = _figure()
    axes = figure.add_subplot()
    for name, (y, p) in curves.items():
        y, p = _arrays(y, p)
        fpr, tpr, _ = roc_curve(y, p)
        axes.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(y, p):.3f})")
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="chance")
    axes.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        xlim=(0, 1),
        ylim=(0, 1.01),
        title=title,
    )
    axes.legend(loc="lower right")
    return figure


def pr_figure(curves: Curves, title: str = "Precision-recall curve") -> Figure:
    """One precision-recall curve per model (average precision in the legend) and the
    prevalence of the first one: what a random ranking achieves."""
    figure = _figure()
    axes = figure.add_subplot()
    prevalence = None
    for name, (y, p) in curves.items():
        y, p = _arrays(y, p)
        precision, recall, _ = precision_recall_curve(y, p)
        axes.step(
            recall,
            precision,
            where="post",
            label=f"{name} (AP {average_precision_score(y, p):.3f})",
        )
        prevalence = y.mean() if prevalence is None else prevalence
    if prevalence is not None:
        axes.axhline(prevalence, linestyle=":", color="grey", label=f"prevalence {prevalence:.3f}")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.01), title=title)
    axes.legend(loc="upper right")
    return figure


def calibration_figure(curves: Curves, n_bins: int = 10, title: str = "Calibration") -> Figure:
    """Reliability diagram (observed share of label_berisiko per bin of predicted probability)
    above a histogram of the predicted probabilities: a bin with few rows proves little."""
    figure = _figure(6.4, 6.4)
    reliability, counts = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    reliability.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    edges = np.linspace(0, 1, n_bins + 1)
    for name, (y, p) in curves.items():
        y, p = _arrays(y, p)
        observed, predicted = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
        reliability.plot(predicted, observed, marker="o", label=name)
        counts.hist(p, bins=edges, histtype="step", label=name)
    reliability.set(ylabel=f"observed share {LABEL} = 1", xlim=(0, 1), ylim=(0, 1), title=title)
    reliability.legend(loc="upper left")
    counts.set(xlabel="predicted probability", ylabel="rows")
    return figure


def confusion_figure(y: object, p: object, threshold: float, title: str | None = None) -> Figure:
    """Counts of the four outcomes when scores at or above `threshold` are flagged."""
    y, p = _arrays(y, p)
    matrix = confusion_matrix(y, (p >= threshold).astype("int64"), labels=[0, 1])
    figure = _figure(5.6, 4.8)
    axes = figure.add_subplot()
    axes.imshow(matrix, cmap="Blues")
    total = max(int(matrix.sum()), 1)
    for (row, column), count in np.ndenumerate(matrix):
        dark = count > matrix.max() / 2
        axes.text(
            column,
            row,
            f"{count:,}\n({count / total:.1%})",
            ha="center",
            va="center",
            color="white" if dark else "black",
        )
    axes.set(
        xticks=[0, 1],
        yticks=[0, 1],
        xticklabels=["not flagged", "flagged"],
        yticklabels=["0", "1"],
        xlabel=f"prediction (score >= {threshold:g})",
        ylabel=f"actual {LABEL}",
        title=title or f"Confusion matrix at threshold {threshold:g}",
    )
    return figure


def shap_summary_figure(
    contribs: pd.DataFrame,
    matrix: pd.DataFrame,
    title: str = "SHAP summary",
    max_features: int = SHAP_MAX_FEATURES,
    seed: int = 0,
) -> Figure:
    """Beeswarm-style global summary: one row per matrix column, ordered by mean |SHAP| (largest
    on top); each dot one employee, at its SHAP value (log-odds), coloured by its feature value
    (low blue, high red, missing grey). One-hot columns stay separate so a row tells which
    jenis_jabatan level moves the score.
    """
    columns = [c for c in matrix.columns if c in contribs.columns]
    importance = contribs[columns].abs().mean().sort_values(ascending=False, kind="stable")
    shown = list(importance.index[:max_features])
    rng = np.random.default_rng(seed)
    rows = np.arange(len(contribs))
    if len(rows) > SHAP_POINTS_PER_FEATURE:
        rows = np.sort(rng.choice(rows, SHAP_POINTS_PER_FEATURE, replace=False))

    figure = _figure(7.5, 1.2 + 0.38 * len(shown))
    axes = figure.add_subplot()
    points = None
    for position, column in enumerate(reversed(shown)):
        values = contribs[column].to_numpy(dtype="float64")[rows]
        feature = matrix[column].to_numpy(dtype="float64")[rows]
        offsets = _swarm_offsets(values)
        known = ~np.isnan(feature)
        axes.scatter(
            values[~known], position + offsets[~known], s=6, color="lightgrey", linewidths=0
        )
        points = axes.scatter(
            values[known],
            position + offsets[known],
            s=6,
            c=_percentile_rank(feature[known]),
            cmap="coolwarm",
            vmin=0,
            vmax=1,
            linewidths=0,
        )
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set(
        yticks=range(len(shown)),
        yticklabels=list(reversed(shown)),
        ylim=(-0.6, len(shown) - 0.4),
        xlabel="SHAP value (log-odds contribution to risk)",
        title=title,
    )
    if points is not None:
        bar = figure.colorbar(points, ax=axes, ticks=[0, 1], aspect=40)
        bar.ax.set_yticklabels(["low", "high"])
        bar.set_label("feature value")
    return figure


def _swarm_offsets(values: np.ndarray, bins: int = 60, width: float = 0.4) -> np.ndarray:
    """Vertical offsets that spread dots of similar value, wider where values are dense."""
    if len(values) == 0:
        return np.zeros(0)
    span = np.ptp(values) or 1.0
    binned = np.floor((values - values.min()) / span * (bins - 1)).astype("int64")
    frame = pd.DataFrame({"bin": binned})
    rank = frame.groupby("bin").cumcount().to_numpy()
    size = frame.groupby("bin")["bin"].transform("size").to_numpy()
    densest = size.max()
    # Alternate above and below the row's line: 0, +1, -1, +2, -2 ...
    step = np.where(rank % 2 == 0, -(rank // 2), (rank + 1) // 2)
    return step / max(densest / 2, 1) * width * np.sqrt(size / densest)


def _percentile_rank(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    return pd.Series(values).rank(pct=True).to_numpy()


def fairness_figure(frame: pd.DataFrame, title: str = "Fairness by group") -> Figure:
    """Bars of selection rate, TPR and FPR per group, one panel per audit dimension.

    `frame` is tidy: columns dimension, group, metric, value. Bars of one metric should be of
    similar height across the groups of a dimension; the gate judges the differences.
    """
    _require(frame, ("dimension", "group", "metric", "value"))
    dimensions = list(dict.fromkeys(frame["dimension"]))
    metrics = [m for m in FAIRNESS_METRICS if m in set(frame["metric"])] + sorted(
        set(frame["metric"]) - set(FAIRNESS_METRICS)
    )
    figure = _figure(4.0 * max(len(dimensions), 1), 4.2)
    panels = figure.subplots(1, max(len(dimensions), 1), sharey=True, squeeze=False)[0]
    width = 0.8 / max(len(metrics), 1)
    for axes, dimension in zip(panels, dimensions, strict=False):
        table = frame[frame["dimension"] == dimension].pivot_table(
            index="group", columns="metric", values="value", aggfunc="first", sort=False
        )
        positions = np.arange(len(table.index))
        for index, metric in enumerate(metrics):
            heights = table[metric] if metric in table else np.zeros(len(table.index))
            axes.bar(
                positions + (index - (len(metrics) - 1) / 2) * width, heights, width, label=metric
            )
        axes.set_xticks(positions, [str(g) for g in table.index])
        axes.set(title=dimension, ylim=(0, 1.02))
    panels[0].set_ylabel("rate")
    # Outside the panels: a legend inside would hide the bars it explains.
    handles, labels = panels[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=max(len(metrics), 1))
    figure.suptitle(title)
    return figure


def backtest_figure(frame: pd.DataFrame, title: str = "Backtest by fold") -> Figure:
    """One panel per metric, one line per model (the model and its baselines) across folds.

    `frame` is tidy: columns fold, model, metric, value; folds are drawn in their order of
    appearance (rolling origin: oldest first).
    """
    _require(frame, ("fold", "model", "metric", "value"))
    metrics = list(dict.fromkeys(frame["metric"]))
    folds = list(dict.fromkeys(frame["fold"]))
    figure = _figure(4.0 * max(len(metrics), 1), 4.0)
    panels = figure.subplots(1, max(len(metrics), 1), squeeze=False)[0]
    for axes, metric in zip(panels, metrics, strict=False):
        table = frame[frame["metric"] == metric].pivot_table(
            index="fold", columns="model", values="value", aggfunc="first", sort=False
        )
        table = table.reindex(folds)
        for model in dict.fromkeys(frame["model"]):
            if model in table:
                axes.plot(range(len(folds)), table[model].to_numpy(), marker="o", label=model)
        axes.set_xticks(range(len(folds)), [str(f) for f in folds], rotation=30)
        axes.set(title=metric, xlabel="fold (validation quarter)")
    handles, labels = panels[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=max(len(labels), 1))
    figure.suptitle(title)
    return figure


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"columns missing from the plot input: {missing}")
