"""The night's `dbt build` starts from a partial-parse state of the project it builds, never an
older one.

Cosmos' producer builds in a fresh copy of the project and takes dbt's partial-parse state from
its cache folder for the task group, where each finished build leaves its own. Two things are
put right there before a night: a new installation has no state yet, so its first night parsed
the whole project again right after `kinerja run` had parsed it for the manifest (~9 s on two
cores); and after an upgrade of the project the state is the old project's, from which dbt's
partial parsing can drop YAML-defined snapshots (dbt-core #15785; see kinerja.transform.manifest).
Both get the state of the manifest's full parse of the project as it is now.
"""

from __future__ import annotations

from pathlib import Path

from kinerja.files import copy_atomically
from kinerja.night.dag_config import DAG_ID, TRANSFORM_GROUP
from kinerja.runtime import cosmos_cache_dir
from kinerja.settings import Settings
from kinerja.transform.manifest import (
    PARTIAL_PARSE_FILE,
    cached_partial_parse_state,
)

# Beside the state: the digest of the project it belongs to (the cached state's name).
PROJECT_STAMP = "kinerja_project_digest"


def producer_target_dir(settings: Settings) -> Path:
    """Where Cosmos looks for the producer's partial-parse state: its cache folder for a
    DbtTaskGroup is named '<dag id>__<group id>' (cosmos.cache._create_cache_identifier)."""
    return cosmos_cache_dir(settings) / f"{DAG_ID}__{TRANSFORM_GROUP}" / "target"


def seed_producer_state(settings: Settings) -> bool:
    """Give the producer the state of the project as it is now, unless the state there already
    is (a build of this project left it). True when it was replaced."""
    folder = producer_target_dir(settings)
    state = cached_partial_parse_state(settings)
    stamp, digest = folder / PROJECT_STAMP, state.stem
    if stamp.exists() and stamp.read_text() == digest:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    if state.exists():
        copy_atomically(state, folder / PARTIAL_PARSE_FILE)
    else:  # the producer then parses in full
        (folder / PARTIAL_PARSE_FILE).unlink(missing_ok=True)
    stamp.write_text(digest)
    return True


if __name__ == "__main__":
    from kinerja.settings import get_settings

    settings = get_settings()
    placed = seed_producer_state(settings)
    print(f"{'placed' if placed else 'kept'} {producer_target_dir(settings)}")
