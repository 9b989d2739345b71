"""The DAG file imports cleanly, has no cycles, and every task retries and writes through the pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
        tasks[t.task_id] = {"retries": t.retries, "pool": t.pool,
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
    env = {**os.environ, **tool_environment(settings)}
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
    return json.loads(line[len("INSPECT") :])


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
    ):
        assert name in tasks
    dbt_tasks = [t for t in tasks if t.startswith("transform.")]
    assert len(dbt_tasks) >= 5, "Cosmos rendered too few dbt nodes"
    # Every task retries and takes a warehouse-writer slot.
    assert {t: v["retries"] for t, v in tasks.items() if v["retries"] < 1} == {}
    assert {v["pool"] for v in tasks.values()} == {"kinerja_warehouse"}
    # The order of the night: load -> validate -> dbt -> validate marts -> train -> publish.
    assert "validate_extracts" in tasks["load_extracts"]["downstream"]
    assert "train_model" in tasks["validate_marts"]["downstream"]
    assert "score_and_publish" in tasks["train_model"]["downstream"]
    assert any(d.startswith("transform.") for d in tasks["validate_extracts"]["downstream"])


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
