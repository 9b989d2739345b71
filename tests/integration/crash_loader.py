"""A loader launcher for test_crash_safety.py: imports once, then forks one real `kinerja load`
per request, each tracing its transaction boundaries.

Importing the stack takes seconds on a busy machine; forking an already-imported process lets
each SIGKILL trial spend its time loading. Protocol on stdin/stdout, one JSON object per line:
the launcher prints `ready`, then for each request {"trace": path, "env": {...}, "argv": [...]}
forks a child that sets the environment and runs the CLI, and prints the child's pid. The child
writes to its trace (unbuffered, so a SIGKILL loses no written line) `ready`, then `begin` and
`commit`/`rollback` around each outermost warehouse transaction, and `exit CODE` at the end.
Nothing in the load path is replaced: the real transaction runs inside the wrapper.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager

import kinerja.load  # noqa: F401  (imported before forking: the children only load)
from kinerja.cli import app
from kinerja.warehouse.duckdb import DuckDBWarehouse
from kinerja.warehouse.postgres import PostgresWarehouse

_trace: int | None = None


def _mark(word: str) -> None:
    # CLOCK_MONOTONIC is system-wide on Linux: the test compares these times with its own.
    os.write(_trace, f"{word} {time.monotonic():.6f}\n".encode())


def _traced(cls) -> None:
    original = cls.transaction

    @contextmanager
    def transaction(self):
        depth = getattr(self, "_trace_depth", 0)
        self._trace_depth = depth + 1
        if depth == 0:
            _mark("begin")
        try:
            with original(self):
                yield
        except BaseException:
            if depth == 0:
                _mark("rollback")
            raise
        else:
            if depth == 0:
                _mark("commit")
        finally:
            self._trace_depth = depth

    cls.transaction = transaction


def _child(request: dict) -> None:
    global _trace
    _trace = os.open(request["trace"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    devnull = os.open(os.devnull, os.O_WRONLY)
    errors = os.open(request["trace"] + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(devnull, 1)
    os.dup2(errors, 2)
    os.environ.update(request["env"])
    _mark("ready")
    code = 0
    try:
        app(request["argv"], prog_name="kinerja")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception:  # noqa: BLE001  (a forked child must never return into the launcher loop)
        traceback.print_exc()
        code = 1
    _mark(f"exit{code}")
    os._exit(code)


def main() -> None:
    _traced(DuckDBWarehouse)
    _traced(PostgresWarehouse)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they end
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
