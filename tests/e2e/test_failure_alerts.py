"""End to end: a night that fails on bad data alerts the data team by e-mail and by webhook.

The real kinerja_nightly DAG runs through `kinerja run` (`airflow dags test`); the alerts go to a
local SMTP server (aiosmtpd) and a local HTTP receiver, each started and stopped here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.receivers import Inbox, smtp_server, webhook_receiver

pytestmark = pytest.mark.e2e

KINERJA = str(Path(sys.executable).parent / "kinerja")
NIGHT = date(2025, 3, 7)


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[int, Inbox]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    with webhook_receiver() as receiver:
        yield receiver


def test_a_night_failing_on_bad_data_alerts_by_email_and_webhook(tmp_path, smtp_inbox, webhook):
    """A presensi file with a byte that is not UTF-8 on line 5 is rejected, load_extracts fails
    the night at once, and each channel receives exactly one alert naming the DAG, the night, the
    task and the reason: the file, its line and the rule."""
    from kinerja_dev.synth import generate

    landing = tmp_path / "landing"
    generate(landing, employees=40, start=date(2025, 3, 3), end=NIGHT, seed=3)
    [bad_file] = sorted((landing / "presensi" / NIGHT.isoformat()).glob("*.csv"))
    lines = bad_file.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b",", b",\xe9", 1)  # Latin-1 "é": line 5 is not UTF-8
    bad_file.write_bytes(b"".join(lines))
    (bad_file.parent / "_manifest.json").unlink(missing_ok=True)

    smtp_port, inbox = smtp_inbox
    url, posts = webhook
    env = {
        **os.environ,
        "KINERJA_HOME": str(tmp_path / "home"),
        "KINERJA_LANDING": str(landing),
        "KINERJA_TARGET": "duckdb",
        "KINERJA_ALERT_SMTP_HOST": "127.0.0.1",
        "KINERJA_ALERT_SMTP_PORT": str(smtp_port),
        "KINERJA_ALERT_SMTP_FROM": "kinerja@bkd.example.go.id",
        "KINERJA_ALERT_SMTP_TO": "data@bkd.example.go.id, oncall@bkd.example.go.id",
        "KINERJA_ALERT_WEBHOOK_URL": url,
    }
    result = subprocess.run(
        [KINERJA, "run", "--date", NIGHT.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 1, result.stdout[-5000:] + result.stderr[-5000:]
    assert "load_extracts" in result.stdout

    [(recipients, mail)] = inbox.messages
    assert recipients == ["data@bkd.example.go.id", "oncall@bkd.example.go.id"]
    assert mail["From"] == "kinerja@bkd.example.go.id"
    assert mail["Subject"] == "[kinerja] kinerja_nightly night 2025-03-07 failed in load_extracts"
    text = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    for expected in (
        "DAG: kinerja_nightly",
        "Night (extraction date): 2025-03-07",
        "Task: load_extracts (try 1)",
        f"{bad_file.name}, line 5: ENCODING: not UTF-8 (byte 0xe9)",
    ):
        assert expected in text, text

    [post] = posts
    assert post["path"] == "/hooks/kinerja-token"
    assert post["content_type"] == "application/json"
    alert = post["json"]
    assert alert["dag_id"] == "kinerja_nightly"
    assert alert["night"] == "2025-03-07"
    assert alert["logical_date"].startswith("2025-03-07T19:00:00")  # 02:00 WIB the day after
    assert alert["task_id"] == "load_extracts"
    assert alert["error_type"] == "AirflowFailException"
    assert f"{bad_file.name}, line 5: ENCODING" in alert["reason"]
    assert alert["reason"] in alert["text"]
    assert alert["reason"] in text
