"""The DAG file imports cleanly, has no cycles, every warehouse writer takes the pool, and dbt runs
once (Cosmos' watcher producer) with one sensor per dbt node showing that node's state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise

import pytest

from kinerja.runtime import tool_environment
from kinerja.settings import Settings
from kinerja.transform.manifest import write_manifest

# Airflow reads its configuration at import time, so the DagBag is built in a fresh interpreter
# that sees this test's AIRFLOW_HOME and nothing of the developer's.
INSPECT = r"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag()
dag = bag.dags.get("kinerja_nightly")
tasks = {}
if dag is not None:
    dag.check_cycle() if hasattr(dag, "check_cycle") else None
    for t in dag.tasks:
        tasks[t.task_id] = {"retries": t.retries, "pool": t.pool, "queue": t.queue, "type": type(t).__name__,
                            "deferrable": getattr(t, "deferrable", None),
                            "mode": getattr(t, "mode", None),
                            "on_failure": sorted(type(c).__name__ for c in t.on_failure_callback),
                            "downstream": sorted(t.downstream_task_ids)}
print("INSPECT" + json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dag_ids": sorted(bag.dags),
    "timezone": str(dag.timezone) if dag else None,
    "max_active_runs": dag.max_active_runs if dag else None,
    "tasks": tasks,
}))
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
    """The steps, dbt's producer and every node sensor report their failure by e-mail and webhook."""
    alerts = {t: v["on_failure"] for t, v in report["tasks"].items()}
    assert len(alerts) > 50
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
