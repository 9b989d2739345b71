"""`kinerja bench night`: a generated agency's catch-up night and one-day increment, through the
real DAG, with per-task wall, CPU and peak RSS, against a bare `dbt build` of the same increment.

The landing is cached per (employees, history, seed, generator source), so a repeated bench only
pays for the nights. Each bench starts from an empty warehouse and a fresh Airflow home; the
catch-up night runs up to the day before the last, the increment night the last day. Before the
increment the warehouse is copied (the DuckDB file; a PostgreSQL `create database ... template`),
and afterwards that copy gets the increment through the loader alone and a bare in-process
`dbt build`, timed: what the transform phase would cost without one Airflow task per dbt node.
"""

from __future__ import annotations

import hashlib
import json
import resource
import secrets
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pydantic import SecretStr

from kinerja.pseudonym import KEY_VARIABLE, configured_key
from kinerja.settings import Settings, Target
from kinerja.transform.invoke import environment
from kinerja_dev.bench.process_tree import PeakSampler

# Fixed, so that every bench of the same parameters sees the same days: a Monday (the increment
# is a working day with punches) after a year whose holidays the seeds know.
LAST_DAY = date(2025, 6, 30)
SYNTH_DIR = Path(__file__).resolve().parent.parent / "synth"
FRAUD_RATE = 0.02  # `kinerja generate`'s default: a night sees its planted cases too
PHASES = ("load", "validate", "transform")

Report = Callable[[str], None]


@dataclass(frozen=True)
class History:
    """How much history the landing holds, ending on `LAST_DAY`: calendar months, or days (a
    national-scale bench delivers a day or two of a million staff, not months)."""

    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if (self.months > 0) == (self.days > 0):
            raise ValueError("give months or days of history, not both")
        if self.days == 1:
            raise ValueError("a night bench needs two days at least: a catch-up and an increment")

    @property
    def key(self) -> str:
        return f"m{self.months}" if self.months else f"d{self.days}"

    @property
    def label(self) -> str:
        return f"{self.months} months" if self.months else f"{self.days} days"

    def range(self, last_day: date = LAST_DAY) -> tuple[date, date]:
        """The landing's first and last day (inclusive)."""
        import pandas as pd

        if self.days:
            return last_day - timedelta(days=self.days - 1), last_day
        after = pd.Timestamp(last_day + timedelta(days=1))
        return (after - pd.DateOffset(months=self.months)).date(), last_day


