"""The nightly incremental build's cost after one new day, against the length of history.

For each history length a fresh DuckDB warehouse gets a synthetic raw layer written in bulk by
SQL (units, one employee snapshot, two punches per employee and weekday: writing files through
the synthetic generator would take longer than the build being measured), then a full
`dbt seed` + `dbt run`, then one more day of punches delivered and the nightly `dbt run` timed.
fct_presensi_harian is incremental, so its share should follow the new day, not the history;
the other marts are rebuilt whole every night and do grow with history.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kinerja.contract.extracts import EXTRACTS
from kinerja.load.raw_tables import ensure_raw_table
from kinerja.settings import Settings
from kinerja.transform.invoke import invoke_dbt
from kinerja.warehouse import connect

FIRST_DAY = date(2024, 1, 1)
UNITS = 50
ZONES = (("WIB", "+07:00"), ("WITA", "+08:00"), ("WIT", "+09:00"))
INCREMENTAL_MODEL = "fct_presensi_harian"


@dataclass(frozen=True)
class BenchResult:
    label: str
    history_days: int
    employees: int
    punch_rows: int
    full_build_seconds: float
    incremental_run_seconds: float
    incremental_fact_seconds: float
    new_day_rows: int


def _metadata(extract: str, day_sql: str) -> str:
    """Raw metadata columns of a row delivered on `day_sql`, loaded that night."""
    return (
        f"'bench-' || cast({day_sql} as varchar), {day_sql}, "
        f"'{extract}/' || cast({day_sql} as varchar) || '/data.csv', "
        f"row_number() over (), cast({day_sql} as timestamp) + interval 18 hour, null"
    )


def _write_reference(wh, employees: int) -> None:
    zones = " ".join(
        f"when {i} then '{zone}'" for i, (zone, _) in enumerate(ZONES)
    )  # unit u lies in zone u % 3
    wh.execute(
        f"""
        insert into raw.unit_kerja select
            'U' || lpad(cast(u as varchar), 3, '0'), 'Unit ' || u,
            case when u = 0 then null else 'U000' end, 'Instansi Bench',
            case u % 3 {zones} end, '-6.2088', '106.8456', '100',
            {_metadata("unit_kerja", "date '" + FIRST_DAY.isoformat() + "'")}
        from range({UNITS}) as t (u)
        """
    )
    wh.execute(
        f"""
        insert into raw.pegawai select
            '19800101' || lpad(cast(e as varchar), 10, '0'), null, 'Pegawai ' || e, 'L',
            '1980-01-01', 'PNS', 'III/a', 'PELAKSANA', 'Pelaksana',
            'U' || lpad(cast(e % {UNITS} as varchar), 3, '0'), null, 'S1', '2010-01-01',
            '2020-01-01', 'AKTIF', null, null,
            {_metadata("pegawai", "date '" + FIRST_DAY.isoformat() + "'")}
        from range({employees}) as t (e)
        """
    )


def _write_punches(wh, employees: int, first: date, days: int) -> int:
    """Arrival and departure of every employee on every weekday, with the unit's offset;
    minutes vary by a hash so that some employees are late or leave early."""
    offsets = " ".join(f"when {i} then '{offset}'" for i, (_, offset) in enumerate(ZONES))
    before = wh.scalar("select count(*) from raw.presensi")
    wh.execute(
        f"""
        insert into raw.presensi
        with days as (
            select cast(date '{first.isoformat()}' + cast(d as integer) as date) as day
            from range({days}) as t (d)
            where isodow(date '{first.isoformat()}' + cast(d as integer)) <= 5
        ),
        punches as (
            select
                e, day, p,
                case when p = 0 then time '07:00' + to_minutes(cast(hash(e, day) % 45 as bigint))
                     else time '15:50' + to_minutes(cast(hash(e, day, p) % 40 as bigint)) end as clock
            from days cross join range({employees}) as t (e) cross join range(2) as u (p)
        )
        select
            '19800101' || lpad(cast(e as varchar), 10, '0'),
            strftime(day + clock, '%Y-%m-%dT%H:%M:%S') || case (e % {UNITS}) % 3 {offsets} end,
            'FINGERPRINT', 'DEV-' || (e % {UNITS}), null, null,
            {_metadata("presensi", "day")}
        from punches
        """
    )
    return int(wh.scalar("select count(*) from raw.presensi")) - int(before)


def bench_history(
    label: str, employees: int, history_days: int, work: Path, report: Callable[[str], None]
) -> BenchResult:
    settings = Settings(home=work / "home", target="duckdb")
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    report(f"{label}: writing {history_days} days of raw punches for {employees:,} employees")
    with connect(settings) as wh:
        for extract in EXTRACTS.values():
            ensure_raw_table(wh, extract)
        _write_reference(wh, employees)
        punch_rows = _write_punches(wh, employees, FIRST_DAY, history_days)
    report(f"{label}: {punch_rows:,} punch rows; full build (dbt seed + run)")
    started = time.monotonic()
    invoke_dbt(settings, work, "seed")
    invoke_dbt(settings, work, "run")
    full_seconds = time.monotonic() - started

    new_day = FIRST_DAY + timedelta(days=history_days)
    while new_day.isoweekday() > 5:
        new_day += timedelta(days=1)
    with connect(settings) as wh:
        new_rows = _write_punches(wh, employees, new_day, 1)
    report(f"{label}: delivered {new_day} ({new_rows:,} punches); nightly dbt run")
    started = time.monotonic()
    result = invoke_dbt(settings, work, "run")
    incremental_seconds = time.monotonic() - started
    fact = next(r for r in result.result if r.node.name == INCREMENTAL_MODEL)
    with connect(settings) as wh:
        new_day_rows = int(
            wh.scalar(
                f"select count(*) from marts.{INCREMENTAL_MODEL} where tanggal = :day",
                {"day": new_day},
            )
        )
    report(f"{label}: one new day built in {incremental_seconds:.1f} s")
    return BenchResult(
        label=label,
        history_days=history_days,
        employees=employees,
        punch_rows=punch_rows,
        full_build_seconds=full_seconds,
        incremental_run_seconds=incremental_seconds,
        incremental_fact_seconds=fact.execution_time,
        new_day_rows=new_day_rows,
    )


def run_benchmark(
    employees: int,
    histories: dict[str, int],
    work_dir: Path,
    report: Callable[[str], None] = print,
) -> list[BenchResult]:
    """One fresh warehouse per history length (label -> days); results in the given order."""
    return [
        bench_history(label, employees, days, Path(work_dir) / f"history_{days}", report)
        for label, days in histories.items()
    ]
