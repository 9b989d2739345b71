"""`kinerja bench load` (kinerja_dev/bench/cli.py): the loader's rows/s next to the engine's own bulk
load of the same file.

One punch CSV (presensi, clean, of the contract's shape) is loaded twice per target in the same
run: once by the engine alone (PostgreSQL `COPY ... FROM STDIN WITH (FORMAT csv, HEADER)` into a
plain text table; DuckDB `create table as select * from read_csv(..., all_varchar)`), once by
Kinerja's loader from a landing folder holding that file. The ratio loader/raw says what the
loader's contract checks, metadata and atomic batch cost on top of the bare bulk path.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql as pgsql
from rich.table import Table

from kinerja.contract.extracts import PRESENSI
from kinerja.settings import Settings
from kinerja.warehouse.duckdb import open_duckdb

BENCH_DAY = date(2026, 3, 2)
_SECONDS = np.arange(6 * 3600, 18 * 3600)
_HMS = np.array(
    [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in _SECONDS], dtype=object
)

Step = Callable[[str], None]


@dataclass
class Measure:
    target: str
    method: str  # "raw bulk" or "kinerja loader"
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def write_punch_csv(path: Path, rows: int, seed: int = 0) -> Path:
    """A clean presensi file of `rows` punches for BENCH_DAY (valid NIPs, codes and offsets)."""
    rng = np.random.default_rng(seed)
    people = 5000
    born = pd.to_datetime("1965-01-01") + pd.to_timedelta(rng.integers(0, 12000, people), "D")
    nips = np.array(
        [
            f"{b:%Y%m%d}{2000 + i % 20:04d}{1 + i % 12:02d}{1 + i % 2}{i % 1000:03d}"
            for i, b in enumerate(born)
        ],
        dtype=object,
    )
    sumber = np.array(["FINGERPRINT", "FACE", "MOBILE", "MANUAL"], dtype=object)[
        rng.choice(4, rows, p=[0.6, 0.2, 0.15, 0.05])
    ]
    mobile = sumber == "MOBILE"
    lat = np.where(mobile, "-6.175392", "")
    lon = np.where(mobile, "106.827153", "")
    frame = pd.DataFrame(
        {
            "nip": nips[rng.integers(0, people, rows)],
            "waktu": f"{BENCH_DAY.isoformat()}T"
            + _HMS[rng.integers(0, len(_HMS), rows)]
            + "+07:00",
            "sumber": sumber,
            "id_perangkat": np.where(mobile, "HP-ANDROID", "FP-0001"),
            "lat": lat,
            "lon": lon,
        },
        columns=PRESENSI.column_names,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _raw_duckdb(csv: Path, work: Path, settings: Settings) -> Measure:

    path = work / "raw_bulk.duckdb"
    path.unlink(missing_ok=True)
    # The same memory limit and threads as the loader's connection: like against like.
    con = open_duckdb(path, settings)
    try:
        quoted = "'" + str(csv).replace("'", "''") + "'"
        began = time.perf_counter()
        con.execute(
            f"create table raw_bulk as select * from read_csv({quoted}, header = true, "
            "all_varchar = true)"
        )
        seconds = time.perf_counter() - began
        rows = con.execute("select count(*) from raw_bulk").fetchone()[0]
    finally:
        con.close()
        path.unlink(missing_ok=True)
    return Measure("duckdb", "raw bulk", int(rows), seconds)


def _pg_connect(settings: Settings, dbname: str, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        password=settings.pg_password or None,
        dbname=dbname,
        autocommit=autocommit,
    )


def postgres_reachable(settings: Settings) -> bool:
    try:
        with _pg_connect(settings, "postgres", autocommit=True):
            return True
    except psycopg.OperationalError:
        return False


def _raw_postgres(csv: Path, settings: Settings) -> Measure:
    with csv.open("r", encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    columns = pgsql.SQL(", ").join(pgsql.SQL("{} text").format(pgsql.Identifier(c)) for c in header)
    with _pg_connect(settings, settings.pg_database) as con:
        con.execute("drop table if exists public.raw_bulk")
        con.execute(pgsql.SQL("create table public.raw_bulk ({})").format(columns))
        con.commit()
        began = time.perf_counter()
        copy_sql = "copy public.raw_bulk from stdin with (format csv, header)"
        with con.cursor() as cur, csv.open("rb") as fh, cur.copy(copy_sql) as copy:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                copy.write(chunk)
        con.commit()
        seconds = time.perf_counter() - began
        rows = con.execute("select count(*) from public.raw_bulk").fetchone()[0]
        con.execute("drop table public.raw_bulk")
        con.commit()
    return Measure("postgres", "raw bulk", int(rows), seconds)


def _kinerja_loader(target: str, landing: Path, home: Path, settings: Settings) -> Measure:
    from kinerja.load import load_night

    shutil.rmtree(home, ignore_errors=True)
    # The bench wrote the file itself a moment ago: nothing is still uploading.
    run_settings = _with(
        settings, home=home, target=target, landing=str(landing), landing_settle_seconds=0
    )
    began = time.perf_counter()
    night = load_night(run_settings, BENCH_DAY, catch_up=False)
    seconds = time.perf_counter() - began
    batches = [o for o in night.outcomes if o.extract == "presensi"]
    if [o.status for o in batches] != ["LOADED"]:
        raise RuntimeError(f"bench batch not loaded: {[(o.status, o.message) for o in batches]}")
    return Measure(target, "kinerja loader", batches[0].rows_loaded, seconds)


def _with(settings: Settings, **changes) -> Settings:
    """New settings, not model_copy: a copy would keep cached paths of the old home."""
    return Settings(**{**settings.model_dump(), **changes})


def run_bench(
    rows: int,
    targets: list[str],
    work: Path,
    settings: Settings,
    csv: Path | None = None,
    step: Step | None = None,
) -> list[Measure]:
    """Measure raw bulk and loader on each target; PostgreSQL gets a throwaway database."""
    step = step or (lambda _: None)
    landing = work / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    target_file = landing / "presensi" / BENCH_DAY.isoformat() / "presensi_bench.csv"
    if csv is None:
        step(f"writing {rows:,} punches")
        write_punch_csv(target_file, rows)
    else:
        target_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(csv, target_file)
    measures: list[Measure] = []
    for target in targets:
        if target == "duckdb":
            step("duckdb: read_csv bulk load")
            measures.append(_raw_duckdb(target_file, work, settings))
            step("duckdb: kinerja loader")
            measures.append(_kinerja_loader("duckdb", landing, work / "home_duckdb", settings))
            continue
        database = f"kinerja_bench_{uuid.uuid4().hex[:10]}"
        pg = _with(settings, pg_database=database)
        with _pg_connect(settings, "postgres", autocommit=True) as admin:
            admin.execute(pgsql.SQL("create database {}").format(pgsql.Identifier(database)))
        try:
            step("postgres: COPY bulk load")
            measures.append(_raw_postgres(target_file, pg))
            step("postgres: kinerja loader")
            measures.append(_kinerja_loader("postgres", landing, work / "home_postgres", pg))
        finally:
            with _pg_connect(settings, "postgres", autocommit=True) as admin:
                admin.execute(
                    pgsql.SQL("drop database if exists {} with (force)").format(
                        pgsql.Identifier(database)
                    )
                )
    return measures


def ratio(measures: list[Measure], target: str) -> float:
    by_method = {m.method: m for m in measures if m.target == target}
    return by_method["kinerja loader"].rows_per_second / by_method["raw bulk"].rows_per_second


def results_table(measures: list[Measure], goal: float = 0.7) -> Table:
    table = Table(
        title=f"Load benchmark: Kinerja loader vs the engine's bulk load (goal >= {goal}x)"
    )
    for column, justify in (
        ("target", "left"),
        ("method", "left"),
        ("rows", "right"),
        ("seconds", "right"),
        ("rows/s", "right"),
        ("loader/raw", "right"),
    ):
        table.add_column(column, justify=justify)
    for m in measures:
        share = ""
        if m.method == "kinerja loader":
            value = ratio(measures, m.target)
            share = f"[{'green' if value >= goal else 'red'}]{value:.2f}x[/]"
        table.add_row(
            m.target,
            m.method,
            f"{m.rows:,}",
            f"{m.seconds:.3f}",
            f"{m.rows_per_second:,.0f}",
            share,
        )
    return table
