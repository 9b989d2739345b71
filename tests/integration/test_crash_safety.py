"""Crash safety: SIGKILL the loader at random points; no partial or duplicated batch survives,
and a rerun ends equal to a clean load of the same landing.

Each trial starts `kinerja load --catch-up` in a process of its own (forked by crash_loader.py,
which traces transaction boundaries) on a fresh warehouse, kills it at a seeded random point,
checks the warehouse as the kill left it, reruns the load in-process and compares table checksums
with a clean load. Half the kills come at a random time after the start; the other half a random
time into a randomly chosen transaction (as long as that transaction took in a traced clean run),
so many land mid-transaction. The trace says where each one landed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from kinerja.contract import EXTRACTS
from kinerja.load import load_night
from kinerja.settings import Settings
from kinerja.warehouse import connect
from kinerja_dev.synth import generate

START, END = date(2025, 3, 3), date(2025, 3, 12)
TRIALS = 20
EXTRA_TRIALS = 10  # only if none of the first TRIALS hit a transaction
ENTRY = Path(__file__).with_name("crash_loader.py")
MID, BETWEEN, FINISHED = "mid-transaction", "between transactions", "finished before the kill"


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash_landing")
    generate(root, employees=30, start=START, end=END, seed=23)
    return root


def _settings(target: str, home: Path, landing: Path, database: str) -> Settings:
    return Settings(home=home, target=target, landing=str(landing), pg_database=database)


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "KINERJA_HOME": str(settings.home),
        "KINERJA_TARGET": settings.target,
        "KINERJA_LANDING": settings.landing_url,
        "KINERJA_PG_DATABASE": settings.pg_database,
    }


def _trace(path: Path) -> list[tuple[str, float]]:
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [(word, float(at)) for word, at in lines]


@pytest.fixture(scope="module")
def launcher() -> Iterator[subprocess.Popen]:
    """crash_loader.py: imports the stack once, then forks one real loader per trial."""
    # No thread may run when the launcher forks: keep OpenBLAS and Arrow's jemalloc single-threaded.
    quiet = {"OPENBLAS_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false"}
    process = subprocess.Popen(
        [sys.executable, str(ENTRY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **quiet},
    )
    assert process.stdout.readline().strip() == "ready"
    yield process
    process.stdin.close()
    process.wait(timeout=30)


def _start(launcher, settings: Settings, trace: Path) -> tuple[int, float]:
    """Fork the traced loader; return its pid once it is running, with the time it started."""
    argv = ["load", "--date", END.isoformat(), "--catch-up"]
    request = {"trace": str(trace), "env": _env(settings), "argv": argv}
    launcher.stdin.write(json.dumps(request) + "\n")
    launcher.stdin.flush()
    pid = int(launcher.stdout.readline())
    deadline = time.monotonic() + 30
    while not _trace(trace):
        assert time.monotonic() < deadline, "loader never started"
        time.sleep(0.001)
    return pid, _trace(trace)[0][1]


def _finished(trace: Path) -> str | None:
    events = _trace(trace)
    return events[-1][0] if events and events[-1][0].startswith("exit") else None


def _gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} outlived its kill"
        time.sleep(0.002)


def _windows(launcher, settings: Settings, trace: Path) -> tuple[float, list[tuple[float, float]]]:
    """A traced clean run: its duration and its transaction windows, from its start."""
    pid, ready = _start(launcher, settings, trace)
    _gone(pid)
    assert _finished(trace) == "exit0", Path(f"{trace}.err").read_text()
    events = _trace(trace)
    begins = [at - ready for word, at in events if word == "begin"]
    ends = [at - ready for word, at in events if word in ("commit", "rollback")]
    return events[-1][1] - ready, list(zip(begins, ends, strict=True))


def _kill_after(launcher, settings: Settings, trace: Path, delay: float, nth_begin: int = 0) -> str:
    """SIGKILL the loader `delay` seconds after its start or, with nth_begin, after it began its
    nth transaction; say where the kill landed."""
    pid, ready = _start(launcher, settings, trace)
    if nth_begin:
        while sum(w == "begin" for w, _ in _trace(trace)) < nth_begin and not _finished(trace):
            time.sleep(0.0005)
        ready = time.monotonic()
    time.sleep(max(0.0, ready + delay - time.monotonic()))
    if not _finished(trace):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _gone(pid)
    last = _trace(trace)[-1][0]
    if last.startswith("exit"):
        return FINISHED
    return MID if last == "begin" else BETWEEN


def _tables(wh) -> list[str]:
    return sorted(
        wh.query_df("select table_name from information_schema.tables where table_schema = 'raw'")[
            "table_name"
        ]
    )


def _assert_no_partial_batch(settings: Settings) -> None:
    with connect(settings) as wh:
        tables = _tables(wh)
        if "load_audit" not in tables:
            assert not [t for t in tables if t in EXTRACTS], "raw rows without any audit"
            return
        audit = wh.query_df(
            "select extract, extraction_date, batch_id, rows_loaded, rows_quarantined "
            "from raw.load_audit where status = 'LOADED'"
        )
        per_date = audit.groupby(["extract", "extraction_date"]).size()
        assert (per_date <= 1).all(), (
            f"a batch loaded twice for one date:\n{per_date[per_date > 1]}"
        )
        loaded = {(r.extract, r.batch_id): r for r in audit.itertuples()}
        for extract in (t for t in tables if t in EXTRACTS):
            counts = wh.query_df(
                f"select _batch_id, _extraction_date, count(*) as n from raw.{extract} group by 1, 2"
            )
            assert (counts.groupby("_extraction_date").size() <= 1).all()
            for row in counts.itertuples():
                audited = loaded.get((extract, row._1))
                assert audited is not None, f"raw.{extract} rows of batch {row._1} have no audit"
                assert audited.rows_loaded == row.n, f"partial batch {row._1}"
        if "quarantine" in tables:
            quarantined = wh.query_df(
                "select batch_id, count(*) as n from raw.quarantine group by 1"
            )
            by_batch = {r.batch_id: r.rows_quarantined for r in audit.itertuples()}
            for row in quarantined.itertuples():
                assert by_batch.get(row.batch_id) == row.n, f"partial quarantine {row.batch_id}"


def _checksums(settings: Settings) -> dict[str, str]:
    """Per raw table: a hash of its rows (load times and the audit's non-LOADED rows aside)."""
    sums = {}
    with connect(settings) as wh:
        for table in _tables(wh):
            columns = [c for c in wh.table_columns("raw", table) if not c.endswith("_at")]
            text = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in columns)
            where = "where status = 'LOADED'" if table == "load_audit" else ""
            frame = wh.query_df(
                f"select {text} from raw.{table} {where} "
                f"order by {', '.join(str(i + 1) for i in range(len(columns)))}"
            )
            sums[table] = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    return sums


