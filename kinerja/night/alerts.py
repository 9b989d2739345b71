"""Failure alerts: Airflow notifiers that tell the data team which night failed, in which task
and why, by e-mail (an SMTP relay) and by a JSON POST to a webhook.

They run as the tasks' `on_failure_callback`, in the task's own process, where the context holds
the exception: its text is the reason (for bad data it already names the file, line and rule).
A notifier that cannot deliver logs its error; the task's state stays what it was. A late night
is reported through the same channels (kinerja.night.lateness uses `send_mail` and `post_json`).
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
        "alert": "task_failed",
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
        send_mail(self.host, self.port, self.sender, self.recipients, subject(report), body(report))


class WebhookFailureAlert(BaseNotifier):
    """One JSON POST per failed task: the report's fields, and `text` (what chat webhooks show)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url  # not a template field: it often carries a token

    def notify(self, context) -> None:
        report = failure_report(context)
        post_json(self._url, {**report, "text": f"{subject(report)}\n{body(report)}"})


def send_mail(
    host: str, port: int, sender: str, recipients: list[str], subject: str, text: str
) -> None:
    """One plain-text e-mail through an SMTP relay (no login)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(text)
    with smtplib.SMTP(host, port, timeout=TIMEOUT_S) as smtp:
        smtp.send_message(message)


def post_json(url: str, payload: dict[str, Any]) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        response.read()


def recipients(settings: Settings) -> list[str]:
    return [a.strip() for a in settings.alert_smtp_to.split(",") if a.strip()]


def webhook_url(settings: Settings) -> str:
    # Empty counts as unset: docker-compose passes every variable, set or not.
    return settings.alert_webhook_url.get_secret_value() if settings.alert_webhook_url else ""


def alerts_on(settings: Settings) -> bool:
    """Whether any alert channel is set."""
    return bool((settings.alert_smtp_host and recipients(settings)) or webhook_url(settings))


def failure_alerts(settings: Settings) -> list[BaseNotifier]:
    """The notifiers the settings turn on: none when no alert address is set."""
    alerts: list[BaseNotifier] = []
    to = recipients(settings)
    if settings.alert_smtp_host and to:
        alerts.append(
            SmtpFailureAlert(
                settings.alert_smtp_host, settings.alert_smtp_port, settings.alert_smtp_from, to
            )
        )
    if url := webhook_url(settings):
        alerts.append(WebhookFailureAlert(url))
    return alerts
