"""Following dbt's JSON log file: each node's start and finish becomes a night event, across the
rotation dbt does at 10 MB, and nothing else in the log does."""

from __future__ import annotations

import json
import time

from kinerja.night.dbt_log import DbtLogFollower, node_event
from kinerja.night.events import read_events

TEST = "test.kinerja.not_null_fct_presensi_harian_nip.1a2b3c"
MODEL = "model.kinerja.fct_presensi_harian"


def _line(name: str, unique_id: str | None, status: str, ts: str = "2026-12-02T16:01:00.2Z"):
    """A line shaped as dbt 1.11 writes it with DBT_LOG_FORMAT_FILE=json."""
    data = {"node_info": {"unique_id": unique_id, "node_status": status}} if unique_id else {}
    info = {"name": name, "level": "debug", "msg": name, "ts": ts, "invocation_id": "x"}
    return json.dumps({"data": data, "info": info})


def test_only_node_starts_and_finishes_are_events():
    started = node_event(_line("NodeStart", MODEL, "started"))
    assert started["node"] == MODEL and started["status"] == "started"
    assert started["t"] == 1796227260.2  # dbt's own timestamp, not the time it was read
    assert node_event(_line("NodeFinished", TEST, "fail"))["status"] == "fail"
    assert node_event(_line("SQLQuery", MODEL, "started")) is None
    assert node_event(_line("MainReportVersion", None, "")) is None
    assert node_event('{"info": {"name": "NodeStart"') is None  # cut off mid-line
    assert node_event("============================== 16:01:00 | x ====") is None


def _wait_for(path, count: int) -> list[dict]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = read_events(path) if path.exists() else []
        if len(events) >= count:
            return events
        time.sleep(0.05)
    return read_events(path) if path.exists() else []


def test_the_follower_starts_at_the_end_and_survives_rotation(tmp_path):
    log = tmp_path / "logs" / "dbt.log"
    log.parent.mkdir()
    events = tmp_path / "night.tasks.jsonl"
    log.write_text(_line("NodeFinished", "model.kinerja.of_an_earlier_night", "success") + "\n")
    follower = DbtLogFollower(log, events, poll_seconds=0.05).start()
    try:
        with log.open("a") as fh:
            fh.write(_line("NodeStart", MODEL, "started") + "\n")
            fh.write(_line("SQLQuery", MODEL, "started") + "\n")
            fh.write(_line("NodeFinished", MODEL, "success")[:40])  # dbt is mid-write
        assert [e["status"] for e in _wait_for(events, 1)] == ["started"]
        with log.open("a") as fh:
            fh.write(_line("NodeFinished", MODEL, "success")[40:] + "\n")
            fh.write(_line("NodeStart", TEST, "started") + "\n")
        # dbt rotates: the old file is renamed, lines land in a new one.
        log.rename(log.with_name("dbt.log.1"))
        log.write_text(_line("NodeFinished", TEST, "fail") + "\n")
    finally:
        follower.stop()
    got = [(e["node"], e["status"]) for e in read_events(events)]
    assert got == [(MODEL, "started"), (MODEL, "success"), (TEST, "started"), (TEST, "fail")]
