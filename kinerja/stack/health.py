"""Is each part of the stack up and doing its job: Airflow's api-server with the scheduler,
dag-processor and triggerer it reports on, the MLflow server, and a Celery worker on each queue
answering through the broker."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from kinerja.night.dag_config import GENERAL_QUEUE, WAREHOUSE_QUEUE
from kinerja.stack.config import StackSettings

# The Celery hostname prefix of each queue's workers (deploy/supervisord.conf, --celery-hostname).
WORKER_PREFIXES = {GENERAL_QUEUE: "general@", WAREHOUSE_QUEUE: "warehouse@"}
AIRFLOW_COMPONENTS = ("metadatabase", "scheduler", "dag_processor", "triggerer")


@dataclass(frozen=True)
class Check:
    name: str
    healthy: bool
    detail: str


def _airflow(stack: StackSettings) -> list[Check]:
    url = f"{stack.airflow_url}/api/v2/monitor/health"
    try:
        body = httpx.get(url, timeout=5).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        return [Check("airflow api-server", False, f"{url}: {exc}")]
    checks = [Check("airflow api-server", True, url)]
    for part in AIRFLOW_COMPONENTS:
        status = (body.get(part) or {}).get("status")
        checks.append(Check(f"airflow {part.replace('_', '-')}", status == "healthy", str(status)))
    return checks


def _mlflow(stack: StackSettings) -> Check:
    url = f"{stack.mlflow_url}/health"
    try:
        response = httpx.get(url, timeout=5)
    except httpx.HTTPError as exc:
        return Check("mlflow server", False, f"{url}: {exc}")
    return Check("mlflow server", response.status_code == 200, f"{url}: {response.status_code}")


def _workers(stack: StackSettings) -> list[Check]:
    """A Celery ping goes through the broker: a worker that answers is connected and consuming."""
    from celery import Celery
    from kombu.exceptions import OperationalError

    app = Celery(broker=stack.redis_url)
    try:
        replies = app.control.ping(timeout=2.0)
    except (OperationalError, OSError) as exc:  # the broker is down: say so, no traceback
        return [Check(f"celery worker ({q})", False, f"broker: {exc}") for q in WORKER_PREFIXES]
    finally:
        app.close()
    names = sorted(name for reply in replies for name in reply)
    return [
        Check(
            f"celery worker ({queue})",
            any(n.startswith(prefix) for n in names),
            ", ".join(n for n in names if n.startswith(prefix)) or "no answer",
        )
        for queue, prefix in WORKER_PREFIXES.items()
    ]


def health(stack: StackSettings) -> list[Check]:
    return [*_airflow(stack), _mlflow(stack), *_workers(stack)]
