"""The DAG file imports cleanly, has no cycles, every warehouse writer takes the pool, and dbt runs
once (Cosmos' watcher producer) with one sensor per dbt node showing that node's state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise

import pytest

from kinerja.night.partial_parse import producer_target_dir
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.manifest import write_manifest

# Airflow reads its configuration at import time, so the DagBag is built in a fresh interpreter
# that sees this test's AIRFLOW_HOME and nothing of the developer's.
INSPECT = r"""
import json
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.encoders import encode_deadline_alert
from airflow.serialization.serialized_objects import DagSerialization
bag = DagBag()

def assets(objects):
    return sorted(getattr(o, "uri", None) or f"alias:{o.name}" for o in objects)

def tasks_of(dag):
    tasks = {}
    for t in dag.tasks:
        tasks[t.task_id] = {"retries": t.retries, "pool": t.pool, "queue": t.queue, "type": type(t).__name__,
                            "deferrable": getattr(t, "deferrable", None),
                            "mode": getattr(t, "mode", None),
                            "cache_dir": str(getattr(t, "cache_dir", None)),
                            "on_failure": sorted(type(c).__name__ for c in t.on_failure_callback),
                            "outlets": assets(t.outlets), "inlets": assets(t.inlets),
                            "downstream": sorted(t.downstream_task_ids)}
    return tasks

dag = bag.dags.get("kinerja_nightly")
if dag is not None:
    dag.check_cycle() if hasattr(dag, "check_cycle") else None
    DagSerialization.to_dict(dag)  # the scheduler's copy: the custom deadline reference serializes
