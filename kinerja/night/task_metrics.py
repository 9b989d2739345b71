"""Per-task wall, CPU and peak memory, measured inside the process that runs the task.

An Airflow listener (registered by `plugins/kinerja_task_metrics.py`): the Task SDK calls it in the
task's own process, under `airflow dags test` (every task in one process) as on a Celery worker
(one process per task), so the figures are the task's and not the scheduler's. Peak RSS is the
kernel's high-water mark (VmHWM), reset at task start through /proc/self/clear_refs, so no
sampling thread is needed on Linux. Events go to `kinerja.night.events`.

While the watcher producer runs `dbt build`, a follower of dbt's JSON log file adds one `dbt_node`
event per node started and finished (`kinerja.night.dbt_log`), for live progress.
"""

from __future__ import annotations

import logging
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airflow.listeners import hookimpl

from kinerja.night.dbt_log import DbtLogFollower, dbt_log_file
from kinerja.night.events import append_event, events_path, night_of, start_file
from kinerja.runtime import dbt_log_dir
from kinerja.settings import get_settings

log = logging.getLogger(__name__)


@dataclass
class _Running:
    task_instance: Any
    task_id: str
    try_number: int
    path: Path
    wall: float
    cpu: float
    dbt_log: DbtLogFollower | None = None


# One task runs at a time in a task process.
_current: _Running | None = None
PRODUCER_TASK_SUFFIX = "dbt_producer_watcher"


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _reset_peak_rss() -> None:
    """Where /proc is missing the peak is the process's lifetime one (see _peak_rss_mb)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    """VmHWM of this process; ru_maxrss (the lifetime peak) where /proc is not available."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _night_file(task_instance: Any) -> Path:
    from_server = getattr(task_instance, "_ti_context_from_server", None)
    start = from_server.dag_run.data_interval_start if from_server else None
    if start is None:
        start = task_instance.get_template_context()["data_interval_start"]
    return events_path(get_settings(), night_of(start))


@hookimpl
def on_task_instance_running(previous_state: Any, task_instance: Any) -> None:
    global _current
    path = _night_file(task_instance)
    try_number = int(task_instance.try_number)
    # The night's first task starts the file (`kinerja run` already has, before it tails it).
    if try_number == 1 and not task_instance.task.upstream_task_ids:
        start_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _reset_peak_rss()
    now = time.time()
    _current = _Running(task_instance, task_instance.task_id, try_number, path, now, _cpu_seconds())
    append_event(
        path, {"event": "task_start", "task_id": _current.task_id, "try": try_number, "t": now}
    )
    if _current.task_id.endswith(PRODUCER_TASK_SUFFIX):
        log_file = dbt_log_file(dbt_log_dir(get_settings()))
        _current.dbt_log = DbtLogFollower(log_file, path).start()


def _end(task_instance: Any, state: str) -> None:
    global _current
    running = _current
    if running is None or running.task_id != task_instance.task_id:
        return  # not started in this process (e.g. the scheduler failing a lost task)
    _current = None
    if running.dbt_log is not None:
        running.dbt_log.stop()
    now = time.time()
    append_event(
        running.path,
        {
            "event": "task_end",
            "task_id": running.task_id,
            "try": running.try_number,
            "state": state,
            "t": now,
            "wall_s": round(now - running.wall, 3),
            "cpu_s": round(_cpu_seconds() - running.cpu, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
        },
    )


@hookimpl
def on_task_instance_success(previous_state: Any, task_instance: Any) -> None:
    _end(task_instance, "success")


@hookimpl
def on_task_instance_failed(previous_state: Any, task_instance: Any, error: Any) -> None:
    state = getattr(task_instance, "state", None)
    _end(task_instance, str(getattr(state, "value", state) or "failed"))


@hookimpl
def on_task_instance_skipped(previous_state: Any, task_instance: Any) -> None:
    _end(task_instance, "skipped")


@hookimpl
def before_stopping(component: Any) -> None:
    """A task that deferred or rescheduled itself ends its try here, with that state."""
    if _current is None:
        return
    state = getattr(_current.task_instance, "state", None)
    _end(_current.task_instance, str(getattr(state, "value", state) or "stopped"))
