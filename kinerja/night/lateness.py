"""Lateness alert: a night not finished by KINERJA_NIGHT_DEADLINE tells the data team, by e-mail
and webhook, through the same channels as a failed task (kinerja.night.alerts).

Built on Airflow 3's deadline alerts (`DAG(deadline=DeadlineAlert(...))`). When a run of the night
is created, Airflow evaluates `NightStart` and adds the interval: that is the run's deadline, kept
in the metadata database (table `deadline`) and shown in the UI. A run that succeeds before it
drops its deadline; otherwise the scheduler notices the deadline pass and queues `night_late`,
which the triggerer runs with a context naming the run. A night that failed earlier is late too
(the failure alert came first): the message gives the run's state.

`NightStart` is a custom deadline reference, registered with Airflow by
plugins/kinerja_deadlines.py (the scheduler and `airflow dags test` look it up there):

- the night starts when its data interval ends (02:00 WIB the morning after the extraction date,
  when the schedule runs it) or, for a run queued later (a triggered rerun, a late scheduler),
  when it was queued. Airflow's own DAGRUN_LOGICAL_DATE is the interval's start for scheduled
  runs but its end for triggered ones (a day apart), and DAGRUN_QUEUED_AT would give backfills
  a deadline;
- a backfill gets no deadline: Airflow queues all its nights at once, so the later ones would be
  "late" before they start; whoever started it watches it.

Custom references are still marked experimental in Airflow (3.4 changes what `_evaluate_with`
receives): tests/e2e/test_lateness_alert.py runs this one through a real scheduler.

The callback reads the alert addresses from its own environment (the triggerer's) when it runs:
the webhook URL often holds a token and must not sit in the serialized DAG, where callback
arguments are kept.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pendulum
from airflow.sdk.definitions.deadline import (
    REFERENCE_TYPE_FIELD,
    AsyncCallback,
    BaseDeadlineReference,
    DeadlineAlert,
)

from kinerja.night.alerts import alerts_on, post_json, recipients, send_mail, webhook_url
from kinerja.night.events import night_of
from kinerja.settings import Settings, get_settings, parse_deadline

log = logging.getLogger(__name__)

JAKARTA = pendulum.timezone("Asia/Jakarta")
BACKFILL = "backfill"  # DagRunType.BACKFILL_JOB


@dataclass(frozen=True)
class NightStart(BaseDeadlineReference):
    """When the night starts (see the module); with `at` ("HH:MM", Asia/Jakarta), the first such
    time of day at or after it instead, and the alert's interval is zero."""

    at: str = ""

    # Airflow passes these to `_evaluate_with` (and nothing it is not asked for).
    required_kwargs: ClassVar[set[str]] = {"dag_id", "run_id"}

    def serialize_reference(self) -> dict[str, Any]:
        return {REFERENCE_TYPE_FIELD: self.reference_name, "at": self.at}

    @classmethod
    def deserialize_reference(cls, reference_data: dict[str, Any]) -> NightStart:
        return cls(at=reference_data.get("at", ""))

    def _evaluate_with(self, *, session, dag_id: str, run_id: str, **kwargs) -> datetime | None:
        from airflow.models.dagrun import DagRun
        from sqlalchemy import select

        row = session.execute(
            select(DagRun.data_interval_end, DagRun.queued_at, DagRun.run_type).where(
                DagRun.dag_id == dag_id, DagRun.run_id == run_id
            )
        ).one_or_none()
        if row is None or row.run_type == BACKFILL or row.data_interval_end is None:
            return None
        return night_deadline_from(row.data_interval_end, row.queued_at, self.at)


def night_deadline_from(interval_end: datetime, queued_at: datetime | None, at: str) -> datetime:
    """The night's start (or, with `at`, the first `at` o'clock in Jakarta from then on)."""
    start = max(t for t in (interval_end, queued_at) if t is not None)
    if not at:
        return start
    hour, minute = (int(part) for part in at.split(":"))
    local = pendulum.instance(start).in_timezone(JAKARTA)
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due < local:
        due = due.add(days=1)
    return due.in_timezone(UTC)


def lateness_alert(settings: Settings) -> DeadlineAlert | None:
    """The night's deadline alert; None when KINERJA_NIGHT_DEADLINE is off or no alert channel
    is set (nobody would be told)."""
    deadline = parse_deadline(settings.night_deadline)
    if deadline is None or not alerts_on(settings):
        return None
    return DeadlineAlert(
        reference=NightStart(at=f"{deadline.at:%H:%M}" if deadline.at else ""),
        interval=deadline.after or timedelta(0),
        callback=AsyncCallback(night_late, kwargs={"deadline": deadline.describe()}),
        name="kinerja_night_late",
    )


def lateness_report(context: dict[str, Any], deadline: str) -> dict[str, Any]:
    """What a lateness alert says, from the context Airflow hands a deadline callback: the run
    as the REST API shows it (`dag_run`) and the deadline that passed (`deadline`)."""
    run = context.get("dag_run") or {}
    due = _as_datetime((context.get("deadline") or {}).get("deadline_time"))
    interval_start = _as_datetime(run.get("data_interval_start"))
    return {
        "alert": "night_late",
        "dag_id": run.get("dag_id"),
        "run_id": run.get("dag_run_id") or run.get("run_id"),
        "night": night_of(interval_start).isoformat() if interval_start else None,
        "deadline": pendulum.instance(due).in_timezone(JAKARTA).isoformat() if due else None,
        "deadline_setting": deadline,
        "state": run.get("state"),
        "started": run.get("start_date"),
    }


def subject(report: dict[str, Any]) -> str:
    due = report["deadline"][:16].replace("T", " ") if report["deadline"] else "its deadline"
    return f"[kinerja] {report['dag_id']} night {report['night']} not finished by {due} WIB"


def body(report: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"DAG: {report['dag_id']}",
            f"Night (extraction date): {report['night']}",
            f"Run: {report['run_id']} (started {report['started']})",
            f"Deadline: {report['deadline']} (KINERJA_NIGHT_DEADLINE: {report['deadline_setting']})",
            f"State when the deadline passed: {report['state']}",
        ]
    )


def deliver(settings: Settings, report: dict[str, Any]) -> list[str]:
    """Send the report through every channel set; the channels it reached."""
    sent, errors = [], []
    to = recipients(settings)
    if settings.alert_smtp_host and to:
        try:
            send_mail(
                settings.alert_smtp_host,
                settings.alert_smtp_port,
                settings.alert_smtp_from,
                to,
                subject(report),
                body(report),
            )
            sent.append("smtp")
        except OSError as exc:
            errors.append(f"smtp: {exc}")
    if url := webhook_url(settings):
        try:
            post_json(url, {**report, "text": f"{subject(report)}\n{body(report)}"})
            sent.append("webhook")
        except OSError as exc:
            errors.append(f"webhook: {exc}")
    if errors:
        # Airflow marks the callback failed and keeps this message (triggerer log, UI).
        raise RuntimeError("lateness alert not delivered: " + "; ".join(errors))
    return sent


async def night_late(context: dict[str, Any], deadline: str = "") -> str:
    """The deadline alert's callback (run by the triggerer): tell the data team the night is late.

    Returns what Airflow keeps as the callback's output: text (its column takes nothing else; a
    list stopped Airflow 3.3's triggerer on SQLite)."""
    settings = get_settings()
    report = lateness_report(context, deadline)
    log.warning("%s", subject(report))
    sent = await asyncio.to_thread(deliver, settings, report)
    return "sent by " + ", ".join(sent)


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