ekspor = bag.dags.get("kinerja_ekspor_siasn")
print("INSPECT" + json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dag_ids": sorted(bag.dags),
    "timezone": str(dag.timezone) if dag else None,
    "max_active_runs": dag.max_active_runs if dag else None,
    "deadline": [encode_deadline_alert(d) for d in dag.deadline or []] if dag else None,
    "tasks": tasks_of(dag) if dag else {},
    "ekspor": {
        "schedule": assets(ekspor.timetable.asset_condition.objects)
        if ekspor else None,
        "tasks": tasks_of(ekspor) if ekspor else {},
    },
}, default=str))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """The DagBag is built once for the module: importing Airflow and Cosmos takes long."""
    tmp_path = tmp_path_factory.mktemp("dagbag")
    settings = Settings(home=tmp_path / "home")
    write_manifest(settings)
    # Alerts on (nothing is sent while parsing): every task must carry both notifiers.
    alerts = {
        "KINERJA_ALERT_SMTP_HOST": "127.0.0.1",
        "KINERJA_ALERT_SMTP_TO": "data@example.go.id",
        "KINERJA_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/alerts",
    }
    env = {**os.environ, **tool_environment(settings), **alerts}
    result = subprocess.run(
        [sys.executable, "-c", INSPECT],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next((l for l in result.stdout.splitlines() if l.startswith("INSPECT")), None)
    assert line, f"DagBag did not report:\n{result.stderr[-3000:]}"
    return {**json.loads(line[len("INSPECT") :]), "home": str(tmp_path / "home")}


def test_dag_imports_and_is_wired(report):
    assert report["errors"] == {}
    assert "kinerja_nightly" in report["dag_ids"]
    assert report["timezone"] == "Asia/Jakarta"
    assert report["max_active_runs"] == 1
    tasks = report["tasks"]
    for name in (
        "load_extracts",
        "validate_extracts",
        "validate_marts",
        "train_model",
        "score_and_publish",
        "publish_bi_snapshot",
        "apply_retention",
    ):
        assert name in tasks
    steps = {t: v for t, v in tasks.items() if not t.startswith("transform.")}
    # Every step outside dbt retries and takes a warehouse-writer slot.
    assert {t: v["retries"] for t, v in steps.items() if v["retries"] < 1} == {}
    assert {v["pool"] for v in steps.values()} == {"kinerja_warehouse"}
    # On Celery the writers have their own queue (and workers); `dags test` ignores it.
    assert {v["queue"] for v in steps.values()} == {"kinerja_warehouse"}
    # The order of the night: load -> validate -> dbt -> validate marts -> train -> publish ->
    # the BI snapshot -> retention, which is the last task.
    assert "validate_extracts" in tasks["load_extracts"]["downstream"]
    assert "train_model" in tasks["validate_marts"]["downstream"]
    assert "score_and_publish" in tasks["train_model"]["downstream"]
    assert tasks["score_and_publish"]["downstream"] == ["publish_bi_snapshot"]
    assert tasks["publish_bi_snapshot"]["downstream"] == ["apply_retention"]
    assert tasks["apply_retention"]["downstream"] == []
    assert any(d.startswith("transform.") for d in tasks["validate_extracts"]["downstream"])


def test_every_task_alerts_on_failure(report):
    """The steps, dbt's producer, every node sensor and the SIASN export report their failure
    by e-mail and webhook."""
    alerts = {t: v["on_failure"] for t, v in report["tasks"].items()}
    assert len(alerts) > 50
    alerts |= {f"ekspor.{t}": v["on_failure"] for t, v in report["ekspor"]["tasks"].items()}
    assert "ekspor.ekspor_siasn" in alerts
    # Cosmos adds its own callback to the producer; ours come beside it.
    notifiers = {"SmtpFailureAlert", "WebhookFailureAlert"}
    assert {t: a for t, a in alerts.items() if not notifiers <= set(a)} == {}


def test_dbt_runs_once_and_every_node_has_a_sensor(report):
    """One producer runs `dbt build` in the writers' pool; each model, seed and snapshot has a
    sensor, and each node with tests a test sensor. Sensors only read what the producer reports:
    they stay out of the one-slot pool (the producer would wait for a slot a sensor holds) and
    never retry (a retried sensor re-runs its node with dbt, outside the pool)."""
    manifest = json.loads(
        Settings(home=report["home"]).dbt_target_dir.joinpath("manifest.json").read_text()
    )
    tasks = {t: v for t, v in report["tasks"].items() if t.startswith("transform.")}
    [producer] = [v for v in tasks.values() if v["type"] == "DbtProducerWatcherOperator"]
    assert (producer["pool"], producer["queue"]) == ("kinerja_warehouse", "kinerja_warehouse")
    assert producer["retries"] == 0
    # Where the producer looks for dbt's partial-parse state: where `kinerja run` puts it.
    home = Settings(home=report["home"])
    assert producer["cache_dir"] == str(producer_target_dir(home).parent)
    sensors = {t: v for t, v in tasks.items() if v["type"].endswith("WatcherOperator")}
    sensors.pop("transform.dbt_producer_watcher")
    assert {(v["pool"], v["queue"]) for v in sensors.values()} == {("default_pool", "default")}
    assert {v["retries"] for v in sensors.values()} == {0}
    # With a scheduler and triggerer (Celery) sensors defer; `kinerja run` sets them to reschedule.
    assert {(v["deferrable"], v["mode"]) for v in sensors.values()} == {(True, "poke")}

    built = {
        (n["resource_type"], n["name"])
        for n in manifest["nodes"].values()
        if n["resource_type"] in ("model", "seed", "snapshot")
    }
    suffix = {"model": "run", "seed": "seed", "snapshot": "snapshot"}
    watched = {
        (kind, name)
        for kind, name in built
        if {f"transform.{name}.{suffix[kind]}", f"transform.{name}_{suffix[kind]}"} & set(sensors)
    }
    assert watched == built
    tested = {
        parent.split(".")[-1]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        for parent in n["depends_on"]["nodes"]
    }
    test_sensors = {t.split(".")[1] for t in sensors if t.endswith(".test")}
    assert test_sensors and test_sensors <= tested


def _reaches(tasks: dict, start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(tasks[node]["downstream"])
    return False


def test_every_dbt_node_runs_after_validation_and_before_the_mart_checks(report):
    tasks = report["tasks"]
    for task_id in (t for t in tasks if t.startswith("transform.")):
        assert _reaches(tasks, "validate_extracts", task_id)
        assert _reaches(tasks, task_id, "validate_marts")


def test_the_dpia_lists_the_steps_in_the_order_the_dag_runs_them(report):
    """kinerja.docs.night_steps reads the order from the DAG file's source; the DAG Airflow
    builds from it must agree (a task group stands for its tasks)."""
    from kinerja.docs.night_steps import night_steps

    tasks = report["tasks"]
    order = [step.task for step in night_steps()]

    def members(name: str) -> list[str]:
        return [t for t in tasks if t == name or t.startswith(f"{name}.")]

    assert {t.split(".")[0] for t in tasks} == set(order)
    for before, after in pairwise(order):
        assert any(_reaches(tasks, a, b) for a in members(before) for b in members(after)), (
            f"the DAG does not run {after} after {before}"
        )


def test_the_night_announces_marts_and_scores_and_the_export_consumes_them(report):
    """validate_marts emits the BI and HR marts' assets, score_and_publish the scores' alias
    (which resolves to the table's and the outbox's assets); the sensors emit none. The SIASN
    export is scheduled on the outbox's asset, reads it as an inlet, and writes no warehouse."""
    tasks = report["tasks"]
    assert tasks["validate_marts"]["outlets"] == [
        "kinerja://warehouse/marts/bi",
        "kinerja://warehouse/marts/hr",
    ]
    assert tasks["score_and_publish"]["outlets"] == ["alias:kinerja.skor_terbit"]
    others = {
        t: v["outlets"]
        for t, v in tasks.items()
        if t not in ("validate_marts", "score_and_publish")
    }
    assert {t: o for t, o in others.items() if o} == {}

    ekspor = report["ekspor"]
    assert ekspor["schedule"] == ["kinerja://outbox/skor_kinerja"]
    [task] = ekspor["tasks"].values()
    assert task["inlets"] == ["kinerja://outbox/skor_kinerja"]
    assert (task["pool"], task["queue"]) == ("default_pool", "default")
    assert task["retries"] >= 1


def test_the_night_has_a_deadline_alert(report):
    """With an alert channel set, KINERJA_NIGHT_DEADLINE (default 07:00 WIB) is the night's
    deadline alert: the night's own reference, its callback in the triggerer, no secret in it."""
    [alert] = report["deadline"]
    assert alert["reference"] == {
        "reference_type": "NightStart",
        "at": "07:00",
        "__class_path": "kinerja.night.lateness.NightStart",
    }
    assert alert["callback"]["__classname__"].endswith("AsyncCallback")
    assert alert["callback"]["__data__"]["path"] == "kinerja.night.lateness.night_late"
    assert "127.0.0.1:9" not in json.dumps(alert)  # the webhook URL stays out of the DAG


# What a Celery worker's task process does: fork from a worker that imported the modules of its
# configuration (`imports`), then parse the DAG file. Prints the modules the parse had to import.
FORKED_PARSE = r"""
import importlib, json, os, sys
import airflow.providers.celery.executors.celery_executor_utils
from kinerja.stack.celery_config import CELERY_CONFIG
for module in CELERY_CONFIG["imports"]:
    importlib.import_module(module)
from airflow.dag_processing.dagbag import DagBag
read, write = os.pipe()
if os.fork() == 0:
    try:
        before = set(sys.modules)
        bag = DagBag()
        new = sorted(m for m in sys.modules if m not in before)
        found = {"dags": sorted(bag.dags), "imported": new, "errors": list(bag.import_errors)}
    except BaseException as exc:  # the child must never go on as the parent
        found = {"dags": [], "imported": [], "errors": [repr(exc)]}
    os.write(write, json.dumps(found).encode())
    os._exit(0)
os.close(write)
with os.fdopen(read) as pipe:
    print("FORKED" + pipe.read())
"""


def test_a_celery_task_process_forks_with_the_night_s_code_already_imported(report):
    """The stack's workers import what parsing the night's DAG needs, so each of the night's ~200
    task processes only builds the DAG: Cosmos, its Airflow plugin (FastAPI under it) and the
    night's code imported once per worker, not per task (0.6-0.7 s -> 0.35-0.45 s CPU a task)."""
    settings = Settings(home=report["home"])
    result = subprocess.run(
        [sys.executable, "-c", FORKED_PARSE],
        check=False,
        env={**os.environ, **tool_environment(settings)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next((l for l in result.stdout.splitlines() if l.startswith("FORKED")), None)
    assert line, f"the forked parse did not report:\n{result.stderr[-3000:]}"
    forked = json.loads(line[len("FORKED") :])
    assert "kinerja_nightly" in forked["dags"], forked["errors"]
    heavy = ("cosmos", "kinerja", "fastapi", "starlette", "dbt", "duckdb", "pandas", "psycopg")
    assert [m for m in forked["imported"] if m.split(".")[0] in heavy] == []
