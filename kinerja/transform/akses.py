"""Who may read each relation of the marts schema, as the dbt project declares it.

A mart, or a table Python writes into the marts schema (declared as a source of `publish`), is
restricted when its yml says `meta: {akses: terbatas}`; every other relation of the schema is a
BI mart. On PostgreSQL dbt turns the same declaration into grants (dbt_project/macros/grants.sql);
on DuckDB, which has no roles, the BI snapshot copies exactly the BI marts named here. The list
comes from the manifest, never from a list kept by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kinerja.settings import Settings
from kinerja.transform.manifest import manifest_path, write_manifest

MARTS_SCHEMA = "marts"
RESTRICTED = "terbatas"


@dataclass(frozen=True)
class MartRelation:
    name: str  # the relation's name in the marts schema (its alias or identifier)
    unique_id: str  # model.kinerja.<name> or source.kinerja.publish.<name>
    restricted: bool

    @property
    def built_by_dbt(self) -> bool:
        """A model exists after every successful build; a publish table once the night scored."""
        return self.unique_id.startswith("model.")


def _akses(node: dict[str, Any]) -> str | None:
    # dbt keeps a yml's `config: meta:` in both places; older declarations only at the top.
    return {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}.get("akses")


def mart_relations(manifest: dict[str, Any]) -> list[MartRelation]:
    """Every table of the marts schema the project knows of, in name order."""
    found = [
        MartRelation(node.get("alias") or node["name"], unique_id, _akses(node) == RESTRICTED)
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["schema"] == MARTS_SCHEMA
        and node["config"].get("materialized") != "ephemeral"
    ] + [
        MartRelation(node.get("identifier") or node["name"], unique_id, _akses(node) == RESTRICTED)
        for unique_id, node in manifest["sources"].items()
        if node["schema"] == MARTS_SCHEMA
    ]
    return sorted(found, key=lambda r: r.name)


def bi_marts(settings: Settings) -> list[MartRelation]:
    """The marts BI may read: those not declared restricted, from the project's manifest (parsed
    now if no night has written it yet)."""
    path = manifest_path(settings)
    if not path.exists():
        path = write_manifest(settings)
    return [r for r in mart_relations(json.loads(path.read_text())) if not r.restricted]
