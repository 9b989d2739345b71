"""Run the real `kinerja_nightly` DAG in-process with `airflow dags test`, one night at a time.

This is the embedded default: Airflow on SQLite under KINERJA_HOME, no scheduler, no server.
Nights run one after another, so DuckDB never sees two writers.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kinerja.files import copy_atomically
from kinerja.night.dag_config import (
    DAG_ID,
    INLINE_RUN_VARIABLE,
    WAREHOUSE_POOL,
    WAREHOUSE_POOL_SLOTS,
)
from kinerja.night.events import EventTail, events_path, start_file
from kinerja.night.partial_parse import seed_producer_state
from kinerja.private_files import private_home
from kinerja.pseudonym import MissingPseudonymKey, installation_key
from kinerja.runtime import run_tool, tool_environment
from kinerja.settings import Settings
from kinerja.transform.manifest import write_manifest

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass
class NightRun:
    as_of: date
    succeeded: bool
    task_states: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None
    events_file: Path | None = None

    @property
    def failed_tasks(self) -> list[str]:
        return [t for t, s in self.task_states.items() if s not in ("success", "skipped")]


# One Python process migrates the metadata DB and sets the pool: each `airflow` command pays
# ~6 s of start-up, and an embedded night should not spend half a minute on bookkeeping.
_PREPARE_SCRIPT = """
import sys
from airflow.cli import cli_parser

parser = cli_parser.get_parser()
for argv in (["db", "migrate"], ["pools", "set", *sys.argv[1:4]]):
    args = parser.parse_args(argv)
    args.func(args)
"""


def _prepared_marker(settings: Settings) -> tuple[Path, str]:
    from importlib.metadata import version

    stamp = json.dumps(
        {
            "airflow": version("apache-airflow"),
            "pool": [WAREHOUSE_POOL, WAREHOUSE_POOL_SLOTS],
            "db": _metadata_db_url(settings),
        },
        sort_keys=True,
    )
    return settings.airflow_home / ".kinerja-prepared", stamp


def prepare_airflow(settings: Settings) -> None:
    """The dbt manifest (and its partial-parse state, where the producer starts from it), the
    metadata DB and the warehouse pool (skipped when already done).

    Refuses to start, in one line, an installation without its pseudonym key: a night would
    fail at dbt only after loading and validating.
    """
    private_home(settings)
    try:
        installation_key(settings)
    except MissingPseudonymKey as exc:
        raise SystemExit(str(exc)) from None
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    write_manifest(settings)
    seed_producer_state(settings)
    marker, stamp = _prepared_marker(settings)
    if marker.exists() and marker.read_text() == stamp:
        return
    metadata_file = _embedded_metadata_file(settings)
    fresh = metadata_file is not None and not metadata_file.exists()
    if not (fresh and _copied_from_template(metadata_file, _metadata_template(settings, stamp))):
        migrate_metadata(settings, {**os.environ, **tool_environment(settings)})
        if fresh:  # an empty DB, just migrated; never one that holds a home's runs
            _keep_as_template(metadata_file, _metadata_template(settings, stamp))
    marker.write_text(stamp)


def _embedded_metadata_file(settings: Settings) -> Path | None:
    """The embedded SQLite metadata DB's file; None for a server's database."""
    from sqlalchemy.engine import make_url

    url = make_url(_metadata_db_url(settings))
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def _metadata_template(settings: Settings, stamp: str) -> Path:
    """A freshly migrated, empty metadata DB for this Airflow version and pool: `airflow db
    migrate` takes ~25 s, and every new home on this machine (a second agency, a test) starts
    from the same schema, pool and log templates."""
    # Whatever names the home's own database is not part of the template's identity.
    key = json.loads(stamp)
    key.pop("db")
    key["dags_folder"] = tool_environment(settings)["AIRFLOW__CORE__DAGS_FOLDER"]
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return settings.cache_dir / "airflow_metadata" / f"{digest}.db"


def _copied_from_template(target: Path, template: Path) -> bool:
    if not template.exists():
        return False
    copy_atomically(template, target)
    return True


def _keep_as_template(migrated: Path, template: Path) -> None:
    if not template.exists() and migrated.exists():
        template.parent.mkdir(parents=True, exist_ok=True)
        copy_atomically(migrated, template)


def migrate_metadata(settings: Settings, env: dict[str, str]) -> None:
    """`airflow db migrate` and the warehouse pool, for the metadata DB that `env` names (the
    embedded SQLite one, or the production stack's PostgreSQL one); idempotent."""
    pool = (WAREHOUSE_POOL, str(WAREHOUSE_POOL_SLOTS), "Warehouse writers")
    run_tool(
        [sys.executable, "-c", _PREPARE_SCRIPT, *pool], env, "airflow db migrate / pools set failed"
    )


def logical_date_for(as_of: date) -> str:
    """The manual run whose data interval is [as_of 02:00 WIB, next day 02:00 WIB).

    Airflow 3 infers a manual run's interval as the last complete one before its logical date,
    which is exactly what the scheduler runs at 02:00 the morning after the extraction date.
    """
    return f"{(as_of + timedelta(days=1)).isoformat()}T02:00:00+07:00"


def task_states(settings: Settings, as_of: date) -> dict[str, str]:
    """Task states of the night's run, read from the metadata DB.

    Read with SQLAlchemy rather than `airflow tasks states-for-dag-run`, which costs an Airflow
    start-up per night; `dag_run` and `task_instance` are Airflow's stable core tables.
    """
    from sqlalchemy import text

    with _metadata_db(settings) as con:
        run_id = _night_run_id(con, as_of)
        if run_id is None:
            return {}
        rows = con.execute(
            text(
                "select task_id, state from task_instance "
                "where dag_id = :dag_id and run_id = :run_id"
            ),
            {"dag_id": DAG_ID, "run_id": run_id},
        ).all()
    return {task_id: state for task_id, state in rows}


@contextmanager
def _metadata_db(settings: Settings) -> Iterator[Connection]:
    from sqlalchemy import create_engine

    engine = create_engine(_metadata_db_url(settings))
    try:
        with engine.begin() as con:
            yield con
    finally:
        engine.dispose()


def _night_run_id(con: Connection, as_of: date) -> str | None:
    """The newest run of the night's logical date (`dags test` of a date again makes a new run)."""
    from sqlalchemy import text

    wanted = datetime.fromisoformat(logical_date_for(as_of)).astimezone(UTC)
    runs = con.execute(
        text("select run_id, logical_date from dag_run where dag_id = :dag_id order by id"),
        {"dag_id": DAG_ID},
    ).all()
    run_ids = [run_id for run_id, logical in runs if _as_utc(logical) == wanted]
    return run_ids[-1] if run_ids else None


def _readable_in_airflow(
    settings: Settings, as_of: date, night_log: Path, started: datetime
) -> None:
    """Each task's log where Airflow's UI and REST API read it, and the run's true start."""
    from kinerja.night.task_logs import record_true_start, write_task_logs

    with _metadata_db(settings) as con:
        run_id = _night_run_id(con, as_of)
        if run_id is None:
            return
        base = Path(tool_environment(settings)["AIRFLOW__LOGGING__BASE_LOG_FOLDER"])
        write_task_logs(con, run_id, DAG_ID, night_log, base)
        record_true_start(con, DAG_ID, run_id, started)


FINISHED_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})


