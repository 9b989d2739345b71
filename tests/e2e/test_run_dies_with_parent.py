"""`kinerja run` SIGKILLed mid-night: its `airflow dags test` child and everything in the child's
session end with it (the kernel's parent-death signal), and the DuckDB
warehouse is free again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kinerja.settings import Settings

pytestmark = pytest.mark.e2e

NIGHT = date(2025, 3, 7)
KINERJA = str(Path(sys.executable).parent / "kinerja")
PROC = Path("/proc")
NIGHT_STARTS_WITHIN = 900  # seconds: Airflow's metadata DB, the dbt manifest, the DAG's start
CHILD_ENDS_WITHIN = 15


def _stat(pid: int) -> list[str] | None:
    """state, ppid, pgrp, session, ... of a live process; None when it ended (or is a zombie)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields


def _children(pid: int) -> list[int]:
    return [
        int(p.name)
        for p in PROC.glob("[0-9]*")
        if (fields := _stat(int(p.name))) and int(fields[1]) == pid
    ]


def _session(sid: int) -> list[int]:
    return [
        int(p.name)
        for p in PROC.glob("[0-9]*")
        if (fields := _stat(int(p.name))) and int(fields[3]) == sid
    ]


def _depth(pid: int) -> int:
    """How many parents up to init: orders a session from its leader down."""
    depth = 0
    while pid > 1 and (fields := _stat(pid)):
        pid, depth = int(fields[1]), depth + 1
    return depth


def _holds(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in (PROC / str(pid) / "fd").iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not PROC.exists(), reason="needs Linux /proc")
def test_sigkill_of_kinerja_run_ends_its_airflow_child(tmp_path):
    from kinerja_dev.synth import generate

    landing = tmp_path / "landing"
    generate(landing, employees=40, start=date(2025, 3, 3), end=NIGHT, seed=3)
    home = tmp_path / "home"
    env = {**os.environ, "KINERJA_HOME": str(home), "KINERJA_LANDING": str(landing)}
    env["KINERJA_TARGET"] = "duckdb"
    warehouse = Settings(home=home, target="duckdb").duckdb_path
    parent = subprocess.Popen(
        [KINERJA, "run", "--date", NIGHT.isoformat()],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + NIGHT_STARTS_WITHIN
        session: list[int] = []
        # Wait for the moment that matters: the night writing the warehouse.
        while not any(_holds(pid, warehouse) for pid in session):
            assert parent.poll() is None, "kinerja run ended before its night wrote anything"
            assert time.monotonic() < deadline, "the night never opened the warehouse"
            guards = [pid for pid in _children(parent.pid) if _stat(pid)]
            session = sorted(_session(guards[0]), key=_depth) if guards else []
            time.sleep(0.05)
        child = session[0]
        commands = [(PROC / str(pid) / "cmdline").read_bytes().split(b"\0") for pid in session]
        assert any(b"dags" in words and b"test" in words for words in commands)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + CHILD_ENDS_WITHIN
        while _session(child):
            assert time.monotonic() < deadline, f"left running: {_session(child)}"
            time.sleep(0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    # Nobody holds the warehouse any more, once the killed threads have all exited.
    while True:
        try:
            duckdb.connect(str(warehouse)).close()
            break
        except duckdb.IOException:
            assert time.monotonic() < deadline, "the warehouse is still locked"
            time.sleep(0.1)
