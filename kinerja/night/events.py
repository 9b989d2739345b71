"""The night's per-task events file: `<home>/runs/<as_of>.tasks.jsonl`, one JSON object a line.

Written from inside the process that runs each task (`kinerja.night.task_metrics`), read while the night
runs by `kinerja run`'s progress and afterwards by `kinerja bench night`. Three events:

- `task_start`: task_id, try, t
- `task_end`: task_id, try, state, t, wall_s, cpu_s (user+sys of the task's process and its
  children, during the task), peak_rss_mb (peak resident memory of that process during the task)
- `dbt_node`: node (dbt unique_id), status (started, success, error, skipped, pass, fail, warn),
  t: for live progress

Each event is one `write` of one line to a file opened for appending, so the lines of processes
and threads writing at once never interleave.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kinerja.settings import Settings

JAKARTA = ZoneInfo("Asia/Jakarta")

_lock = threading.Lock()


def events_path(settings: Settings, as_of: date) -> Path:
    return settings.home_dir / "runs" / f"{as_of.isoformat()}.tasks.jsonl"


def night_of(data_interval_start: datetime) -> date:
    """The extraction date a run is for: its data interval starts at 02:00 WIB on that date."""
    return data_interval_start.astimezone(JAKARTA).date()


def start_file(path: Path) -> None:
    """An empty events file: a night starts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def append_event(path: Path, event: dict) -> None:
    line = (json.dumps(event, separators=(",", ":")) + "\n").encode()
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


class EventTail:
    """Reads the events appended since the last call; starts over when the file is truncated."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def read(self) -> Iterator[dict]:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size < self._offset:
            self._offset, self._partial = 0, b""
        if size == self._offset:
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            data = self._partial + fh.read(size - self._offset)
        self._offset = size
        *lines, self._partial = data.split(b"\n")
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_events(path: Path) -> list[dict]:
    return list(EventTail(path).read()) if path.exists() else []


def failed_nodes(events: list[dict]) -> list[str]:
    """The dbt nodes that errored or failed, in the order the build reported them."""
    return [
        e["node"] for e in events if e["event"] == "dbt_node" and e["status"] in ("error", "fail")
    ]
