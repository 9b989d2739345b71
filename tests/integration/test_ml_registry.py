"""Training, registry and scoring against a real MLflow SQLite store and a real warehouse.

The feature mart is written from synthetic rows (kinerja_dev.synthetic), so these tests do not need dbt.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import mlflow
import numpy as np
import pandas as pd
import psycopg
import pytest
from mlflow.tracking import MlflowClient
from psycopg import sql

from kinerja.project import PROJECT_DIR
from kinerja.publish import publish_scores
from kinerja.settings import Settings
from kinerja.warehouse import connect, ensure_database
from kinerja_dev.synthetic import synthetic_dim_pegawai, synthetic_features, write_table
from ml.backtest import MODEL
from ml.baselines import LOGREG
from ml.features import DIM_PEGAWAI, FEATURE_TABLE
from ml.registry import CHALLENGER, CHAMPION, EXPERIMENT_NAME, ensure_experiment, open_store
from ml.score import SCORE_COLUMNS, score_active_employees
from ml.scorer import OUTPUT_COLUMN
from ml.train import train_and_register

# Labels of 2024-TW1..2025-TW1 are known by this date (2025-TW2's are not): 5 labelled quarters.
AS_OF = date(2025, 7, 20)


@pytest.fixture(scope="module")
def store_home(tmp_path_factory) -> Path:
    # One MLflow store for the module: creating its tables costs seconds. Tests stay apart by
    # registering under their own model name.
    return tmp_path_factory.mktemp("ml_home")


def _isolated(home: Path, **overrides) -> Settings:
    """Settings that ignore any KINERJA_* store, model or threshold set in the environment."""
    return Settings(
        home=home,
        target="duckdb",
        mlflow_tracking_uri=None,
        model_name=f"risiko_{uuid.uuid4().hex[:8]}",
        promotion_margin=0.0,
        min_training_rows=200,
        **overrides,
    )


@pytest.fixture
def settings(store_home) -> Settings:
    return _isolated(store_home)


def _write_mart(
    settings: Settings,
    signal: float = 1.0,
    seed: int = 0,
    float_type: str = "float8",
    bias_against_women: float = 0.0,
    n_pegawai: int = 150,
    noise_before: str | None = None,
):
    """The synthetic mart; with `noise_before`, quarters before it hold noise labels (a model
    trained there learns nothing) while later quarters keep the signal."""
    features = synthetic_features(
        n_pegawai=n_pegawai,
        n_periods=6,
        seed=seed,
        signal=signal,
        bias_against_women=bias_against_women,
    )
    if noise_before:
        noise = synthetic_features(n_pegawai=n_pegawai, n_periods=6, seed=seed + 1, signal=0.0)
        features = pd.concat(
            [
                noise[noise["periode_id"] < noise_before],
                features[features["periode_id"] >= noise_before],
            ],
            ignore_index=True,
        )
    with connect(settings) as wh:
        write_table(wh, FEATURE_TABLE, features, float_type=float_type)
        write_table(wh, DIM_PEGAWAI, synthetic_dim_pegawai(features), float_type=float_type)
    return features


def _client(settings: Settings) -> MlflowClient:
    return open_store(settings)


def _alias_version(settings: Settings, alias: str) -> str | None:
    aliases = _client(settings).get_registered_model(settings.model_name).aliases
    return None if alias not in aliases else str(aliases[alias])


def test_first_version_becomes_champion_with_its_run_fully_logged(settings):
    _write_mart(settings)
    result = train_and_register(settings, AS_OF)

    assert not result.skipped
    assert result.promoted and result.model_version == "1"
    assert _alias_version(settings, CHAMPION) == "1"
    client = _client(settings)
    run = client.get_run(result.run_id)
    assert client.get_experiment(run.info.experiment_id).name == EXPERIMENT_NAME
    assert run.info.artifact_uri.startswith(settings.mlflow_artifact_root)
    assert run.data.tags["promoted"] == "true"
    assert "no champion yet" in run.data.tags["promotion_reason"]
    assert run.data.tags["fairness_gate"] == "passed"
    assert run.data.tags["kinerja.latest_label_period"] == "2025-TW1"
    for name in ("val_brier", "val_ece", "baseline_last_predikat_pr_auc", "baseline_logreg_pr_auc"):
        assert name in run.data.metrics, name
    assert run.data.metrics["backtest_folds"] == 4
    assert run.data.params["calibration"] in {"platt", "none"}
    # per-fold series, one step per fold, for the model and both baselines
    for series in ("fold_model_pr_auc", "fold_baseline_logreg_pr_auc", "fold_model_brier"):
        history = client.get_metric_history(result.run_id, series)
        assert sorted(m.step for m in history) == [0, 1, 2, 3], series
    artifacts = {a.path for a in client.list_artifacts(result.run_id)}
    assert {"backtest", "fairness", "plots", "model_card.md", "drift_reference.json"} <= artifacts
    plots = {a.path for a in client.list_artifacts(result.run_id, "plots")}
    for name in ("roc", "pr", "calibration", "confusion", "shap_summary", "fairness", "backtest"):
        assert f"plots/{name}.png" in plots, name
    card = Path(
        mlflow.artifacts.download_artifacts(run_id=result.run_id, artifact_path="model_card.md")
    ).read_text()
    assert f"# Model card: {settings.model_name} version 1" in card
    assert "UU 27/2022" in card and "2025-TW1" in card
    assert run.data.metrics["val_pr_auc"] == pytest.approx(result.metrics["val_pr_auc"])
    assert run.data.metrics["train_rows"] == 600 and run.data.metrics["val_rows"] == 150
    assert run.data.params["validation_period"] == "2025-TW1"
    assert run.data.params["train_period_first"] == "2024-TW1"
    assert run.data.params["train_period_last"] == "2024-TW4"
    contexts = {
        tag.value
        for dataset_input in run.inputs.dataset_inputs
        for tag in dataset_input.tags
        if tag.key == "mlflow.data.context"
    }
    assert contexts == {"training", "validation"}
    version = client.get_model_version(settings.model_name, "1")
    assert version.run_id == result.run_id
    assert version.tags["fairness_gate"] == "passed" and version.tags["promoted"] == "true"


def test_labels_not_yet_known_on_the_data_date_are_not_used(settings):
    _write_mart(settings)
    # 2024-TW4's label is 2025-TW1's predikat, known 15 days after that quarter: 2025-04-15.
    before = train_and_register(settings, date(2025, 4, 14))
    assert not before.skipped, before.reason
    assert before.validation_period == "2024-TW3"
    assert before.train_periods == ["2024-TW1", "2024-TW2"]
    on_the_day = train_and_register(settings, date(2025, 4, 15))
    assert on_the_day.validation_period == "2024-TW4"


def test_too_little_labelled_data_skips_plainly(settings):
    _write_mart(settings)
    result = train_and_register(settings, date(2024, 8, 1))  # one labelled quarter so far
    assert result.skipped and result.run_id is None
    assert "labelled rows" in result.reason or "quarter" in result.reason


def test_missing_mart_skips_plainly(tmp_path):
    settings = _isolated(tmp_path)
    result = train_and_register(settings, AS_OF)
    assert result.skipped
    assert "marts.fitur_kinerja_pegawai does not exist" in result.reason


def test_better_version_is_promoted_and_a_worse_one_stays_challenger(settings):
    # A version trained on noise labels (earlier quarters) and validated on a real quarter
    _write_mart(settings, signal=1.5, seed=5, noise_before="2025-TW1")
    first = train_and_register(settings, AS_OF)
    assert first.promoted

    _write_mart(settings, signal=1.5, seed=5)
    better = train_and_register(settings, AS_OF, force=True)
    assert better.promoted and better.model_version == "2"
    assert "on the same quarter" in better.reason
    assert _alias_version(settings, CHAMPION) == "2"

    _write_mart(settings, signal=1.5, seed=5, noise_before="2025-TW1")
    worse = train_and_register(settings, AS_OF, force=True)
    assert not worse.promoted and worse.model_version == "3"
    assert _alias_version(settings, CHAMPION) == "2"
    assert _alias_version(settings, CHALLENGER) == "3"
    tags = _client(settings).get_run(worse.run_id).data.tags
    assert tags["promoted"] == "false" and "kept as challenger" in tags["promotion_reason"]

    _write_mart(settings, signal=1.5, seed=5)
    again = train_and_register(settings, AS_OF, force=True)
    assert again.metrics == better.metrics  # same data, same seed: the same model and metrics
    assert not again.promoted  # as good as the champion is not better
    assert _alias_version(settings, CHALLENGER) == "4"


def test_training_follows_the_cadence_not_every_night(settings):
    _write_mart(settings)
    yearly = settings.model_copy(update={"retrain_after_days": 365})
    first = train_and_register(yearly, date(2025, 4, 15))  # labels up to 2024-TW4
    assert not first.skipped and first.validation_period == "2024-TW4"
    next_night = train_and_register(yearly, date(2025, 4, 16))
    assert next_night.skipped and "not due" in next_night.reason
    assert train_and_register(yearly, date(2025, 7, 14)).skipped
    # 2025-TW1's labels (2025-TW2's predikat) are known from 2025-07-15: a new quarter trains
    new_labels = train_and_register(yearly, date(2025, 7, 15))
    assert not new_labels.skipped and new_labels.validation_period == "2025-TW1"
    assert (
        "labels of 2025-TW1 arrived"
        in _client(settings).get_run(new_labels.run_id).data.tags["kinerja.training_trigger"]
    )

    monthly = settings.model_copy(update={"retrain_after_days": 30})
    assert train_and_register(monthly, date(2025, 8, 13)).skipped
    month_later = train_and_register(monthly, date(2025, 8, 14))
    assert not month_later.skipped  # 30 days after the last training, same labels


def test_a_biased_challenger_is_refused_and_the_refusal_recorded(settings):
    _write_mart(settings, seed=7, n_pegawai=600)
    fair = train_and_register(settings, AS_OF)
    assert fair.promoted and fair.fairness_passed

    _write_mart(settings, seed=7, signal=1.5, bias_against_women=0.4, n_pegawai=600)
    biased = train_and_register(settings, AS_OF, force=True)
    assert not biased.skipped and biased.fairness_passed is False
    assert not biased.promoted
    assert "refused by the fairness gate" in biased.reason and "jenis_kelamin" in biased.reason
    gaps = {k: biased.metrics[f"fair_{k}_jenis_kelamin"] for k in ("dp_diff", "eo_diff")}
    assert max(gaps.values()) > 0.2, gaps
    assert _alias_version(settings, CHAMPION) == fair.model_version
    assert _alias_version(settings, CHALLENGER) is None  # nothing serves a refused version
    version = _client(settings).get_model_version(settings.model_name, biased.model_version)
    assert version.tags["fairness_gate"] == "failed"
    assert f"{max(gaps.values()):.3f}" in version.tags["fairness_reason"]


def test_promotion_margin_keeps_a_slightly_better_version_out(settings):
    _write_mart(settings, signal=0.4, seed=3)
    train_and_register(settings, AS_OF)
    _write_mart(settings, signal=1.5, seed=5)
    strict = settings.model_copy(update={"promotion_margin": 0.99})
    result = train_and_register(strict, AS_OF, force=True)
    assert not result.promoted
    assert _alias_version(settings, CHAMPION) == "1"


def test_scoring_without_a_champion_skips_plainly(settings):
    _write_mart(settings)
    result = score_active_employees(settings, AS_OF)
    assert result.skipped and result.frame.empty
    assert "champion" in result.reason


def test_scoring_uses_whatever_version_the_champion_alias_points_at(settings):
    features = _write_mart(settings)
    trained = train_and_register(settings, AS_OF)
    first = score_active_employees(settings, AS_OF)

    assert not first.skipped
    assert (first.model_version, first.run_id) == ("1", trained.run_id)
    assert list(first.frame.columns) == SCORE_COLUMNS
    # Features of the latest quarter ended by the data date (2025-TW2) predict 2025-TW3.
    assert first.feature_periode_id == "2025-TW2"
    assert set(first.frame["periode"]) == {"2025-TW3"}
    active = synthetic_dim_pegawai(features).query("status_aktif == 'AKTIF'")["nip"]
    assert sorted(first.frame["nip"]) == sorted(active)
    assert first.active_employees == len(active) and first.active_without_features == 0
    assert set(first.frame["tanggal_data"]) == {AS_OF}
    assert (first.frame["model_version"] == "1").all()

    # Someone promotes another version by hand (or a later night does): no code changes.
    _write_mart(settings, signal=0.0, seed=4)
    challenger = train_and_register(
        settings.model_copy(update={"promotion_margin": 0.1}), AS_OF, force=True
    )
    assert not challenger.promoted
    _client(settings).set_registered_model_alias(settings.model_name, CHAMPION, "2")
    second = score_active_employees(settings, AS_OF)
    assert (second.model_version, second.run_id) == ("2", challenger.run_id)
    assert (second.frame["model_version"] == "2").all()
    assert not second.frame["skor"].equals(first.frame["skor"])


def test_active_employees_without_latest_features_are_counted_not_scored(settings):
    features = _write_mart(settings)
    train_and_register(settings, AS_OF)
    dim = synthetic_dim_pegawai(features)
    newcomer = dim["nip"].iloc[0]  # active, but no row for the latest quarter
    latest = features[~((features["nip"] == newcomer) & (features["periode_id"] == "2025-TW2"))]
    with connect(settings) as wh:
        write_table(wh, FEATURE_TABLE, latest)

    result = score_active_employees(settings, AS_OF)
    active = set(dim.loc[dim["status_aktif"] == "AKTIF", "nip"])
    assert result.active_employees == len(active)
    assert result.active_without_features == 1
    assert set(result.frame["nip"]) == active - {newcomer}


@pytest.fixture
def pg_settings(store_home) -> Iterator[Settings]:
    name = f"kinerja_ml_{uuid.uuid4().hex[:10]}"
    settings = _isolated(store_home).model_copy(update={"target": "postgres", "pg_database": name})
    ensure_database(settings)
    try:
        yield settings
    finally:
        with psycopg.connect(
            host=settings.pg_host,
            port=settings.pg_port,
            user=settings.pg_user,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


@pytest.mark.postgres
def test_train_and_score_on_postgres_with_numeric_columns(pg_settings):
    # dbt-postgres marts often type ratios as numeric, which psycopg returns as Decimal.
    _write_mart(pg_settings, float_type="numeric")
    trained = train_and_register(pg_settings, AS_OF)
    assert trained.promoted, trained.reason
    scored = score_active_employees(pg_settings, AS_OF)
    assert not scored.skipped
    assert len(scored.frame) == 135
    assert scored.frame["skor"].between(0, 1).all()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings: Settings, model_uri: str, log: Path) -> tuple[subprocess.Popen, str]:
    """MLflow's own scoring server (`mlflow models serve`) in its own process group."""
    port = _free_port()
    venv_bin = Path(sys.executable).parent
    env = {
        **os.environ,
        # As in an activated environment: the CLI starts `uvicorn` by name.
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_TRACKING_URI": settings.mlflow_uri,
        "MLFLOW_REGISTRY_URI": settings.mlflow_uri,
        # The scorer's code (ml.scorer) from this checkout, as nightly scoring uses it.
        "PYTHONPATH": str(PROJECT_DIR),
    }
    command = [
        str(venv_bin / "mlflow"),
        "models",
        "serve",
        "-m",
        model_uri,
        "--env-manager",
        "local",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port), "-w", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return server, f"http://127.0.0.1:{port}"


