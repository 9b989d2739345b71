"""The registered versions of a model, side by side: what `kinerja models` shows.

One row per version, newest first, with what an ML engineer needs to judge it: the aliases it
holds, when and for which data date it was trained, its validation metrics against the two
baselines measured in the same run, the fairness differences and the gate and promotion verdicts
recorded on it. Everything is read from MLflow; nothing is recomputed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

# Names the training run logs (ml.train / ml.registry); read here, never written.
VALIDATION_METRICS = ("val_pr_auc", "val_roc_auc", "val_brier", "val_ece")
BASELINE_METRICS = ("baseline_last_predikat_pr_auc", "baseline_logreg_pr_auc")
BACKTEST_METRICS = ("backtest_folds", "backtest_min_pr_auc_gain")
AUDIT_DIMENSIONS = ("jenis_kelamin", "kelompok_umur", "kelompok_golongan", "zona_waktu")
DP_PREFIX = "fair_dp_diff_"
EO_PREFIX = "fair_eo_diff_"
VERSION_TAGS = ("promoted", "promotion_reason", "fairness_gate", "fairness_reason")

_PAGE = 200


def model_versions_table(
    client: MlflowClient, name: str, limit: int | None = None
) -> list[dict[str, Any]]:
    """One dict per registered version of `name`, newest first (empty when none is registered).

    A metric the run did not log is None, so versions trained before a metric existed still
    show, with a gap rather than a made-up number.
    """
    try:
        aliases_of = _aliases_by_version(client.get_registered_model(name).aliases)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return []
        raise
    versions = sorted(_all_versions(client, name), key=lambda v: int(v.version), reverse=True)
    if limit is not None:
        versions = versions[:limit]
    return [_row(client, version, aliases_of.get(str(version.version), [])) for version in versions]


def _aliases_by_version(aliases: dict[str, Any]) -> dict[str, list[str]]:
    by_version: dict[str, list[str]] = {}
    for alias, version in sorted(aliases.items()):
        by_version.setdefault(str(version), []).append(alias)
    return by_version


def _all_versions(client: MlflowClient, name: str) -> list[Any]:
    versions: list[Any] = []
    token = None
    while True:
        page = client.search_model_versions(
            f"name = {_quoted(name)}", max_results=_PAGE, page_token=token
        )
        versions += list(page)
        token = page.token
        if not token:
            return versions


def _quoted(name: str) -> str:
    # MLflow's filter parser has no escape inside a string, only the choice of quote.
    quote = '"' if "'" in name else "'"
    if quote in name:
        raise ValueError(f"model name {name!r} holds both quote characters")
    return f"{quote}{name}{quote}"


def _row(client: MlflowClient, version: Any, aliases: list[str]) -> dict[str, Any]:
    metrics: dict[str, float] = {}
    params: dict[str, str] = {}
    run_tags: dict[str, str] = {}
    if version.run_id:
        try:
            run = client.get_run(version.run_id)
        except MlflowException:
            run = None  # a deleted run: the version still deserves its line
        if run is not None:
            metrics, params, run_tags = run.data.metrics, run.data.params, run.data.tags
    tags = dict(version.tags or {})

    dp = {dim: metrics.get(f"{DP_PREFIX}{dim}") for dim in AUDIT_DIMENSIONS}
    eo = {dim: metrics.get(f"{EO_PREFIX}{dim}") for dim in AUDIT_DIMENSIONS}
    row: dict[str, Any] = {
        "version": str(version.version),
        "aliases": aliases,
        "created": _iso(version.creation_timestamp),
        "run_id": version.run_id,
        "as_of": params.get("as_of") or run_tags.get("kinerja.as_of"),
        "status": version.status,
    }
    row.update({metric: metrics.get(metric) for metric in VALIDATION_METRICS})
    row.update({metric: metrics.get(metric) for metric in BASELINE_METRICS})
    row["pr_auc_gain_vs_baselines"] = _gain(metrics)
    row.update({metric: metrics.get(metric) for metric in BACKTEST_METRICS})
    if row["backtest_folds"] is not None:
        row["backtest_folds"] = int(row["backtest_folds"])  # MLflow keeps every metric a float
    row["fair_dp_diff"] = dp
    row["fair_eo_diff"] = eo
    row["max_dp_diff"] = _max(dp.values())
    row["max_eo_diff"] = _max(eo.values())
    row.update({tag: tags.get(tag) for tag in VERSION_TAGS})
    return row


def _gain(metrics: dict[str, float]) -> float | None:
    """Validation PR-AUC minus the better of the two baselines (positive: the model wins)."""
    model = metrics.get("val_pr_auc")
    baselines = [metrics[m] for m in BASELINE_METRICS if m in metrics]
    if model is None or not baselines:
        return None
    return model - max(baselines)


def _max(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _iso(timestamp_ms: int | None) -> str | None:
    if timestamp_ms is None:
        return None
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).isoformat(timespec="seconds")