def generator_version() -> str:
    """A digest of the generator's source: any change to it makes new landings."""
    digest = hashlib.sha256()
    for path in sorted(SYNTH_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Landing:
    path: Path
    start: date
    end: date
    cached: bool
    seconds: float  # generation time; 0 when reused
    rows: dict[str, int]


def ensure_landing(
    settings: Settings,
    employees: int,
    history: History,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Landing:
    """The cached landing of these parameters, generated first when missing."""
    from kinerja_dev.synth import generate

    start, end = history.range()
    key = f"n{employees}-{history.key}-s{seed}-g{generator_version()}"
    folder = settings.cache_dir / "bench-landings" / key
    summary_file = folder / "_bench_summary.json"
    if summary_file.exists():
        rows = json.loads(summary_file.read_text())["rows"]
        return Landing(folder, start, end, True, 0.0, rows)
    # Generated beside the cache entry and renamed: an interrupted generation is never reused.
    scratch = folder.with_name(f".{key}-{uuid.uuid4().hex[:8]}")
    summary = generate(
        scratch, employees=employees, start=start, end=end, seed=seed, progress=progress,
        fraud=FRAUD_RATE,
    )  # fmt: skip
    (scratch / "_bench_summary.json").write_text(json.dumps({"rows": summary.rows_per_extract}))
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return Landing(folder, start, end, False, summary.seconds, summary.rows_per_extract)


@dataclass(frozen=True)
class TaskFigure:
    task_id: str
    state: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    tries: int  # task_end events: retries and a sensor's reschedules each end once
    started_t: float  # unix seconds of the first start and the last end
    ended_t: float

    @property
    def phase(self) -> str:
        if self.task_id == "load_extracts":
            return "load"
        if self.task_id == "validate_extracts":
            return "validate"
        if self.task_id.startswith("transform."):
            return "transform"
        return "other"


def task_figures(events: list[dict]) -> list[TaskFigure]:
    """One figure per task, in start order: the last state; wall and CPU summed and peak RSS
    maxed over every end (a retried or rescheduled task costs the night each time)."""
    ends: dict[str, list[dict]] = {}
    started: dict[str, float] = {}
    for event in events:
        if event.get("event") == "task_start":
            started.setdefault(event["task_id"], float(event["t"]))
        elif event.get("event") == "task_end":
            ends.setdefault(event["task_id"], []).append(event)
    figures = [
        TaskFigure(
            task_id=task_id,
            state=tries[-1].get("state", "?"),
            wall_s=sum(float(e.get("wall_s", 0.0)) for e in tries),
            cpu_s=sum(float(e.get("cpu_s", 0.0)) for e in tries),
            peak_rss_mb=max(float(e.get("peak_rss_mb", 0.0)) for e in tries),
            tries=len(tries),
            started_t=started.get(task_id, float(tries[0]["t"]) - float(tries[0]["wall_s"])),
            ended_t=float(tries[-1]["t"]),
        )
        for task_id, tries in ends.items()
    ]
    return sorted(figures, key=lambda f: f.started_t)


@dataclass
class NightFigures:
    label: str
    as_of: date
    succeeded: bool
    failed_tasks: list[str]
    wall_s: float
    cpu_s: float  # the whole night's child processes (RUSAGE_CHILDREN)
    peak_rss_mb: float  # the whole process tree's peak, sampled from /proc
    rows_loaded: dict[str, int]
    tasks: list[TaskFigure] = field(default_factory=list)
    log_file: str = ""
    duckdb_memory_limit: str | None = None  # the night's DuckDB limit; None on PostgreSQL

    @property
    def per_task(self) -> bool:
        """False when the night left no events file (no listener): only night totals."""
        return bool(self.tasks)

    def phase(self, name: str) -> tuple[float, float]:
        """(wall, CPU) seconds of a phase: wall from its first task's start to its last task's
        end (the dbt build and the sensors that report its nodes overlap), CPU summed."""
        chosen = [t for t in self.tasks if t.phase == name]
        if not chosen:
            return 0.0, 0.0
        wall = max(t.ended_t for t in chosen) - min(t.started_t for t in chosen)
        return wall, sum(t.cpu_s for t in chosen)

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "as_of": self.as_of.isoformat(),
            "succeeded": self.succeeded,
            "failed_tasks": self.failed_tasks,
            "wall_s": self.wall_s,
            "cpu_s": self.cpu_s,
            "peak_rss_mb": self.peak_rss_mb,
            "rows_loaded": self.rows_loaded,
            "per_task": self.per_task,
            "phases": {
                p: dict(zip(("wall_s", "cpu_s"), self.phase(p), strict=True)) for p in PHASES
            },
            "tasks": [{**t.__dict__, "phase": t.phase} for t in self.tasks],
            "log_file": self.log_file,
            "duckdb_memory_limit": self.duckdb_memory_limit,
        }


@dataclass(frozen=True)
class BareBuild:
    rows_loaded: dict[str, int]
    load_s: float
    dbt_build_s: float
    dbt_build_cpu_s: float
    dbt_build_peak_rss_mb: float
    nodes: int


@dataclass
class NightBench:
    target: str
    employees: int
    history: History
    seed: int
    landing: Landing
    catch_up: NightFigures
    increment: NightFigures
    bare: BareBuild | None

    @property
    def transform_over_bare(self) -> float | None:
        """Wall of the increment's transform phase over the bare `dbt build` of the same day."""
        if self.bare is None or not self.increment.per_task or self.bare.dbt_build_s <= 0:
            return None
        return self.increment.phase("transform")[0] / self.bare.dbt_build_s

    def to_json(self) -> dict:
        return {
            "target": self.target,
            "employees": self.employees,
            "months": self.history.months or None,
            "days": self.history.days or None,
            "seed": self.seed,
            "landing": {
                "path": str(self.landing.path),
                "start": self.landing.start.isoformat(),
                "end": self.landing.end.isoformat(),
                "cached": self.landing.cached,
                "generation_s": self.landing.seconds,
                "rows": self.landing.rows,
            },
            "catch_up": self.catch_up.to_json(),
            "increment": self.increment.to_json(),
            "bare_dbt_build": None if self.bare is None else self.bare.__dict__,
            "transform_over_bare": self.transform_over_bare,
        }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_measured_night(
    settings: Settings, as_of: date, label: str, status: Report | None = None
) -> NightFigures:
    """One night of the real DAG (`kinerja run`'s machinery), measured from outside and, per
    task, from the listener's events file."""
    from kinerja.night.events import events_path, read_events
    from kinerja.night.report import clear_report, read_report
    from kinerja.night.runner import run_night

    clear_report(settings, as_of)
    began, cpu_before = time.monotonic(), _children_cpu()
    events: list[dict] = []

    def polled(new: list[dict]) -> None:
        events.extend(new)
        if status is None:
            return
        ended = [e["task_id"] for e in events if e.get("event") == "task_end"]
        running = [
            e["task_id"]
            for e in events
            if e.get("event") == "task_start" and e["task_id"] not in set(ended)
        ]
        current = f", running {running[-1]}" if running else ""
        status(f"{label} night {as_of}: {len(set(ended))} tasks done{current}")

    with PeakSampler() as sampler:
        run = run_night(settings, as_of, on_poll=polled)
    report = read_report(settings, as_of)
    loaded = report.load.rows_loaded if report.load else {}
    return NightFigures(
        label=label,
        as_of=as_of,
        succeeded=run.succeeded,
        failed_tasks=run.failed_tasks,
        wall_s=time.monotonic() - began,
        cpu_s=_children_cpu() - cpu_before,
        peak_rss_mb=sampler.peak_mb,
        rows_loaded={k: int(v) for k, v in loaded.items()},
        duckdb_memory_limit=settings.duckdb_memory_limit if settings.target == "duckdb" else None,
        # Read whole at the end: the tail misses nothing, but the file is the record.
        tasks=task_figures(read_events(events_path(settings, as_of))),
        log_file=str(run.log_file or ""),
    )


def _admin(settings: Settings):
    import psycopg

    return psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        password=settings.pg_password or None,
        dbname="postgres",
        autocommit=True,
    )


