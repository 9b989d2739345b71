"""dbt's own JSON log file, followed while the watcher producer's `dbt build` runs.

The producer runs dbt as a subprocess (an in-process dbt hands every debug event to Cosmos'
callback, which converts each to JSON: half the producer's CPU). The subprocess writes its file
log as JSON lines (`DBT_LOG_FORMAT_FILE=json` from `kinerja.runtime`), and this follower turns
each node start and finish in it into a `dbt_node` event of the night (`kinerja.night.events`),
for live progress and for naming the nodes that failed.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from kinerja.night.events import append_event

# The two dbt events that carry a node's state; every other line is skipped unparsed.
_NODE_EVENTS = ('"NodeStart"', '"NodeFinished"')


def dbt_log_file(log_dir: Path) -> Path:
    return log_dir / "dbt.log"


def node_event(line: str) -> dict | None:
    """The `dbt_node` event a dbt JSON log line holds, if it is a node's start or finish."""
    if not any(name in line for name in _NODE_EVENTS):
        return None
    try:
        record = json.loads(line)
        name = record["info"]["name"]
        node = record["data"]["node_info"]
    except (ValueError, KeyError, TypeError):
        return None
    if name not in ("NodeStart", "NodeFinished") or not node.get("unique_id"):
        return None
    status = "started" if name == "NodeStart" else node.get("node_status", "")
    try:
        at = datetime.fromisoformat(record["info"]["ts"]).timestamp()
    except (KeyError, TypeError, ValueError):
        at = time.time()
    return {"event": "dbt_node", "node": node["unique_id"], "status": status, "t": at}


class DbtLogFollower:
    """Follows `dbt.log` from its current end, like `tail -F`: a rotated file is read to its
    end before the new one is opened, so no line between two polls is lost."""

    def __init__(self, log_file: Path, events_file: Path, poll_seconds: float = 0.5) -> None:
        self.log_file, self.events_file, self.poll_seconds = log_file, events_file, poll_seconds
        self._stop = threading.Event()
        self._handle = None
        self._partial = ""
        self._thread = threading.Thread(target=self._run, name="dbt-log-follower", daemon=True)

    def start(self) -> DbtLogFollower:
        if self.log_file.exists():
            self._handle = self.log_file.open("r", encoding="utf-8", errors="replace")
            self._handle.seek(0, os.SEEK_END)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Reads what dbt wrote last, then stops."""
        self._stop.set()
        self._thread.join(timeout=10)
        if self._handle is not None:
            self._handle.close()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self._drain()
        self._drain()

    def _drain(self) -> None:
        if self._handle is None:
            if not self.log_file.exists():
                return
            self._handle = self.log_file.open("r", encoding="utf-8", errors="replace")
        self._read_to_end()
        try:
            rotated = os.stat(self.log_file).st_ino != os.fstat(self._handle.fileno()).st_ino
        except FileNotFoundError:
            return
        if rotated:
            self._read_to_end()
            self._handle.close()
            self._handle = self.log_file.open("r", encoding="utf-8", errors="replace")
            self._read_to_end()

    def _read_to_end(self) -> None:
        text = self._partial + self._handle.read()
        lines = text.split("\n")
        self._partial = lines.pop()  # a line dbt has not finished writing yet
        for line in lines:
            event = node_event(line)
            if event is not None:
                append_event(self.events_file, event)
