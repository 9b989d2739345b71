"""Everything Kinerja writes is readable by its owner only.

The warehouse holds NIKs, names and birth dates; Airflow's and MLflow's stores, logs, run reports,
Data Docs and the outbox hold NIPs and scores. Files are created owner-only by the process umask
(every entry point imports `kinerja`, which sets it first), and KINERJA_HOME itself is closed to
others, which also covers files an older version left group- or world-readable inside it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `import kinerja` sets the umask and stays light: no settings, no pydantic
    from kinerja.settings import Settings

# New files 0600, new folders 0700, whichever library creates them (DuckDB, SQLite, MLflow, GX).
OWNER_ONLY_UMASK = 0o077


def restrict_new_files() -> None:
    os.umask(OWNER_ONLY_UMASK)


def private_home(settings: Settings) -> None:
    """KINERJA_HOME exists and only its owner may enter it."""
    home = settings.home_dir
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if home.stat().st_mode & 0o077:
        home.chmod(0o700)
