"""What each relation of the dbt project holds about people, read from the parsed manifest.

Per model, snapshot and Python-written table (the `publish` sources): its layer and schema,
whether it is declared restricted (`meta: {akses: terbatas}`, which macros/grants.sql turns into
readers), its documented columns, which of them identify a person directly (the contract's rule,
kinerja.contract.personal) and which are pseudonymous keys (the columns the `pseudonym_key`
macro produces), and the exposures that read it. The DPIA (kinerja.docs.dpia) is written from this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kinerja.contract.personal import DIRECT_IDENTIFIERS, declares_restricted

MARTS_SCHEMA = "marts"
DBT_LAYERS = ("staging", "intermediate", "snapshots", "marts")  # in the order data flows
PUBLISH_SOURCE = "publish"  # the tables the night's publish step writes into marts
# `{{ pseudonym_key('employees.nip') }} as pegawai_key`: the key's column is the alias.
_PSEUDONYM = re.compile(r"pseudonym_key\([^)]*\)\s*}}\s+as\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Relation:
    """One relation dbt declares, as the DPIA describes it."""

    name: str
    layer: str  # staging, intermediate, marts, snapshots
    schema: str
    materialized: str
    restricted: bool
    description: str
    columns: Mapping[str, str]  # documented column -> description
    # documented columns in marts; in the inner layers also what its SQL names
    direct_identifiers: tuple[str, ...]
    pseudonymous_keys: tuple[str, ...]
    exposures: tuple[tuple[str, str], ...]  # (name, type) of the exposures reading it
    written_by_python: bool = False

    @property
    def about_people(self) -> bool:
        return bool(self.direct_identifiers or self.pseudonymous_keys)

    @property
    def read_by_ml(self) -> bool:
        return any(kind == "ml" for _, kind in self.exposures)


def relations(manifest: Mapping[str, Any]) -> list[Relation]:
    """Every model, snapshot and publish table of the project, by layer and name."""
    exposures: dict[str, list[tuple[str, str]]] = {}
    for exposure in manifest.get("exposures", {}).values():
        for unique_id in exposure["depends_on"]["nodes"]:
            exposures.setdefault(unique_id, []).append((exposure["name"], exposure["type"]))
    nodes = [
        (unique_id, node, False)
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "snapshot")
    ] + [
        (unique_id, source, True)
        for unique_id, source in manifest["sources"].items()
        if source["source_name"] == PUBLISH_SOURCE
    ]
    keys = frozenset(
        k for _, node, _ in nodes for k in _PSEUDONYM.findall(node.get("raw_code") or "")
    )
    found = [
        _relation(node, exposures.get(unique_id, []), keys, written_by_python=python)
        for unique_id, node, python in nodes
    ]
    return sorted(found, key=lambda r: (r.layer, r.name))


def pseudonymous_keys(manifest: Mapping[str, Any]) -> frozenset[str]:
    """The columns the `pseudonym_key` macro produces anywhere in the project."""
    return frozenset(k for r in relations(manifest) for k in r.pseudonymous_keys)


def _named(names: frozenset[str], columns: Mapping[str, str], code: str) -> tuple[str, ...]:
    """The names among `names` that the relation documents as columns or, when `code` is given,
    its SQL names."""
    return tuple(
        sorted(n for n in names if n in columns or (code and re.search(rf"\b{n}\b", code)))
    )


def _relation(
    node: Mapping[str, Any],
    exposures: list[tuple[str, str]],
    keys: frozenset[str],
    written_by_python: bool = False,
) -> Relation:
    config = node.get("config") or {}
    meta = config.get("meta") or {}  # where macros/grants.sql reads it
    columns = {
        name: " ".join((column.get("description") or "").split())
        for name, column in node["columns"].items()
    }
    code = node.get("raw_code") or ""
    # Every column in the marts schema is documented (a test of the docs catalog holds them to
    # it), so there the documented columns are what it holds; the inner layers document few, so
    # what their SQL names counts too (a NIP used in a join is still read).
    named_in = "" if node["schema"] == MARTS_SCHEMA else code
    if node["resource_type"] == "model":
        layer = node["fqn"][1]  # models/<layer>/...
    elif node["resource_type"] == "snapshot":
        layer = "snapshots"
    else:
        layer = node["schema"]
    return Relation(
        name=node["name"],
        layer=layer,
        schema=node["schema"],
        materialized="table (Python)" if written_by_python else str(config.get("materialized")),
        restricted=declares_restricted(meta),
        description=" ".join((node.get("description") or "").split()),
        columns=columns,
        direct_identifiers=_named(DIRECT_IDENTIFIERS, columns, named_in),
        pseudonymous_keys=_named(keys, columns, named_in),
        exposures=tuple(sorted(exposures)),
        written_by_python=written_by_python,
    )
