"""Everything Kinerja writes is readable by its owner only.

The warehouse holds NIKs, names and birth dates; Airflow's and MLflow's stores, logs, run reports,
Data Docs and the outbox hold NIPs and scores. Files are created owner-only by the process umask
(every entry point imports `kinerja`, which sets it first), and KINERJA_HOME itself is closed to
others, which also covers files an older version left group- or world-readable inside it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
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


def installation_secret_file(path: Path) -> str:
    """The secret kept in `path`, created (random, owner-only) on first use; '' if the file is
    empty, which the caller refuses: a blank secret would be a secret everybody knows."""
    if not path.exists():
        _create_secret(path)
    return path.read_text(encoding="utf-8").strip()


def _create_secret(path: Path) -> None:
    """Written whole under a temporary name and linked into place: two processes starting at
    once agree on one secret, and nobody reads half a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(partial, path)
    except FileExistsError:
        pass  # another process created it first: its secret is the installation's
    finally:
        partial.unlink(missing_ok=True)
