"""The dbt manifest Cosmos renders the DAG from.

Parsing the dbt project belongs to deployment, not to every DAG parse: `kinerja run` (and the
production image's init step) writes the manifest once; the scheduler only reads it. A parse
costs several seconds, so manifests are cached by a digest of everything that shapes them (the
project files, the dbt version, the target and the variables dbt reads); an unchanged project
is never parsed twice.

The parse is always a full one: dbt's partial parsing can drop or keep stale YAML-defined
snapshots when files upstream of them change (dbt-core #15785, #11444), as an upgrade of the
project does (seen here: a manifest without `snp_simpeg__pegawai`). Its partial-parse state is
cached beside the manifest (`cached_partial_parse_state`): a dbt run that starts from it skips
parsing the unchanged project (~9 s on two cores), or, where its connection differs from the
parse's (another installation's warehouse), parses in full, as without it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib.metadata import version
from pathlib import Path

from kinerja.files import copy_atomically
from kinerja.project import DBT_PROJECT_DIR
from kinerja.runtime import dbt_log_dir, run_tool, tool_environment
from kinerja.settings import Settings
from kinerja.transform.invoke import DBT_EXECUTABLE, DBT_PROFILE

PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def manifest_path(settings: Settings) -> Path:
    return settings.dbt_target_dir / "manifest.json"


# Variables that differ between installations without changing the parsed graph.
_LOCATION_VARIABLES = (
    "KINERJA_HOME",
    "KINERJA_DUCKDB_PATH",
    "KINERJA_DUCKDB_TEMP_DIR",
    "AIRFLOW_HOME",
    "DBT_LOG_PATH",
)


def manifest_digest(settings: Settings) -> str:
    digest = hashlib.sha256(version("dbt-core").encode())
    for path in sorted(p for p in DBT_PROJECT_DIR.rglob("*") if p.is_file()):
        relative = path.relative_to(DBT_PROJECT_DIR)
        if relative.parts[0] in ("target", "logs", "dbt_packages"):
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    for key, value in sorted(tool_environment(settings).items()):
        if key.startswith(("KINERJA_", "DBT_")) and key not in _LOCATION_VARIABLES:
            digest.update(f"{key}={value}\0".encode())
    return digest.hexdigest()


def _cached(settings: Settings) -> tuple[Path, Path]:
    """The cached manifest of this project and settings, and the partial-parse state beside it."""
    manifest = settings.cache_dir / "dbt_manifests" / f"{manifest_digest(settings)}.json"
    return manifest, manifest.with_suffix(".msgpack")


def cached_partial_parse_state(settings: Settings) -> Path:
    """Where dbt's partial-parse state of this project's parse (`write_manifest`) is cached, named
    by the project's digest; the file exists once the project was parsed."""
    _, state = _cached(settings)
    return state


def write_manifest(settings: Settings) -> Path:
    """The manifest under KINERJA_HOME, from the cache or from `dbt parse`.

    Raises with dbt's own message when the project is broken.
    """
    target = manifest_path(settings)
    cached, cached_state = _cached(settings)
    if cached.exists() and cached_state.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        return target
    _parse(settings)
    copy_atomically(target.parent / PARTIAL_PARSE_FILE, cached_state)
    copy_atomically(target, cached)  # last: a cached manifest means both are there
    return target


def _parse(settings: Settings) -> None:
    env = {**os.environ, **tool_environment(settings)}
    run_tool(
        [
            str(DBT_EXECUTABLE),
            "parse",
            "--no-partial-parse",
            "--no-use-colors",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profile",
            DBT_PROFILE,
            "--target",
            settings.target,
            # Its own target and log paths: Cosmos gives every task a private copy of the project,
            # and a shared partial-parse state would point tasks at each other's copies.
            "--target-path",
            str(settings.dbt_target_dir),
            "--log-path",
            str(dbt_log_dir(settings)),
        ],
        env,
        "dbt parse failed",
    )


if __name__ == "__main__":
    from kinerja.settings import get_settings

    print(f"wrote {write_manifest(get_settings())}")