def _stop(server: subprocess.Popen) -> None:
    # The CLI starts the web server as its child: stop the group this test started.
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_the_champion_served_by_mlflow_gives_the_published_score(settings, tmp_path):
    """`mlflow models serve -m models:/<name>@champion`, fed a raw mart row, answers the very
    probability the night published for that employee."""
    _write_mart(settings, signal=1.5, seed=5)  # data on which XGBoost beats its baselines
    trained = train_and_register(settings, AS_OF)
    assert trained.promoted and trained.contender == MODEL
    scoring = score_active_employees(settings, AS_OF)
    publish_scores(settings, scoring, AS_OF)
    with connect(settings) as wh:
        published = wh.query_df(
            "select nip, skor from marts.skor_kinerja where tanggal_data = :d order by nip",
            {"d": AS_OF},
        )
        rows = wh.query_df(
            f"select * from {FEATURE_TABLE} where periode_id = :p and nip in (:a, :b)",
            {"p": scoring.feature_periode_id, "a": published.nip[0], "b": published.nip[1]},
        )
    assert len(rows) == 2

    # In process, as an ML engineer would: the mart's rows as the warehouse returns them.
    model = mlflow.pyfunc.load_model(f"models:/{settings.model_name}@{CHAMPION}")
    inputs = model.metadata.get_input_schema().input_names()
    assert "jenis_jabatan" in inputs and "nip" not in inputs
    assert not any("=" in name for name in inputs)  # raw columns, not the one-hot matrix
    in_process = model.predict(rows)[OUTPUT_COLUMN]
    assert in_process.dtype == np.float64

    log = tmp_path / "serve.log"
    server, url = _serve(settings, f"models:/{settings.model_name}@{CHAMPION}", log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        # A mart row as it is: keys, raw jenis_jabatan code, nulls and all.
        payload = {"dataframe_split": json.loads(rows.to_json(orient="split", date_format="iso"))}
        answer = httpx.post(f"{url}/invocations", json=payload, timeout=60)
    finally:
        _stop(server)

    assert answer.status_code == 200, answer.text
    served = pd.DataFrame(answer.json()["predictions"])
    assert list(served.columns) == [OUTPUT_COLUMN]
    expected = published.set_index("nip").loc[rows["nip"], "skor"].astype(float).to_numpy()
    np.testing.assert_allclose(served[OUTPUT_COLUMN].to_numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(in_process.to_numpy(), expected, atol=1e-6)
    # A probability, not a class label.
    assert ((served[OUTPUT_COLUMN] > 0) & (served[OUTPUT_COLUMN] < 1)).all()


def _predikat_driven_mart(settings: Settings) -> None:
    """Labels that depend on the last predikat only, monotonically: a straight line fits them
    and XGBoost's trees only add noise, so the logistic baseline wins the backtest."""
    features = synthetic_features(n_pegawai=150, n_periods=6, seed=0)
    labelled = features["label_berisiko"].notna()
    rates = {-1.0: 0.3, 1.0: 0.05, 2.0: 0.1, 3.0: 0.5, 4.0: 0.7, 5.0: 0.9}
    risk = features["predikat_terakhir"].astype("float64").fillna(-1.0).map(rates)
    drawn = (np.random.default_rng(0).random(len(features)) < risk).astype("int64")
    features["label_berisiko"] = pd.array(np.where(labelled, drawn, pd.NA), dtype="Int64")
    with connect(settings) as wh:
        write_table(wh, FEATURE_TABLE, features)
        write_table(wh, DIM_PEGAWAI, synthetic_dim_pegawai(features))


def test_a_baseline_that_beats_xgboost_is_registered_in_its_place_and_said_so(settings, caplog):
    _predikat_driven_mart(settings)
    with caplog.at_level("WARNING", logger="ml.train"):
        result = train_and_register(settings, AS_OF)

    assert result.contender == LOGREG and result.promoted
    assert "baseline registered instead of XGBoost" in result.choice_reason
    assert "baseline registered instead of XGBoost" in caplog.text
    assert result.metrics["backtest_mean_pr_auc"] == pytest.approx(
        result.metrics[f"backtest_mean_pr_auc_{LOGREG}"]
    )
    assert (
        result.metrics[f"backtest_mean_pr_auc_{LOGREG}"]
        > result.metrics[f"backtest_mean_pr_auc_{MODEL}"]
    )
    client = _client(settings)
    version = client.get_model_version(settings.model_name, result.model_version)
    assert version.tags["kinerja.contender"] == LOGREG and version.tags["scorer"] == LOGREG
    assert "baseline registered instead of XGBoost" in version.tags["choice_reason"]
    assert "Whole scorer (baseline_logreg)" in version.description
    assert (
        AS_OF.isoformat() in version.description and "Promoted to champion" in version.description
    )
    run = client.get_run(result.run_id)
    assert run.info.run_name.startswith(f"train-{AS_OF.isoformat()}-")
    assert run.data.tags["kinerja.contender"] == LOGREG

    # Scoring works unchanged: the baseline scores and explains itself.
    scored = score_active_employees(settings, AS_OF)
    assert not scored.skipped and scored.frame["skor"].between(0, 1).all()
    assert scored.frame["alasan_kode"].str.contains("predikat_terakhir").any()


def test_a_bare_model_champion_is_not_used_and_training_replaces_it(settings):
    """A champion registered before whole scorers (the XGBoost flavour alone) cannot score a
    mart row: scoring skips saying so, and the next night trains (cadence) and replaces it."""
    from xgboost import XGBClassifier

    _write_mart(settings)
    client = _client(settings)
    matrix = pd.DataFrame({"x": np.arange(40.0)})
    bare = XGBClassifier(n_estimators=2, max_depth=2, n_jobs=1).fit(matrix, np.arange(40) % 2)
    with mlflow.start_run(experiment_id=ensure_experiment(client, settings)):
        info = mlflow.xgboost.log_model(
            bare, name="model", registered_model_name=settings.model_name, pip_requirements=[]
        )
    client.set_registered_model_alias(settings.model_name, CHAMPION, info.registered_model_version)

    skipped = score_active_employees(settings, AS_OF)
    assert skipped.skipped and "not a whole scorer" in skipped.reason
    trained = train_and_register(settings, AS_OF)  # not forced: the cadence sees the bare champion
    assert not trained.skipped and trained.promoted
    assert "cannot be re-scored" in trained.reason
    assert not score_active_employees(settings, AS_OF).skipped
