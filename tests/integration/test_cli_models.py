"""`kinerja models` against a real MLflow SQLite store under KINERJA_HOME."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pytest
from typer.testing import CliRunner
from xgboost import XGBClassifier

from kinerja.cli import app
from kinerja.settings import Settings
from ml.registry import CHALLENGER, CHAMPION, ensure_experiment, open_store
from ml.versions import AUDIT_DIMENSIONS, model_versions_table

runner = CliRunner()
MODEL = "kinerja_risiko_kinerja_cli"


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    monkeypatch.setenv("KINERJA_MODEL_NAME", MODEL)
    monkeypatch.delenv("KINERJA_MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    return Settings()


def _metrics(pr_auc: float, dp: list[float], eo: list[float]) -> dict[str, float]:
    metrics = {
        "val_pr_auc": pr_auc,
        "val_roc_auc": pr_auc + 0.2,
        "val_brier": 0.08,
        "val_ece": 0.02,
        "baseline_last_predikat_pr_auc": 0.30,
        "baseline_logreg_pr_auc": 0.35,
        "backtest_folds": 3,
        "backtest_min_pr_auc_gain": pr_auc - 0.40,
    }
    for dim, d, e in zip(AUDIT_DIMENSIONS, dp, eo, strict=False):
        metrics[f"fair_dp_diff_{dim}"] = d
        metrics[f"fair_eo_diff_{dim}"] = e
    return metrics


def _register(settings: Settings, as_of: str, metrics: dict[str, float], tags: dict) -> str:
    client = open_store(settings)
    experiment = ensure_experiment(client, settings)
    rng = np.random.default_rng(0)
    features = rng.random((40, 3))
    model = XGBClassifier(n_estimators=2, max_depth=2, n_jobs=1)
    model.fit(features, (features[:, 0] > 0.5).astype(int))
    with mlflow.start_run(experiment_id=experiment):
        mlflow.log_params({"as_of": as_of})
        mlflow.log_metrics(metrics)
        info = mlflow.xgboost.log_model(
            model, name="model", registered_model_name=MODEL, pip_requirements=["xgboost"]
        )
    version = str(info.registered_model_version)
    for key, value in tags.items():
        client.set_model_version_tag(MODEL, version, key, value)
    return version


def _line(output: str, version: str) -> str:
    """The table line of `version` (its first cell)."""
    lines = [line for line in output.splitlines() if line.strip("│ ").startswith(f"{version} ")]
    assert len(lines) == 1, output
    return lines[0]


def test_nothing_registered_is_said_plainly(settings):
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    assert "No version of 'kinerja_risiko_kinerja_cli' is registered" in result.output
    assert not (settings.mlflow_dir / "mlflow.db").exists()  # looking creates no store

    as_json = runner.invoke(app, ["models", "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output) == []


def test_versions_side_by_side_newest_first_with_aliases_metrics_and_gates(settings):
    first = _register(
        settings,
        "2025-04-20",
        # An older run that measured only two audit dimensions: the rest stay gaps.
        _metrics(0.52, dp=[0.04, 0.06], eo=[0.05, 0.07]),
        {"promoted": "true", "promotion_reason": "no champion yet", "fairness_gate": "passed"},
    )
    second = _register(
        settings,
        "2025-07-20",
        _metrics(0.61, dp=[0.03, 0.21, 0.05, 0.02], eo=[0.04, 0.08, 0.33, 0.01]),
        {
            "promoted": "false",
            "promotion_reason": "refused by the fairness gate",
            "fairness_gate": "failed",
            "fairness_reason": "fair_eo_diff_kelompok_golongan 0.330 > 0.200",
        },
    )
    client = open_store(settings)
    client.set_registered_model_alias(MODEL, CHAMPION, first)
    client.set_registered_model_alias(MODEL, CHALLENGER, second)

    rows = model_versions_table(client, MODEL)
    assert [r["version"] for r in rows] == ["2", "1"]
    newest, oldest = rows
    assert newest["aliases"] == [CHALLENGER] and oldest["aliases"] == [CHAMPION]
    assert newest["as_of"] == "2025-07-20" and oldest["as_of"] == "2025-04-20"
    assert newest["val_pr_auc"] == pytest.approx(0.61)
    assert newest["pr_auc_gain_vs_baselines"] == pytest.approx(0.61 - 0.35)
    assert newest["backtest_folds"] == 3 and isinstance(newest["backtest_folds"], int)
    assert newest["max_dp_diff"] == pytest.approx(0.21)
    assert newest["max_eo_diff"] == pytest.approx(0.33)
    assert newest["fair_eo_diff"]["kelompok_golongan"] == pytest.approx(0.33)
    assert (newest["fairness_gate"], newest["promoted"]) == ("failed", "false")
    assert oldest["fair_dp_diff"]["zona_waktu"] is None
    assert oldest["max_dp_diff"] == pytest.approx(0.06)
    assert oldest["fairness_reason"] is None
    assert model_versions_table(client, MODEL, limit=1) == [newest]
    assert model_versions_table(client, "no_such_model") == []

    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.index(_line(output, "2")) < output.index(_line(output, "1"))
    line_2 = _line(output, "2")
    for cell in ("challenger", "2025-07-20", "0.610", "0.810", "+0.260", "+0.210", "0.330"):
        assert cell in line_2, line_2
    assert "failed" in line_2 and "false" in line_2 and "champion" not in line_2
    line_1 = _line(output, "1")
    for cell in ("champion", "2025-04-20", "0.520", "+0.170", "0.060", "passed", "true"):
        assert cell in line_1, line_1
    assert "challenger" not in line_1
    assert "fair_eo_diff_kelompok_golongan 0.330 > 0.200" in output

    as_json = runner.invoke(app, ["models", "--json", "--limit", "1"])
    assert as_json.exit_code == 0, as_json.output
    parsed = json.loads(as_json.output)
    assert [r["version"] for r in parsed] == ["2"]
    assert parsed[0]["aliases"] == ["challenger"]
    assert parsed[0]["run_id"] == rows[0]["run_id"]
