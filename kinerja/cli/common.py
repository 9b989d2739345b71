"""What every command group of the `kinerja` CLI shares: console, exit codes, options, parsing."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich import get_console
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from typer.core import TyperGroup

from kinerja.night.progress import clock, fit
from kinerja.runtime import silence_telemetry
from kinerja.settings import Settings, get_settings

silence_telemetry()

# Exit codes besides 0 (done) and 1 (done, but something was rejected or failed).
EXIT_BAD_ARGUMENT = 2  # as click's own usage errors
EXIT_BUSY = 75  # EX_TEMPFAIL: another process holds the warehouse; try again later

console = Console()
error_console = Console(stderr=True)


class BadArgument(ValueError):
    """A command-line value the command cannot use; the message says which and why."""


class PlainErrors(TyperGroup):
    """Bad arguments and a busy warehouse end in one plain line and an exit code, not a
    traceback: they are the user's to fix, not the program's."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BadArgument as exc:
            fail(f"kinerja: {exc}", EXIT_BAD_ARGUMENT)
        except Exception as exc:
            # Imported here: the warehouse engines are slow to import and most commands
            # (--help, generate) never open them.
            from kinerja.warehouse import WarehouseBusy

            if isinstance(exc, WarehouseBusy):
                fail(f"kinerja: {exc}", EXIT_BUSY)
            raise


def fail(message: str, code: int) -> None:
    # Not markup, and never wrapped: one line however long.
    error_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


LandingOpt = Annotated[
    str | None, typer.Option("--landing", help="Landing area: folder or fsspec URL.")
]
TargetOpt = Annotated[
    str | None, typer.Option("--target", help="Warehouse: duckdb (default) or postgres.")
]


def settings_for(landing: str | None = None, target: str | None = None) -> Settings:
    """Apply command-line overrides through the environment, so Airflow and dbt see them too."""
    if landing:
        os.environ["KINERJA_LANDING"] = landing
    if target:
        if target not in ("duckdb", "postgres"):
            raise BadArgument(f"--target {target!r}: use duckdb or postgres")
        os.environ["KINERJA_TARGET"] = target
    return get_settings()


def parse_date(option: str, value: str) -> date:
    """An ISO date from the command line (YYYY-MM-DD), or a BadArgument naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadArgument(f"{option} {value!r} is not a date YYYY-MM-DD ({exc})") from None


def date_range(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    start = parse_date("--start", first) if first else None
    end = parse_date("--end", last) if last else None
    if start and end and start > end:
        raise BadArgument(f"--start {start} is after --end {end}")
    return start, end


def yesterday() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date() - timedelta(days=1)


class LoggedProgress(Progress):
    """rich's bars, which draw nothing on a pipe or a log file until they stop: there, a task's
    description (when added, then each new one) or each further tenth of a counted task becomes
    a line of its own, at most one every `every_s` seconds per task; an unchanged task, updated
    again, is said again every `unchanged_every_s`; its last state is a line when the bars stop:
    a long generation or bench is never silent, and its log holds lines, not a bar's drawing."""

    def __init__(
        self, *columns, every_s: float = 5.0, unchanged_every_s: float = 60.0, **kwargs
    ) -> None:
        plain = not (kwargs.get("console") or get_console()).is_terminal
        super().__init__(*columns, disable=kwargs.pop("disable", False) or plain, **kwargs)
        self.every_s = every_s
        self.unchanged_every_s = unchanged_every_s
        self.plain = plain
        self._said: dict[TaskID, tuple[float, tuple[str, int]]] = {}  # when, what

    def _line(self, task_id: TaskID) -> tuple[tuple[str, int], str]:
        task = self._tasks[task_id]
        tenth = int(10 * task.completed / task.total) if task.total else -1
        counted = f" {task.completed:,.0f}/{task.total:,.0f}" if task.total else ""
        return (task.description, tenth), f"{clock(task.elapsed or 0)} {task.description}{counted}"

    def _say(self, line: str) -> None:
        line = fit(line, self.console.width)  # cut, never wrapped: a log keeps one line per state
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def add_task(self, description: str, *args, **kwargs) -> TaskID:
        task_id = super().add_task(description, *args, **kwargs)
        self._tell(task_id, first=True)
        return task_id

    def update(self, task_id: TaskID, **changes) -> None:
        super().update(task_id, **changes)
        self._tell(task_id)

    def _tell(self, task_id: TaskID, first: bool = False) -> None:
        if not self.plain:
            return
        with self._lock:
            key, line = self._line(task_id)
            now = self.get_time()
            said = self._said.get(task_id)
            wait = self.every_s if said is None or said[1] != key else self.unchanged_every_s
            if not first and now - said[0] < wait:
                return
            self._said[task_id] = (now, key)
        self._say(line)

    def stop(self) -> None:
        super().stop()
        if self.plain:
            for task_id, (_, said) in self._said.items():
                key, line = self._line(task_id)
                if key != said:  # a state held back by the interval
                    self._say(line)


def progress_bar(**kwargs) -> LoggedProgress:
    return LoggedProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=kwargs.pop("console", console),
        **kwargs,
    )
