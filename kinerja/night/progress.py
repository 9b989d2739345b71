"""Live progress of a night for `kinerja run`, fed by the night's events file.

Two renderings of one state: plain lines (one per finished task, and one per dbt model, seed or
snapshot finished inside the build, plus every failed dbt node), which suit a log file or a pipe
and never exceed the width; and, on a terminal, the same lines with a status line kept at the
bottom by rich's Live (done/total, elapsed, the running task and the current dbt node).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from rich.console import Console
from rich.live import Live
from rich.text import Text

_BUILT_KINDS = ("model", "seed", "snapshot")
_WAITING_STATES = frozenset({"up_for_reschedule", "deferred"})
PRODUCER_TASK = "dbt_producer_watcher"  # Cosmos' task that runs `dbt build`


def fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}"


def _short_node(unique_id: str) -> str:
    """`model.kinerja.int_x` -> `model int_x`; tests keep their (long) name, cut later."""
    kind, _, rest = unique_id.partition(".")
    return f"{kind} {rest.partition('.')[2] or rest}"


@dataclass
class NightProgress:
    """What is known of the running night; `lines` collects what to print since the last call."""

    started: float = field(default_factory=time.time)
    total: int = 0
    done: int = 0
    running: dict[str, float] = field(default_factory=dict)  # task_id -> start
    node: str | None = None
    nodes_built: int = 0
    nodes_total: int = 0
    tests_run: int = 0
    failed_nodes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def apply(self, event: dict) -> None:
        kind = event["event"]
        if kind == "task_start":
            self.running[event["task_id"]] = event["t"]
        elif kind == "task_end":
            self.running.pop(event["task_id"], None)
            if event["state"] in _WAITING_STATES:
                return  # a sensor that poked too early: it is not done, nothing to tell yet
            self.lines.append(
                f"{self._stamp(event['t'])} {event['task_id']} {event['state']} "
                f"{event['wall_s']:.1f}s"
            )
        elif kind == "dbt_node":
            self._apply_node(event)

    def _apply_node(self, event: dict) -> None:
        unique_id, status = event["node"], event["status"]
        if status == "started":
            self.node = unique_id
            return
        if unique_id.startswith(_BUILT_KINDS):
            self.nodes_built += 1
            of = f"/{self.nodes_total}" if self.nodes_total else ""
            self.lines.append(
                f"{self._stamp(event['t'])} dbt {self.nodes_built}{of} "
                f"{_short_node(unique_id)} {status}"
            )
        else:
            self.tests_run += 1
        if status in ("error", "fail"):
            self.failed_nodes.append(unique_id)
            if not unique_id.startswith(_BUILT_KINDS):
                self.lines.append(
                    f"{self._stamp(event['t'])} dbt {_short_node(unique_id)} {status}"
                )

    def set_task_counts(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _stamp(self, t: float) -> str:
        return f"{clock(t - self.started)} {self.done:>3}/{self.total or '?'}"

    def take_lines(self, width: int) -> list[str]:
        lines, self.lines = self.lines, []
        return [fit(line, width) for line in lines]

    def status_line(self, width: int, now: float | None = None) -> str:
        now = time.time() if now is None else now
        parts = [f"{clock(now - self.started)} {self.done}/{self.total or '?'} tasks"]
        for task_id, since in self.running.items():
            name = task_id.rpartition(".")[2]
            name = "dbt build" if name == PRODUCER_TASK else name
            parts.append(f"{name} {clock(now - since)}")
        if self.node and any(t.endswith(PRODUCER_TASK) for t in self.running):
            parts.append(f"{self.nodes_built}/{self.nodes_total or '?'} {_short_node(self.node)}")
        return fit(" | ".join(parts), width)


# Not a terminal: while a task runs and nothing finished, the status line is printed this often,
# so a catch-up's load or validation of several minutes never leaves the log silent.
STILL_RUNNING_EVERY_SECONDS = 60.0


class ProgressPrinter:
    """Prints a NightProgress to a console: Live status line on a terminal, plain lines otherwise
    (and the status line when nothing else was printed for a minute)."""

    def __init__(
        self, console: Console, progress: NightProgress, now: Callable[[], float] = time.time
    ) -> None:
        self.console = console
        self.progress = progress
        self._live: Live | None = None
        self._now = now
        self._last_line = now()

    def __enter__(self) -> Self:
        if self.console.is_terminal:
            self._live = Live(
                Text(""), console=self.console, refresh_per_second=2, transient=True
            ).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.flush()
        if self._live is not None:
            self._live.__exit__(*exc)

    def flush(self) -> None:
        width, now = self.console.width, self._now()
        lines = self.progress.take_lines(width)
        quiet = now - self._last_line >= STILL_RUNNING_EVERY_SECONDS
        if not lines and quiet and self._live is None and self.progress.running:
            lines = [self.progress.status_line(width, now)]
        for line in lines:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        if lines:
            self._last_line = now
        if self._live is not None:
            self._live.update(Text(self.progress.status_line(width), no_wrap=True))


# The task states come from the metadata DB, read at most this often.
COUNT_EVERY_SECONDS = 2.0


def follow(
    progress: NightProgress,
    printer: ProgressPrinter,
    counts: Callable[[], tuple[int, int] | None],
) -> Callable[[list[dict]], None]:
    """An `on_poll` for the runner: refresh the task counts, apply the new events, print.

    The counts are read only once the night's first task started: until then the metadata DB
    still holds the states of an earlier run of the same night.
    """
    seen_start = False
    last_count = 0.0

    def on_poll(events: list[dict]) -> None:
        nonlocal seen_start, last_count
        seen_start = seen_start or any(e["event"] == "task_start" for e in events)
        now = time.monotonic()
        ended = any(e["event"] == "task_end" for e in events)
        if seen_start and (ended or now - last_count >= COUNT_EVERY_SECONDS):
            last_count = now
            found = counts()
            if found:
                progress.set_task_counts(*found)
        for event in events:
            progress.apply(event)
        printer.flush()

    return on_poll