def task_counts(settings: Settings, as_of: date) -> tuple[int, int] | None:
    """(finished, all) tasks of the night's run while it runs; None when the DB is busy."""
    from sqlalchemy.exc import OperationalError

    try:
        states = task_states(settings, as_of)
    except OperationalError:  # SQLite locked by the run's own writes: ask again at the next poll
        return None
    if not states:
        return None
    return sum(s in FINISHED_STATES for s in states.values()), len(states)


def _metadata_db_url(settings: Settings) -> str:
    return os.environ.get(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        tool_environment(settings).get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", ""),
    )


def _as_utc(value) -> datetime | None:
    """SQLite hands back text, PostgreSQL a datetime; both are UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# How often the runner looks at the events file and the task states while the night runs.
POLL_SECONDS = 0.5
# Grace for `airflow dags test` to stop when `kinerja run` is stopped, before it is killed.
STOP_GRACE_SECONDS = 10


# Runs a command as its parent and dies with the process that started it, taking its whole process
# group along (the command and what it started, e.g. the dbt build): the kernel sends SIGUSR1 when
# that process dies (prctl PR_SET_PDEATHSIG, Linux), even by SIGKILL. A SIGTERM to the group (the
# runner's own graceful stop) reaches the command directly; this process just waits for it.
_DIE_WITH_PARENT = """
import ctypes, os, signal, subprocess, sys
signal.signal(signal.SIGUSR1, lambda *_: os.killpg(0, signal.SIGKILL))
signal.signal(signal.SIGTERM, lambda *_: None)
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGUSR1)
if os.getppid() != int(sys.argv[1]):
    os.killpg(0, signal.SIGKILL)  # the parent died before the request: nobody would have asked
code = subprocess.Popen(sys.argv[2:]).wait()
sys.exit(code if code >= 0 else 128 - code)
"""


def _dying_with_us(command: list[str]) -> list[str]:
    """`command` under a small guard that kills its process group when this process dies, even
    by SIGKILL, when none of our handlers can stop it. The kernel ties the request to the thread
    that starts the guard, which here waits for it to end. Start it in a new session."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *command]


@contextmanager
def _stopped_with_us(child: subprocess.Popen) -> Iterator[None]:
    """The child runs in its own process group: stopping `kinerja run` (Ctrl-C, SIGTERM) stops it
    and everything it started, instead of leaving a night writing the warehouse behind. A
    SIGKILL of `kinerja run` leaves no time for that: then the kernel kills the child
    (`_dying_with_us`)."""

    def _terminate(signum, frame):
        raise SystemExit(128 + signum)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    except BaseException:
        _stop_group(child)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_group(child: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, None)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_night(
    settings: Settings,
    as_of: date,
    on_poll: Callable[[list[dict]], None] | None = None,
) -> NightRun:
    """One night through `airflow dags test`; while it runs, `on_poll` gets the events appended
    to the night's events file (`kinerja.night.events`) every POLL_SECONDS, often none."""
    runs = settings.home_dir / "runs"
    log_file = runs / f"{as_of.isoformat()}.airflow.log"
    events_file = events_path(settings, as_of)
    runs.mkdir(parents=True, exist_ok=True)
    start_file(events_file)
    env = {**os.environ, **tool_environment(settings), INLINE_RUN_VARIABLE: "1"}
    airflow = str(Path(sys.executable).parent / "airflow")
    tail = EventTail(events_file)
    started = datetime.now(UTC)
    with log_file.open("w") as log:
        child = subprocess.Popen(
            _dying_with_us([airflow, "dags", "test", DAG_ID, logical_date_for(as_of)]),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with _stopped_with_us(child):
            while True:
                finished = child.poll() is not None
                events = list(tail.read())
                if on_poll:
                    on_poll(events)
                if finished:
                    break
                try:
                    child.wait(timeout=POLL_SECONDS)
                except subprocess.TimeoutExpired:
                    pass
    _readable_in_airflow(settings, as_of, log_file, started)
    states = task_states(settings, as_of)
    run = NightRun(as_of, child.returncode == 0, states, log_file, events_file)
    run.succeeded = run.succeeded and bool(states) and not run.failed_tasks
    return run
