"""End to end: a night not finished by KINERJA_NIGHT_DEADLINE is reported late by e-mail and
webhook, through Airflow's own deadline alerts, run by a real scheduler and triggerer.

`airflow dags test` (what `kinerja run` uses) has no scheduler to notice a deadline, so this test
sets up what the production stack has, on SQLite: the real kinerja_nightly DAG serialized into
a metadata DB (with the KINERJA_ALERT_* settings, so the deadline alert is on), runs of it
created the way the scheduler creates a scheduled run (`create_dagrun`, which computes each
run's deadline through the night's reference, registered by plugins/kinerja_deadlines.py), then
`airflow scheduler` and `airflow triggerer` until the alert arrives. The DAG stays paused, so the
scheduler runs none of its tasks: a night that never started is as late as one still running.

A run created now counts from now (when it was queued), so the deadline here is a minute, not
the default 07:00 WIB (tests/unit/test_lateness.py covers the time of day).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path

import pendulum
import pytest
from support.receivers import smtp_server, webhook_receiver

from kinerja.night.runner import prepare_airflow
from kinerja.runtime import tool_environment
from kinerja.settings import Settings

pytestmark = pytest.mark.e2e

AIRFLOW = str(Path(sys.executable).parent / "airflow")
JAKARTA = pendulum.timezone("Asia/Jakarta")
LATE_NIGHT = date(2025, 10, 31)
DEADLINE = timedelta(minutes=1)

# What the scheduler does when a scheduled run is due (SchedulerJobRunner._create_dag_runs):
# `create_dagrun` on the serialized DAG, which adds the run's deadlines; prints each run's.
CREATE_RUNS = r"""
import json, sys
import pendulum
from sqlalchemy import select
from airflow.models.deadline import Deadline
from airflow.models.serialized_dag import SerializedDagModel
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState
from airflow.utils.types import DagRunTriggeredByType, DagRunType

jakarta = pendulum.timezone("Asia/Jakarta")
deadlines = {}
with create_session() as session:
    dag = SerializedDagModel.get_dag("kinerja_nightly", session=session)
    for night, run_type in json.loads(sys.argv[1]):
        start = pendulum.parse(night, tz=jakarta).add(hours=2)
        end = start.add(days=1)
        run = dag.create_dagrun(
            run_id=f"{run_type}__{start.isoformat()}",
            logical_date=start,
            data_interval=(start, end),
            run_after=end,
            run_type=DagRunType(run_type),
            triggered_by=DagRunTriggeredByType.TIMETABLE,
            state=DagRunState.QUEUED,
            session=session,
        )
        session.flush()
        rows = session.scalars(select(Deadline).where(Deadline.dagrun_id == run.id)).all()
        deadlines[f"{run_type} {night}"] = [d.deadline_time.isoformat() for d in rows]
