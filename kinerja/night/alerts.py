"""Failure alerts: Airflow notifiers that tell the data team which night failed, in which task
and why, by e-mail (an SMTP relay) and by a JSON POST to a webhook.

They run as the tasks' `on_failure_callback`, in the task's own process, where the context holds
the exception: its text is the reason (for bad data it already names the file, line and rule).
A notifier that cannot deliver logs its error; the task's state stays what it was.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from email.message import EmailMessage
from typing import Any

from airflow.sdk import BaseNotifier

from kinerja.night.events import night_of
from kinerja.settings import Settings

TIMEOUT_S = 30


def failure_report(context: Any) -> dict[str, Any]:
    """What a failure alert says, as plain values: the night, the run, the task and the reason."""
    ti = context["ti"]
    dag_run = context["dag_run"]
    interval_start = context.get("data_interval_start")
    error = context.get("exception")
    return {
        "dag_id": ti.dag_id,
        "run_id": ti.run_id,
        "logical_date": dag_run.logical_date.isoformat() if dag_run.logical_date else None,
        "night": night_of(interval_start).isoformat() if interval_start else None,
        "task_id": ti.task_id,
        "try_number": ti.try_number,
        "reason": str(error) if error is not None else "unknown (no exception recorded)",
        "error_type": type(error).__name__ if error is not None else None,
        "log_url": getattr(ti, "log_url", None),
    }


def subject(report: dict[str, Any]) -> str:
    return f"[kinerja] {report['dag_id']} night {report['night']} failed in {report['task_id']}"


def body(report: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"DAG: {report['dag_id']}",
            f"Night (extraction date): {report['night']}",
            f"Run: {report['run_id']} (logical date {report['logical_date']})",
            f"Task: {report['task_id']} (try {report['try_number']})",
            f"Reason ({report['error_type']}):",
            report["reason"],
            "",
            f"Log: {report['log_url']}",
        ]
    )


class SmtpFailureAlert(BaseNotifier):
    """One plain-text e-mail per failed task through an SMTP relay."""

    def __init__(self, host: str, port: int, sender: str, recipients: list[str]) -> None:
        super().__init__()
        self.host, self.port, self.sender, self.recipients = host, port, sender, recipients

    def notify(self, context) -> None:
        report = failure_report(context)
        message = EmailMessage()
        message["Subject"] = subject(report)
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(body(report))
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S) as smtp:
            smtp.send_message(message)


class WebhookFailureAlert(BaseNotifier):
    """One JSON POST per failed task: the report's fields, and `text` (what chat webhooks show)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url  # not a template field: it often carries a token

    def notify(self, context) -> None:
        report = failure_report(context)
        payload = {**report, "text": f"{subject(report)}\n{body(report)}"}
        request = urllib.request.Request(
            self._url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()


def failure_alerts(settings: Settings) -> list[BaseNotifier]:
    """The notifiers the settings turn on: none when no alert address is set."""
    alerts: list[BaseNotifier] = []
    recipients = [a.strip() for a in settings.alert_smtp_to.split(",") if a.strip()]
    if settings.alert_smtp_host and recipients:
        alerts.append(
            SmtpFailureAlert(
                settings.alert_smtp_host,
                settings.alert_smtp_port,
                settings.alert_smtp_from,
                recipients,
            )
        )
    url = settings.alert_webhook_url.get_secret_value() if settings.alert_webhook_url else ""
    if url:  # empty counts as unset: docker-compose passes every variable, set or not
        alerts.append(WebhookFailureAlert(url))
    return alerts