def _create_database(settings: Settings, name: str, template: str | None = None) -> None:
    from psycopg import sql

    query = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        query = query + sql.SQL(" template {}").format(sql.Identifier(template))
    with _admin(settings) as con:
        con.execute(query)


def drop_database(settings: Settings, name: str) -> None:
    from psycopg import sql

    with _admin(settings) as con:
        con.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def snapshot_warehouse(settings: Settings, name: str) -> str:
    """A copy of the warehouse as it is now: a DuckDB file path or a PostgreSQL database name."""
    if settings.target == "postgres":
        drop_database(settings, name)
        _create_database(settings, name, template=settings.pg_database)
        return name
    copy = settings.home_dir / f"{name}.duckdb"
    shutil.copyfile(settings.duckdb_path, copy)
    wal = settings.duckdb_path.with_name(settings.duckdb_path.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    return str(copy)


def bare_build(
    settings: Settings, snapshot: str, day: date, work: Path, status: Report | None = None
) -> BareBuild:
    """The increment on the snapshot taken before it: the loader alone, then a bare `dbt build`
    in this process (after an untimed `dbt parse`, as the DAG's tasks read a parsed manifest)."""
    from kinerja.load import load_night
    from kinerja.night.dag_config import NIGHT_EXCLUDE
    from kinerja.pseudonym import dbt_session_environment
    from kinerja.transform.invoke import invoke_dbt

    work.mkdir(parents=True, exist_ok=True)
    if settings.target == "postgres":
        bare = settings.model_copy(update={"home": work / "home", "pg_database": snapshot})
    else:
        bare = settings.model_copy(update={"home": work / "home"})
        bare.home_dir.mkdir(parents=True, exist_ok=True)
        Path(snapshot).rename(bare.duckdb_path)
        wal = Path(snapshot + ".wal")
        if wal.exists():
            wal.rename(bare.duckdb_path.with_name(bare.duckdb_path.name + ".wal"))
    if status:
        status(f"bare: loading {day} with the loader alone")
    began = time.monotonic()
    night = load_night(bare, day)
    load_s = time.monotonic() - began
    if status:
        status("bare: dbt parse, then a timed dbt build")
    dbt_work = work / "dbt"
    # the pseudonym secret as the night's producer gets it (on PostgreSQL through PGOPTIONS)
    session = dbt_session_environment(bare)
    invoke_dbt(bare, dbt_work, "parse", env=session)
    began, cpu_before = time.monotonic(), _self_cpu()
    with PeakSampler(include_self=True) as sampler:
        result = invoke_dbt(bare, dbt_work, "build", "--exclude", *NIGHT_EXCLUDE, env=session)
    return BareBuild(
        rows_loaded={k: int(v) for k, v in night.rows_loaded().items()},
        load_s=load_s,
        dbt_build_s=time.monotonic() - began,
        dbt_build_cpu_s=_self_cpu() - cpu_before,
        dbt_build_peak_rss_mb=sampler.peak_mb,
        nodes=len(result.result),
    )


def run_night_bench(
    base: Settings,
    target: Target,
    employees: int,
    history: History,
    seed: int,
    work_dir: Path,
    *,
    pg_database: str | None = None,
    keep_database: bool = False,
    status: Report | None = None,
    generation_progress: Callable[[int, int], None] | None = None,
    bare: bool = True,
    catch_up_memory_limit: str | None = None,
) -> NightBench:
    """Generate (or reuse) the landing, run the catch-up and the increment night, then the bare
    build. `pg_database` names the PostgreSQL database (default: a throwaway one, dropped after
    unless `keep_database`). `catch_up_memory_limit` is DuckDB's limit for the first night only,
    as a large agency raises it for the night that builds its whole history (docs/scale.md); the
    increment and the bare build keep the settings' limit."""
    from kinerja.night.runner import prepare_airflow
    from kinerja.runtime import tool_environment

    landing = ensure_landing(base, employees, history, seed, generation_progress)
    work = Path(work_dir) / target
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    token = uuid.uuid4().hex[:8]
    database = pg_database or f"kinerja_bench_{token}"
    settings = base.model_copy(
        update={
            "home": work / "night",
            "target": target,
            "landing": str(landing.path),
            "cache": base.cache_dir,
            "pg_database": database if target == "postgres" else base.pg_database,
        }
    )
    throwaway = [] if target != "postgres" else [f"{database}_pre_increment"]
    if target == "postgres":
        drop_database(settings, database)
        if not (pg_database and keep_database):
            throwaway.append(database)
    settings = with_bench_secret(settings, kept=database not in throwaway)
    env = {
        **tool_environment(settings),
        "KINERJA_LANDING": settings.landing_url,
        "KINERJA_CACHE": str(settings.cache_dir),
    }
    if key := configured_key(settings):
        env[KEY_VARIABLE] = key
    try:
        with environment(env):
            if status:
                status("preparing Airflow (metadata DB, dbt manifest)")
            prepare_airflow(settings)
            first_night = (
                settings.model_copy(update={"duckdb_memory_limit": catch_up_memory_limit})
                if catch_up_memory_limit
                else settings
            )
            catch_up = run_measured_night(
                first_night, landing.end - timedelta(days=1), "catch-up", status
            )
            if not catch_up.succeeded:
                raise NightBenchFailed(catch_up)
            snapshot = snapshot_warehouse(settings, f"{database}_pre_increment") if bare else None
            increment = run_measured_night(settings, landing.end, "increment", status)
            if not increment.succeeded:
                raise NightBenchFailed(increment)
            build = (
                bare_build(settings, snapshot, landing.end, work / "bare", status)
                if snapshot
                else None
            )
    finally:
        if target == "postgres":
            for name in throwaway:
                drop_database(settings, name)
    return NightBench(target, employees, history, seed, landing, catch_up, increment, build)


def with_bench_secret(settings: Settings, kept: bool) -> Settings:
    """A PostgreSQL warehouse of generated staff that the bench drops afterwards needs no
    installation's secret: without KINERJA_PSEUDONYM_KEY it gets a random one for this run alone.
    A database that is kept (`--pg-database --keep-database`) follows the installation's rule."""
    if settings.target != "postgres" or kept or configured_key(settings):
        return settings
    return settings.model_copy(update={"pseudonym_key": SecretStr(secrets.token_urlsafe(32))})


class NightBenchFailed(RuntimeError):
    def __init__(self, night: NightFigures) -> None:
        super().__init__(
            f"the {night.label} night {night.as_of} failed (tasks: "
            f"{', '.join(night.failed_tasks) or 'none recorded'}); log: {night.log_file}"
        )
        self.night = night
