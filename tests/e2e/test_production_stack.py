"""The production stack for real: `kinerja stack up` on free ports with databases of its own,
`kinerja_nightly` triggered through Airflow's REST API for a small generated agency, every task on
a Celery worker, the model on the MLflow server, scores in the PostgreSQL warehouse, the outbox
manifest, each task's log through the API; a rerun of the night through Airflow's backfill leaves
the same counts; `kinerja stack down` leaves no process behind."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest
import redis
from support.net import free_port
from support.postgres import throwaway_database

from kinerja.night.dag_config import GENERAL_QUEUE, WAREHOUSE_POOL, WAREHOUSE_QUEUE
from kinerja.night.runner import DAG_ID, logical_date_for
from kinerja.settings import Settings
from kinerja.stack.config import StackSettings
from kinerja.stack.secrets import passwords_file
from kinerja.transform.manifest import manifest_path
from kinerja.warehouse import connect

# Two nights on a shared 2-core machine, with the stack's start and stop: past the default.
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(2400)]

# The smallest agency whose night trains a model: two labelled quarters (TW1, TW2) by October.
START, NIGHT, EMPLOYEES = date(2025, 1, 1), date(2025, 10, 31), 120
KINERJA = str(Path(sys.executable).parent / "kinerja")
RUN_TIMEOUT_S = 1200


def _empty_redis_db() -> int:
    """A Redis database no other stack (or test) is using: Celery's queues live in it."""
    for number in range(15, 1, -1):
        if redis.Redis(host="127.0.0.1", port=6379, db=number).dbsize() == 0:
            return number
    pytest.fail("no empty Redis database for the stack's broker")


def _stack_processes(folder: Path) -> list[psutil.Process]:
    """Every process started for this stack: its environment names the stack's folder (supervisord,
    its programs and whatever they started, even when re-parented)."""
    marker = f"KINERJA_STACK_DIR={folder}"
    found = []
    for process in psutil.process_iter():
        try:
            environ = process.environ()
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        if f"KINERJA_STACK_DIR={environ.get('KINERJA_STACK_DIR')}" == marker:
            found.append(process)
    return found


@dataclass
class Stack:
    env: dict[str, str]
    settings: Settings
    stack: StackSettings
    folder: Path
    up_s: float
    up_output: str

    def kinerja(self, *args: str) -> subprocess.CompletedProcess:
        return _kinerja(self.env, *args)