def _fresh_database(settings: Settings) -> None:
    with psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.pg_user,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'drop database if exists "{settings.pg_database}" with (force)')
        admin.execute(f'create database "{settings.pg_database}"')


@pytest.mark.parametrize("target", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_never_leaves_a_partial_batch(
    target, landing, launcher, tmp_path, request, record_property
):
    database = request.getfixturevalue("pg_database") if target == "postgres" else "unused"

    def trial_settings(name: str) -> Settings:
        settings = _settings(target, tmp_path / name, landing, database)
        if target == "postgres":
            _fresh_database(settings)
        return settings

    clean = trial_settings("clean")
    total, windows = _windows(launcher, clean, tmp_path / "clean.trace")
    assert windows, "the loader ran no transaction"
    expected = _checksums(clean)
    assert expected.get("presensi") and expected.get("load_audit")

    rng = random.Random(20261129)
    landed: Counter[str] = Counter()
    trial = 0
    while trial < TRIALS or (landed[MID] == 0 and trial < TRIALS + EXTRA_TRIALS):
        nth = 0
        if trial % 2:
            nth = rng.randrange(len(windows)) + 1
            begin, end = windows[nth - 1]
            delay = rng.uniform(0, end - begin)
        else:
            delay = rng.uniform(0, total)
        settings = trial_settings(f"trial{trial}")
        trace = tmp_path / f"trial{trial}.trace"
        landed[_kill_after(launcher, settings, trace, delay, nth)] += 1
        _assert_no_partial_batch(settings)
        rerun = load_night(settings, END, catch_up=True)
        assert not rerun.rejected
        _assert_no_partial_batch(settings)
        assert _checksums(settings) == expected, f"trial {trial} (delay {delay:.3f} s) differs"
        trial += 1

    # Where the kills landed: printed with -s, and in the JUnit XML as a property.
    print(f"\n{target}: {trial} SIGKILL trials: {dict(landed)}")
    record_property("sigkill_trials", dict(landed))
    assert landed[MID] >= 1, f"no kill landed inside a transaction: {dict(landed)}"
