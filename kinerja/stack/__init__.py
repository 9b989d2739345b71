"""The production stack on a plain VM: supervisord (deploy/supervisord.conf) running Airflow's
api-server, scheduler, dag-processor, triggerer and Celery workers, and an MLflow tracking server,
on the machine's own PostgreSQL and Redis."""

from kinerja.stack.config import StackSettings, get_stack_settings
from kinerja.stack.control import StackStatus, StackUnhealthy, down, status, up
from kinerja.stack.prepare import StackRefused

__all__ = [
    "StackRefused",
    "StackSettings",
    "StackStatus",
    "StackUnhealthy",
    "down",
    "get_stack_settings",
    "status",
    "up",
]