def _kinerja(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KINERJA, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from kinerja_dev.synth import generate

    root = tmp_path_factory.mktemp("landing")
    generate(root, employees=EMPLOYEES, start=START, end=NIGHT, seed=7)
    return root


@pytest.fixture(scope="module")
def stack(tmp_path_factory, landing) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("stack") / "home"
    with (
        throwaway_database("kinerja_sw") as warehouse,
        throwaway_database("kinerja_sa") as airflow_db,
        throwaway_database("kinerja_sm") as mlflow_db,
    ):
        broker_db = _empty_redis_db()
        stack_env = {
            "KINERJA_STACK_API_PORT": str(free_port()),
            "KINERJA_STACK_MLFLOW_PORT": str(free_port()),
            "KINERJA_STACK_GENERAL_LOG_PORT": str(free_port()),
            "KINERJA_STACK_WAREHOUSE_LOG_PORT": str(free_port()),
            "KINERJA_STACK_TRIGGER_LOG_PORT": str(free_port()),
            "KINERJA_STACK_AIRFLOW_DATABASE": airflow_db,
            "KINERJA_STACK_MLFLOW_DATABASE": mlflow_db,
            "KINERJA_STACK_REDIS_URL": f"redis://127.0.0.1:6379/{broker_db}",
            # Only the runs this test triggers: no scheduled night for today's date.
            "KINERJA_STACK_SCHEDULE": "false",
            "KINERJA_STACK_API_WORKERS": "1",
            "KINERJA_STACK_MLFLOW_WORKERS": "1",
            # The suite's other worker keeps both cores busy meanwhile: on a slow run the API
            # server took over two minutes to listen, past the 180 s an idle host needs.
            "KINERJA_STACK_START_TIMEOUT_S": "600",
        }
        env = {
            **os.environ,
            "KINERJA_HOME": str(home),
            "KINERJA_LANDING": str(landing),
            "KINERJA_TARGET": "postgres",
            "KINERJA_PG_DATABASE": warehouse,
            "KINERJA_PSEUDONYM_KEY": "kunci-uji-e2e-stack",
            "KINERJA_MIN_TRAINING_ROWS": "50",
            "COLUMNS": "200",
            **stack_env,
        }
        env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
        settings = Settings(
            home=home, target="postgres", pg_database=warehouse, landing=str(landing)
        )
        stack_settings = StackSettings(
            **{k.removeprefix("KINERJA_STACK_").lower(): v for k, v in stack_env.items()}
        )
        folder = stack_settings.folder(settings)
        started = time.monotonic()
        up = _kinerja(env, "stack", "up")
        up_s = time.monotonic() - started
        try:
            assert up.returncode == 0, up.stdout[-5000:] + up.stderr[-5000:]
            yield Stack(env, settings, stack_settings, folder, up_s, up.stdout)
        finally:
            # Also when the test failed half-way (the test itself checks that down works).
            _kinerja(env, "stack", "down")
            # Celery's bindings stay in the broker's database: empty it for the next stack.
            redis.Redis(host="127.0.0.1", port=6379, db=broker_db).flushdb()


class Api:
    """Airflow's public REST API with a token from SimpleAuthManager (/auth/token)."""

    def __init__(self, stack: Stack) -> None:
        password = json.loads(passwords_file(stack.folder).read_text())[stack.stack.admin_user]
        base = stack.stack.airflow_url
        token = httpx.post(
            f"{base}/auth/token",
            json={"username": stack.stack.admin_user, "password": password},
            timeout=60,
        )
        token.raise_for_status()
        self.client = httpx.Client(
            base_url=f"{base}/api/v2",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
            timeout=60,
        )

    def wait_for_dag(self, timeout_s: float = 300) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            response = self.client.get(f"/dags/{DAG_ID}")
            if response.status_code == 200:
                return response.json()
            time.sleep(2)
        pytest.fail(f"{DAG_ID} was not parsed within {timeout_s} s")

    def trigger(self, run_id: str, as_of: date) -> httpx.Response:
        return self.client.post(
            f"/dags/{DAG_ID}/dagRuns",
            json={"dag_run_id": run_id, "logical_date": logical_date_for(as_of)},
        )

    def wait_for_run(self, run_id: str) -> dict:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            run = self.client.get(f"/dags/{DAG_ID}/dagRuns/{run_id}").raise_for_status().json()
            if run["state"] in ("success", "failed"):
                return run
            time.sleep(5)
        pytest.fail(f"run {run_id} did not finish within {RUN_TIMEOUT_S} s")

    def backfill_run(self, backfill_id: int, timeout_s: float = 120) -> str:
        """The run id of a one-night backfill, once the scheduler has created it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            runs = (
                self.client.get(f"/dags/{DAG_ID}/dagRuns", params={"run_type": "backfill"})
                .raise_for_status()
                .json()["dag_runs"]
            )
            if runs:
                [found] = runs
                return found["dag_run_id"]
            time.sleep(2)
        pytest.fail(f"backfill {backfill_id} made no run within {timeout_s} s")

    def task_instances(self, run_id: str) -> list[dict]:
        found: list[dict] = []
        while True:
            page = (
                self.client.get(
                    f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances",
                    params={"limit": 100, "offset": len(found)},
                )
                .raise_for_status()
                .json()
            )
            found += page["task_instances"]
            if not page["task_instances"] or len(found) >= page["total_entries"]:
                return found


def _counts(settings: Settings) -> dict[str, int]:
    with connect(settings) as wh:
        return {
            table: int(wh.scalar(f"select count(*) from {table}"))
            for table in (
                "raw.presensi",
                "raw.pegawai",
                "raw.load_audit",
                "marts.fct_presensi_harian",
                "marts.fitur_kinerja_pegawai",
                "marts.skor_kinerja",
                "marts.drift_fitur",
            )
        }


def _celery_results(stack: Stack) -> dict[str, str]:
    """Celery's result backend (in Airflow's metadata DB): the status of each Celery task id."""
    with psycopg.connect(
        host=stack.settings.pg_host,
        port=stack.settings.pg_port,
        user=stack.settings.pg_user,
        dbname=stack.stack.airflow_database,
    ) as con:
        return dict(con.execute("select task_id, status from celery_taskmeta").fetchall())


def _external_ids(stack: Stack, run_id: str) -> dict[str, str | None]:
    with psycopg.connect(
        host=stack.settings.pg_host,
        port=stack.settings.pg_port,
        user=stack.settings.pg_user,
        dbname=stack.stack.airflow_database,
    ) as con:
        return dict(
            con.execute(
                "select task_id, external_executor_id from task_instance where run_id = %s",
                (run_id,),
            ).fetchall()
        )


def test_night_on_the_production_stack(stack: Stack):
    timings = {"stack_up_s": round(stack.up_s, 1)}
    for where in ("Airflow UI", "MLflow UI", stack.stack.airflow_url, stack.stack.mlflow_url):
        assert where in stack.up_output
    # A second `up` finds it running and healthy, and changes nothing.
    again = stack.kinerja("stack", "up")
    assert again.returncode == 0 and "already running" in again.stdout, again.stdout[-3000:]
    status = stack.kinerja("stack", "status")
    assert status.returncode == 0, status.stdout[-3000:]

    api = Api(stack)
    dag = api.wait_for_dag()
    assert not dag["is_paused"]
    # One writer at a time on PostgreSQL too, whichever run (a backfill's runs are not held back
    # by the DAG's max_active_runs): a build never overlaps another run's load.
    pool = api.client.get(f"/pools/{WAREHOUSE_POOL}").raise_for_status().json()
    assert pool["slots"] == 1

    started = time.monotonic()
    first = api.trigger("stack-1", NIGHT)
    assert first.status_code == 200, first.text
    run = api.wait_for_run("stack-1")
    timings["night_s"] = round(time.monotonic() - started, 1)
    instances = api.task_instances("stack-1")
    failed = {t["task_id"]: t["state"] for t in instances if t["state"] != "success"}
    assert run["state"] == "success" and failed == {}, failed

    # Every task went through Celery: on its queue, on a worker's host, and the worker recorded its
    # Celery task's SUCCESS in the result backend (EmptyOperators never leave the scheduler).
    executed = [t for t in instances if t["operator_name"] != "EmptyOperator"]
    assert {t["queue"] for t in executed if t["pool"] == "kinerja_warehouse"} == {WAREHOUSE_QUEUE}
    assert {t["queue"] for t in executed if t["pool"] == "default_pool"} == {GENERAL_QUEUE}
    assert all(t["hostname"] and t["pid"] for t in executed)
    external = _external_ids(stack, "stack-1")
    # A worker stores a Celery task's result after the task has told Airflow its state, so the run
    # can be done while its last task's result is still STARTED for a moment.
    deadline = time.monotonic() + 60
    results = _celery_results(stack)
    while {results.get(i) for i in external.values() if i} != {"SUCCESS"}:
        if time.monotonic() > deadline:
            break
        time.sleep(1)
        results = _celery_results(stack)
    steps = (
        "load_extracts",
        "validate_extracts",
        "transform.dbt_producer_watcher",
        "validate_marts",
        "train_model",
        "score_and_publish",
        "apply_retention",
    )
    assert {step: results.get(external[step]) for step in steps} == dict.fromkeys(steps, "SUCCESS")
    assert {results[i] for i in external.values() if i} == {"SUCCESS"}
    assert sum(status == "SUCCESS" for status in results.values()) >= len(executed) > 100

    # Each dbt model, seed and snapshot has its sensor, and it succeeded.
    manifest = json.loads(manifest_path(stack.settings).read_text())
    states = {t["task_id"]: t["state"] for t in instances}
    suffix = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
    for node in manifest["nodes"].values():
        if node["resource_type"] in suffix:
            name, kind = node["name"], suffix[node["resource_type"]]
            task = f"transform.{name}.{kind}"
            assert states.get(task, states.get(f"transform.{name}_{kind}")) == "success", task

    # The model lives on the MLflow server: registered, champion, its artifacts served.
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=stack.stack.mlflow_url, registry_uri=stack.stack.mlflow_url)
    champion = client.get_model_version_by_alias(stack.settings.model_name, "champion")
    assert champion.version == "1"
    training = client.get_run(champion.run_id)
    assert training.info.artifact_uri.startswith("mlflow-artifacts:")
    served = stack.folder / "mlflow-artifacts"
    assert any(served.rglob("MLmodel")), "the model's files are on the server's artifact store"

    # Scores in the PostgreSQL warehouse, one per active employee with features, and the outbox.
    with connect(stack.settings) as wh:
        scores = wh.query_df("select nip, skor, model_version from marts.skor_kinerja")
        active = wh.scalar(
            "select count(distinct f.nip) from marts.fitur_kinerja_pegawai f "
            "join marts.dim_pegawai p on p.nip = f.nip where p.status_aktif = 'AKTIF'"
        )
    assert len(scores) == active > 50 and scores["nip"].is_unique
    assert scores["skor"].between(0, 1).all()
    assert set(scores["model_version"].astype(str)) == {"1"}
    outbox = stack.settings.home_dir / "outbox" / "skor_kinerja" / NIGHT.isoformat()
    manifest_file = json.loads((outbox / "_manifest.json").read_text())
    [(name, entry)] = manifest_file["files"].items()
    assert entry["sha256"] == hashlib.sha256((outbox / name).read_bytes()).hexdigest()
    assert entry["rows"] == len(scores)
    before = _counts(stack.settings)

    # The same logical date again: Airflow refuses a second manual run of it. A rerun of the
    # night goes through Airflow's own backfill instead (REST API, as `airflow backfill create`):
    # a new run of the same data interval, with fresh tries (Cosmos' producer builds again), and
    # the first run's record kept beside it.
    assert api.trigger("stack-dup", NIGHT).status_code == 409
    interval_start = f"{NIGHT.isoformat()}T02:00:00+07:00"
    window = {"dag_id": DAG_ID, "from_date": interval_start, "to_date": interval_start}
    dry_run = api.client.post("/backfills/dry_run", json=window).raise_for_status().json()
    [planned] = dry_run["backfills"]
    assert datetime.fromisoformat(planned["logical_date"]) == datetime.fromisoformat(interval_start)
    started = time.monotonic()
    backfill = (
        api.client.post(
            "/backfills", json={**window, "reprocess_behavior": "none", "max_active_runs": 1}
        )
        .raise_for_status()
        .json()
    )
    rerun_id = api.backfill_run(backfill["id"])
    rerun = api.wait_for_run(rerun_id)
    timings["rerun_s"] = round(time.monotonic() - started, 1)
    rerun_failed = {
        t["task_id"]: t["state"] for t in api.task_instances(rerun_id) if t["state"] != "success"
    }
    assert rerun["state"] == "success" and rerun_failed == {}, rerun_failed
    assert rerun["run_type"] == "backfill"
    assert rerun["data_interval_start"] == run["data_interval_start"]
    assert _counts(stack.settings) == before
    assert api.client.get(f"/dags/{DAG_ID}/dagRuns/stack-1").json()["state"] == "success"

    # Each task's log is readable through the API, from the worker that ran it.
    load_log = (
        api.client.get(
            f"/dags/{DAG_ID}/dagRuns/{rerun_id}/taskInstances/load_extracts/logs/1",
            headers={"Accept": "application/json"},
        )
        .raise_for_status()
        .json()["content"]
    )
    assert any("rows_loaded" in str(line.get("event", "")) for line in load_log), load_log[-5:]

    # Down leaves nothing running that this stack started.
    processes = _stack_processes(stack.folder)
    assert len(processes) >= 8  # supervisord and its seven programs, at least
    started = time.monotonic()
    down = stack.kinerja("stack", "down")
    timings["stack_down_s"] = round(time.monotonic() - started, 1)
    assert down.returncode == 0 and "Stack stopped" in down.stdout, down.stdout + down.stderr
    psutil.wait_procs(processes, timeout=30)
    strays = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in _stack_processes(stack.folder)]
    assert strays == []
    assert "not running" in stack.kinerja("stack", "down").stdout
    print("stack timings:", json.dumps(timings))