print("DEADLINES" + json.dumps(deadlines))
"""


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        list(args), env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@contextmanager
def _running(env: dict, log: Path, *command: str) -> Iterator[subprocess.Popen]:
    """An Airflow component in its own process group, stopped (and its children) afterwards."""
    with log.open("w") as out:
        process = subprocess.Popen(
            list(command), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                try:
                    os.killpg(process.pid, sig)
                    process.wait(timeout=wait)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue


def _db_rows(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db, timeout=30)) as con:
        return con.execute(sql).fetchall()


def test_a_night_past_its_deadline_alerts_by_email_and_webhook(tmp_path):
    settings = Settings(home=tmp_path / "home", target="duckdb")
    prepare_airflow(settings)  # the dbt manifest the DAG renders from, the migrated metadata DB
    db = settings.airflow_home / "airflow.db"
    tomorrow = pendulum.now(JAKARTA).date() + timedelta(days=1)

    with smtp_server() as (smtp_port, inbox), webhook_receiver() as (url, posts):
        env = {
            **os.environ,
            **tool_environment(settings),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{db}",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "KINERJA_ALERT_SMTP_HOST": "127.0.0.1",
            "KINERJA_ALERT_SMTP_PORT": str(smtp_port),
            "KINERJA_ALERT_SMTP_FROM": "kinerja@bkd.example.go.id",
            "KINERJA_ALERT_SMTP_TO": "data@bkd.example.go.id",
            "KINERJA_ALERT_WEBHOOK_URL": url,
            "KINERJA_NIGHT_DEADLINE": "1m",
        }
        env.pop("KINERJA_AIRFLOW_INLINE", None)
        _run(env, AIRFLOW, "dags", "reserialize")
        runs = [
            (LATE_NIGHT.isoformat(), "scheduled"),  # queued now: due in a minute
            (tomorrow.isoformat(), "scheduled"),  # due a minute after its interval ends
            ("2025-10-30", "backfill"),  # no deadline: a backfill is watched by who started it
        ]
        before = pendulum.now("UTC")
        created = _run(env, sys.executable, "-c", CREATE_RUNS, json.dumps(runs))
        after = pendulum.now("UTC")
        line = next(x for x in created.stdout.splitlines() if x.startswith("DEADLINES"))
        deadlines = json.loads(line[len("DEADLINES") :])
        [late] = [pendulum.parse(d) for d in deadlines.pop(f"scheduled {LATE_NIGHT}")]
        assert before + DEADLINE <= late <= after + DEADLINE
        interval_end = pendulum.datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, 2, tz=JAKARTA
        ).add(days=1)
        assert deadlines == {
            f"scheduled {tomorrow}": [(interval_end + DEADLINE).in_timezone("UTC").isoformat()],
            "backfill 2025-10-30": [],
        }

        started = time.monotonic()
        with (
            _running(env, tmp_path / "scheduler.log", AIRFLOW, "scheduler"),
            _running(env, tmp_path / "triggerer.log", AIRFLOW, "triggerer"),
        ):
            while time.monotonic() - started < 300 and not (inbox.messages and posts):
                time.sleep(1)
            delivered = time.monotonic() - started
            # The triggerer records the callback's outcome once it returned.
            while time.monotonic() - started < 360:
                if _db_rows(db, "select 1 from callback where state = 'success'"):
                    break
                time.sleep(1)
        logs = "".join(
            (tmp_path / name).read_text()[-3000:] for name in ("scheduler.log", "triggerer.log")
        )
        assert inbox.messages and posts, f"no alert after {delivered:.0f} s:\n{logs}"
        print(f"alert delivered {delivered:.0f} s after the scheduler and triggerer started")

    due = late.in_timezone(JAKARTA)
    [(recipients, mail)] = inbox.messages
    assert recipients == ["data@bkd.example.go.id"]
    subject = re.sub(r"\r?\n", "", mail["Subject"])  # unfolded: a long header is wrapped
    assert subject == (
        f"[kinerja] kinerja_nightly night 2025-10-31 not finished by {due:%Y-%m-%d %H:%M} WIB"
    )
    text = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    for expected in (
        "DAG: kinerja_nightly",
        "Night (extraction date): 2025-10-31",
        "Run: scheduled__2025-10-31T02:00:00+07:00",
        f"Deadline: {due.isoformat()} (KINERJA_NIGHT_DEADLINE: 0 h 01 min after the night started)",
        "State when the deadline passed: queued",
    ):
        assert expected in text, text

    [post] = posts
    alert = post["json"]
    assert post["path"] == "/hooks/kinerja-token"
    assert alert["alert"] == "night_late"
    assert alert["dag_id"] == "kinerja_nightly"
    assert alert["night"] == "2025-10-31"
    assert alert["run_id"] == "scheduled__2025-10-31T02:00:00+07:00"
    assert pendulum.parse(alert["deadline"]) == late
    assert alert["state"] == "queued"
    assert subject in alert["text"]

    # Airflow's record: the late run's deadline missed, its callback done; the other not missed.
    assert sorted(_db_rows(db, "select missed from deadline")) == [(0,), (1,)]
    assert sorted(_db_rows(db, "select state, output from callback")) == [
        ("scheduled", None),  # the other run's, queued at its deadline
        ("success", "sent by smtp, webhook"),
    ]
    # The webhook URL (a token) is nowhere in what Airflow keeps of the DAG or the callback.
    kept = _db_rows(db, "select data from callback") + _db_rows(
        db, "select data from serialized_dag"
    )
    assert not any(url in str(value) for row in kept for value in row)
