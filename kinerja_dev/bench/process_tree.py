"""Peak resident memory of this process's descendants, sampled from /proc while a night runs.

`getrusage(RUSAGE_CHILDREN).ru_maxrss` only says the largest child ever waited for, across every
night of the process; a night's peak needs the live tree. Linux only: elsewhere it reads 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Self

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0
PROC = Path("/proc")


def _parents() -> dict[int, int]:
    parents = {}
    for entry in PROC.glob("[0-9]*"):
        try:
            # The command name may hold spaces and parentheses: the fields follow the last ')'.
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended while we looked
        parents[int(entry.name)] = int(fields[1])
    return parents


def _rss_mb(pid: int) -> float:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss_mb(root: int, include_root: bool = False) -> float:
    """Resident memory of every descendant of `root` (and of `root` itself when asked), in MB."""
    if not PROC.exists():
        return 0.0
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    pending, total = list(children.get(root, [])), _rss_mb(root) if include_root else 0.0
    while pending:
        pid = pending.pop()
        total += _rss_mb(pid)
        pending.extend(children.get(pid, []))
    return total


class PeakSampler:
    """A daemon thread sampling the tree's RSS every `interval` seconds while in the block."""

    def __init__(self, include_self: bool = False, interval: float = 0.5) -> None:
        self.peak_mb = 0.0
        self._include_self = include_self
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid(), self._include_self))

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
