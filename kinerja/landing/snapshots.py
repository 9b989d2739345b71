"""A private folder for the copies of delivered files that DuckDB reads.

The inspection pass copies every byte it hashes into this folder, and DuckDB reads the copy: its
generated name cannot be taken for a glob pattern (a delivered `presensi_*.csv` would read its
neighbours), a file still growing in the landing area cannot differ from what was hashed, and a
file on object storage is fetched once. The folder is owner-only, since deliveries hold personal
data, and removed with everything in it when the batch is done.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY_FOLDER = 0o700
OWNER_ONLY_FILE = 0o600
# A load killed outright leaves its folder behind. No load lasts a day, and a folder that old
# belongs to no running load (on any machine sharing the home), so it is removed.
STALE_AFTER_SECONDS = 24 * 3600


@contextmanager
def snapshot_folder(home: Path) -> Iterator[Path]:
    """A fresh owner-only folder under `<home>/staging`, removed on the way out."""
    parent = home / "staging"
    parent.mkdir(mode=OWNER_ONLY_FOLDER, parents=True, exist_ok=True)
    parent.chmod(OWNER_ONLY_FOLDER)
    for left in parent.glob("batch-*"):
        try:
            stale = time.time() - left.stat().st_mtime > STALE_AFTER_SECONDS
        except FileNotFoundError:  # another load's batch, done since it was listed
            continue
        if stale:
            shutil.rmtree(left, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="batch-", dir=parent))  # mkdtemp makes it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_private(path: Path) -> BinaryIO:
    """Open a new owner-only file for writing; an existing one is an error, never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    return os.fdopen(fd, "wb")
