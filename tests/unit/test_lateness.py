"""KINERJA_NIGHT_DEADLINE read, and the night's deadline (kinerja.night.lateness): a time of day in
Asia/Jakarta or a duration, counted from the night's start."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from kinerja.night.lateness import lateness_alert, lateness_report, night_deadline_from, subject
from kinerja.settings import Settings, parse_deadline

# The night of 2025-10-31: its data interval ends 02:00 WIB on 1 November, 19:00 UTC the day before.
INTERVAL_END = datetime(2025, 10, 31, 19, 0, tzinfo=UTC)


def test_the_setting_reads_a_time_of_day_a_duration_or_off():
    assert parse_deadline("07:00").at == time(7, 0)
    assert parse_deadline("4h30m").after == timedelta(hours=4, minutes=30)
    assert parse_deadline("90m").after == timedelta(minutes=90)
    assert parse_deadline("off") is None and parse_deadline(" ") is None
    with pytest.raises(ValidationError, match="KINERJA_NIGHT_DEADLINE"):
        Settings(night_deadline="7 o'clock")


def test_a_scheduled_night_is_due_at_the_time_of_day_on_the_morning_it_runs():
    queued = INTERVAL_END + timedelta(seconds=4)  # the scheduler queues it at 02:00:04 WIB
    due = night_deadline_from(INTERVAL_END, queued, "07:00")
    assert due == datetime(2025, 11, 1, 0, 0, tzinfo=UTC)  # 07:00 WIB
    # Without a queue time (`dags test`) the interval's end is the start.
    assert night_deadline_from(INTERVAL_END, None, "07:00") == due
    # A duration counts from the start; the alert adds it (the reference gives the start).
    assert night_deadline_from(INTERVAL_END, queued, "") == queued


def test_a_night_started_late_counts_from_when_it_was_queued():
    rerun = datetime(2025, 11, 3, 3, 0, tzinfo=UTC)  # 10:00 WIB, two days later
    assert night_deadline_from(INTERVAL_END, rerun, "") == rerun
    # Past 07:00 already: the next 07:00 WIB.
    assert night_deadline_from(INTERVAL_END, rerun, "07:00") == datetime(2025, 11, 4, 0, tzinfo=UTC)


def test_no_alert_without_a_channel_or_a_deadline():
    hook = {"alert_webhook_url": "http://127.0.0.1:9/hook"}
    assert lateness_alert(Settings()) is None
    assert lateness_alert(Settings(night_deadline="off", **hook)) is None
    alert = lateness_alert(Settings(night_deadline="5h", **hook))
    assert alert.interval == timedelta(hours=5)
    assert alert.reference.at == ""
    assert alert.callback.kwargs == {"deadline": "5 h 00 min after the night started"}
    at_seven = lateness_alert(Settings(**hook))
    assert (at_seven.reference.at, at_seven.interval) == ("07:00", timedelta(0))


def test_the_report_names_the_night_the_run_and_the_deadline():
    """From the context Airflow builds for a missed deadline (Deadline.handle_miss): the run as
    the REST API shows it, and the deadline."""
    context = {
        "dag_run": {
            "dag_id": "kinerja_nightly",
            "dag_run_id": "scheduled__2025-10-31T02:00:00+07:00",
            "data_interval_start": "2025-10-30T19:00:00Z",
            "data_interval_end": "2025-10-31T19:00:00Z",
            "start_date": "2025-10-31T19:00:05Z",
            "state": "running",
        },
        "deadline": {"id": "x", "deadline_time": datetime(2025, 11, 1, 0, 0, tzinfo=UTC)},
    }
    report = lateness_report(context, "07:00 WIB")
    assert report["night"] == "2025-10-31"
    assert report["deadline"] == "2025-11-01T07:00:00+07:00"
    assert report["state"] == "running"
    assert subject(report) == (
        "[kinerja] kinerja_nightly night 2025-10-31 not finished by 2025-11-01 07:00 WIB"
    )
