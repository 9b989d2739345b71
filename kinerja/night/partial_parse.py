"""The night's first `dbt build` starts from the partial-parse state of the manifest's parse.

Cosmos' producer builds in a fresh copy of the project and takes dbt's partial-parse state from
its cache folder for the task group, which only a finished build fills: without this, a new
installation's first night (and `make run` on a new machine) parsed the whole project again,
right after `kinerja run` had parsed it for the manifest (~9 s on two cores).
"""

from __future__ import annotations

from pathlib import Path

from kinerja.files import copy_atomically
from kinerja.night.dag_config import DAG_ID, TRANSFORM_GROUP
from kinerja.runtime import cosmos_cache_dir
from kinerja.settings import Settings
from kinerja.transform.manifest import partial_parse_state


def producer_target_dir(settings: Settings) -> Path:
    """Where Cosmos looks for the producer's partial-parse state: its cache folder for a
    DbtTaskGroup is named '<dag id>__<group id>' (cosmos.cache._create_cache_identifier)."""
    return cosmos_cache_dir(settings) / f"{DAG_ID}__{TRANSFORM_GROUP}" / "target"


def seed_producer_state(settings: Settings) -> bool:
    """Put the installation's parse state where the producer looks, unless a build left one there
    (dbt brings that one up to date itself). True when it was placed."""
    state = partial_parse_state(settings)
    destination = producer_target_dir(settings) / state.name
    if not state.exists() or destination.exists():
        return False
    copy_atomically(state, destination)
    return True
