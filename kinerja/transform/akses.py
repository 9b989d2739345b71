"""The BI marts: the relations of the marts schema not declared `meta: {akses: terbatas}`.

On PostgreSQL dbt turns the same declaration into grants for `kinerja_bi` (macros/grants.sql); on
DuckDB, which has no roles, the BI snapshot copies exactly these. Read from the parsed manifest
through the catalog (kinerja.transform.catalog), never from a list kept by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kinerja.settings import Settings
from kinerja.transform.catalog import MARTS_SCHEMA, Relation, relations
from kinerja.transform.manifest import manifest_path, write_manifest


def bi_marts_of(manifest: Mapping[str, Any]) -> list[Relation]:
    return [
        r
        for r in relations(manifest)
        if r.schema == MARTS_SCHEMA and not r.restricted and r.materialized != "ephemeral"
    ]


def bi_marts(settings: Settings) -> list[Relation]:
    """The BI marts of the project's manifest (parsed now if no night has written it yet)."""
    path = manifest_path(settings)
    if not path.exists():
        path = write_manifest(settings)
    return bi_marts_of(json.loads(path.read_text()))
