"""A night run with `airflow dags test` as Airflow's UI and REST API expect to find it.

`dags test` runs every task in its own process and writes one log for the whole night (the run
report's `<date>.airflow.log`). Airflow reads a task's log from the file its filename template
names under the base log folder, so its UI showed "Could not read served logs" for every task.
`dags test` also records the run as starting at its logical date, the evening before the
night ran, so a five-minute night showed as lasting many hours.

After each night the embedded runner cuts the night's log at the lines where `dags test` starts
and ends each task, writes each part to that task's file for its try (a rerun of the date is a
new run with a folder of its own; the one it replaced stays), and sets the run's start to when
it really started.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import jinja2
from sqlalchemy import Connection, text

# What `airflow dags test` logs around each task it runs (airflow.sdk.definitions.dag._run_task).
_TASK_STARTS = re.compile(
    r"\[DAG TEST\] starting task_id=(?P<task_id>\S+) map_index=(?P<map>-?\d+)"
)
_TASK_ENDS = re.compile(r"\[DAG TEST\] end task task_id=(?P<task_id>\S+) map_index=(?P<map>-?\d+)")
# structlog's console line: "<ISO timestamp> [<level>   ] <event and its fields>"
_CONSOLE_LINE = re.compile(
    r"^(?P<timestamp>\d{4}-\d\d-\d\dT\S+Z) \[(?P<level>\w+)\s*\] (?P<event>.*)$"
)


@dataclass(frozen=True)
class TaskTry:
    task_id: str
    map_index: int
    try_number: int


def task_sections(lines: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    """The night's log lines per (task, map index), in order; a task `dags test` picks up again
    (a sensor that gave way and poked later) gets all its sections. Lines outside any task (the
    run's start and end) stay in the night's log only."""
    sections: dict[tuple[str, int], list[str]] = defaultdict(list)
    current: tuple[str, int] | None = None
    for line in lines:
        started = _TASK_STARTS.search(line)
        if started:
            current = (started["task_id"], int(started["map"]))
        if current is not None:
            sections[current].append(line)
        if _TASK_ENDS.search(line):
            current = None
    return dict(sections)


def write_task_logs(
    con: Connection, run_id: str, dag_id: str, night_log: Path, base_log_folder: Path
) -> list[Path]:
    """Each task's part of the night's log, written where Airflow reads that try's log."""
    template = _filename_template(con, dag_id, run_id)
    tries = {(t.task_id, t.map_index): t for t in _task_tries(con, dag_id, run_id)}
    with night_log.open(encoding="utf-8", errors="replace") as log:
        sections = task_sections(line.rstrip("\n") for line in log)
    written = []
    for key, lines in sections.items():
        task_try = tries.get(key)
        if task_try is None:  # a task of another run in the same log cannot happen; be safe
            continue
        ti = SimpleNamespace(
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_try.task_id,
            map_index=task_try.map_index,
            try_number=task_try.try_number,
        )
        path = base_log_folder / template.render(ti=ti, try_number=task_try.try_number)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(_structured(line) for line in lines), encoding="utf-8")
        written.append(path)
    return written


def _structured(line: str) -> str:
    """One JSON record per line, as a task process writes its own log, so the UI shows the time
    and level in their columns; a continuation line (a traceback) is an event of its own."""
    match = _CONSOLE_LINE.match(line)
    record = match.groupdict() if match else {"event": line}
    return json.dumps(record, ensure_ascii=False) + "\n"


def record_true_start(con: Connection, dag_id: str, run_id: str, started: datetime) -> None:
    """The run started when the runner started it, not at its logical date."""
    # Airflow keeps naive UTC in its SQLite store
    started = started.astimezone(UTC).replace(tzinfo=None)
    con.execute(
        text(
            "update dag_run set start_date = :started where dag_id = :dag_id and run_id = :run_id"
        ),
        {"started": started, "dag_id": dag_id, "run_id": run_id},
    )


def _filename_template(con: Connection, dag_id: str, run_id: str) -> jinja2.Template:
    # Airflow keeps the template each run was made with (log_template), so a change of the
    # setting never moves an older run's logs out of the UI's reach.
    filename = con.execute(
        text(
            "select log_template.filename from dag_run "
            "join log_template on log_template.id = dag_run.log_template_id "
            "where dag_run.dag_id = :dag_id and dag_run.run_id = :run_id"
        ),
        {"dag_id": dag_id, "run_id": run_id},
    ).scalar_one()
    return jinja2.Environment(autoescape=False).from_string(filename)


def _task_tries(con: Connection, dag_id: str, run_id: str) -> list[TaskTry]:
    rows = con.execute(
        text(
            "select task_id, map_index, try_number from task_instance "
            "where dag_id = :dag_id and run_id = :run_id"
        ),
        {"dag_id": dag_id, "run_id": run_id},
    ).all()
    return [
        TaskTry(task_id, int(map_index), int(try_number)) for task_id, map_index, try_number in rows
    ]
